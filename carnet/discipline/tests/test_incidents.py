"""Reporting and changing incidents: who may, what is refused, the version, the audit journal."""

from __future__ import annotations

import datetime as dt

import pytest

from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.discipline.errors import IncidentConflict
from carnet.discipline.models import Incident
from carnet.discipline.services import incidents
from carnet.discipline.tests.helpers import PARIS, report

pytestmark = pytest.mark.django_db


def test_a_teacher_reports_an_incident_with_the_parts_of_each_student(world):
    incident = report(
        world.teacher_maths,
        world.lycee,
        participants=[(world.alice, "author"), (world.chloe, "victim")],
        seriousness=3,
        place="  Couloir   du 1er étage ",
    )
    assert (incident.establishment, incident.school_year, incident.reported_by) == (
        world.lycee,
        world.year,
        world.teacher_maths,
    )
    assert (incident.place, incident.seriousness, incident.version) == ("Couloir du 1er étage", 3, 1)
    assert {(p.student, p.role) for p in incident.participants.all()} == {
        (world.alice, "author"),
        (world.chloe, "victim"),
    }
    event = AuditEvent.objects.get(action="discipline.incident_reported")
    assert event.object_id == str(incident.public_id) and event.object_repr == "Incident 2026-11-27"
    assert event.changes["participants"] == [
        None,
        sorted([f"author:{world.alice.public_id}", f"victim:{world.chloe.public_id}"]),
    ]
    # The journal cannot be erased: it holds neither a name nor the description.
    text = str(event.changes) + event.object_repr
    assert "Martin" not in text and "Bousculade" not in text
    assert event.changes["description_length"] == [None, len("Bousculade à la récréation.")]


def test_a_teacher_may_name_a_student_they_do_not_teach(world):
    incident = report(world.teacher_french, world.lycee, participants=[(world.alice, "author")])
    assert incident.participants.get().student == world.alice


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "   "}, "description"),
        ({"place": ""}, "place"),
        ({"seriousness": 7}, "seriousness"),
        ({"when": dt.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)}, "occurred_at"),  # in the future
        ({"when": dt.datetime(2025, 11, 3, 10, 0, tzinfo=PARIS)}, "occurred_at"),  # in no school year
    ],
)
def test_bad_incident_values_are_refused_and_nothing_is_saved(world, change, field):
    with pytest.raises(ValidationFailed) as refused:
        report(world.cpe, world.lycee, participants=[(world.alice, "author")], **change)
    assert field in refused.value.details
    assert not Incident.objects.exists() and not AuditEvent.objects.exists()


def test_a_student_of_another_establishment_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        report(world.cpe, world.lycee, participants=[(world.alice, "author"), (world.dossou, "victim")])
    assert refused.value.details == {
        "participants": "Un des élèves n'est pas inscrit dans l'établissement cette année-là."
    }
    assert not Incident.objects.exists()


def test_a_student_twice_or_an_unknown_part_is_refused(world):
    with pytest.raises(ValidationFailed):
        report(world.cpe, world.lycee, participants=[(world.alice, "author"), (world.alice, "victim")])
    with pytest.raises(ValidationFailed):
        report(world.cpe, world.lycee, participants=[(world.alice, "bystander")])
    assert not Incident.objects.exists()


def test_only_staff_and_teachers_of_the_establishment_report(world):
    for person in (world.secretary, world.alice, world.alice_mother, world.outsider):
        with pytest.raises(PermissionDenied):
            report(person, world.lycee, participants=[(world.alice, "author")])
    assert not Incident.objects.exists()


def test_changing_an_incident_replaces_its_participants_and_records_the_change(world):
    incident = report(
        world.teacher_maths, world.lycee, participants=[(world.alice, "author"), (world.chloe, "victim")]
    )
    changes = incidents.update_incident(
        actor=world.cpe,
        incident=incident,
        expected_version=1,
        seriousness=4,
        description="Bagarre, un blessé léger.",
        participants=[(world.alice, "author"), (world.bruno, "witness")],
    )
    incident.refresh_from_db()
    assert incident.version == 2 and incident.seriousness == 4
    assert {(p.student, p.role) for p in incident.participants.all()} == {
        (world.alice, "author"),
        (world.bruno, "witness"),
    }
    assert set(changes) == {"seriousness", "description_length", "participants"}
    assert AuditEvent.objects.filter(action="discipline.incident_updated").count() == 1


def test_a_stale_version_is_a_conflict_and_nothing_changes(world):
    incident = report(world.cpe, world.lycee, participants=[(world.alice, "author")])
    incidents.update_incident(actor=world.head, incident=incident, expected_version=1, place="Cantine")
    stale = Incident.objects.get(pk=incident.pk)
    with pytest.raises(IncidentConflict) as refused:
        incidents.update_incident(actor=world.cpe, incident=stale, expected_version=1, place="Gymnase")
    assert refused.value.details["version"] == 2
    stale.refresh_from_db()
    assert stale.place == "Cantine" and stale.version == 2


def test_who_may_change_an_incident(world):
    incident = report(world.teacher_french, world.lycee, participants=[(world.alice, "author")])
    incidents.update_incident(
        actor=world.teacher_french, incident=incident, expected_version=1, place="Préau"
    )
    # Marc teaches Alice, the author: he sees the incident but did not report it.
    with pytest.raises(PermissionDenied):
        incidents.update_incident(
            actor=world.teacher_maths, incident=incident, expected_version=2, place="Gymnase"
        )
    for person in (world.outsider, world.secretary, world.alice_mother):
        with pytest.raises(NotFound):
            incidents.update_incident(actor=person, incident=incident, expected_version=2, place="Gymnase")
    incident.refresh_from_db()
    assert incident.place == "Préau" and incident.version == 2


def test_a_date_moved_to_a_year_where_a_participant_was_not_enrolled_is_refused(world):
    from carnet.testing.factories import SchoolYearFactory

    SchoolYearFactory(
        establishment=world.lycee,
        name="2025-2026",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2026, 7, 4),
        is_current=False,
    )
    incident = report(world.cpe, world.lycee, participants=[(world.alice, "author")])
    with pytest.raises(ValidationFailed) as refused:
        incidents.update_incident(
            actor=world.cpe,
            incident=incident,
            expected_version=1,
            occurred_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS),
        )
    assert "participants" in refused.value.details
