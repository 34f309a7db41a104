"""Absence figures for other apps (report cards, the class council, the school-life record), and
the explanation of how an absence is counted, in words.

Counts:
- `half_days`: every half-day of absence; `justified`, `unjustified` and `to_justify` split it by
  regularisation state; `not_justified` = unjustified + to justify (what report cards and the
  council call "non justifiées": an absence nobody justified is not justified);
- `lateness` and `lateness_minutes`; `absences`: the number of absence episodes.

An absence or lateness belongs to the local day (establishment's time zone) on which it starts.

- `student_summary(student, *, since, until)`: two queries;
- `period_summary(student, period)`: the same over a period, or None where the establishment does
  not use attendance (nothing recorded during the period): report cards then omit the section;
- `class_period_counts(school_class, period)`: every student of the class, two queries;
- `establishment_period_counts(period)`: every student of the establishment with figures, two queries;
- `report_card_absences` and `council_absence_counts`: the providers plugged into reportcards and
  grades (`carnet/reportcards/apps.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carnet.attendance.models import Absence, Lateness, Register, Regularisation
from carnet.attendance.services.settings import days_range
from carnet.school.models import Enrollment

EMPTY = {
    "half_days": 0,
    "justified": 0,
    "unjustified": 0,
    "to_justify": 0,
    "not_justified": 0,
    "lateness": 0,
    "lateness_minutes": 0,
    "absences": 0,
}

_ABSENCE_AGGREGATES = {
    "half_days_total": Sum("half_days"),
    "justified_total": Sum("half_days", filter=Q(state=Regularisation.JUSTIFIED)),
    "unjustified_total": Sum("half_days", filter=Q(state=Regularisation.UNJUSTIFIED)),
    "to_justify_total": Sum("half_days", filter=Q(state=Regularisation.TO_JUSTIFY)),
    "episodes": Count("id"),
}


def _counts(absence_row: Mapping[str, Any] | None, lateness_row: Mapping[str, Any] | None) -> dict[str, int]:
    result = dict(EMPTY)
    if absence_row:
        result["half_days"] = absence_row.get("half_days_total") or 0
        result["justified"] = absence_row.get("justified_total") or 0
        result["unjustified"] = absence_row.get("unjustified_total") or 0
        result["to_justify"] = absence_row.get("to_justify_total") or 0
        result["absences"] = absence_row.get("episodes") or 0
    result["not_justified"] = result["unjustified"] + result["to_justify"]
    if lateness_row:
        result["lateness"] = lateness_row.get("lateness_count") or 0
        result["lateness_minutes"] = lateness_row.get("lateness_minutes") or 0
    return result


def _window(establishment, since: dt.date | None, until: dt.date | None, field: str) -> Q:
    """A filter on the moment `field` for the local days since..until (either may be open)."""
    conditions = Q()
    if since is not None:
        conditions &= Q(**{f"{field}__gte": days_range(establishment, since, since)[0]})
    if until is not None:
        conditions &= Q(**{f"{field}__lt": days_range(establishment, until, until)[1]})
    return conditions


def student_summary(
    student,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    establishment=None,
) -> dict[str, int]:
    """A student's counts between two local days (inclusive; open-ended when None), in one
    establishment or, by default, in the one of their latest enrollment. Two queries."""
    if establishment is None:
        enrollment = (
            Enrollment.objects.filter(student=student)
            .select_related("establishment")
            .order_by("-starts_on", "-id")
            .first()
        )
        if enrollment is None:
            return dict(EMPTY)
        establishment = enrollment.establishment
    absence_row = Absence.objects.filter(
        _window(establishment, since, until, "starts_at"), establishment=establishment, student=student
    ).aggregate(**_ABSENCE_AGGREGATES)
    lateness_row = Lateness.objects.filter(
        _window(establishment, since, until, "occurred_at"), establishment=establishment, student=student
    ).aggregate(lateness_count=Count("id"), lateness_minutes=Sum("minutes"))
    return _counts(absence_row, lateness_row)


def attendance_in_use(establishment, since: dt.date, until: dt.date) -> bool:
    """Whether anything was recorded in the establishment between two local days: a register
    taken, an absence or a lateness."""
    start, end = days_range(establishment, since, until)
    return (
        Register.objects.filter(
            establishment=establishment, session__held_on__gte=since, session__held_on__lte=until
        ).exists()
        or Absence.objects.filter(
            establishment=establishment, starts_at__gte=start, starts_at__lt=end
        ).exists()
        or Lateness.objects.filter(
            establishment=establishment, occurred_at__gte=start, occurred_at__lt=end
        ).exists()
    )


def period_summary(student, period) -> dict[str, int] | None:
    """The counts of `student` over `period` in the period's establishment; None when nothing
    about attendance was recorded there during the period."""
    establishment = period.establishment
    counts = student_summary(
        student, since=period.starts_on, until=period.ends_on, establishment=establishment
    )
    if not (counts["half_days"] or counts["lateness"]) and not attendance_in_use(
        establishment, period.starts_on, period.ends_on
    ):
        return None
    return counts


def class_period_counts(school_class, period) -> dict[int, dict[str, int]]:
    """Student id -> counts over `period`, for every student enrolled in the class during the
    period (zeros included). Three queries (enrollments, absences, lateness)."""
    establishment = school_class.establishment
    enrolled = Enrollment.objects.filter(school_class=school_class, starts_on__lte=period.ends_on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=period.starts_on)
    )
    ids = list(enrolled.values_list("student_id", flat=True).distinct())
    if not ids:
        return {}
    start, end = days_range(establishment, period.starts_on, period.ends_on)
    absence_rows = {
        row["student_id"]: row
        for row in Absence.objects.filter(
            establishment=establishment, student_id__in=ids, starts_at__gte=start, starts_at__lt=end
        )
        .values("student_id")
        .annotate(**_ABSENCE_AGGREGATES)
        .order_by()
    }
    lateness_rows = {
        row["student_id"]: row
        for row in Lateness.objects.filter(
            establishment=establishment, student_id__in=ids, occurred_at__gte=start, occurred_at__lt=end
        )
        .values("student_id")
        .annotate(lateness_count=Count("id"), lateness_minutes=Sum("minutes"))
        .order_by()
    }
    return {
        student_id: _counts(absence_rows.get(student_id), lateness_rows.get(student_id)) for student_id in ids
    }


# --- providers for other apps -------------------------------------------------------------------
def establishment_period_counts(period) -> dict[int, dict[str, int]] | None:
    """Student id -> counts over `period` for every student with an absence or a lateness in the
    period's establishment (two queries), or None where attendance is not used during the period."""
    establishment = period.establishment
    start, end = days_range(establishment, period.starts_on, period.ends_on)
    absence_rows = {
        row["student_id"]: row
        for row in Absence.objects.filter(
            establishment=establishment, starts_at__gte=start, starts_at__lt=end
        )
        .values("student_id")
        .annotate(**_ABSENCE_AGGREGATES)
        .order_by()
    }
    lateness_rows = {
        row["student_id"]: row
        for row in Lateness.objects.filter(
            establishment=establishment, occurred_at__gte=start, occurred_at__lt=end
        )
        .values("student_id")
        .annotate(lateness_count=Count("id"), lateness_minutes=Sum("minutes"))
        .order_by()
    }
    if (
        not absence_rows
        and not lateness_rows
        and not attendance_in_use(establishment, period.starts_on, period.ends_on)
    ):
        return None
    return {
        student_id: _counts(absence_rows.get(student_id), lateness_rows.get(student_id))
        for student_id in absence_rows.keys() | lateness_rows.keys()
    }


#: The attribute under which `report_card_absences` keeps a period's figures on the Period object
#: it is given: report cards call the provider once per student with the same Period instance, so
#: a batch reads its establishment's figures once, and a later request (a new instance) reads anew.
_PERIOD_CACHE = "_attendance_period_counts"


def report_card_absences(student, period) -> dict[str, str] | None:
    """The report card's absences section: {"Demi-journées d'absence": "4", "dont non justifiées":
    "1", "Retards": "2"}, or None where attendance is not used. Two or three queries for a whole
    batch that shares the Period instance, none for each further student."""
    if not hasattr(period, _PERIOD_CACHE):
        setattr(period, _PERIOD_CACHE, establishment_period_counts(period))
    figures = getattr(period, _PERIOD_CACHE)
    if figures is None:
        return None
    counts = figures.get(student.pk, EMPTY)
    return {
        _("Demi-journées d'absence"): str(counts["half_days"]),
        _("dont non justifiées"): str(counts["not_justified"]),
        _("Retards"): str(counts["lateness"]),
    }


def council_text(counts: dict[str, int]) -> str:
    """ "4 (1 NJ)": half-days of absence, of which not justified; "0" without absence."""
    if not counts["half_days"]:
        return "0"
    if counts["not_justified"]:
        return _("%(total)s (%(unjustified)s NJ)") % {
            "total": counts["half_days"],
            "unjustified": counts["not_justified"],
        }
    return str(counts["half_days"])


def council_absence_counts(school_class, period) -> dict[int, str]:
    """The council grid's absences column: student id -> "4 (1 NJ)"; empty where attendance is not
    used during the period (the column then shows dashes)."""
    counts = class_period_counts(school_class, period)
    if not any(c["half_days"] or c["lateness"] for c in counts.values()) and not attendance_in_use(
        school_class.establishment, period.starts_on, period.ends_on
    ):
        return {}
    return {student_id: council_text(c) for student_id, c in counts.items()}


# --- how an absence is counted, in words --------------------------------------------------------
def half_day_parts(
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    afternoon: dt.time,
    zone,
    counts_day=None,
) -> list[tuple[dt.date, bool]]:
    """The (day, is_afternoon) half-days that [starts_at, ends_at) touches by `counting.halves`, in
    order (the morning runs until `afternoon`)."""
    from carnet.attendance.counting import AFTERNOON, halves

    covered = halves([(starts_at, ends_at)], afternoon, zone, counts_day=counts_day)
    return sorted((day, half == AFTERNOON) for day, half in covered)


def explain_half_days(absence, afternoon: dt.time, zone, counts_day=None) -> str:
    """ "lundi 9 novembre matin et lundi 9 novembre après-midi = 2 demi-journées" when the half-days
    the absence touches (every day, or only the days `counts_day` keeps) add up to its count;
    otherwise the count alone: "comptée 3 demi-journées"."""
    count = absence.half_days
    total = ngettext("%(count)s demi-journée", "%(count)s demi-journées", count) % {"count": count}
    parts = half_day_parts(absence.starts_at, absence.ends_at, afternoon, zone)
    if len(parts) != count and counts_day is not None:
        parts = half_day_parts(absence.starts_at, absence.ends_at, afternoon, zone, counts_day)
    if len(parts) != count or not parts or len(parts) > 6:
        return _("comptée %(total)s") % {"total": total}
    names = []
    for day, is_afternoon in parts:
        day_name = formats.date_format(day, "l j F")
        names.append(
            _("%(day)s après-midi") % {"day": day_name}
            if is_afternoon
            else _("%(day)s matin") % {"day": day_name}
        )
    if len(names) == 1:
        joined = names[0]
    else:
        joined = _("%(list)s et %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}
    return _("%(parts)s = %(total)s") % {"parts": joined, "total": total}


def explain_rule(afternoon: dt.time) -> str:
    return _(
        "Une absence se compte en demi-journées : le matin jusqu'à %(time)s, l'après-midi ensuite. Un ou "
        "plusieurs cours manqués le même matin font une demi-journée ; manquer le matin et l'après-midi "
        "fait deux demi-journées. Un retard ne compte pas comme une absence."
    ) % {"time": afternoon.strftime("%H:%M").replace(":", "h")}
