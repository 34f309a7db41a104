"""Exemption pages: the school-life list, the form (create with a certificate, change, end,
delete), a student's exemptions for the student and guardians, the certificate download (school
life, the student, the guardians; 404 for everyone else) and the home widget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carnet.attendance.models import Exemption
from carnet.attendance.services import exemptions as service
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import TODAY, more_students
from carnet.audit.models import AuditEvent

frozen = h.frozen
pytestmark = pytest.mark.usefixtures("frozen")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LIST = reverse("attendance:exemptions")
NEW = reverse("attendance:exemption_new")


def make(world, student=None, certificate=True, **changes):
    values = {
        "subject": world.maths,
        "starts_on": TODAY,
        "ends_on": TODAY + dt.timedelta(days=30),
        "weekdays": [],
        "must_attend": False,
        "reason": "Entorse",
        **changes,
    }
    return service.create_exemption(
        actor=world.cpe,
        establishment=world.lycee,
        student=student or world.alice,
        values=values,
        certificate=SimpleUploadedFile("certificat.pdf", PDF, content_type="application/pdf")
        if certificate
        else None,
    )


def form(world, **changes):
    data = {
        "subject": str(world.maths.pk),
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=7)).isoformat(),
        "must_attend": "on",
        "reason": "Entorse",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- the list ----------------------------------------------------------------------------------------
def test_cpe_sees_the_list_by_class(world, login):
    make(world)
    make(world, student=world.chloe, certificate=False, subject=world.french)
    client = login(world.cpe)
    page = client.get(LIST).content.decode()
    assert world.alice.full_name in page and world.chloe.full_name in page and "certificat.pdf" in page
    assert "Nouvelle dispense" in page
    one_class = client.get(LIST, {"classe": str(world.seconde_b.public_id)}).content.decode()
    assert world.chloe.full_name in one_class and world.alice.full_name not in one_class


def test_ended_exemptions_only_on_demand(world, login):
    make(world, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 5))
    client = login(world.cpe)
    assert world.alice.full_name not in client.get(LIST).content.decode()
    assert world.alice.full_name in client.get(LIST, {"tout": "1"}).content.decode()


def test_the_secretary_reads_without_writing(world, login):
    make(world)
    client = login(world.secretary)
    page = client.get(LIST).content.decode()
    assert world.alice.full_name in page and "Nouvelle dispense" not in page
    assert client.get(NEW).status_code == 404


@pytest.mark.parametrize("who", ["teacher_maths", "alice", "alice_mother", "outsider"])
def test_the_list_is_404_for_others(world, login, who):
    assert login(getattr(world, who)).get(LIST).status_code == 404


def test_the_list_query_count_is_constant(world, login, django_assert_max_num_queries):
    make(world)
    client = login(world.cpe)
    client.get(LIST)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for student in more_students(world.seconde_a, 12):
        make(world, student=student, certificate=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST).content.decode()
    assert page.count("Modifier la dispense de") == 13


# --- creating ------------------------------------------------------------------------------------
def test_cpe_creates_one_with_a_certificate(world, login):
    client = login(world.cpe)
    picker = client.get(NEW).content.decode()
    assert 'name="classe"' in picker and 'name="eleve"' not in picker
    page = client.get(NEW, {"classe": str(world.seconde_a.public_id)}).content.decode()
    assert world.alice.full_name in page and world.chloe.full_name not in page
    data = form(
        world, classe=str(world.seconde_a.public_id), eleve=str(world.alice.public_id), weekdays=["0", "3"]
    )
    data["certificate"] = SimpleUploadedFile("certif.pdf", PDF, content_type="application/pdf")
    response = client.post(NEW, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    exemption = Exemption.objects.get()
    assert (exemption.student, exemption.weekdays, exemption.must_attend) == (world.alice, [0, 3], True)
    assert exemption.certificate_name == "certif.pdf"


def test_a_bad_certificate_is_refused_on_the_form(world, login):
    client = login(world.cpe)
    data = form(world, classe=str(world.seconde_a.public_id), eleve=str(world.alice.public_id))
    data["certificate"] = SimpleUploadedFile(
        "certif.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
    )
    response = client.post(NEW, data)
    assert response.status_code == 422
    assert "PDF, JPEG, PNG ou WebP" in response.content.decode()
    assert not Exemption.objects.exists()


def test_missing_student_and_bad_dates_are_shown(world, login):
    client = login(world.cpe)
    response = client.post(NEW, form(world, classe=str(world.seconde_a.public_id)))
    assert response.status_code == 422 and "Choisissez l&#x27;élève" in response.content.decode()
    response = client.post(
        NEW,
        form(
            world,
            classe=str(world.seconde_a.public_id),
            eleve=str(world.alice.public_id),
            ends_on=(TODAY - dt.timedelta(days=2)).isoformat(),
        ),
    )
    assert response.status_code == 422 and "finir avant de commencer" in response.content.decode()
    assert not Exemption.objects.exists()


@pytest.mark.parametrize("who", ["teacher_maths", "secretary", "alice", "alice_mother", "outsider"])
def test_others_cannot_create(world, login, who):
    client = login(getattr(world, who))
    data = form(world, classe=str(world.seconde_a.public_id), eleve=str(world.alice.public_id))
    assert client.post(NEW, data).status_code == 404
    assert not Exemption.objects.exists()


# --- changing, ending, deleting ------------------------------------------------------------------
def test_cpe_edits_ends_and_deletes(world, login):
    exemption = make(world, starts_on=TODAY - dt.timedelta(days=3))
    client = login(world.cpe)
    edit = reverse("attendance:exemption_edit", args=[exemption.public_id])
    page = client.get(edit).content.decode()
    assert "Terminer aujourd&#x27;hui" in page or "Terminer aujourd'hui" in page
    assert 'name="version" value="1"' in page
    response = client.post(
        edit, form(world, starts_on=(TODAY - dt.timedelta(days=3)).isoformat(), reason="Plâtre", version=1)
    )
    assert response.status_code == 302
    exemption.refresh_from_db()
    assert exemption.reason == "Plâtre" and exemption.must_attend and exemption.certificate
    assert exemption.version == 2
    end = reverse("attendance:exemption_end", args=[exemption.public_id])
    assert client.post(end, {"version": 2}).status_code == 302
    exemption.refresh_from_db()
    assert (exemption.ends_on, exemption.version) == (TODAY, 3)
    assert client.post(reverse("attendance:exemption_delete", args=[exemption.public_id])).status_code == 302
    assert not Exemption.objects.exists()


@pytest.mark.parametrize("who", ["teacher_maths", "secretary", "alice", "alice_mother", "outsider"])
def test_others_cannot_change(world, login, who):
    exemption = make(world)
    client = login(getattr(world, who))
    args = [exemption.public_id]
    assert client.get(reverse("attendance:exemption_edit", args=args)).status_code == 404
    assert (
        client.post(
            reverse("attendance:exemption_edit", args=args), form(world, reason="x", version=1)
        ).status_code
        == 404
    )
    assert client.post(reverse("attendance:exemption_end", args=args), {"version": 1}).status_code == 404
    assert client.post(reverse("attendance:exemption_delete", args=args)).status_code == 404
    exemption.refresh_from_db()
    assert exemption.reason == "Entorse"


def test_a_stale_save_shows_the_other_persons_values_and_saves_nothing(world, login):
    exemption = make(world, starts_on=TODAY - dt.timedelta(days=3))
    client = login(world.cpe)
    edit = reverse("attendance:exemption_edit", args=[exemption.public_id])
    assert 'name="version" value="1"' in client.get(edit).content.decode()
    # Meanwhile the head changes the reason.
    service.update_exemption(
        actor=world.head,
        exemption=exemption,
        values={
            "subject": world.maths,
            "starts_on": TODAY - dt.timedelta(days=3),
            "ends_on": TODAY + dt.timedelta(days=30),
            "weekdays": [],
            "must_attend": False,
            "reason": "Fracture du poignet",
        },
        expected_version=1,
    )
    response = client.post(
        edit, form(world, starts_on=(TODAY - dt.timedelta(days=3)).isoformat(), reason="Plâtre", version=1)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "modifiée entre-temps par" in page and world.head.full_name in page
    assert "Fracture du poignet" in page  # the other person's value, shown
    assert 'value="Plâtre"' in page  # what the CPE typed, kept in the form
    assert 'name="version" value="2"' in page
    exemption.refresh_from_db()
    assert (exemption.reason, exemption.version) == ("Fracture du poignet", 2)
    assert AuditEvent.objects.filter(action="attendance.exemption_updated").count() == 1
    # Saving again, knowingly, from the page as it came back.
    response = client.post(
        edit, form(world, starts_on=(TODAY - dt.timedelta(days=3)).isoformat(), reason="Plâtre", version=2)
    )
    assert response.status_code == 302
    exemption.refresh_from_db()
    assert (exemption.reason, exemption.version) == ("Plâtre", 3)


def test_a_stale_end_is_refused_on_the_page(world, login):
    exemption = make(world, starts_on=TODAY - dt.timedelta(days=3))
    client = login(world.cpe)
    end = reverse("attendance:exemption_end", args=[exemption.public_id])
    response = client.post(end, {"version": 7}, follow=True)
    assert "modifiée" in response.content.decode()
    exemption.refresh_from_db()
    assert (exemption.ends_on, exemption.version) == (TODAY + dt.timedelta(days=30), 1)
    assert client.post(end).status_code == 302  # no version: refused the same way
    exemption.refresh_from_db()
    assert exemption.ends_on == TODAY + dt.timedelta(days=30)


# --- the student's page, the certificate and the widget -------------------------------------------
@pytest.mark.parametrize("who", ["alice", "alice_mother", "cpe", "secretary"])
def test_student_page_for_the_student_guardians_and_staff(world, login, who):
    make(world)
    page = login(getattr(world, who)).get(
        reverse("attendance:student_exemptions", args=[world.alice.public_id])
    )
    assert page.status_code == 200
    assert (
        "Mathématiques" in page.content.decode()
        and "présence en cours non obligatoire" in page.content.decode()
    )


@pytest.mark.parametrize("who", ["chloe_father", "teacher_maths", "bruno", "outsider", "dossou_parent"])
def test_student_page_is_404_for_others(world, login, who):
    make(world)
    assert (
        login(getattr(world, who))
        .get(reverse("attendance:student_exemptions", args=[world.alice.public_id]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("who", ["cpe", "alice", "alice_mother"])
def test_certificate_download_allowed(world, login, who):
    exemption = make(world)
    response = login(getattr(world, who)).get(
        reverse("attendance:exemption_certificate", args=[exemption.public_id])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "certificat.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["secretary", "teacher_maths", "chloe_father", "bruno", "outsider"])
def test_certificate_download_refused(world, login, who):
    exemption = make(world)
    assert (
        login(getattr(world, who))
        .get(reverse("attendance:exemption_certificate", args=[exemption.public_id]))
        .status_code
        == 404
    )


def test_student_and_guardian_home_widget(world, login):
    make(world)
    page = login(world.alice).get(reverse("portal:home")).content.decode()
    assert (
        "Dispenses" in page and reverse("attendance:student_exemptions", args=[world.alice.public_id]) in page
    )
    chloe_side = login(world.chloe).get(reverse("portal:home")).content.decode()
    assert reverse("attendance:student_exemptions", args=[world.chloe.public_id]) not in chloe_side


def test_school_life_navigation(world, login):
    cpe = login(world.cpe).get(reverse("portal:home")).content.decode()
    assert LIST in cpe and reverse("attendance:missing_registers") in cpe
    teacher = login(world.teacher_maths).get(reverse("portal:home")).content.decode()
    assert LIST not in teacher
