"""Guardians' declarations: declaring (only for one's own child, a document that is what it says and
not too large, an end after the start), the staff inbox and decision (accept links and regularises
the absences, reject needs a note, the guardian is told), declarations made in advance covering the
absences the registers record later, the document served only within the scope, and the API."""

from __future__ import annotations

import datetime as dt
import json
from html import unescape

import pytest
from django.test import override_settings
from django.urls import reverse

from carnet.attendance.models import Absence, AbsenceDeclaration
from carnet.attendance.services import declarations as service
from carnet.attendance.tests import absences_helpers
from carnet.attendance.tests.absences_helpers import PNG, TODAY, absence, at, pdf, png, reason
from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.notifications.models import Notification
from carnet.school.models import StaffFunction
from carnet.testing.factories import give_function

pytestmark = pytest.mark.django_db
frozen = absences_helpers.frozen
DECLARE = "/absences/declarer/"
INBOX = "/vie-scolaire/declarations/"
API = "/api/v1/attendance"
LAST_FRIDAY = TODAY - dt.timedelta(days=3)
TOMORROW = TODAY + dt.timedelta(days=1)


def form(world, child=None, **changes):
    data = {
        "child": str((child or world.alice).public_id),
        "starts_on": TODAY.isoformat(),
        "starts_time": "",
        "ends_on": TODAY.isoformat(),
        "ends_time": "",
        "reason": str(reason(world.lycee).public_id),
        "message": "Fièvre depuis hier soir.",
    }
    data.update(changes)
    return data


def declare(world, **changes):
    values = {
        "actor": world.alice_mother,
        "student": world.alice,
        "starts_at": at(TODAY, "00:00"),
        "ends_at": at(TOMORROW, "00:00"),
        "reason_id": reason(world.lycee).public_id,
        "message": "Malade",
    }
    values.update(changes)
    return service.declare_absence(**values)


# --- declaring (page) ---------------------------------------------------------------------------
def test_a_guardian_declares_with_a_photo(world, login, frozen, django_capture_on_commit_callbacks):
    client = login(world.alice_mother)
    page = client.get(DECLARE, {"child": str(world.alice.public_id)}).content.decode()
    assert (
        "Déclarer une absence · Alice" in page
        and "Rendez-vous médical" in page
        and 'enctype="multipart/form-data"' in page
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DECLARE, {**form(world), "document": png("photo mot.png")})
    assert response.status_code == 302
    declaration = AbsenceDeclaration.objects.get()
    assert (declaration.student, declaration.declared_by, declaration.status) == (
        world.alice,
        world.alice_mother,
        "pending",
    )
    assert (declaration.starts_at, declaration.ends_at) == (at(TODAY, "00:00"), at(TOMORROW, "00:00"))
    assert (declaration.document_name, declaration.document_type) == ("photo mot.png", "image/png")
    assert "photo" not in declaration.document.name and declaration.document.name.startswith("attendance/")
    # School life hears about it.
    told = Notification.objects.get(kind="attendance.declaration")
    assert told.recipient == world.cpe and "MARTIN Alice" in told.title
    own = client.get(
        reverse("attendance:family_absences"), {"child": str(world.alice.public_id)}
    ).content.decode()
    assert "À traiter" in own and "Maladie" in own


def test_a_declaration_for_someone_elses_child_is_404_and_saves_nothing(world, login, frozen):
    # Chloé's father is not Alice's guardian; Bruno's mother neither; the outsider even less.
    for person in (world.chloe_father, world.teacher_french, world.outsider, world.cpe):
        client = login(person)
        assert client.get(DECLARE, {"child": str(world.alice.public_id)}).status_code == 404
        assert client.post(DECLARE, form(world)).status_code == 404
    assert login(world.alice).get(DECLARE).status_code == 404  # a student does not declare
    with pytest.raises(NotFound):
        declare(world, actor=world.chloe_father)
    assert not AbsenceDeclaration.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": (TODAY - dt.timedelta(days=1)).isoformat()}, "La fin doit être après le début."),
        ({"starts_time": "10:00", "ends_time": "09:00"}, "La fin doit être après le début."),
        ({"reason": ""}, "Ce champ est obligatoire."),
        ({"starts_on": "2026-08-20", "ends_on": "2026-08-21"}, "en dehors de l'année scolaire"),
    ],
)
def test_bad_dates_and_reasons_are_refused(world, login, frozen, changes, message):
    response = login(world.alice_mother).post(DECLARE, form(world, **changes))
    assert response.status_code == 422
    assert message in unescape(response.content.decode())
    assert not AbsenceDeclaration.objects.exists()


def test_a_file_lying_about_its_extension_or_too_large_is_refused(world, login, frozen):
    client = login(world.alice_mother)
    response = client.post(DECLARE, {**form(world), "document": png("certificat.pdf")})
    assert response.status_code == 422
    assert "n'est pas ce que dit son extension" in unescape(response.content.decode())
    with override_settings(CARNET_DOCUMENT_MAX_BYTES=1024):
        response = client.post(DECLARE, {**form(world), "document": png("grosse.png", size=4096)})
    assert response.status_code == 422 and "trop lourd" in unescape(response.content.decode())
    from django.core.files.uploadedfile import SimpleUploadedFile

    script = SimpleUploadedFile("mot.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(DECLARE, {**form(world), "document": script})
    assert response.status_code == 422 and "PDF, JPEG, PNG ou WebP" in unescape(response.content.decode())
    assert not AbsenceDeclaration.objects.exists()


def test_a_reason_out_of_service_or_of_another_school_is_refused(world, frozen):
    sick = reason(world.lycee)
    sick.is_active = False
    sick.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed) as error:
        declare(world)
    assert "reason" in error.value.details
    with pytest.raises(ValidationFailed):
        declare(world, reason_id=reason(world.ceg).public_id)
    with pytest.raises(ValidationFailed):
        declare(
            world,
            starts_at=at(TODAY + dt.timedelta(days=120), "08:00"),
            ends_at=at(TODAY + dt.timedelta(days=120), "10:00"),
        )
    assert not AbsenceDeclaration.objects.exists()


# --- deciding -----------------------------------------------------------------------------------
def test_accepting_links_the_absences_and_justifies_them(world, frozen, django_capture_on_commit_callbacks):
    morning = absence(world.alice, world.lycee, TODAY, "08:00", "10:00")
    afternoon = absence(world.alice, world.lycee, TODAY, "14:00", "16:00")
    other_day = absence(world.alice, world.lycee, LAST_FRIDAY, "08:00", "09:00")
    declaration = declare(world)
    with django_capture_on_commit_callbacks(execute=True):
        decided = service.decide_declaration(
            actor=world.cpe, declaration=declaration, accept=True, note="", expected_version=1
        )
    assert decided.status == "accepted" and decided.decided_by == world.cpe and decided.version == 2
    assert set(decided.absences.all()) == {morning, afternoon}
    for row in (morning, afternoon):
        row.refresh_from_db()
        assert (row.state, row.reason.label, row.version) == ("justified", "Maladie", 2)
    other_day.refresh_from_db()
    assert other_day.state == "to_justify"
    told = Notification.objects.get(kind="attendance.declaration_decided")
    assert told.recipient == world.alice_mother and "déclaration acceptée" in told.title
    assert AuditEvent.objects.filter(action="attendance.declaration_accepted").exists()


def test_a_reason_that_does_not_justify_makes_the_absence_unjustified(world, frozen):
    morning = absence(world.alice, world.lycee, TODAY, "08:00", "10:00")
    declaration = declare(world, reason_id=reason(world.lycee, "Autre (non recevable)").public_id)
    service.decide_declaration(actor=world.cpe, declaration=declaration, accept=True, expected_version=1)
    morning.refresh_from_db()
    assert morning.state == "unjustified" and morning.reason.label == "Autre (non recevable)"


def test_accepting_a_past_declaration_without_absence_creates_one(world, frozen):
    declaration = declare(world, starts_at=at(LAST_FRIDAY, "08:00"), ends_at=at(LAST_FRIDAY, "17:00"))
    service.decide_declaration(actor=world.cpe, declaration=declaration, accept=True, expected_version=1)
    created = Absence.objects.get()
    assert (created.source, created.state, created.half_days) == ("guardian", "justified", 2)
    assert created.guardians_notified_at is not None
    assert list(declaration.absences.all()) == [created]


def test_a_declaration_in_advance_covers_the_absences_recorded_later(world, frozen):
    declaration = declare(
        world, starts_at=at(TOMORROW, "00:00"), ends_at=at(TOMORROW + dt.timedelta(days=1), "00:00")
    )
    service.decide_declaration(actor=world.cpe, declaration=declaration, accept=True, expected_version=1)
    assert not Absence.objects.exists()  # nothing happened yet
    frozen.shift(dt.timedelta(days=1))
    later = absence(world.alice, world.lycee, TOMORROW, "08:00", "10:00")
    unrelated = absence(world.bruno, world.lycee, TOMORROW, "08:00", "10:00")
    assert service.link_accepted_declarations() == 1
    later.refresh_from_db()
    unrelated.refresh_from_db()
    assert later.state == "justified" and list(later.declarations.all()) == [declaration]
    assert unrelated.state == "to_justify"
    assert service.link_accepted_declarations() == 0


def test_rejecting_needs_a_note_and_tells_the_guardian(world, frozen, django_capture_on_commit_callbacks):
    morning = absence(world.alice, world.lycee, TODAY, "08:00", "10:00")
    declaration = declare(world)
    with pytest.raises(ValidationFailed) as error:
        service.decide_declaration(
            actor=world.cpe, declaration=declaration, accept=False, note=" ", expected_version=1
        )
    assert "note" in error.value.details
    with django_capture_on_commit_callbacks(execute=True):
        service.decide_declaration(
            actor=world.cpe,
            declaration=declaration,
            accept=False,
            note="Pas de justificatif.",
            expected_version=1,
        )
    declaration.refresh_from_db()
    morning.refresh_from_db()
    assert (
        declaration.status == "rejected"
        and morning.state == "to_justify"
        and not declaration.absences.exists()
    )
    told = Notification.objects.get(kind="attendance.declaration_decided")
    assert "refusée" in told.title and told.body == "Pas de justificatif."
    with pytest.raises(service.DeclarationDecided):
        service.decide_declaration(actor=world.cpe, declaration=declaration, accept=True, expected_version=2)


def test_deciding_permissions_and_stale_versions(world, frozen):
    declaration = declare(world)
    with pytest.raises(PermissionDenied):
        service.decide_declaration(
            actor=world.secretary, declaration=declaration, accept=True, expected_version=1
        )
    with pytest.raises(NotFound):
        service.decide_declaration(
            actor=world.teacher_maths, declaration=declaration, accept=True, expected_version=1
        )
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    with pytest.raises(NotFound):
        service.decide_declaration(
            actor=world.outsider, declaration=declaration, accept=True, expected_version=1
        )
    with pytest.raises(PermissionDenied):  # the guardian sees it but may not decide
        service.decide_declaration(
            actor=world.alice_mother, declaration=declaration, accept=True, expected_version=1
        )
    with pytest.raises(service.DeclarationConflict):
        service.decide_declaration(actor=world.cpe, declaration=declaration, accept=True, expected_version=7)
    declaration.refresh_from_db()
    assert declaration.status == "pending" and declaration.version == 1


def test_the_inbox_and_the_decision_page(world, login, frozen, django_assert_max_num_queries):
    absence(world.alice, world.lycee, TODAY, "08:00", "10:00")
    declaration = declare(world, document=png())
    declare(world, actor=world.chloe_father, student=world.chloe)
    client = login(world.cpe)
    client.get(INBOX)
    with django_assert_max_num_queries(22):
        inbox = client.get(INBOX).content.decode()
    assert (
        "Déclarations des parents à traiter" in inbox and "MARTIN Alice" in inbox and "DURAND Chloé" in inbox
    )
    assert "justificatif joint" in inbox
    url = reverse("attendance:declaration", args=[declaration.public_id])
    page = client.get(url).content.decode()
    assert "mot.png" in page and "Accepter" in page and "Fièvre" not in page
    response = client.post(url, {"decision": "reject", "note": "", "version": "1"})
    assert response.status_code == 422 and "pourquoi la déclaration est refusée" in unescape(
        response.content.decode()
    )
    response = client.post(url, {"decision": "accept", "note": "Bon rétablissement.", "version": "1"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == "accepted" and declaration.decision_note == "Bon rétablissement."
    again = client.post(url, {"decision": "reject", "note": "Non", "version": "2"})
    assert again.status_code == 409 and "déjà été traitée" in unescape(again.content.decode())
    # Secretary reads but may not decide; a teacher and another school's staff are kept out.
    assert login(world.secretary).get(url).status_code == 200
    assert (
        login(world.secretary).post(url, {"decision": "reject", "note": "x", "version": "2"}).status_code
        == 403
    )
    assert login(world.teacher_maths).get(INBOX).status_code == 403
    assert login(world.teacher_maths).get(url).status_code == 404
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    assert login(world.outsider).get(url).status_code == 404
    assert "MARTIN" not in login(world.outsider).get(INBOX).content.decode()


def test_the_document_is_served_only_within_the_scope(world, login, frozen):
    declaration = declare(world, document=png())
    url = reverse("attendance:declaration_document", args=[declaration.public_id])
    for person in (world.cpe, world.secretary, world.alice_mother):
        response = login(person).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "image/png"
        assert 'filename="mot.png"' in response["Content-Disposition"]
    for person in (world.chloe_father, world.teacher_maths, world.outsider, world.alice, world.dossou_parent):
        assert login(person).get(url).status_code == 404
    with_pdf = declare(world, document=pdf())
    response = login(world.cpe).get(reverse("attendance:declaration_document", args=[with_pdf.public_id]))
    assert response["Content-Disposition"].startswith("attachment")
    without = declare(world)
    assert (
        login(world.cpe).get(reverse("attendance:declaration_document", args=[without.public_id])).status_code
        == 404
    )


# --- API ----------------------------------------------------------------------------------------
def test_api_declare_with_a_multipart_document_and_decide(world, login, frozen):
    client = login(world.alice_mother)
    payload = {
        "student": str(world.alice.public_id),
        "starts_at": at(TODAY, "08:00").isoformat(),
        "ends_at": at(TODAY, "12:00").isoformat(),
        "reason": str(reason(world.lycee).public_id),
        "message": "Dentiste",
    }
    response = client.post(f"{API}/declarations", {**payload, "document": png()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["has_document"] and body["document_name"] == "mot.png"
    assert body["reason"]["label"] == "Maladie"
    # Not one's child: 404 and nothing saved; a lying file: 422.
    assert login(world.chloe_father).post(f"{API}/declarations", payload).json()["code"] == "not_found"
    client = login(world.alice_mother)
    lying = client.post(f"{API}/declarations", {**payload, "document": png("faux.pdf")})
    assert lying.status_code == 422 and "document" in lying.json()["details"]
    backwards = client.post(f"{API}/declarations", {**payload, "ends_at": at(TODAY, "07:00").isoformat()})
    assert backwards.status_code == 422 and backwards.json()["details"] == {
        "ends_at": "La fin doit être après le début."
    }
    assert AbsenceDeclaration.objects.count() == 1
    # Lists per scope.
    assert [d["id"] for d in login(world.alice_mother).get(f"{API}/declarations").json()["items"]] == [
        body["id"]
    ]
    assert login(world.chloe_father).get(f"{API}/declarations").json()["items"] == []
    assert login(world.chloe_father).get(f"{API}/declarations/{body['id']}").status_code == 404
    assert login(world.cpe).get(f"{API}/declarations", {"status": "pending"}).json()["count"] == 1
    document = login(world.cpe).get(f"{API}/declarations/{body['id']}/document")
    assert document.status_code == 200 and document["X-Content-Type-Options"] == "nosniff"
    # Decide.
    decision = {"accept": True, "note": "", "version": 1}
    refused = login(world.secretary).post(
        f"{API}/declarations/{body['id']}/decision", json.dumps(decision), content_type="application/json"
    )
    assert refused.json()["code"] == "forbidden"
    done = login(world.cpe).post(
        f"{API}/declarations/{body['id']}/decision", json.dumps(decision), content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    twice = login(world.cpe).post(
        f"{API}/declarations/{body['id']}/decision", json.dumps(decision), content_type="application/json"
    )
    assert twice.status_code == 409 and twice.json()["code"] == "declaration_decided"
