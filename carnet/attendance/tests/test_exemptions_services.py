"""Exemption services: create, change, end and delete (school-life staff only), every refusal with
nothing saved, the certificate checked by its content and size and stored under a random name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from carnet.attendance.models import Exemption
from carnet.attendance.services import exemptions as service
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import TODAY
from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed

frozen = h.frozen
pytestmark = pytest.mark.usefixtures("frozen")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="certificat médical.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def values(world, **changes):
    base = {
        "subject": world.maths,
        "starts_on": TODAY,
        "ends_on": TODAY + dt.timedelta(days=30),
        "weekdays": [],
        "must_attend": True,
        "reason": "Entorse",
    }
    return {**base, **changes}


def create(world, actor=None, student=None, certificate=None, **changes):
    return service.create_exemption(
        actor=actor or world.cpe,
        establishment=world.lycee,
        student=student or world.alice,
        values=values(world, **changes),
        certificate=certificate,
    )


def test_cpe_creates_an_exemption_with_a_certificate(world):
    exemption = create(world, certificate=pdf(), weekdays=[3, 1, 1])
    assert (exemption.subject, exemption.weekdays, exemption.must_attend) == (world.maths, [1, 3], True)
    assert exemption.certificate_name == "certificat médical.pdf"
    assert exemption.certificate_type == "application/pdf"
    assert "certificat" not in exemption.certificate.name and exemption.certificate.name.startswith(
        "attendance/"
    )
    assert default_storage.exists(exemption.certificate.name)
    event = AuditEvent.objects.get(action="attendance.exemption_created")
    assert event.changes["subject"] == [None, "Mathématiques"] and event.changes["weekdays"] == [None, [1, 3]]
    assert event.changes["certificate"] == [None, exemption.certificate_name]


@pytest.mark.parametrize("who", ["head"])
def test_the_head_may_too(world, who):
    assert create(world, actor=getattr(world, who)).pk


@pytest.mark.parametrize("who", ["teacher_maths", "secretary", "alice", "alice_mother", "outsider"])
def test_others_are_refused_and_nothing_is_saved(world, who):
    with pytest.raises(PermissionDenied):
        create(world, actor=getattr(world, who))
    assert not Exemption.objects.exists()


def test_a_student_of_another_establishment_is_not_found(world):
    with pytest.raises(NotFound):
        create(world, student=world.dossou)
    assert not Exemption.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"ends_on": TODAY - dt.timedelta(days=1)}, "ends_on", "finir avant de commencer"),
        ({"ends_on": dt.date(2027, 8, 1)}, "ends_on", "l'année scolaire 2026-2027"),
        ({"starts_on": dt.date(2026, 8, 1)}, "starts_on", "l'année scolaire 2026-2027"),
        ({"weekdays": [7]}, "weekdays", "de 0 (lundi) à 6"),
        ({"weekdays": ["x"]}, "weekdays", "de 0 (lundi) à 6"),
        ({"ends_on": TODAY, "weekdays": [2]}, "weekdays", "Aucun des jours"),
        ({"reason": "x" * 201}, "reason", "trop long"),
        ({"subject": None}, "subject", "matière"),
        ({"starts_on": None}, "starts_on", "premier jour"),
    ],
)
def test_bad_values_are_refused(world, changes, field, words):
    with pytest.raises(ValidationFailed) as error:
        create(world, **changes)
    assert field in error.value.details and words in str(error.value.message)
    assert not Exemption.objects.exists()


def test_a_subject_of_another_establishment_is_refused(world):
    from carnet.school.models import Subject

    ceg_maths = Subject.objects.get(establishment=world.ceg)
    with pytest.raises(ValidationFailed):
        create(world, subject=ceg_maths)


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (
            SimpleUploadedFile("photo.pdf", PNG, content_type="application/pdf"),
            "n'est pas ce que dit son extension",
        ),
        (
            SimpleUploadedFile("notes.txt", b"hello world, not a document", content_type="text/plain"),
            "PDF, JPEG, PNG ou WebP",
        ),
        (SimpleUploadedFile("vide.pdf", b"", content_type="application/pdf"), "vide"),
    ],
)
def test_a_bad_certificate_is_refused(world, upload, words):
    with pytest.raises(ValidationFailed) as error:
        create(world, certificate=upload)
    assert words in str(error.value.message) and "certificate" in error.value.details
    assert not Exemption.objects.exists()


def test_a_certificate_too_large_is_refused(world, settings):
    settings.CARNET_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as error:
        create(world, certificate=pdf(content=PDF + b"0" * 2048))
    assert "trop lourd" in str(error.value.message)
    assert not Exemption.objects.exists()


def test_update_records_the_changes_and_replaces_the_certificate(world, django_capture_on_commit_callbacks):
    exemption = create(world, certificate=pdf())
    old_file = exemption.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        service.update_exemption(
            actor=world.cpe,
            exemption=exemption,
            values=values(world, must_attend=False, reason="Plâtre"),
            certificate=SimpleUploadedFile("radio.png", PNG, content_type="image/png"),
            expected_version=1,
        )
    exemption.refresh_from_db()
    assert not exemption.must_attend and exemption.certificate_type == "image/png"
    assert exemption.version == 2
    assert not default_storage.exists(old_file) and default_storage.exists(exemption.certificate.name)
    event = AuditEvent.objects.get(action="attendance.exemption_updated")
    assert event.changes["must_attend"] == [True, False]
    assert event.changes["reason"] == ["Entorse", "Plâtre"]
    assert event.changes["certificate"] == ["certificat médical.pdf", "radio.png"]


def test_update_without_change_records_nothing_and_others_are_refused(world):
    exemption = create(world)
    service.update_exemption(actor=world.cpe, exemption=exemption, values=values(world), expected_version=1)
    assert not AuditEvent.objects.filter(action="attendance.exemption_updated").exists()
    with pytest.raises(PermissionDenied):
        service.update_exemption(
            actor=world.teacher_maths,
            exemption=exemption,
            values=values(world, must_attend=False),
            expected_version=1,
        )
    exemption.refresh_from_db()
    assert exemption.must_attend and exemption.version == 1


def test_removing_the_certificate(world, django_capture_on_commit_callbacks):
    exemption = create(world, certificate=pdf())
    name = exemption.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        service.update_exemption(
            actor=world.cpe,
            exemption=exemption,
            values=values(world),
            remove_certificate=True,
            expected_version=1,
        )
    exemption.refresh_from_db()
    assert not exemption.certificate and exemption.certificate_name == ""
    assert not default_storage.exists(name)


def test_end_today(world):
    exemption = create(world, starts_on=TODAY - dt.timedelta(days=5))
    service.end_exemption(actor=world.cpe, exemption=exemption, expected_version=1)
    exemption.refresh_from_db()
    assert (exemption.ends_on, exemption.version) == (TODAY, 2)
    assert (
        AuditEvent.objects.get(action="attendance.exemption_ended").changes["ends_on"][1] == TODAY.isoformat()
    )
    with pytest.raises(ValidationFailed):  # already ends today
        service.end_exemption(actor=world.cpe, exemption=exemption, expected_version=2)


def test_end_before_the_start_is_refused(world):
    exemption = create(world, starts_on=TODAY + dt.timedelta(days=3))
    with pytest.raises(ValidationFailed) as error:
        service.end_exemption(actor=world.cpe, exemption=exemption, expected_version=1)
    assert "supprimez-la" in str(error.value.message)
    with pytest.raises(PermissionDenied):
        service.end_exemption(
            actor=world.secretary, exemption=exemption, on=TODAY + dt.timedelta(days=4), expected_version=1
        )


def test_a_stale_update_is_refused_naming_who_and_when(world):
    exemption = create(world, certificate=pdf())
    seen_by_cpe = Exemption.objects.get(pk=exemption.pk)
    service.update_exemption(
        actor=world.head,
        exemption=exemption,
        values=values(world, reason="Plâtre"),
        expected_version=1,
    )
    with pytest.raises(service.ExemptionConflict) as error:
        service.update_exemption(
            actor=world.cpe,
            exemption=seen_by_cpe,
            values=values(world, must_attend=False, reason="Asthme"),
            certificate=SimpleUploadedFile("radio.png", PNG, content_type="image/png"),
            expected_version=1,
        )
    assert error.value.code == "exemption_conflict" and error.value.status == 409
    message = str(error.value.message)
    assert world.head.full_name in message and "rien n'a été enregistré" in message
    details = error.value.details
    assert (details["version"], details["reason"], details["must_attend"]) == (2, "Plâtre", True)
    assert details["by"] == world.head.full_name and details["at"]
    assert details["certificate"] == "certificat médical.pdf"
    exemption.refresh_from_db()
    assert (exemption.version, exemption.reason, exemption.must_attend) == (2, "Plâtre", True)
    assert exemption.certificate_name == "certificat médical.pdf"
    assert AuditEvent.objects.filter(action="attendance.exemption_updated").count() == 1


def test_a_stale_end_is_refused(world):
    exemption = create(world, starts_on=TODAY - dt.timedelta(days=5))
    service.update_exemption(
        actor=world.head,
        exemption=exemption,
        values=values(world, reason="Plâtre", starts_on=TODAY - dt.timedelta(days=5)),
        expected_version=1,
    )
    with pytest.raises(service.ExemptionConflict):
        service.end_exemption(actor=world.cpe, exemption=exemption, expected_version=1)
    exemption.refresh_from_db()
    assert (exemption.ends_on, exemption.version) == (TODAY + dt.timedelta(days=30), 2)
    assert not AuditEvent.objects.filter(action="attendance.exemption_ended").exists()


def test_delete(world, django_capture_on_commit_callbacks):
    exemption = create(world, certificate=pdf())
    name = exemption.certificate.name
    with pytest.raises(PermissionDenied):
        service.delete_exemption(actor=world.teacher_maths, exemption=exemption)
    with django_capture_on_commit_callbacks(execute=True):
        service.delete_exemption(actor=world.cpe, exemption=exemption)
    assert not Exemption.objects.exists() and not default_storage.exists(name)
    assert AuditEvent.objects.filter(action="attendance.exemption_deleted").exists()


def test_covers(world):
    exemption = create(world, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=14), weekdays=[0, 2])
    assert exemption.covers(TODAY)  # a Monday
    assert not exemption.covers(TODAY + dt.timedelta(days=1))
    assert exemption.covers(TODAY + dt.timedelta(days=2))
    assert not exemption.covers(TODAY + dt.timedelta(days=21))
