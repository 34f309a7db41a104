"""The content snapshot of a report card: every value the PDF and the web view print, as plain JSON
(numbers as strings with two decimals, dates ISO), so that a published version can be redrawn and
its digest recomputed years later whatever the code or the data became.

One class at a time: `class_contents` reads the class's results once (`period_results`, audience
"staff") plus a fixed handful of queries (appraisals, conduct marks, main teacher, periods of the
year, and the annual results at the last period), whatever the number of students.
`build_content` is the same for one student.

Shape (schema 1):
    country, title ("Bulletin du 1er trimestre"), year,
    establishment {name, code, city, country, country_name},
    period {name, number, kind, is_last_of_year},
    class {name, level, series, size, main_teacher},
    student {last_name, first_name, national_id, national_id_label, birth_date, birth_place, sex, repeating "O"|"N"},
    subjects [{key, name, short_name, teacher, coefficient, is_bonus, average, class_average, minimum,
               maximum, interrogation_mean, devoir_1, devoir_2, weighted, rank, appraisal, note}],
    totals {coefficients, weighted}, conduct, general {average, rank, ranks_enabled, class_mean,
    highest, lowest, note}, absences [[label, value]] | None, appraisals {main_teacher, council,
    mention, decision}, annual {average, decision, periods [[name, average]]} | None,
    radar {axes, student, class}.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from carnet.core.errors import ValidationFailed
from carnet.grades.computation import CONDUCT, annual_results, period_results, student_class
from carnet.grades.models import Appraisal, ConductMark
from carnet.reportcards import hooks
from carnet.school.models import Period, TeachingAssignment

SCHEMA = 1
CENT = Decimal("0.01")


def dec(value) -> str | None:
    """Decimal -> "12.50" (two decimals, half-up); None stays None."""
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def period_title(period) -> str:
    ordinal = _("1er") if period.number == 1 else _("%(number)se") % {"number": period.number}
    if period.kind == Period.Kind.SEMESTER:
        return _("Bulletin du %(ordinal)s semestre") % {"ordinal": ordinal}
    return _("Bulletin du %(ordinal)s trimestre") % {"ordinal": ordinal}


def _absences(student, period) -> list[list[str]] | None:
    for provider in hooks.absence_summary_providers:
        answer = provider(student, period)
        if answer:
            return [[str(label), str(value)] for label, value in answer.items()]
    return None


class _ClassFacts:
    """What every card of the class shares, read once."""

    def __init__(self, results, annual=None):
        school_class = results.school_class
        period = results.period
        establishment = results.establishment
        self.results = results
        self.period = period
        student_ids = [s.id for s in results.students]
        self.appraisals: dict[tuple[int, str], Appraisal] = {}
        subject_keys = {info.subject.id: info.key for info in results.subjects if info.subject is not None}
        for appraisal in Appraisal.objects.filter(period=period, student_id__in=student_ids):
            if appraisal.kind == Appraisal.Kind.SUBJECT:
                key = subject_keys.get(appraisal.subject_id)
                if key:
                    self.appraisals[(appraisal.student_id, key)] = appraisal
            else:
                self.appraisals[(appraisal.student_id, appraisal.kind)] = appraisal
        self.conduct = dict(
            ConductMark.objects.filter(period=period, student_id__in=student_ids).values_list("student_id", "value")
        )
        main = (
            TeachingAssignment.objects.filter(school_class=school_class, is_main_teacher=True)
            .select_related("teacher")
            .order_by("id")
            .first()
        )
        self.main_teacher = main.teacher.full_name if main else ""
        last_number = max(Period.objects.filter(school_year_id=period.school_year_id).values_list("number", flat=True), default=period.number)
        self.is_last = period.number >= last_number
        self.annual = annual
        if self.is_last and annual is None:
            self.annual = annual_results(school_class=school_class, school_year=period.school_year, audience="staff")
        self.head = {
            "schema": SCHEMA,
            "country": establishment.country,
            "title": period_title(period),
            "year": period.school_year.name,
            "establishment": {
                "name": establishment.name,
                "code": establishment.code,
                "city": establishment.city,
                "country": establishment.country,
                "country_name": str(establishment.get_country_display()),
            },
            "period": {"name": period.name, "number": period.number, "kind": period.kind, "is_last_of_year": self.is_last},
            "class": {
                "name": school_class.name,
                "level": school_class.level.name if school_class.level_id else "",
                "series": school_class.series.name if school_class.series_id else "",
                "size": results.class_size,
                "main_teacher": self.main_teacher,
            },
        }
        self.national_id_label = establishment.national_id_label

    def content(self, info) -> dict:
        results = self.results
        sid = info.id
        user = info.user
        lines = []
        total_coefficients = Decimal(0)
        total_weighted = Decimal(0)
        radar_axes, radar_student, radar_class = [], [], []
        for subject in results.subjects:
            result = results.subject_result(sid, subject.key, explain=False)
            if result is None:
                continue
            stats = results.subject_stats(subject.key)
            value = result.value
            devoirs = list(result.devoirs)
            weighted = None
            if value is not None:
                if subject.is_bonus:
                    weighted = max(Decimal(0), value - 10) * subject.coefficient
                else:
                    weighted = value * subject.coefficient
                    total_coefficients += subject.coefficient
                total_weighted += Decimal(dec(weighted) or 0)
            appraisal = self.appraisals.get((sid, subject.key))
            teacher = "" if subject.key == CONDUCT else ", ".join(subject.teacher_names)
            lines.append(
                {
                    "key": subject.key,
                    "name": str(subject.name),
                    "short_name": str(subject.short_name),
                    "teacher": teacher,
                    "coefficient": dec(subject.coefficient),
                    "is_bonus": bool(subject.is_bonus),
                    "average": dec(value),
                    "class_average": dec(stats.mean),
                    "minimum": dec(stats.minimum),
                    "maximum": dec(stats.maximum),
                    "interrogation_mean": dec(result.interrogation_mean),
                    "devoir_1": dec(devoirs[0]) if len(devoirs) > 0 else None,
                    "devoir_2": dec(devoirs[1]) if len(devoirs) > 1 else None,
                    "weighted": dec(weighted),
                    "rank": results.subject_rank(sid, subject.key) if value is not None else None,
                    "appraisal": appraisal.text if appraisal else "",
                    "note": result.blocked_reason or "",
                }
            )
            if subject.key != CONDUCT and value is not None:
                radar_axes.append(str(subject.short_name or subject.name))
                radar_student.append(dec(value))
                radar_class.append(dec(stats.mean))
        general = results.general(sid, explain=False)
        stats = results.general_stats
        conduct = self.conduct.get(sid)
        main_appraisal = self.appraisals.get((sid, Appraisal.Kind.MAIN_TEACHER))
        council = self.appraisals.get((sid, Appraisal.Kind.COUNCIL))
        annual = None
        if self.is_last and self.annual is not None:
            annual = {
                "average": dec(self.annual.average(sid)),
                "decision": self.annual.decision(sid) or "",
                "periods": [[period.name, dec(value)] for period, value in self.annual.per_period(sid)],
            }
        content: dict[str, Any] = dict(self.head)
        content.update(
            {
                "student": {
                    "last_name": user.last_name.upper(),
                    "first_name": user.first_name,
                    "national_id": info.national_id,
                    "national_id_label": self.national_id_label,
                    "birth_date": info.birth_date.isoformat() if info.birth_date else None,
                    "birth_place": info.birth_place or "",
                    "sex": user.sex or "",
                    "repeating": "O" if info.is_repeating else "N",
                },
                "subjects": lines,
                "totals": (
                    {"coefficients": dec(total_coefficients), "weighted": dec(total_weighted)}
                    if total_coefficients
                    else {"coefficients": None, "weighted": None}
                ),
                "conduct": dec(conduct),
                "general": {
                    "average": dec(general.value),
                    "rank": results.rank(sid) if general.value is not None else None,
                    "ranks_enabled": bool(results.rules.ranks),
                    "class_mean": dec(stats.mean),
                    "highest": dec(stats.maximum),
                    "lowest": dec(stats.minimum),
                    "note": general.blocked_reason or "",
                },
                "absences": _absences(user, self.period),
                "appraisals": {
                    "main_teacher": main_appraisal.text if main_appraisal else "",
                    "council": council.text if council else "",
                    "mention": council.mention if council else "",
                    "decision": council.decision if council else "",
                },
                "annual": annual,
                "radar": {"axes": radar_axes, "student": radar_student, "class": radar_class},
            }
        )
        return content


def class_contents(*, school_class, period, results=None, annual=None, students=None) -> dict[int, dict]:
    """Student id -> content for the class's students (all of them, or those of `students`).

    `results`: the class's `period_results(audience="staff")` when the caller already has it."""
    if results is None:
        results = period_results(school_class=school_class, period=period, audience="staff")
    facts = _ClassFacts(results, annual)
    wanted = None if students is None else {s.pk for s in students}
    return {info.id: facts.content(info) for info in results.students if wanted is None or info.id in wanted}


def build_content(*, student, period, results=None, annual=None) -> dict:
    """The content of `student`'s report card for `period` (their class of that period)."""
    if results is None:
        school_class = student_class(student, period)
        if school_class is None:
            raise ValidationFailed(_("Cet élève n'est inscrit dans aucune classe cette année-là."))
        results = period_results(school_class=school_class, period=period, audience="staff")
    contents = class_contents(school_class=results.school_class, period=period, results=results, annual=annual, students=[student])
    if student.pk not in contents:
        raise ValidationFailed(_("Cet élève n'est pas dans la classe pour cette période."))
    return contents[student.pk]
