"""Test helpers for the timetable: a weekly slot of an assignment and dated sessions."""

from __future__ import annotations

import datetime as dt

from carnet.school.models import TeachingAssignment
from carnet.timetable.models import Resource, Session, Slot


def room(establishment, name: str = "B12", **kwargs) -> Resource:
    return Resource.objects.create(establishment=establishment, kind=Resource.Kind.ROOM, name=name, **kwargs)


def slot(assignment: TeachingAssignment, *, weekday: int = 0, start: str = "08:00", end: str = "09:00",
         room: Resource | None = None, week_pattern: str = "every") -> Slot:
    return Slot.objects.create(
        establishment=assignment.establishment,
        school_year=assignment.school_year,
        assignment=assignment,
        weekday=weekday,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
        room=room,
        week_pattern=week_pattern,
    )


def session(assignment: TeachingAssignment, on: dt.date, *, start: str = "08:00", end: str = "09:00",
            room: Resource | None = None, slot: Slot | None = None, teacher=None, status: str = "scheduled") -> Session:
    """A session of `assignment` on day `on` (a generated one when `slot` is given)."""
    return Session.objects.create(
        establishment=assignment.establishment,
        school_year=assignment.school_year,
        assignment=assignment,
        slot=slot,
        original_on=on if slot else None,
        held_on=on,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
        room=room,
        teacher=teacher or assignment.teacher,
        status=status,
        is_extra=slot is None,
    )
