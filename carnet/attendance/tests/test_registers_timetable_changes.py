"""When the timetable changes a session that has a register: cancelling it removes the absences
and lateness its register made; restoring it brings them back; moving it keeps them at the new time."""

from __future__ import annotations

import datetime as dt

import pytest

from carnet.attendance.models import Absence, Lateness
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import lesson, take
from carnet.timetable.services.changes import cancel_session, move_session, restore_session

frozen, maths_a = h.frozen, h.maths_a
pytestmark = pytest.mark.usefixtures("frozen")


def test_cancelling_then_restoring_a_session_follows_its_register(world, maths_a):
    session = lesson(maths_a, start="08:00")
    take(world.teacher_maths, session, {world.alice: "absent", world.bruno: ("late", 10)})
    assert Absence.objects.filter(student=world.alice).count() == 1
    assert Lateness.objects.filter(student=world.bruno).count() == 1

    session.refresh_from_db()
    cancel_session(actor=world.head, session=session, expected_version=session.version, message="Professeur absent")
    assert not Absence.objects.filter(student=world.alice).exists()
    assert not Lateness.objects.filter(student=world.bruno).exists()

    session.refresh_from_db()
    restore_session(actor=world.head, session=session, expected_version=session.version)
    assert Absence.objects.filter(student=world.alice).count() == 1
    assert Lateness.objects.filter(student=world.bruno).count() == 1


def test_moving_a_session_moves_its_absence(world, maths_a):
    session = lesson(maths_a, start="08:00")
    take(world.teacher_maths, session, {world.alice: "absent"})
    session.refresh_from_db()
    move_session(actor=world.head, session=session, expected_version=session.version, held_on=session.held_on,
                 start_time=dt.time(8, 30), end_time=dt.time(9, 30))
    absence = Absence.objects.get(student=world.alice)
    assert absence.starts_at.astimezone(h.NOW.tzinfo).time() < dt.time(9, 0)
    assert absence.starts_at.minute == 30
