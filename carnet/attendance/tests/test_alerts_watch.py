"""Alert thresholds and the watch list, with frozen time: unjustified half-days over a sliding
window, consecutive days across a weekend and holidays, lateness; never a second open entry;
clearing keeps who and when and is not undone by the next evaluation; the page and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from carnet.attendance.models import AlertRule, WatchEntry
from carnet.attendance.services import alerts
from carnet.attendance.services import settings as service
from carnet.attendance.tests import absences_helpers
from carnet.attendance.tests.absences_helpers import TODAY, absence, lateness
from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound
from carnet.notifications.models import Notification
from carnet.school.models import CalendarEvent, StaffFunction
from carnet.testing.factories import give_function

pytestmark = pytest.mark.django_db
frozen = absences_helpers.frozen
WATCH = "/vie-scolaire/eleves-a-suivre/"
API = "/api/v1/attendance"


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def rule(world, kind) -> AlertRule:
    service.rules_of(world.lycee)
    return AlertRule.objects.get(establishment=world.lycee, kind=kind)


def test_unjustified_half_days_within_the_window(world, frozen, django_capture_on_commit_callbacks):
    # 2 + 2 half-days not justified in the last 30 days, 2 more 40 days ago, 2 justified: 4 count.
    absence(world.alice, world.lycee, days_ago(3), "08:00", "17:00", half_days=2)
    absence(world.alice, world.lycee, days_ago(10), "08:00", "17:00", half_days=2, state="unjustified")
    absence(world.alice, world.lycee, days_ago(40), "08:00", "17:00", half_days=2)
    absence(world.alice, world.lycee, days_ago(1), "08:00", "17:00", half_days=2, state="justified")
    absence(world.bruno, world.lycee, days_ago(2), "08:00", "17:00", half_days=2)
    with django_capture_on_commit_callbacks(execute=True):
        opened = alerts.evaluate(world.lycee)
    assert [(e.student, e.reason) for e in opened] == [
        (world.alice, "4 demi-journées non justifiées en 30 jours (seuil 4)"),
    ]
    told = Notification.objects.get(kind="attendance.watch")
    assert told.recipient == world.cpe and "1 élève ajouté" in told.title and "MARTIN Alice" in told.body
    # Never a second open entry, even when the count grows.
    absence(world.alice, world.lycee, days_ago(0), "08:00", "09:00")
    assert alerts.evaluate(world.lycee) == []
    assert WatchEntry.objects.filter(student=world.alice).count() == 1


def test_below_the_threshold_or_outside_the_window_nothing_opens(world, frozen):
    absence(world.alice, world.lycee, days_ago(3), "08:00", "17:00", half_days=2)
    absence(world.alice, world.lycee, days_ago(1), "08:00", "10:00", half_days=1)
    absence(world.alice, world.lycee, days_ago(30), "08:00", "10:00", half_days=1)  # 31 days back with today
    assert alerts.evaluate(world.lycee) == []
    # A day later in time, the same data: still 3.
    assert alerts.evaluate(world.lycee, today=TODAY + dt.timedelta(days=1)) == []
    # The establishment lowers its threshold to 3.
    service.update_rule(
        actor=world.cpe,
        rule=rule(world, "unjustified_half_days"),
        threshold=3,
        window_days=30,
        is_active=True,
    )
    assert [e.reason for e in alerts.evaluate(world.lycee)] == [
        "3 demi-journées non justifiées en 30 jours (seuil 3)"
    ]


def test_consecutive_days_across_a_weekend_and_holidays(world, frozen):
    # Thursday, Friday, then Monday (today): three days in a row of school; the weekend does not break it.
    for n in (4, 3, 0):
        absence(world.alice, world.lycee, days_ago(n), "08:00", "17:00", half_days=2)
    # Bruno: Wednesday and Friday, but not Thursday: two runs of one.
    absence(world.bruno, world.lycee, days_ago(5), "08:00", "17:00", half_days=2, state="justified")
    absence(world.bruno, world.lycee, days_ago(5), "08:00", "17:00", half_days=2)
    absence(world.bruno, world.lycee, days_ago(3), "08:00", "17:00", half_days=2)
    service.update_rule(
        actor=world.cpe,
        rule=rule(world, "unjustified_half_days"),
        threshold=50,
        window_days=30,
        is_active=True,
    )
    opened = alerts.evaluate(world.lycee)
    assert [(e.student, e.reason) for e in opened] == [
        (world.alice, "3 jours consécutifs d'absence non justifiée, du 26/11/2026 au 30/11/2026 (seuil 3)"),
    ]
    # Chloé: a Friday before holidays, and the Monday after them.
    CalendarEvent.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        kind="holiday",
        name="Vacances",
        starts_on=days_ago(16),
        ends_on=days_ago(8),
    )
    absence(world.chloe, world.lycee, days_ago(17), "08:00", "17:00", half_days=2)
    absence(world.chloe, world.lycee, days_ago(7), "08:00", "17:00", half_days=2)
    absence(world.chloe, world.lycee, days_ago(6), "08:00", "10:00", half_days=1)
    assert [e.student for e in alerts.evaluate(world.lycee)] == [world.chloe]


def test_lateness_rule(world, frozen):
    service.add_rule(actor=world.cpe, establishment=world.lycee, kind="lateness", threshold=3, window_days=7)
    for n in (0, 1, 2):
        lateness(world.bruno, world.lycee, days_ago(n))
    lateness(world.chloe, world.lycee, days_ago(0))
    lateness(world.chloe, world.lycee, days_ago(1))
    lateness(world.chloe, world.lycee, days_ago(9))
    opened = alerts.evaluate(world.lycee)
    assert [(e.student, e.reason) for e in opened] == [(world.bruno, "3 retards en 7 jours (seuil 3)")]


def test_an_inactive_rule_does_nothing(world, frozen):
    for n in (0, 1):
        absence(world.alice, world.lycee, days_ago(n), "08:00", "17:00", half_days=2)
    for existing in service.rules_of(world.lycee):
        service.update_rule(
            actor=world.cpe, rule=existing, threshold=existing.threshold, window_days=30, is_active=False
        )
    assert alerts.evaluate(world.lycee) == []


def test_clearing_keeps_who_and_when_and_only_later_absences_count_again(world, frozen):
    for n in (3, 2):
        absence(world.alice, world.lycee, days_ago(n), "08:00", "17:00", half_days=2)
    service.update_rule(
        actor=world.cpe, rule=rule(world, "consecutive_days"), threshold=3, window_days=30, is_active=False
    )
    [entry] = alerts.evaluate(world.lycee)
    cleared = alerts.clear_entry(actor=world.cpe, entry=entry)
    assert cleared.cleared_by == world.cpe and cleared.cleared_at is not None
    assert AuditEvent.objects.filter(action="attendance.watch_cleared").count() == 1
    assert (
        alerts.clear_entry(actor=world.cpe, entry=entry).cleared_at == cleared.cleared_at
    )  # twice: no change
    # The same absences do not put her back on the list.
    assert alerts.evaluate(world.lycee) == []
    # Four new half-days after the clearing do.
    frozen.shift(dt.timedelta(hours=1))
    absence(world.alice, world.lycee, TODAY, "11:00", "17:00", half_days=2)
    assert alerts.evaluate(world.lycee) == []
    frozen.shift(dt.timedelta(days=1))
    absence(world.alice, world.lycee, TODAY + dt.timedelta(days=1), "08:00", "17:00", half_days=2)
    reopened = alerts.evaluate(world.lycee)
    assert [e.reason for e in reopened] == ["4 demi-journées non justifiées en 30 jours (seuil 4)"]
    assert WatchEntry.objects.filter(student=world.alice).count() == 2
    with pytest.raises(NotFound):
        alerts.clear_entry(actor=world.secretary, entry=reopened[0])


def test_evaluated_after_a_change_for_one_student(world, frozen, django_capture_on_commit_callbacks):
    from carnet.attendance.services.absences import create_absence
    from carnet.attendance.tests.absences_helpers import at

    absence(world.alice, world.lycee, days_ago(3), "08:00", "17:00", half_days=2)
    with django_capture_on_commit_callbacks(execute=True):
        create_absence(
            actor=world.cpe,
            establishment=world.lycee,
            student=world.alice,
            starts_at=at(days_ago(4), "00:00"),
            ends_at=at(days_ago(3), "00:00"),
        )
    assert WatchEntry.objects.get(student=world.alice).reason.startswith("4 demi-journées")


def test_the_periodic_job_evaluates_every_establishment_with_activity(world, frozen):
    for n in (1, 2):
        absence(world.alice, world.lycee, days_ago(n), "08:00", "17:00", half_days=2)
    for n in (1, 2, 3):
        absence(world.dossou, world.ceg, days_ago(n), "08:00", "17:00", half_days=2)
    assert alerts.evaluate_all() == 3  # Alice (half-days); Dossou (half-days and consecutive days)
    assert alerts.evaluate_all() == 0


# --- page and API -------------------------------------------------------------------------------
def test_the_watch_page_trio(world, login, frozen, django_assert_max_num_queries):
    for n in (1, 2):
        absence(world.alice, world.lycee, days_ago(n), "08:00", "17:00", half_days=2)
    [entry] = [e for e in alerts.evaluate(world.lycee) if e.rule.kind == "unjustified_half_days"]
    client = login(world.cpe)
    with django_assert_max_num_queries(20):
        html = client.get(WATCH).content.decode()
    assert (
        "Élèves à suivre" in html
        and "MARTIN Alice" in html
        and "4 demi-journées non justifiées en 30 jours (seuil 4)" in html
    )
    assert "2nde A" in html
    for person in (world.secretary, world.teacher_maths, world.alice_mother):
        assert login(person).get(WATCH).status_code == 403
    clear = reverse("attendance:watch_clear", args=[entry.public_id])
    assert login(world.secretary).post(clear).status_code == 404
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    assert "MARTIN" not in login(world.outsider).get(WATCH).content.decode()
    assert login(world.outsider).post(clear).status_code == 404
    entry.refresh_from_db()
    assert entry.cleared_at is None
    response = login(world.cpe).post(clear)
    assert response.status_code == 302
    after = login(world.cpe).get(WATCH).content.decode()
    assert "Retirés ces 30 derniers jours" in after and "retiré(e) par VIE-SCOLAIRE Claire" in after


def test_the_watch_api(world, login, frozen):
    for n in (1, 2):
        absence(world.alice, world.lycee, days_ago(n), "08:00", "17:00", half_days=2)
    alerts.evaluate(world.lycee)
    items = login(world.cpe).get(f"{API}/watch").json()["items"]
    assert [(i["student"]["first_name"], i["rule"]) for i in items] == [("Alice", "unjustified_half_days")]
    assert items[0]["class_name"] == "2nde A"
    assert login(world.secretary).get(f"{API}/watch").json()["items"] == []
    assert login(world.alice_mother).post(f"{API}/watch/{items[0]['id']}/clear").status_code == 404
    cleared = login(world.cpe).post(f"{API}/watch/{items[0]['id']}/clear").json()
    assert cleared["cleared_at"] and cleared["cleared_by"] == "VIE-SCOLAIRE Claire"
    assert login(world.cpe).get(f"{API}/watch").json()["items"] == []
    assert len(login(world.cpe).get(f"{API}/watch", {"cleared": "true"}).json()["items"]) == 1
