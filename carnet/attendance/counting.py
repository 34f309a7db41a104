"""Counting absences in half-days (demi-journées), the unit schools report in.

A day has two halves in the establishment's time zone: the morning, from midnight to
`AttendanceSettings.afternoon_starts_at`, and the afternoon, from then to the next midnight. An
absence covers a half when it overlaps it for a positive duration (an absence that ends exactly at
12:30 does not touch an afternoon starting at 12:30). The count is the number of distinct
(day, half) pairs the intervals cover together: two absences in the same morning count once.

Pure functions, no database: the registers' episodes (`services/episodes.py`) and the absences that
staff enter or guardians declare use the same rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

Interval = tuple[dt.datetime, dt.datetime]

MORNING = 0
AFTERNOON = 1


def _zone(tz) -> dt.tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def halves(
    intervals: Iterable[Interval],
    afternoon_starts_at: dt.time,
    tz,
    *,
    counts_day: Callable[[dt.date], bool] | None = None,
) -> set[tuple[dt.date, int]]:
    """The (local day, MORNING|AFTERNOON) halves the intervals cover.

    Preconditions: each interval is a pair of aware datetimes (start, end); an interval whose end is
    not after its start covers nothing. `tz` is a tzinfo or a zone name ("Europe/Paris").
    `counts_day(day)`, when given, leaves out the days it refuses (weekends, holidays)."""
    zone = _zone(tz)
    covered: set[tuple[dt.date, int]] = set()
    for start, end in intervals:
        if end <= start:
            continue
        local_start = start.astimezone(zone)
        local_end = end.astimezone(zone)
        day = local_start.date()
        last_day = local_end.date()
        while day <= last_day:
            if counts_day is None or counts_day(day):
                midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
                noon = dt.datetime.combine(day, afternoon_starts_at, tzinfo=zone)
                next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
                if local_start < noon and local_end > midnight:
                    covered.add((day, MORNING))
                if local_start < next_midnight and local_end > noon:
                    covered.add((day, AFTERNOON))
            day += dt.timedelta(days=1)
    return covered


def half_days(
    intervals: Iterable[Interval],
    afternoon_starts_at: dt.time,
    tz,
    *,
    counts_day: Callable[[dt.date], bool] | None = None,
) -> int:
    """How many half-days the intervals cover together (see the module docstring). Order does not
    matter, a day counts at most 2, and merging touching intervals changes nothing."""
    return len(halves(intervals, afternoon_starts_at, tz, counts_day=counts_day))
