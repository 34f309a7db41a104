"""Same-day notification of guardians: once, a few minutes after the register (corrections win),
only for today's absences and lateness, only when the establishment wants it, SMS for a guardian
who keeps SMS on (the memory SMS backend), held during quiet hours by the notifications core, and
nothing for an absence the family already declared."""

from __future__ import annotations

import datetime as dt

import pytest

from carnet.attendance import notifying
from carnet.attendance.models import Absence, AbsenceDeclaration
from carnet.attendance.services import settings as attendance_settings
from carnet.attendance.tests.absences_helpers import NOW, TODAY, absence, at, lateness, reason
from carnet.core import sms
from carnet.notifications import periodic
from carnet.notifications.models import Delivery, EstablishmentNotificationSettings, Notification
from carnet.notifications.services import set_preferences

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms(world):
    sms.outbox.clear()
    EstablishmentNotificationSettings.objects.create(establishment=world.lycee, sms_monthly_budget=50)
    world.chloe.sex = "F"
    world.chloe.save(update_fields=["sex"])
    yield
    sms.outbox.clear()


def run(when: dt.datetime, time_machine, capture) -> int:
    time_machine.move_to(when, tick=False)
    with capture(execute=True):
        return notifying.notify_same_day()


def test_guardians_are_told_once_after_the_delay_with_an_sms(
    world, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    set_preferences(actor=world.chloe_father, modes={(notifying.ABSENCE_KIND, "sms"): "never"})
    row = absence(world.chloe, world.lycee, TODAY, "08:00", "10:00", notified=False)

    assert run(NOW + dt.timedelta(minutes=2), time_machine, django_capture_on_commit_callbacks) == 0
    row.refresh_from_db()
    assert row.guardians_notified_at is None  # a correction may still come

    assert run(NOW + dt.timedelta(minutes=6), time_machine, django_capture_on_commit_callbacks) == 1
    row.refresh_from_db()
    assert row.guardians_notified_at == NOW + dt.timedelta(minutes=6)
    told = Notification.objects.filter(kind="attendance.absence")
    assert {n.recipient for n in told} == {world.alice_mother, world.chloe_father}
    first = told.get(recipient=world.alice_mother)
    assert first.title == "Chloé absente ce matin"
    assert first.url == f"/absences/?child={world.chloe.public_id}"
    assert [(m["to"], m["text"]) for m in sms.outbox] == [
        (world.alice_mother.phone, "Carnet : Chloé absente ce matin (8h-10h). Merci de justifier."),
    ]
    assert Delivery.objects.get(recipient=world.alice_mother, channel="sms").status == Delivery.Status.SENT
    assert not Delivery.objects.filter(recipient=world.chloe_father, channel="sms").exists()

    assert run(NOW + dt.timedelta(minutes=20), time_machine, django_capture_on_commit_callbacks) == 0
    assert Notification.objects.filter(kind="attendance.absence").count() == 2 and len(sms.outbox) == 1


def test_the_periodic_job_is_registered_and_runs(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    absence(world.alice, world.lycee, TODAY, "08:00", "09:00", notified=False)
    time_machine.move_to(NOW + dt.timedelta(minutes=10), tick=False)
    names = [job.name for job in periodic.jobs()]
    assert "attendance.notify_same_day" in names and "attendance.evaluate_alerts" in names
    with django_capture_on_commit_callbacks(execute=True):
        results = periodic.run_due(force=True)
    assert results["attendance.notify_same_day"] == 1
    assert Notification.objects.get(kind="attendance.absence").recipient == world.alice_mother


def test_a_correction_within_the_delay_wins(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    row = absence(world.alice, world.lycee, TODAY, "08:00", "09:00", notified=False)
    time_machine.move_to(NOW + dt.timedelta(minutes=3), tick=False)
    Absence.objects.filter(pk=row.pk).delete()  # the teacher corrected the register
    assert run(NOW + dt.timedelta(minutes=10), time_machine, django_capture_on_commit_callbacks) == 0
    assert not Notification.objects.exists() and sms.outbox == []


def test_history_is_never_announced(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    friday = absence(world.alice, world.lycee, TODAY - dt.timedelta(days=3), "08:00", "10:00", notified=False)
    assert run(NOW + dt.timedelta(minutes=10), time_machine, django_capture_on_commit_callbacks) == 0
    friday.refresh_from_db()
    assert friday.guardians_notified_at is None and not Notification.objects.exists()


def test_nothing_when_the_establishment_does_not_want_it(
    world, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    attendance_settings.update_settings(
        actor=world.cpe, establishment=world.lycee, values={"notify_guardians_same_day": False}
    )
    row = absence(world.alice, world.lycee, TODAY, "08:00", "09:00", notified=False)
    assert run(NOW + dt.timedelta(minutes=10), time_machine, django_capture_on_commit_callbacks) == 0
    row.refresh_from_db()
    assert row.guardians_notified_at is None and not Notification.objects.exists()


def test_an_absence_the_family_declared_is_marked_without_a_message(
    world, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    AbsenceDeclaration.objects.create(
        establishment=world.lycee,
        student=world.alice,
        declared_by=world.alice_mother,
        starts_at=at(TODAY, "00:00"),
        ends_at=at(TODAY + dt.timedelta(days=1), "00:00"),
        reason=reason(world.lycee),
    )
    row = absence(world.alice, world.lycee, TODAY, "08:00", "09:00", notified=False)
    assert run(NOW + dt.timedelta(minutes=10), time_machine, django_capture_on_commit_callbacks) == 0
    row.refresh_from_db()
    assert row.guardians_notified_at is not None and not Notification.objects.exists()


def test_a_lateness_is_announced_too(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    lateness(world.alice, world.lycee, TODAY, "08:10", 10, notified=False)
    assert run(NOW + dt.timedelta(minutes=10), time_machine, django_capture_on_commit_callbacks) == 1
    assert [m["text"] for m in sms.outbox] == ["Carnet : Alice en retard de 10 min ce matin (8h10)."]
    assert Notification.objects.get().title == "Alice en retard ce matin"


def test_quiet_hours_hold_the_message_until_the_morning(
    world, time_machine, django_capture_on_commit_callbacks
):
    evening = at(TODAY, "19:58")
    time_machine.move_to(evening, tick=False)
    row = absence(world.alice, world.lycee, TODAY, "18:00", "19:55", notified=False)
    assert run(at(TODAY, "20:05"), time_machine, django_capture_on_commit_callbacks) == 1
    row.refresh_from_db()
    assert row.guardians_notified_at is not None
    held = Delivery.objects.get(recipient=world.alice_mother, channel="sms")
    assert held.status == Delivery.Status.HELD_QUIET and held.in_digest
    assert sms.outbox == []
    # The in-app notification is there at once; nothing was pushed out at night.
    assert Notification.objects.get().title == "Alice absent(e) cet après-midi"


def test_two_workers_never_announce_twice(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    row = absence(world.alice, world.lycee, TODAY, "08:00", "09:00", notified=False)
    time_machine.move_to(NOW + dt.timedelta(minutes=10), tick=False)
    # Another worker claimed the row between this worker's read and its claim.
    assert notifying._claim(Absence, row.pk, NOW) is True
    assert notifying._claim(Absence, row.pk, NOW) is False
    assert run(NOW + dt.timedelta(minutes=11), time_machine, django_capture_on_commit_callbacks) == 0
