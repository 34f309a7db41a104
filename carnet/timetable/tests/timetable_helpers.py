"""Helpers of the timetable tests (T1): a small weekly timetable for the test world, moments in
Paris, and a reader of iCalendar text."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from carnet.school.models import CalendarEvent, TeachingAssignment
from carnet.testing import timetable as tt
from carnet.timetable.calendar import generate_sessions
from carnet.timetable.models import Session

PARIS = ZoneInfo("Europe/Paris")
#: A Monday of the school year 2026-2027 (ISO week 49: odd, so week A by default).
MONDAY = dt.date(2026, 11, 30)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, zone=PARIS) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


def maths_a(world) -> TeachingAssignment:
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


def maths_b(world) -> TeachingAssignment:
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)


def french_b(world) -> TeachingAssignment:
    return TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_b)


def small_timetable(world, *, generate: bool = True, today: dt.date | None = None) -> dict:
    """Monday: maths 2nde A 08–09 (B12), maths 2nde B 09–10 (B12), French 2nde B 08–09 (B14);
    Thursday: French 2nde B 14:00–15:30 (B14). Sessions of the whole year when `generate`."""
    b12 = tt.room(world.lycee, "B12")
    b14 = tt.room(world.lycee, "B14")
    slots = {
        "maths_a": tt.slot(maths_a(world), weekday=0, start="08:00", end="09:00", room=b12),
        "maths_b": tt.slot(maths_b(world), weekday=0, start="09:00", end="10:00", room=b12),
        "french_b": tt.slot(french_b(world), weekday=0, start="08:00", end="09:00", room=b14),
        "french_thu": tt.slot(french_b(world), weekday=3, start="14:00", end="15:30", room=b14),
    }
    if generate:
        generate_sessions(
            establishment=world.lycee, school_year=world.year, today=today or world.year.starts_on
        )
    return {"b12": b12, "b14": b14, **slots}


def session_on(slot, day: dt.date) -> Session:
    return Session.objects.get(slot=slot, original_on=day)


def holiday(
    world, name: str, first: dt.date, last: dt.date, kind: str = CalendarEvent.Kind.HOLIDAY
) -> CalendarEvent:
    return CalendarEvent.objects.create(
        establishment=world.lycee, school_year=world.year, kind=kind, name=name, starts_on=first, ends_on=last
    )


def parse_ics(text: str) -> list[dict[str, str]]:
    """The components of an iCalendar text as dicts (property name -> value, unescaped), after
    unfolding; checks every line ends with CRLF and no line passes 75 octets."""
    assert text.endswith("\r\n")
    raw_lines = text.split("\r\n")[:-1]
    for line in raw_lines:
        assert len(line.encode()) <= 75, line
        assert "\n" not in line and "\r" not in line
    lines: list[str] = []
    for line in raw_lines:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    components: list[dict[str, str]] = []
    stack: list[dict[str, str]] = []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append({"BEGIN": value})
            continue
        if name == "END":
            components.append(stack.pop())
            continue
        value = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
        stack[-1][name.split(";")[0]] = value
    assert not stack
    return components
