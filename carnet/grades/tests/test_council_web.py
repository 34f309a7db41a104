"""The council pages and API: the permission trio, the grid and panel, closing and unlocking from
the page, the htmx panel, a constant query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.grades.models import Appraisal, ClassCouncil
from carnet.grades.services.appraisals import save_appraisal
from carnet.grades.services.council import council_for
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g
from carnet.testing.factories import UserFactory, enroll

pytestmark = pytest.mark.django_db


def council_url(world, school_class=None, period=None):
    return reverse(
        "grades:council", args=[(school_class or world.seconde_a).public_id, (period or world.periods[0]).public_id]
    )


def api_url(world, school_class=None, suffix=""):
    return f"/api/v1/grades/councils/{(school_class or world.seconde_a).public_id}/{world.periods[0].public_id}{suffix}"


@pytest.fixture
def marks(world):
    assignment = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    assessment = g.assessment(assignment, world.periods[0])
    g.mark(assessment, world.alice, "12")
    g.mark(assessment, world.bruno, "15.5")
    return assessment


# --- pages: permissions ------------------------------------------------------------------------
def test_council_page_trio(world, login, marks):
    assert login(world.teacher_maths).get(council_url(world)).status_code == 200
    assert login(world.head).get(council_url(world)).status_code == 200
    assert login(world.head).get(council_url(world, world.seconde_b)).status_code == 200
    assert login(world.teacher_maths).get(council_url(world, world.seconde_b)).status_code == 403
    assert login(world.teacher_french).get(council_url(world, world.seconde_b)).status_code == 403
    assert login(world.cpe).get(council_url(world)).status_code == 403
    for person in (world.teacher_french, world.outsider, world.alice, world.bruno, world.alice_mother, world.dossou_parent):
        assert login(person).get(council_url(world)).status_code == 404


def test_councils_index(world, login):
    body = login(world.teacher_maths).get(reverse("grades:councils")).content.decode()
    assert "2nde A" in body and "2nde B" not in body and "Trimestre 3" in body
    head = login(world.head).get(reverse("grades:councils")).content.decode()
    assert "2nde A" in head and "2nde B" in head
    for person in (world.teacher_french, world.cpe, world.alice, world.alice_mother, world.outsider):
        assert login(person).get(reverse("grades:councils")).status_code == 403


def test_nav_entry(world, login):
    assert "Conseils de classe" in login(world.teacher_maths).get(reverse("grades:councils")).content.decode()
    home = login(world.teacher_french).get(reverse("grades:appraisals_home")).content.decode()
    assert "Conseils de classe" not in home and "Appréciations" in home


# --- pages: content ----------------------------------------------------------------------------
def test_grid_and_panel(world, login, marks):
    save_appraisal(actor=world.teacher_maths, period=world.periods[0], student=world.bruno, kind="subject",
                   subject=world.maths, text="Très bon travail en maths.", expected_version=None)
    save_appraisal(actor=world.head, period=world.periods[0], student=world.bruno, kind="council",
                   text="Félicitations du conseil.", expected_version=None)
    Appraisal.objects.filter(kind="council").update(mention="Félicitations")
    client = login(world.teacher_maths)
    body = client.get(council_url(world)).content.decode()
    assert "MARTIN Alice" in body and "FRANÇAIS Bruno" in body and "Chloé" not in body
    assert "12,00" in body and "15,50" in body and "13,75" in body  # the class mean
    assert "Clore le conseil" in body and "Déverrouiller" not in body
    assert "Abs." in body and "suivi des absences" not in body
    assert body.count('aria-current="true"') == 1  # the first row is selected by default
    panel = client.get(council_url(world) + f"?student={world.bruno.public_id}", headers={"HX-Request": "true", "HX-Target": "council-panel"})
    text = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in text
    assert 'id="council-panel"' in text and "Très bon travail en maths." in text and "Félicitations du conseil." in text
    assert "Élève suivant" in text and "Élève précédent" not in text  # FRANÇAIS Bruno comes first


def test_record_from_the_page(world, login, marks):
    client = login(world.teacher_maths)
    url = reverse("grades:council_record", args=[world.seconde_a.public_id, world.periods[0].public_id, world.alice.public_id])
    response = client.post(url, {"text": "Trimestre solide.", "mention": "Compliments", "version": ""},
                           headers={"HX-Request": "true", "HX-Target": "council-panel"})
    assert response.status_code == 200 and "Enregistré" in response.content.decode()
    record = Appraisal.objects.get(kind="council", student=world.alice)
    assert record.text == "Trimestre solide." and record.mention == "Compliments"
    conflict = client.post(url, {"text": "Autre texte", "mention": "", "version": ""},
                           headers={"HX-Request": "true", "HX-Target": "council-panel"})
    text = conflict.content.decode()
    assert "Trimestre solide." in text and "Autre texte" in text and "Garder mon texte" in text
    assert Appraisal.objects.get(kind="council", student=world.alice).text == "Trimestre solide."
    # without htmx: a redirect back to the student
    plain = client.post(url, {"text": "Trimestre solide !", "mention": "", "version": "1"})
    assert plain.status_code == 302 and str(world.alice.public_id) in plain["Location"]
    refused = login(world.teacher_french).post(url, {"text": "x", "mention": "", "version": "2"})
    assert refused.status_code == 404
    assert Appraisal.objects.get(kind="council", student=world.alice).text == "Trimestre solide !"


def test_close_and_unlock_from_the_page(world, login, marks):
    council = council_for(period=world.periods[0], school_class=world.seconde_a)
    close = reverse("grades:council_close", args=[world.seconde_a.public_id, world.periods[0].public_id])
    unlock = reverse("grades:council_unlock", args=[world.seconde_a.public_id, world.periods[0].public_id])
    assert login(world.teacher_french).post(close, {"version": council.version}).status_code == 404
    assert login(world.cpe).post(close, {"version": council.version}).status_code == 403
    council.refresh_from_db()
    assert council.status == ClassCouncil.Status.OPEN
    client = login(world.teacher_maths)
    assert client.post(close, {"version": council.version}).status_code == 302
    council.refresh_from_db()
    assert council.status == ClassCouncil.Status.CLOSED
    body = client.get(council_url(world)).content.decode()
    assert "Conseil clos le" in body and "MATHS Marc" in body and "Clore le conseil" not in body
    assert "Enregistrer l'avis" not in body and "Déverrouiller" not in body
    assert client.post(unlock, {"reason": "Erreur de saisie"}).status_code == 403
    head = login(world.head)
    assert "Déverrouiller" in head.get(council_url(world)).content.decode()
    head.post(unlock, {"reason": "abc"})
    council.refresh_from_db()
    assert council.status == ClassCouncil.Status.CLOSED
    head.post(unlock, {"reason": "Erreur de saisie en maths"})
    council.refresh_from_db()
    assert council.status == ClassCouncil.Status.OPEN
    assert AuditEvent.objects.get(action="grades.council_unlocked").changes["reason"][1] == "Erreur de saisie en maths"
    assert "Erreur de saisie en maths" in head.get(council_url(world)).content.decode()


def test_council_page_query_count_is_constant(world, login, marks, django_assert_max_num_queries):
    client = login(world.teacher_maths)
    client.get(council_url(world))
    with django_assert_max_num_queries(60) as small:
        client.get(council_url(world))
    for n in range(20):
        student = UserFactory(first_name=f"Élève{n}", last_name=f"Nom{n}", username=f"eleve{n}")
        enroll(student, world.seconde_a)
        g.mark(marks, student, str(n))
        save_appraisal(actor=world.head, period=world.periods[0], student=student, kind="council",
                       text=f"Avis {n}", expected_version=None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(council_url(world))


def test_last_period_shows_the_decision(world, login, marks):
    body = login(world.teacher_maths).get(council_url(world, period=world.periods[2])).content.decode()
    assert "Décision de fin d'année" in body
    assert "Décision de fin d'année" not in login(world.teacher_maths).get(council_url(world)).content.decode()


# --- API ---------------------------------------------------------------------------------------
def test_api_grid_trio(world, login, marks):
    response = login(world.teacher_maths).get(api_url(world))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["council"]["status"] == "open" and data["ranks_enabled"] is False
    assert [s["full_name"] for s in data["students"]] == ["FRANÇAIS Bruno", "MARTIN Alice"] or len(data["students"]) == 2
    assert login(world.head).get(api_url(world)).status_code == 200
    assert login(world.teacher_maths).get(api_url(world, world.seconde_b)).status_code == 403
    for person in (world.teacher_french, world.outsider, world.alice, world.alice_mother):
        assert login(person).get(api_url(world)).status_code == 404


def test_api_close_and_unlock(world, login, marks):
    council = council_for(period=world.periods[0], school_class=world.seconde_a)
    close = api_url(world, suffix="/close")
    unlock = api_url(world, suffix="/unlock")
    assert login(world.cpe).post(close, {"expected_version": council.version}, content_type="application/json").status_code == 403
    assert login(world.outsider).post(close, {"expected_version": council.version}, content_type="application/json").status_code == 404
    closed = login(world.teacher_maths).post(close, {"expected_version": council.version}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_by"] == "MATHS Marc"
    stale = login(world.teacher_maths).post(close, {"expected_version": council.version}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "council_conflict"
    assert login(world.teacher_maths).post(unlock, {"reason": "Erreur de saisie"}, content_type="application/json").status_code == 403
    short = login(world.head).post(unlock, {"reason": "no"}, content_type="application/json")
    assert short.status_code == 422
    opened = login(world.head).post(unlock, {"reason": "Erreur de saisie"}, content_type="application/json")
    assert opened.status_code == 200 and opened.json()["status"] == "open" and opened.json()["unlock_reason"] == "Erreur de saisie"


def test_api_record(world, login, marks):
    url = api_url(world, suffix=f"/records/{world.alice.public_id}")
    ok = login(world.head).put(url, {"text": "Bien", "mention": "Encouragements", "expected_version": None}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["mention"] == "Encouragements"
    conflict = login(world.teacher_maths).put(url, {"text": "Autre", "expected_version": None}, content_type="application/json")
    assert conflict.status_code == 409 and conflict.json()["code"] == "appraisal_conflict"
    assert login(world.outsider).put(url, {"text": "x", "expected_version": 1}, content_type="application/json").status_code == 404


def test_the_schema_lists_the_council_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/grades/councils/{class_id}/{period_id}", "/api/v1/grades/councils/{class_id}/{period_id}/close",
                 "/api/v1/grades/councils/{class_id}/{period_id}/unlock", "/api/v1/grades/appraisals", "/api/v1/grades/conduct"):
        assert path in paths
