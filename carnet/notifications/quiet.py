"""Quiet hours and the digest hour: when a person may be disturbed, pure and without the database.

Quiet hours are wall-clock times in the establishment's time zone. A window whose start is after
its end crosses midnight (20:00–07:00); equal start and end mean no nightly quiet hours. With
`weekends`, Saturday and Sunday are quiet all day, so a Friday-evening notification waits for
Monday's digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

DEFAULT_QUIET_START = dt.time(20, 0)
DEFAULT_QUIET_END = dt.time(7, 0)
DEFAULT_DIGEST_HOUR = dt.time(7, 0)

# Enough to leave any weekend plus a night; more means a window that never opens.
_MAX_JUMPS = 16
_DIGEST_LOOKAHEAD_DAYS = 10


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class QuietHours:
    start: dt.time = DEFAULT_QUIET_START
    end: dt.time = DEFAULT_QUIET_END
    weekends: bool = True

    def _nightly(self, clock: dt.time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def is_quiet_local(self, local: dt.datetime) -> bool:
        if self.weekends and local.weekday() >= 5:
            return True
        return self._nightly(local.time().replace(tzinfo=None))

    def next_open_local(self, local: dt.datetime) -> dt.datetime:
        """The first local moment at or after `local` that is not quiet."""
        tz = local.tzinfo
        for _ in range(_MAX_JUMPS):
            if not self.is_quiet_local(local):
                return local
            if self.weekends and local.weekday() >= 5:
                monday = local.date() + dt.timedelta(days=7 - local.weekday())
                local = dt.datetime.combine(monday, dt.time(0, 0), tzinfo=tz)
                continue
            clock = local.time().replace(tzinfo=None)
            day = local.date() + dt.timedelta(days=1) if self.start > self.end and clock >= self.start else local.date()
            local = dt.datetime.combine(day, self.end, tzinfo=tz)
        return local


@dataclass(frozen=True)
class Schedule:
    """When one person may be reached: quiet hours and digest hour in one time zone."""

    time_zone: str
    quiet: QuietHours = QuietHours()
    digest_hour: dt.time = DEFAULT_DIGEST_HOUR
    urgent_allowed: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.time_zone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)

    def is_quiet(self, moment: dt.datetime) -> bool:
        return self.quiet.is_quiet_local(self.local(moment))

    def may_push(self, moment: dt.datetime, *, urgent: bool = False) -> bool:
        """Whether something may be pushed now: outside quiet hours, or urgent where the
        establishment lets urgent kinds through."""
        return not self.is_quiet(moment) or (urgent and self.urgent_allowed)

    def next_open(self, moment: dt.datetime) -> dt.datetime:
        """The end of the quiet hours `moment` falls in (`moment` itself when not quiet), in UTC."""
        return self.quiet.next_open_local(self.local(moment)).astimezone(dt.UTC)

    def next_digest(self, moment: dt.datetime) -> dt.datetime:
        """The next digest at or after `moment`: the digest hour of the first day on which it
        falls outside quiet hours, or the end of the quiet hours that same day when a person's
        own quiet hours end after the digest hour. Returned in UTC."""
        tz = self.tz
        local = moment.astimezone(tz)
        for offset in range(_DIGEST_LOOKAHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            candidate = dt.datetime.combine(day, self.digest_hour, tzinfo=tz)
            if candidate < local:
                continue
            opened = self.quiet.next_open_local(candidate)
            if opened.date() == day:
                return opened.astimezone(dt.UTC)
        return self.quiet.next_open_local(local).astimezone(dt.UTC)
