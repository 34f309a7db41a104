"""Counts of absences and lateness for many students at once, between two school days, in a constant
number of queries (one per table, grouped by student). Read straight from the attendance models:
an absence belongs to the day it starts on and a lateness to the day it happened, both read in the
establishment's time zone; the bounds are inclusive days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum

from carnet.attendance.models import Absence, Lateness, Regularisation
from carnet.discipline.models import Measure
from carnet.notifications.quiet import zone


def day_bounds(time_zone: str, since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of `since`, start of the day after `until`) as aware moments of `time_zone`."""
    tz = zone(time_zone)
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


@dataclass
class AttendanceCounts:
    absences: int = 0
    half_days: int = 0
    justified: int = 0
    unjustified: int = 0
    to_justify: int = 0
    lateness: int = 0
    lateness_justified: int = 0
    lateness_minutes: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def lateness_not_justified(self) -> int:
        return self.lateness - self.lateness_justified


def attendance_counts(
    students: Iterable[int] | QuerySet, *, establishment, since: dt.date, until: dt.date
) -> dict[int, AttendanceCounts]:
    """student id -> counts between `since` and `until` (inclusive) in `establishment`. Two queries.
    Students without any absence or lateness are absent from the result (use `.get(id) or
    AttendanceCounts()`)."""
    start, end = day_bounds(establishment.time_zone, since, until)
    ids = students if isinstance(students, QuerySet) else list(students)
    result: dict[int, AttendanceCounts] = {}
    rows = (
        Absence.objects.filter(
            establishment=establishment, student_id__in=ids, starts_at__gte=start, starts_at__lt=end
        )
        .values("student_id", "state")
        .annotate(episodes=Count("id"), half_days=Sum("half_days"))
        .order_by()
    )
    for row in rows:
        counts = result.setdefault(row["student_id"], AttendanceCounts())
        half_days = row["half_days"] or 0
        counts.absences += row["episodes"]
        counts.half_days += half_days
        if row["state"] == Regularisation.JUSTIFIED:
            counts.justified += half_days
        elif row["state"] == Regularisation.UNJUSTIFIED:
            counts.unjustified += half_days
        else:
            counts.to_justify += half_days
    late_rows = (
        Lateness.objects.filter(
            establishment=establishment, student_id__in=ids, occurred_at__gte=start, occurred_at__lt=end
        )
        .values("student_id", "state")
        .annotate(count=Count("id"), minutes=Sum("minutes"))
        .order_by()
    )
    for late in late_rows:
        counts = result.setdefault(late["student_id"], AttendanceCounts())
        counts.lateness += late["count"]
        counts.lateness_minutes += late["minutes"] or 0
        if late["state"] == Regularisation.JUSTIFIED:
            counts.lateness_justified += late["count"]
    return result


def measures_between(
    students: Iterable[int] | QuerySet, *, establishment, since: dt.date, until: dt.date
) -> QuerySet:
    """The measures decided between the two days (inclusive), cancelled ones left out, with their
    type; oldest first."""
    ids = students if isinstance(students, QuerySet) else list(students)
    return (
        Measure.objects.filter(
            establishment=establishment, student_id__in=ids, decided_on__gte=since, decided_on__lte=until
        )
        .exclude(status=Measure.Status.CANCELLED)
        .select_related("measure_type")
        .order_by("decided_on", "id")
    )
