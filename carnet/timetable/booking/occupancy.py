"""What occupies a resource day by day over a short range (a day, a week, a month for the API),
with the free gaps between, by the same rules as `conflicts.find_conflicts`. A constant number of
queries (seven at most once the establishment's settings exist) whatever the range and the number of slots, sessions and bookings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from carnet.school.models import CalendarEvent, SchoolYear
from carnet.timetable.booking import conflicts
from carnet.timetable.booking.conflicts import (
    BOOKING,
    CLOSING_EVENTS,
    LESSON_RELATIONS,
    SESSION,
    SLOT,
    booking_description,
    closure_description,
    lesson_description,
    person_label,
)
from carnet.timetable.models import Booking, Resource, Session, Slot, WeekPattern

#: The span of a school day shown when nothing occupies the resource earlier or later.
DAY_START = dt.time(8, 0)
DAY_END = dt.time(18, 0)
#: Shorter gaps are not offered as free slots.
MIN_FREE_MINUTES = 15
#: The longest range one call reads.
MAX_DAYS = 62


@dataclass
class Entry:
    kind: str  # conflicts.SLOT, SESSION or BOOKING
    start: dt.time
    end: dt.time
    title: str
    meta: str
    description: str
    booking: Booking | None = None

    @property
    def is_pending(self) -> bool:
        return self.booking is not None and self.booking.status == Booking.Status.PENDING


@dataclass(frozen=True)
class Free:
    start: dt.time
    end: dt.time
    kind: str = "free"


@dataclass
class Day:
    on: dt.date
    in_year: bool = True
    closures: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    free: list[tuple[dt.time, dt.time]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.in_year and not self.closures

    @property
    def timeline(self) -> list[Entry | Free]:
        """The entries and the free gaps, in time order."""
        items: list[Entry | Free] = [*self.entries, *(Free(a, b) for a, b in self.free)]
        return sorted(items, key=lambda item: (item.start, item.end))


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def free_gaps(
    entries: list[Entry], *, day_start: dt.time = DAY_START, day_end: dt.time = DAY_END
) -> list[tuple[dt.time, dt.time]]:
    """The free intervals of the school day between the entries (which may overlap), of at least
    `MIN_FREE_MINUTES`."""
    gaps = []
    cursor = _minutes(day_start)
    end_of_day = _minutes(day_end)
    for entry in sorted(entries, key=lambda e: e.start):
        start, end = _minutes(entry.start), _minutes(entry.end)
        if start - cursor >= MIN_FREE_MINUTES and cursor < end_of_day:
            gaps.append((_time(cursor), _time(min(start, end_of_day))))
        cursor = max(cursor, end)
    if end_of_day - cursor >= MIN_FREE_MINUTES:
        gaps.append((_time(cursor), _time(end_of_day)))
    return [(a, b) for a, b in gaps if _minutes(b) - _minutes(a) >= MIN_FREE_MINUTES]


def _lesson_entry(kind: str, assignment, teacher, start: dt.time, end: dt.time) -> Entry:
    audience = assignment.school_class or assignment.group
    return Entry(
        kind=kind,
        start=start,
        end=end,
        title=_("%(subject)s — %(audience)s")
        % {"subject": assignment.subject.name, "audience": audience.name if audience else ""},
        meta=_("Cours, %(teacher)s") % {"teacher": person_label(teacher)},
        description=lesson_description(assignment, teacher, start, end),
    )


def _booking_entry(booking: Booking) -> Entry:
    return Entry(
        kind=BOOKING,
        start=booking.start_time,
        end=booking.end_time,
        title=booking.purpose,
        meta=_("Réservé par %(person)s") % {"person": person_label(booking.booked_by)},
        description=booking_description(booking),
        booking=booking,
    )


def occupancy(resource: Resource, first: dt.date, last: dt.date) -> list[Day]:
    """One `Day` per date from `first` to `last` (at most `MAX_DAYS`), each with its entries in
    time order and its free gaps (none on a closed day or outside the school year)."""
    if last < first:
        first, last = last, first
    if (last - first).days >= MAX_DAYS:
        last = first + dt.timedelta(days=MAX_DAYS - 1)
    establishment_id = resource.establishment_id
    years = list(
        SchoolYear.objects.filter(
            establishment_id=establishment_id, starts_on__lte=last, ends_on__gte=first
        ).only("id", "starts_on", "ends_on")
    )
    closures = list(
        CalendarEvent.objects.filter(
            establishment_id=establishment_id,
            kind__in=CLOSING_EVENTS,
            starts_on__lte=last,
            ends_on__gte=first,
        ).order_by("starts_on")
    )
    slots: list[Slot] = []
    generated: set[tuple[int, dt.date | None]] = set()
    if years:
        slots = list(
            Slot.objects.filter(
                establishment_id=establishment_id, room=resource, school_year__in=[y.pk for y in years]
            )
            .filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=last),
                Q(valid_until__isnull=True) | Q(valid_until__gte=first),
            )
            .select_related(*LESSON_RELATIONS, "assignment__teacher")
        )
    if slots:
        generated = set(
            Session.objects.filter(
                slot_id__in=[s.pk for s in slots], original_on__gte=first, original_on__lte=last
            ).values_list("slot_id", "original_on")
        )
    sessions = list(
        Session.objects.filter(
            establishment_id=establishment_id,
            room=resource,
            held_on__gte=first,
            held_on__lte=last,
            status=Session.Status.SCHEDULED,
        ).select_related(*LESSON_RELATIONS, "teacher")
    )
    bookings = list(
        Booking.objects.filter(
            establishment_id=establishment_id,
            resource=resource,
            booked_on__gte=first,
            booked_on__lte=last,
            status__in=Booking.HOLDING,
        ).select_related("booked_by")
    )
    settings = None
    if any(s.week_pattern != WeekPattern.EVERY for s in slots):
        settings = conflicts.settings_for(establishment_id)

    days = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        current = Day(on=day)
        year = next((y for y in years if y.starts_on <= day <= y.ends_on), None)
        current.in_year = year is not None
        current.closures = [closure_description(e) for e in closures if e.starts_on <= day <= e.ends_on]
        if current.is_open:
            week = settings.week_of(day) if settings else None
            for s in slots:
                if (
                    s.school_year_id == year.pk  # type: ignore[union-attr]
                    and s.weekday == day.weekday()
                    and (s.valid_from is None or s.valid_from <= day)
                    and (s.valid_until is None or s.valid_until >= day)
                    and s.week_pattern in (WeekPattern.EVERY, week)
                    and (s.pk, day) not in generated
                ):
                    current.entries.append(
                        _lesson_entry(SLOT, s.assignment, s.assignment.teacher, s.start_time, s.end_time)
                    )
            current.entries += [
                _lesson_entry(SESSION, s.assignment, s.teacher, s.start_time, s.end_time)
                for s in sessions
                if s.held_on == day
            ]
            current.entries += [_booking_entry(b) for b in bookings if b.booked_on == day]
            current.entries.sort(key=lambda e: (e.start, e.end))
            day_start = min([DAY_START, *(e.start for e in current.entries)])
            day_end = max([DAY_END, *(e.end for e in current.entries)])
            current.free = free_gaps(current.entries, day_start=day_start, day_end=day_end)
        days.append(current)
    return days
