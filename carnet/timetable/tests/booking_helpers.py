"""Fixtures and helpers of the booking tests: a frozen "now" (Monday 30 November 2026, 07:00 in
Paris, an odd ISO week: week A with the default settings), the room B12 with a Monday lesson, and
a head of the other establishment (an outsider who manages resources there)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from carnet.school.models import CalendarEvent, StaffFunction, TeachingAssignment
from carnet.testing import timetable as tt
from carnet.testing.factories import UserFactory, give_function
from carnet.timetable.models import Booking, Resource

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 30, 7, 0, tzinfo=PARIS)
MONDAY = dt.date(2026, 11, 30)  # ISO week 49: week A
TUESDAY = dt.date(2026, 12, 1)
NEXT_MONDAY = dt.date(2026, 12, 7)  # ISO week 50: week B
CHRISTMAS_MONDAY = dt.date(2026, 12, 21)


def t(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def people(world):
    """Civilities for the descriptions: M. Maths, Mme Français, Mme Vie-Scolaire, Mme Proviseur."""
    for user, sex in (
        (world.teacher_maths, "M"),
        (world.teacher_french, "F"),
        (world.cpe, "F"),
        (world.head, "F"),
    ):
        user.sex = sex
        user.save(update_fields=["sex"])
    return world


@pytest.fixture
def maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


@pytest.fixture
def french_b(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_b)


@pytest.fixture
def b12(world):
    return tt.room(world.lycee, "B12", capacity=30)


@pytest.fixture
def lesson(maths_a, b12):
    """Maths in 2nde A, every Monday 10:00–11:00 in B12."""
    return tt.slot(maths_a, weekday=0, start="10:00", end="11:00", room=b12)


@pytest.fixture
def outsider_head(world):
    head = UserFactory(first_name="Oscar", last_name="Directeur", username="oscar.directeur")
    give_function(head, world.ceg, StaffFunction.Kind.HEAD)
    return head


@pytest.fixture
def ceg_room(world):
    return tt.room(world.ceg, "Salle 1")


def christmas(world) -> CalendarEvent:
    return CalendarEvent.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        kind=CalendarEvent.Kind.HOLIDAY,
        name="Vacances de Noël",
        starts_on=dt.date(2026, 12, 19),
        ends_on=dt.date(2027, 1, 3),
    )


def booking(
    resource: Resource,
    by,
    on: dt.date,
    start: str,
    end: str,
    purpose: str = "Réunion",
    status: str = Booking.Status.APPROVED,
) -> Booking:
    return Booking.objects.create(
        establishment=resource.establishment,
        resource=resource,
        booked_by=by,
        booked_on=on,
        start_time=t(start),
        end_time=t(end),
        purpose=purpose,
        status=status,
    )
