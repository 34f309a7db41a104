"""Publication moments across time zones, and telling students and guardians when marks are out."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from carnet.core.errors import ValidationFailed
from carnet.grades import notifying, services
from carnet.grades.models import Assessment, GradingProfile
from carnet.grades.services.publication import SETTLE, compute_publication, next_daily_publication
from carnet.notifications import kinds, periodic
from carnet.notifications.models import Notification
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
PORTO_NOVO = ZoneInfo("Africa/Porto-Novo")
UTC = dt.UTC


def _at(zone, *args):
    return dt.datetime(*args, tzinfo=zone)


# --- compute_publication --------------------------------------------------------------------------
def test_now_and_hidden(world):
    now = _at(UTC, 2026, 11, 28, 10)
    assert compute_publication(establishment=world.lycee, publication="now", publish_at=None, now=now) == (now, now)
    assert compute_publication(establishment=world.lycee, publication="hidden", publish_at=None, now=now) == (None, None)


def test_at(world):
    now = _at(UTC, 2026, 11, 28, 10)
    later = _at(PARIS, 2026, 11, 30, 8)
    assert compute_publication(establishment=world.lycee, publication="at", publish_at=later, now=now) == (later, later)
    for bad, reason in ((None, "required"), (dt.datetime(2026, 11, 30, 8), "naive"), (now - dt.timedelta(hours=1), "past")):
        with pytest.raises(ValidationFailed) as caught:
            compute_publication(establishment=world.lycee, publication="at", publish_at=bad, now=now)
        assert caught.value.details == {"publish_at": reason}
    # a few seconds ago counts as now
    assert compute_publication(
        establishment=world.lycee, publication="at", publish_at=now - dt.timedelta(seconds=5), now=now
    )[0] == now
    with pytest.raises(ValidationFailed):
        compute_publication(establishment=world.lycee, publication="soon", publish_at=None, now=now)


def test_daily_in_paris(world):
    GradingProfile.objects.create(
        establishment=world.lycee, formula="weighted", daily_publication_time=dt.time(18, 0), guardian_delay_hours=12
    )
    before = _at(PARIS, 2026, 11, 28, 17, 59)
    students, guardians = compute_publication(establishment=world.lycee, publication="daily", publish_at=None, now=before)
    assert students == _at(PARIS, 2026, 11, 28, 18, 0)
    assert guardians == _at(PARIS, 2026, 11, 29, 6, 0)
    exactly = _at(PARIS, 2026, 11, 28, 18, 0)
    assert compute_publication(establishment=world.lycee, publication="daily", publish_at=None, now=exactly)[0] == exactly
    after = _at(PARIS, 2026, 11, 28, 18, 1)
    assert compute_publication(establishment=world.lycee, publication="daily", publish_at=None, now=after)[0] == _at(
        PARIS, 2026, 11, 29, 18, 0
    )


def test_daily_across_daylight_saving(world):
    GradingProfile.objects.create(establishment=world.lycee, formula="weighted", daily_publication_time=dt.time(18, 0))
    # Paris moves to summer time on the night of 27 to 28 March 2027
    now = _at(PARIS, 2027, 3, 27, 19, 0)
    nxt = next_daily_publication(world.lycee, now, GradingProfile.objects.get())
    assert nxt == _at(PARIS, 2027, 3, 28, 18, 0)
    assert nxt == _at(UTC, 2027, 3, 28, 16, 0)


def test_daily_in_porto_novo_without_profile(world):
    # no profile: 17:00 local; Porto-Novo is UTC+1 all year
    now = _at(UTC, 2026, 11, 28, 15, 30)  # 16:30 in Porto-Novo
    students, guardians = compute_publication(establishment=world.ceg, publication="daily", publish_at=None, now=now)
    assert students == _at(PORTO_NOVO, 2026, 11, 28, 17, 0) == _at(UTC, 2026, 11, 28, 16, 0)
    assert guardians == students
    # 16:30 UTC is 17:30 in Porto-Novo (tomorrow) but 17:30 in Paris too; 15:30 UTC is 16:30 in both
    now = _at(UTC, 2026, 11, 28, 16, 30)
    assert compute_publication(establishment=world.ceg, publication="daily", publish_at=None, now=now)[0] == _at(
        PORTO_NOVO, 2026, 11, 29, 17, 0
    )


def test_daily_with_time_machine(world):
    GradingProfile.objects.create(establishment=world.ceg, formula="benin", daily_publication_time=dt.time(7, 30))
    with time_machine.travel(_at(PORTO_NOVO, 2026, 11, 28, 23, 30), tick=False):
        now = timezone.now()
        assert compute_publication(establishment=world.ceg, publication="daily", publish_at=None, now=now)[0] == _at(
            PORTO_NOVO, 2026, 11, 29, 7, 30
        )
    with time_machine.travel(_at(PORTO_NOVO, 2026, 11, 29, 0, 30), tick=False):
        now = timezone.now()
        assert compute_publication(establishment=world.ceg, publication="daily", publish_at=None, now=now)[0] == _at(
            PORTO_NOVO, 2026, 11, 29, 7, 30
        )


# --- notifications ------------------------------------------------------------------------------
def _maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


def _future_assessment(world, assignment, at, title="Contrôle"):
    a = g.assessment(assignment, world.periods[0], title=title, published=False)
    a.publication = Assessment.Publication.AT
    a.published_at = a.guardians_published_at = at
    a.save(update_fields=["publication", "published_at", "guardians_published_at"])
    return a


def _recipients():
    return {n.recipient for n in Notification.objects.filter(kind="grades.published")}


def test_kind_is_declared():
    kind = kinds.get("grades.published")
    assert str(kind.label) == "Nouvelles notes"
    assert kind.sms_allowed
    assert kind.default_mode("email") == kind.default_mode("sms") == kind.default_mode("push") == "digest"
    assert kind.summarize(3) == "3 nouvelles notes"


def test_future_publication_notifies_nobody_before_and_the_right_people_after(world):
    now = timezone.now()
    a = _future_assessment(world, _maths_a(world), now + dt.timedelta(hours=2))
    g.mark(a, world.alice, 12)
    g.mark(a, world.bruno, 9)
    assert services.notify_due_publications(now=now) == 0
    assert services.notify_due_publications(now=now + dt.timedelta(hours=1)) == 0
    assert not Notification.objects.exists()
    sent = services.notify_due_publications(now=now + dt.timedelta(hours=3))
    # alice, bruno, alice's mother, bruno's mother (the French teacher)
    assert sent == 4
    assert _recipients() == {world.alice, world.bruno, world.alice_mother, world.teacher_french}
    a.refresh_from_db()
    assert a.notified_at is not None
    alice = Notification.objects.get(recipient=world.alice)
    assert alice.title == "Nouvelle note en Mathématiques"
    assert alice.body == "Mathématiques : Contrôle"
    assert alice.establishment == world.lycee
    mother = Notification.objects.get(recipient=world.alice_mother)
    assert mother.title == "Nouvelle note pour Alice"
    # a second run tells nobody again
    assert services.notify_due_publications(now=now + dt.timedelta(hours=4)) == 0


def test_guardians_are_told_at_their_moment(world):
    now = timezone.now()
    a = _future_assessment(world, _maths_a(world), now - dt.timedelta(hours=1))
    a.guardians_published_at = now + dt.timedelta(hours=5)
    a.save(update_fields=["guardians_published_at"])
    g.mark(a, world.alice, 12)
    # the student is told at her moment, her mother at hers (five hours later), each once
    assert services.notify_due_publications(now=now + dt.timedelta(hours=1)) == 1
    assert _recipients() == {world.alice}
    assert services.notify_due_publications(now=now + dt.timedelta(hours=2)) == 0
    assert services.notify_due_publications(now=now + dt.timedelta(hours=6)) == 1
    assert _recipients() == {world.alice, world.alice_mother}
    assert services.notify_due_publications(now=now + dt.timedelta(hours=7)) == 0


def test_one_notification_per_recipient_listing_subjects(world):
    now = timezone.now()
    french_b = TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_b)
    maths_b = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)
    a1 = _future_assessment(world, _maths_a(world), now, "Contrôle A")
    a2 = _future_assessment(world, french_b, now, "Dictée")
    a3 = _future_assessment(world, maths_b, now, "Contrôle B")
    g.mark(a1, world.alice, 12)
    g.mark(a2, world.chloe, 14)
    g.mark(a3, world.chloe, "absent")
    services.notify_due_publications(now=now + SETTLE + dt.timedelta(minutes=1))
    assert Notification.objects.filter(recipient=world.alice_mother).count() == 1
    mother = Notification.objects.get(recipient=world.alice_mother)
    assert mother.title == "Nouvelles notes pour Alice, Chloé"
    assert set(mother.body.splitlines()) == {"Alice — Mathématiques : Contrôle A", "Chloé — Français : Dictée", "Chloé — Mathématiques : Contrôle B"}
    chloe = Notification.objects.get(recipient=world.chloe)
    assert chloe.title == "Nouvelles notes en Français, Mathématiques"
    assert _recipients() == {world.alice, world.chloe, world.alice_mother, world.chloe_father}
    # nobody outside: not bruno (no mark), not the outsider, not the CEG family
    assert not Notification.objects.filter(recipient__in=[world.bruno, world.outsider, world.dossou, world.dossou_parent]).exists()


def test_waits_until_marks_settle_and_ignores_empty_assessments(world):
    now = timezone.now()
    empty = _future_assessment(world, _maths_a(world), now - dt.timedelta(hours=1), "Vide")
    busy = _future_assessment(world, _maths_a(world), now - dt.timedelta(hours=1), "En cours")
    g.mark(busy, world.alice, 12)  # changed just now
    assert services.notify_due_publications(now=now + dt.timedelta(minutes=2)) == 0
    assert services.notify_due_publications(now=now + SETTLE + dt.timedelta(minutes=1)) == 2
    empty.refresh_from_db()
    assert empty.notified_at is None


def test_hidden_is_never_notified(world):
    a = g.assessment(_maths_a(world), world.periods[0], published=False)
    g.mark(a, world.alice, 12)
    assert services.notify_due_publications(now=timezone.now() + dt.timedelta(days=30)) == 0


def test_publish_now_notifies_after_commit(world, django_capture_on_commit_callbacks):
    a = g.assessment(_maths_a(world), world.periods[0], published=False)
    g.mark(a, world.bruno, 15)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_now(actor=world.teacher_maths, assessment=a)
    assert _recipients() == {world.bruno, world.teacher_french}


def test_publish_now_with_guardian_delay_waits(world, django_capture_on_commit_callbacks):
    GradingProfile.objects.create(establishment=world.lycee, formula="weighted", guardian_delay_hours=2)
    a = g.assessment(_maths_a(world), world.periods[0], published=False)
    g.mark(a, world.bruno, 15)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_now(actor=world.teacher_maths, assessment=a)
    assert _recipients() == {world.bruno}  # the student now; his guardian after the delay
    assert services.notify_due_publications(now=timezone.now() + dt.timedelta(hours=3)) == 1
    assert _recipients() == {world.bruno, world.teacher_french}


def test_notification_failure_never_breaks_publication(world, django_capture_on_commit_callbacks, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("SMS gateway on fire")

    monkeypatch.setattr("carnet.grades.services.publication.notify", boom)
    a = g.assessment(_maths_a(world), world.periods[0], published=False)
    g.mark(a, world.bruno, 15)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_now(actor=world.teacher_maths, assessment=a)
    a.refresh_from_db()
    assert a.published_at is not None


# --- the periodic job ---------------------------------------------------------------------------
def test_periodic_registry_runs_the_grades_job(world):
    job = next(j for j in periodic.jobs() if j.name == "grades.notify_due_publications")
    assert job.every_seconds == notifying.PUBLICATION_CHECK_SECONDS
    a = _future_assessment(world, _maths_a(world), timezone.now() - dt.timedelta(hours=1))
    g.mark(a, world.alice, 12)
    with time_machine.travel(timezone.now() + SETTLE + dt.timedelta(minutes=1)):
        results = periodic.run_due(force=True)
    assert results["grades.notify_due_publications"] == 2


def test_periodic_registry_intervals_and_failures():
    calls = []
    clock = [1000.0]
    periodic.register("test.ok", lambda: calls.append("ok") or 1, every_seconds=10)
    periodic.register("test.boom", lambda: 1 / 0, every_seconds=10)
    try:
        results = periodic.run_due(clock=lambda: clock[0])
        assert results["test.ok"] == 1 and isinstance(results["test.boom"], ZeroDivisionError)
        clock[0] += 5
        assert "test.ok" not in periodic.run_due(clock=lambda: clock[0])
        clock[0] += 5
        assert "test.ok" in periodic.run_due(clock=lambda: clock[0])
        assert calls == ["ok", "ok"]
        with pytest.raises(ValueError):
            periodic.register("test.bad", lambda: None, every_seconds=0)
    finally:
        periodic.unregister("test.ok")
        periodic.unregister("test.boom")
