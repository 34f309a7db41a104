"""Test helpers of the registers part: a frozen Monday morning, the maths assignment of 2nde A,
lessons of the day, more students, a group, and `take()` to save a register quickly.

Import the fixtures a module needs: `from carnet.attendance.tests.registers_helpers import frozen, maths_a`."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from carnet.attendance.services.registers import save_register
from carnet.school.models import TeachingAssignment, TeachingGroup
from carnet.testing.factories import UserFactory, enroll
from carnet.testing.timetable import session

#: Monday 30 November 2026, 10:00 in Paris.
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 30)
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


@pytest.fixture
def maths_b(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)


@pytest.fixture
def french_b(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_b)


def lesson(assignment, on: dt.date = TODAY, start: str = "08:00", end: str | None = None, **kwargs):
    """A session of `assignment` on `on`, one hour from `start` unless `end` is given."""
    if end is None:
        hour, minute = (int(part) for part in start.split(":"))
        end = f"{hour + 1:02d}:{minute:02d}"
    return session(assignment, on, start=start, end=end, **kwargs)


def take(actor, lesson_, entries: dict | None = None, version: int | None = None):
    """Save a register: `entries` maps a student to "absent" or ("late", minutes)."""
    cleaned = {
        student: (value if isinstance(value, tuple) else (value, None))
        for student, value in (entries or {}).items()
    }
    return save_register(actor=actor, session=lesson_, entries=cleaned, version=version)


def more_students(school_class, count: int, prefix: str = "Eleve") -> list:
    students = []
    for n in range(count):
        student = UserFactory(
            first_name=f"{prefix}{n:02d}",
            last_name=f"Nom{prefix}{n:02d}",
            username=f"{prefix.lower()}{n:02d}.{school_class.pk}",
        )
        enroll(student, school_class)
        students.append(student)
    return students


def group_assignment(world, students, *, name: str = "Latin", teacher=None):
    """A group of the year with `students`, taught French by `teacher` (teacher_french by default)."""
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name=name)
    group.classes.add(world.seconde_a, world.seconde_b)
    group.students.add(*students)
    return TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=teacher or world.teacher_french,
        group=group,
        subject=world.french,
    )
