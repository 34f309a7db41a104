"""The retention task, with frozen time: measures leave the record the day after their last day,
incidents follow their measures, every removal is journaled with ids only, and the task is the
periodic job `carnet worker` runs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from carnet.audit.models import AuditEvent
from carnet.discipline.models import Incident, IncidentParticipant, Measure
from carnet.discipline.services.retention import purge_expired
from carnet.discipline.tests.helpers import PARIS, decide, report
from carnet.notifications import periodic
from carnet.school.models import StaffFunction
from carnet.testing.factories import give_function

pytestmark = pytest.mark.django_db


def on(day: dt.date):
    """Travel to 03:00 in Paris on `day` (the task runs at night as well as by day)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(3, 0), tzinfo=PARIS), tick=False)


def exists(measure) -> bool:
    return Measure.objects.filter(pk=measure.pk).exists()


def test_a_punishment_leaves_the_record_after_the_end_of_the_school_year(world):
    retenue = decide(world.cpe, world.alice, "Retenue", world.lycee)
    assert retenue.expires_on == dt.date(2027, 7, 4)
    with on(dt.date(2027, 7, 4)):
        assert purge_expired() == 0
    assert exists(retenue)
    with on(dt.date(2027, 7, 5)):
        assert purge_expired() == 1
    assert not exists(retenue)


def test_a_blame_of_365_days_leaves_after_365_days_and_not_before(world):
    give_function(world.outsider, world.ceg, StaffFunction.Kind.HEAD)  # the outsider heads the CEG
    blame = decide(world.outsider, world.dossou, "Blâme", world.ceg)  # Benin's catalogue: 365 days
    assert blame.decided_on == dt.date(2026, 11, 30)
    with on(dt.date(2027, 11, 30)):  # day 365
        purge_expired()
        assert exists(blame)
    with on(dt.date(2027, 12, 1)):
        assert purge_expired() == 1
        assert not exists(blame)


def test_a_french_blame_stays_until_the_end_of_the_following_school_year(world):
    blame = decide(world.head, world.alice, "Blâme", world.lycee)
    with on(dt.date(2027, 7, 5)):
        purge_expired()
    assert exists(blame)
    with on(dt.date(2028, 7, 4)):
        purge_expired()
    assert exists(blame)
    with on(dt.date(2028, 7, 5)):
        purge_expired()
    assert not exists(blame)


def test_a_permanent_sanction_stays(world):
    exclusion = decide(world.head, world.alice, "Exclusion définitive", world.lycee)
    assert exclusion.expires_on is None
    with on(dt.date(2040, 1, 1)):
        assert purge_expired() == 0
    assert exists(exclusion)


def test_incidents_follow_their_measures(world):
    with_punishment = report(
        world.cpe, world.lycee, participants=[(world.alice, "author"), (world.chloe, "victim")]
    )
    retenue = decide(world.cpe, world.alice, "Retenue", world.lycee, incident=with_punishment)
    with_sanction = report(world.cpe, world.lycee, participants=[(world.bruno, "author")])
    decide(world.head, world.bruno, "Exclusion définitive", world.lycee, incident=with_sanction)
    without_measure = report(world.teacher_maths, world.lycee, participants=[(world.chloe, "witness")])

    with on(dt.date(2027, 7, 4)):
        purge_expired()
    assert Incident.objects.count() == 3
    with on(dt.date(2027, 7, 5)):
        assert purge_expired() == 3  # the retenue, then the two incidents left without a measure
    assert list(Incident.objects.all()) == [with_sanction]
    assert not Measure.objects.filter(pk=retenue.pk).exists()
    assert not IncidentParticipant.objects.filter(
        incident_id__in=[with_punishment.pk, without_measure.pk]
    ).exists()


def test_each_removal_is_journaled_with_ids_only_and_a_second_run_removes_nothing(world):
    incident = report(world.cpe, world.lycee, participants=[(world.alice, "author")])
    retenue = decide(
        world.cpe, world.alice, "Retenue", world.lycee, incident=incident, reason="A insulté Chloé Durand."
    )
    with on(dt.date(2027, 7, 5)):
        assert purge_expired() == 2
        assert purge_expired() == 0
    measure_event = AuditEvent.objects.get(action="discipline.measure_expired")
    assert measure_event.actor is None and measure_event.actor_name == "système"
    assert measure_event.establishment == world.lycee and measure_event.object_id == str(retenue.public_id)
    assert measure_event.object_repr == "Retenue"
    assert measure_event.changes["student"] == [str(world.alice.public_id), None]
    assert measure_event.changes["expires_on"] == ["2027-07-04", None]
    incident_event = AuditEvent.objects.get(action="discipline.incident_expired")
    assert incident_event.object_id == str(incident.public_id) and incident_event.changes["participants"] == [
        1,
        None,
    ]
    text = " ".join(str(e.changes) + e.object_repr for e in (measure_event, incident_event))
    assert "Martin" not in text and "Chloé" not in text and "insulté" not in text and "Bousculade" not in text


def test_the_task_is_a_periodic_job_of_the_worker(world):
    decide(world.cpe, world.alice, "Retenue", world.lycee)
    jobs = {job.name: job for job in periodic.jobs()}
    job = jobs["discipline.purge_expired"]
    assert job.every_seconds == 3600
    with on(dt.date(2027, 7, 5)):
        assert job.func() == 1
        assert job.func() == 0
    assert not Measure.objects.exists()
