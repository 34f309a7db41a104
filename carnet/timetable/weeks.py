"""Small pure helpers about days, weeks and times of day (no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from carnet.timetable.models import Weekday, WeekPattern


def zone_of(establishment) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(establishment, "time_zone", "") or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_today(establishment=None, now: dt.datetime | None = None) -> dt.date:
    """Today in the establishment's time zone (the server's when none is given)."""
    now = now or timezone.now()
    if establishment is None:
        return timezone.localdate(now)
    return now.astimezone(zone_of(establishment)).date()


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def days_between(start: dt.date, end: dt.date):
    """Every day from `start` to `end` included."""
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def patterns_overlap(a: str, b: str) -> bool:
    """Two week patterns meet on at least one week: "every" meets everything, A and B never meet."""
    return a == WeekPattern.EVERY or b == WeekPattern.EVERY or a == b


def compatible_patterns(pattern: str) -> list[str]:
    """The patterns a slot of `pattern` may clash with."""
    if pattern == WeekPattern.EVERY:
        return [p.value for p in WeekPattern]
    return [WeekPattern.EVERY.value, pattern]


def times_overlap(start_a: dt.time, end_a: dt.time, start_b: dt.time, end_b: dt.time) -> bool:
    """Half-open intervals: 08:00–09:00 and 09:00–10:00 do not overlap."""
    return start_a < end_b and start_b < end_a


def hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def weekday_label(weekday: int) -> str:
    return str(Weekday(weekday).label).lower()


def day_label(day: dt.date) -> str:
    """ "lundi 30 novembre" in the active language."""
    return date_format(day, "l j F")


def short_day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
