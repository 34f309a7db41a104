"""Reminders of registers not taken: the teacher of each session of today whose register is due
and not taken is told once (in-app, push; never SMS), never twice for the same session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from carnet.attendance.models import AttendanceSettings
from carnet.attendance.services.reminders import NOTIFICATION_KIND, remind_missing_registers
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import NOW, YESTERDAY, lesson, take
from carnet.notifications import kinds, periodic
from carnet.notifications.models import Delivery, Notification

frozen, maths_a, maths_b, french_b = h.frozen, h.maths_a, h.maths_b, h.french_b


def reminders(user=None):
    rows = Notification.objects.filter(kind=NOTIFICATION_KIND)
    return rows.filter(recipient=user) if user else rows


def test_the_kind_and_the_job_are_declared():
    kind = kinds.get(NOTIFICATION_KIND)
    assert not kind.sms_allowed and "sms" not in kind.channels
    assert kind.default_mode("push") == "immediate" and kind.default_mode("in_app") == "immediate"
    assert kind.default_mode("email") == "never"
    assert "attendance.remind_missing_registers" in {job.name for job in periodic.jobs()}


def test_a_teacher_is_reminded_once_per_session(world, frozen, maths_a, maths_b, french_b):
    due = lesson(maths_a, start="08:00")  # due at 08:20
    soon = lesson(maths_b, start="09:50")  # due at 10:10
    taken = lesson(maths_b, start="09:00")
    take(world.teacher_maths, taken, {})
    lesson(maths_a, start="09:00", status="cancelled")
    lesson(maths_a, on=YESTERDAY, start="15:00")
    french = lesson(french_b, start="08:00")
    assert remind_missing_registers() == 2
    mine = reminders(world.teacher_maths).get()
    assert mine.data == {"session": str(due.public_id)}
    assert mine.url == reverse("attendance:register", args=[due.public_id])
    assert mine.title == "Appel non fait : 2nde A · Mathématiques · 30/11 08:00"
    assert reminders(world.teacher_french).get().data == {"session": str(french.public_id)}
    assert not Delivery.objects.filter(notification__kind=NOTIFICATION_KIND, channel="sms").exists()
    # nothing twice
    assert remind_missing_registers() == 0
    # ten minutes later the 09:50 session is due
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    assert remind_missing_registers() == 1
    assert {n.data["session"] for n in reminders(world.teacher_maths)} == {
        str(due.public_id),
        str(soon.public_id),
    }
    assert remind_missing_registers() == 0


def test_the_establishment_sets_the_delay(world, frozen, maths_a):
    AttendanceSettings.objects.create(establishment=world.lycee, register_reminder_minutes=90)
    lesson(maths_a, start="08:45", end="10:45")  # due at 10:15
    assert remind_missing_registers() == 0
    frozen.move_to(NOW + dt.timedelta(minutes=20))
    assert remind_missing_registers() == 1


def test_a_short_session_is_due_at_its_end(world, frozen, maths_a):
    AttendanceSettings.objects.create(establishment=world.lycee, register_reminder_minutes=120)
    lesson(maths_a, start="09:00", end="09:30")
    assert remind_missing_registers() == 1


def test_the_replacement_teacher_is_the_one_reminded(world, frozen, maths_a):
    lesson(maths_a, start="08:00", teacher=world.teacher_french)
    assert remind_missing_registers() == 1
    assert reminders(world.teacher_french).count() == 1 and not reminders(world.teacher_maths).exists()


def test_a_register_taken_after_the_reminder_is_not_reminded_again(world, frozen, maths_a):
    s = lesson(maths_a, start="08:00")
    assert remind_missing_registers() == 1
    take(world.teacher_maths, s, {})
    frozen.move_to(NOW + dt.timedelta(hours=1))
    assert remind_missing_registers() == 0
    assert reminders().count() == 1


@pytest.mark.usefixtures("frozen")
def test_nothing_to_remind(world):
    assert remind_missing_registers() == 0
