"""Alert thresholds and the watch list ("Élèves à suivre").

`evaluate(establishment)` runs the establishment's active `AlertRule`s and opens a `WatchEntry`
with the reason in words for each student over a threshold; it never opens a second entry while
one is open for the same student and rule. What counts:

- "unjustified half-days": the half-days of the absences not justified (to justify or unjustified)
  that started within the last `window_days` days, today included;
- "consecutive days": the longest run of days with an absence not justified, within the window; a
  day without school (weekend, holidays and closed days of the calendar) does not break a run;
- "lateness": the lateness not justified within the window.

Once staff take a student off the list for a rule (`clear_entry`), only absences and lateness
that happen after that moment count again for that student and rule: clearing is not undone by
the next evaluation.

It runs as a periodic job (`evaluate_all`) and, for one student, after the commit of a change
that concerns them (`evaluate_later`). Audit action: "attendance.watch_cleared"."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import ngettext

from carnet.attendance import policies
from carnet.attendance.models import Absence, AlertRule, Lateness, Regularisation, WatchEntry
from carnet.attendance.services.settings import closed_days, days_range, rules_of, zone_of
from carnet.audit.services import record
from carnet.core.errors import NotFound
from carnet.school.models import Establishment

log = logging.getLogger("carnet.attendance")

NOT_JUSTIFIED = (Regularisation.TO_JUSTIFY, Regularisation.UNJUSTIFIED)
#: How far back the periodic job looks for establishments with something to evaluate.
ACTIVITY_DAYS = 62


def local_today(establishment) -> dt.date:
    return timezone.localtime(timezone.now(), zone_of(establishment)).date()


def _covered_days(starts_at: dt.datetime, ends_at: dt.datetime, zone) -> list[dt.date]:
    first = timezone.localtime(starts_at, zone)
    last = timezone.localtime(ends_at, zone)
    end_day = last.date()
    if last.time() == dt.time(0, 0) and end_day > first.date():
        end_day -= dt.timedelta(days=1)  # ends at midnight: the next day is not touched
    days = []
    day = first.date()
    while day <= end_day:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def longest_run(
    absent_days: set[dt.date], closed: set[dt.date]
) -> tuple[int, dt.date | None, dt.date | None]:
    """The longest run of absent days where the days between two of them are all without school
    (weekend or closed). Returns (length, first day, last day)."""
    best: tuple[int, dt.date | None, dt.date | None] = (0, None, None)
    ordered = sorted(absent_days)
    run_start = None
    previous = None
    length = 0
    for day in ordered:
        if previous is not None and _only_days_off_between(previous, day, closed):
            length += 1
        else:
            run_start, length = day, 1
        previous = day
        if length > best[0]:
            best = (length, run_start, day)
    return best


def _only_days_off_between(previous: dt.date, day: dt.date, closed: set[dt.date]) -> bool:
    gap = previous + dt.timedelta(days=1)
    while gap < day:
        if gap.weekday() < 5 and gap not in closed:
            return False
        gap += dt.timedelta(days=1)
    return True


def _reason(rule: AlertRule, count: int, first: dt.date | None = None, last: dt.date | None = None) -> str:
    if rule.kind == AlertRule.Kind.UNJUSTIFIED_HALF_DAYS:
        text = ngettext(
            "%(count)s demi-journée non justifiée en %(days)s jours (seuil %(threshold)s)",
            "%(count)s demi-journées non justifiées en %(days)s jours (seuil %(threshold)s)",
            count,
        )
        return text % {"count": count, "days": rule.window_days, "threshold": rule.threshold}
    if rule.kind == AlertRule.Kind.LATENESS:
        text = ngettext(
            "%(count)s retard en %(days)s jours (seuil %(threshold)s)",
            "%(count)s retards en %(days)s jours (seuil %(threshold)s)",
            count,
        )
        return text % {"count": count, "days": rule.window_days, "threshold": rule.threshold}
    text = ngettext(
        "%(count)s jour d'absence non justifiée, le %(first)s (seuil %(threshold)s)",
        "%(count)s jours consécutifs d'absence non justifiée, du %(first)s au %(last)s (seuil %(threshold)s)",
        count,
    )
    return text % {
        "count": count,
        "threshold": rule.threshold,
        "first": first.strftime("%d/%m/%Y") if first else "",
        "last": last.strftime("%d/%m/%Y") if last else "",
    }


def evaluate(
    establishment, *, today: dt.date | None = None, student_ids: Iterable[int] | None = None
) -> list[WatchEntry]:
    """Run the active rules of `establishment` (for every student, or only `student_ids`) and open
    the watch entries that are due. Returns the entries opened. Five queries plus one per entry
    opened, whatever the number of students."""
    rules = rules_of(establishment, active_only=True)
    if not rules:
        return []
    zone = zone_of(establishment)
    today = today or local_today(establishment)
    ids = list(student_ids) if student_ids is not None else None
    first_day = today - dt.timedelta(days=max(rule.window_days for rule in rules) - 1)
    start, end = days_range(establishment, first_day, today)

    entries = WatchEntry.objects.filter(establishment=establishment, rule__in=rules)
    absences = Absence.objects.filter(
        establishment=establishment, state__in=NOT_JUSTIFIED, starts_at__gte=start, starts_at__lt=end
    )
    latenesses = Lateness.objects.filter(
        establishment=establishment, state__in=NOT_JUSTIFIED, occurred_at__gte=start, occurred_at__lt=end
    )
    if ids is not None:
        entries = entries.filter(student_id__in=ids)
        absences = absences.filter(student_id__in=ids)
        latenesses = latenesses.filter(student_id__in=ids)
    open_pairs = set(entries.filter(cleared_at__isnull=True).values_list("student_id", "rule_id"))
    cleared = {
        (row["student_id"], row["rule_id"]): row["last"]
        for row in entries.filter(cleared_at__isnull=False)
        .values("student_id", "rule_id")
        .annotate(last=Max("cleared_at"))
    }
    absence_rows: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    for student_id, starts_at, ends_at, half_days in absences.values_list(
        "student_id", "starts_at", "ends_at", "half_days"
    ):
        absence_rows[student_id].append((starts_at, ends_at, half_days))
    lateness_rows: dict[int, list[dt.datetime]] = defaultdict(list)
    for student_id, occurred_at in latenesses.values_list("student_id", "occurred_at"):
        lateness_rows[student_id].append(occurred_at)
    closed: set[dt.date] | None = None

    due: list[tuple[AlertRule, int, str]] = []
    for rule in rules:
        window_start = days_range(establishment, today - dt.timedelta(days=rule.window_days - 1), today)[0]

        def since(student_id: int, rule=rule, window_start=window_start) -> dt.datetime:
            return max(window_start, cleared.get((student_id, rule.pk)) or window_start)

        if rule.kind == AlertRule.Kind.LATENESS:
            for student_id, moments in lateness_rows.items():
                if (student_id, rule.pk) in open_pairs:
                    continue
                count = sum(1 for moment in moments if moment >= since(student_id))
                if count >= rule.threshold:
                    due.append((rule, student_id, _reason(rule, count)))
            continue
        for student_id, rows in absence_rows.items():
            if (student_id, rule.pk) in open_pairs:
                continue
            start_from = since(student_id)
            if rule.kind == AlertRule.Kind.UNJUSTIFIED_HALF_DAYS:
                count = sum(half for starts_at, _end, half in rows if starts_at >= start_from)
                if count >= rule.threshold:
                    due.append((rule, student_id, _reason(rule, count)))
                continue
            days: set[dt.date] = set()
            for starts_at, ends_at, _half in rows:
                if starts_at >= start_from:
                    days.update(_covered_days(starts_at, ends_at, zone))
            if len(days) < rule.threshold:
                continue
            if closed is None:
                closed = closed_days(establishment, first_day, today)
            length, first, last = longest_run(days, closed)
            if length >= rule.threshold:
                due.append((rule, student_id, _reason(rule, length, first, last)))

    opened: list[WatchEntry] = []
    now = timezone.now()
    for rule, student_id, reason in due:
        try:
            with transaction.atomic():
                opened.append(
                    WatchEntry.objects.create(
                        establishment=establishment,
                        student_id=student_id,
                        rule=rule,
                        reason=reason[:300],
                        raised_at=now,
                    )
                )
        except IntegrityError:  # opened meanwhile by a concurrent evaluation
            continue
    if opened:
        from carnet.attendance import notifying

        transaction.on_commit(lambda: notifying.notify_watch_entries(establishment, opened), robust=True)
    return opened


def evaluate_all(*, today: dt.date | None = None) -> int:
    """The periodic job: evaluate every establishment with recent absences or lateness. Returns the
    number of entries opened."""
    since = timezone.now() - dt.timedelta(days=ACTIVITY_DAYS)
    recent_absence = Absence.objects.filter(establishment_id=OuterRef("pk"), starts_at__gte=since)
    recent_lateness = Lateness.objects.filter(establishment_id=OuterRef("pk"), occurred_at__gte=since)
    total = 0
    for establishment in Establishment.objects.filter(Exists(recent_absence) | Exists(recent_lateness)):
        total += len(evaluate(establishment, today=today))
    return total


def evaluate_later(establishment_id: int, student_ids: Iterable[int]) -> None:
    """After the commit, evaluate the rules for these students only (cheap); a failure is logged,
    never raised into the request that made the change."""
    ids = list(student_ids)

    def run() -> None:
        establishment = Establishment.objects.filter(pk=establishment_id).first()
        if establishment is not None:
            evaluate(establishment, student_ids=ids)

    transaction.on_commit(run, robust=True)


def clear_entry(*, actor, entry: WatchEntry) -> WatchEntry:
    """Take the student off the watch list for this rule (who and when are kept). Clearing an
    entry already cleared changes nothing."""
    if not policies.watch_entries_visible_to(actor).filter(pk=entry.pk).exists():
        raise NotFound()
    with transaction.atomic():
        current = WatchEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        if current.cleared_at is not None:
            return current
        current.cleared_at = timezone.now()
        current.cleared_by = actor
        current.save(update_fields=["cleared_at", "cleared_by"])
        record(
            actor=actor,
            action="attendance.watch_cleared",
            obj=current,
            establishment=current.establishment,
            changes={"cleared_at": (None, current.cleared_at.isoformat())},
            object_repr=f"{current.student} — {current.reason}"[:200],
        )
    return current
