"""The teacher API: assignments, assessments, marks, history. Every endpoint: the teacher allowed,
another teacher, an outsider, a student and a guardian refused with 404, and nothing changed."""

import json
from decimal import Decimal

import pytest

from carnet.audit.models import AuditEvent
from carnet.grades.models import Assessment, ClassCouncil, Mark
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g

pytestmark = pytest.mark.django_db
API = "/api/v1/grades"


@pytest.fixture
def maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


@pytest.fixture
def assessment(world, maths_a):
    return g.assessment(maths_a, world.periods[0], title="Contrôle 1")


def call(client, method, url, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(url, **kwargs)


def refused_people(world):
    # teacher_french is Bruno's mother: a guardian here, and a teacher who does not teach this class
    return [world.teacher_french, world.outsider, world.alice, world.alice_mother, world.head]


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    return response.json()


# --- assignments --------------------------------------------------------------------------------
def test_assignments(world, login):
    data = login(world.teacher_maths).get(f"{API}/assignments").json()
    assert [(a["subject"]["name"], a["school_class"]["name"]) for a in data] == [
        ("Mathématiques", "2nde A"), ("Mathématiques", "2nde B"),
    ]
    assert [p["name"] for p in data[0]["periods"]] == ["Trimestre 1", "Trimestre 2", "Trimestre 3"]
    assert data[0]["is_main_teacher"] and not data[1]["is_main_teacher"]
    assert not data[0]["periods"][0]["locked"]
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a, status="closed")
    data = login(world.teacher_maths).get(f"{API}/assignments").json()
    assert data[0]["periods"][0]["locked"] and not data[1]["periods"][0]["locked"]
    for person in (world.alice, world.alice_mother, world.head):
        assert login(person).get(f"{API}/assignments").json() == []


def test_assignments_query_count_is_constant(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carnet.testing.factories import SchoolClassFactory, assign

    client = login(world.teacher_maths)
    client.get(f"{API}/assignments")  # the first request of a session records the session
    with CaptureQueriesContext(connection) as before:
        client.get(f"{API}/assignments")
    for n in range(3):
        assign(world.teacher_maths, SchoolClassFactory(school_year=world.year, name=f"1re {n}"), world.maths)
    with CaptureQueriesContext(connection) as after:
        assert len(client.get(f"{API}/assignments").json()) == 5
    assert len(after) == len(before) <= 12


def test_anonymous(client, world, assessment):
    assert client.get(f"{API}/assessments").status_code == 401


# --- assessments --------------------------------------------------------------------------------
def test_list_assessments(world, login, assessment, maths_a):
    french = g.assessment(TeachingAssignment.objects.get(teacher=world.teacher_french), world.periods[0])
    data = login(world.teacher_maths).get(f"{API}/assessments").json()
    assert [a["id"] for a in data] == [str(assessment.public_id)]
    assert Decimal(data[0]["scale"]) == 20
    data = login(world.teacher_maths).get(f"{API}/assessments?assignment={maths_a.public_id}&period={world.periods[1].public_id}").json()
    assert data == []
    assert [a["id"] for a in login(world.teacher_french).get(f"{API}/assessments").json()] == [str(french.public_id)]
    for person in (world.outsider, world.alice, world.alice_mother, world.head):
        assert login(person).get(f"{API}/assessments").json() == []


def test_get_assessment_trio(world, login, assessment):
    url = f"{API}/assessments/{assessment.public_id}"
    assert login(world.teacher_maths).get(url).json()["title"] == "Contrôle 1"
    for person in refused_people(world):
        assert_error(login(person).get(url), 404, "not_found")


def _new(world, maths_a, **extra):
    body = {
        "assignment": str(maths_a.public_id), "period": str(world.periods[0].public_id), "title": "Interro 2",
        "held_on": "2026-10-12", "kind": "interrogation", "scale": "10", "coefficient": "0.5",
    }
    body.update(extra)
    return body


def test_create(world, login, maths_a):
    response = call(login(world.teacher_maths), "post", f"{API}/assessments", _new(world, maths_a))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["title"], Decimal(data["scale"]), Decimal(data["coefficient"]), data["version"]) == ("Interro 2", 10, Decimal("0.5"), 1)
    assert data["published_at"]
    assert Assessment.objects.get().created_by == world.teacher_maths


def test_create_refused(world, login, maths_a):
    for person in refused_people(world):
        assert_error(call(login(person), "post", f"{API}/assessments", _new(world, maths_a)), 404, "not_found")
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"coefficient": "0"}, "coefficient"), ({"scale": "150"}, "scale"), ({"held_on": "2027-01-10"}, "held_on")],
)
def test_create_validation(world, login, maths_a, extra, field):
    data = assert_error(call(login(world.teacher_maths), "post", f"{API}/assessments", _new(world, maths_a, **extra)), 422, "validation_failed")
    assert field in data["details"]
    assert not Assessment.objects.exists()


def test_create_in_locked_period(world, login, maths_a):
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a, status="closed")
    assert_error(call(login(world.teacher_maths), "post", f"{API}/assessments", _new(world, maths_a)), 409, "period_locked")


def test_update(world, login, assessment):
    url = f"{API}/assessments/{assessment.public_id}"
    response = call(login(world.teacher_maths), "patch", url, {"expected_version": 1, "title": "Contrôle 1 bis", "coefficient": "2"})
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["version"]) == ("Contrôle 1 bis", 2)
    assert_error(call(login(world.teacher_maths), "patch", url, {"expected_version": 1, "title": "x"}), 409, "conflict")
    for person in refused_people(world):
        assert_error(call(login(person), "patch", url, {"expected_version": 2, "title": "x"}), 404, "not_found")
    assessment.refresh_from_db()
    assert assessment.title == "Contrôle 1 bis"


def test_delete(world, login, assessment):
    g.mark(assessment, world.alice, 12)
    url = f"{API}/assessments/{assessment.public_id}"
    for person in refused_people(world):
        assert_error(call(login(person), "delete", f"{url}?confirm=true"), 404, "not_found")
    data = assert_error(call(login(world.teacher_maths), "delete", url), 409, "confirmation_required")
    assert data["details"] == {"marks": 1}
    assert Assessment.objects.exists()
    assert call(login(world.teacher_maths), "delete", f"{url}?confirm=true").status_code == 204
    assert not Assessment.objects.exists()
    assert AuditEvent.objects.filter(action="grades.assessment_deleted").exists()


def test_duplicate(world, login, assessment):
    maths_b = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)
    url = f"{API}/assessments/{assessment.public_id}/duplicate"
    response = call(login(world.teacher_maths), "post", url, {"assignments": [str(maths_b.public_id)]})
    assert response.status_code == 201, response.content
    assert response.json()[0]["assignment"] == str(maths_b.public_id)
    french = TeachingAssignment.objects.get(teacher=world.teacher_french)
    assert_error(call(login(world.teacher_maths), "post", url, {"assignments": [str(french.public_id)]}), 404, "not_found")
    for person in refused_people(world):
        assert_error(call(login(person), "post", url, {"assignments": [str(maths_b.public_id)]}), 404, "not_found")
    assert Assessment.objects.count() == 2


def test_publish(world, login, maths_a):
    hidden = g.assessment(maths_a, world.periods[0], published=False)
    url = f"{API}/assessments/{hidden.public_id}/publish"
    for person in refused_people(world):
        assert_error(call(login(person), "post", url), 404, "not_found")
    hidden.refresh_from_db()
    assert hidden.published_at is None
    response = call(login(world.teacher_maths), "post", url)
    assert response.status_code == 200 and response.json()["published_at"]


# --- marks --------------------------------------------------------------------------------------
def test_list_marks(world, login, assessment, django_assert_max_num_queries):
    g.mark(assessment, world.alice, "12.5", comment="Bien")
    url = f"{API}/assessments/{assessment.public_id}/marks"
    client = login(world.teacher_maths)
    with django_assert_max_num_queries(16):  # session, user, roles, then 3 for the list
        data = client.get(url).json()
    assert [(m["student"]["full_name"], m["text"], m["version"]) for m in data] == [
        ("FRANÇAIS Bruno", "", None), ("MARTIN Alice", "12,5", 1),
    ]
    assert data[1]["comment"] == "Bien" and data[1]["status"] == "marked"
    for person in refused_people(world):
        assert_error(login(person).get(url), 404, "not_found")


def test_put_mark(world, login, assessment):
    url = f"{API}/assessments/{assessment.public_id}/marks/{world.alice.public_id}"
    client = login(world.teacher_maths)
    response = call(client, "put", url, {"text": "12,5", "expected_version": None})
    assert response.status_code == 200, response.content
    assert (response.json()["text"], response.json()["version"]) == ("12,5", 1)
    response = call(client, "put", url, {"text": "abs", "comment": "Malade", "expected_version": 1})
    assert (response.json()["text"], response.json()["version"], response.json()["comment"]) == ("Abs", 2, "Malade")
    for person in refused_people(world):
        assert_error(call(login(person), "put", url, {"text": "20", "expected_version": 2}), 404, "not_found")
    mark = Mark.objects.get()
    assert (mark.status, mark.version) == ("absent", 2)


def test_put_mark_conflict(world, login, assessment):
    g.mark(assessment, world.alice, 12)
    url = f"{API}/assessments/{assessment.public_id}/marks/{world.alice.public_id}"
    data = assert_error(call(login(world.teacher_maths), "put", url, {"text": "15", "expected_version": None}), 409, "mark_conflict")
    assert data["details"]["current"] == "12"
    assert data["details"]["version"] == 1
    assert data["details"]["by"] == "MATHS Marc"
    assert data["details"]["student"] == str(world.alice.public_id)
    assert Mark.objects.get().value == 12


def test_put_mark_validation(world, login, assessment):
    url = f"{API}/assessments/{assessment.public_id}/marks/{world.alice.public_id}"
    data = assert_error(call(login(world.teacher_maths), "put", url, {"text": "douze", "expected_version": None}), 422, "validation_failed")
    assert data["message"] == "« douze » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr."
    # chloé is in 2nde B (taught by the same teacher): a clear message
    url = f"{API}/assessments/{assessment.public_id}/marks/{world.chloe.public_id}"
    data = assert_error(call(login(world.teacher_maths), "put", url, {"text": "12", "expected_version": None}), 422, "validation_failed")
    assert data["message"] == "Cet élève n'est pas dans la classe 2nde A."
    # a student the teacher does not see at all: 404
    url = f"{API}/assessments/{assessment.public_id}/marks/{world.dossou.public_id}"
    assert_error(call(login(world.teacher_maths), "put", url, {"text": "12", "expected_version": None}), 404, "not_found")
    assert not Mark.objects.exists()


def test_put_mark_locked(world, login, assessment):
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a, status="closed")
    url = f"{API}/assessments/{assessment.public_id}/marks/{world.alice.public_id}"
    assert_error(call(login(world.teacher_maths), "put", url, {"text": "12", "expected_version": None}), 409, "period_locked")
    assert not Mark.objects.exists()


def test_post_column(world, login, assessment):
    url = f"{API}/assessments/{assessment.public_id}/marks"
    body = {"marks": [
        {"student": str(world.alice.public_id), "text": "12", "expected_version": None},
        {"student": str(world.bruno.public_id), "text": "nr", "expected_version": None, "comment": "Copie non rendue"},
    ]}
    for person in refused_people(world):
        assert_error(call(login(person), "post", url, body), 404, "not_found")
    assert not Mark.objects.exists()
    response = call(login(world.teacher_maths), "post", url, body)
    assert response.status_code == 200, response.content
    assert [m["text"] for m in response.json()] == ["12", "NR"]
    # all or nothing: one bad mark, nothing saved
    bad = {"marks": [
        {"student": str(world.alice.public_id), "text": "13", "expected_version": 1},
        {"student": str(world.bruno.public_id), "text": "25", "expected_version": 1},
    ]}
    data = assert_error(call(login(world.teacher_maths), "post", url, bad), 422, "validation_failed")
    assert data["details"] == [
        {"student": str(world.bruno.public_id), "name": "FRANÇAIS Bruno", "message": "La note 25 dépasse le barème (sur 20)."}
    ]
    # conflicts listed
    stale = {"marks": [{"student": str(world.alice.public_id), "text": "13", "expected_version": None}]}
    data = assert_error(call(login(world.teacher_maths), "post", url, stale), 409, "mark_conflict")
    assert data["details"][0]["current"] == "12"
    assert Mark.objects.get(student=world.alice).value == 12


def test_history(world, login, assessment):
    client = login(world.teacher_maths)
    url = f"{API}/assessments/{assessment.public_id}/marks/{world.alice.public_id}"
    call(client, "put", url, {"text": "12", "expected_version": None})
    call(client, "put", url, {"text": "14", "expected_version": 1})
    data = client.get(f"{url}/history").json()
    assert [(e["action"], e["mark"], e["by"]) for e in data] == [
        ("grades.mark_changed", ["12", "14"], "MATHS Marc"),
        ("grades.mark_created", [None, "12"], "MATHS Marc"),
    ]
    assert len(login(world.head).get(f"{url}/history").json()) == 2
    for person in (world.teacher_french, world.outsider, world.alice, world.alice_mother):
        assert_error(login(person).get(f"{url}/history"), 404, "not_found")


def test_openapi_has_french_summaries(client, world, login):
    schema = login(world.teacher_maths).get("/api/v1/openapi.json").json()
    put = schema["paths"]["/api/v1/grades/assessments/{assessment_id}/marks/{student_id}"]["put"]
    assert put["summary"] == "Enregistrer une note"
    assert "409" in put["responses"] and "422" in put["responses"]
    assert schema["paths"]["/api/v1/grades/assignments"]["get"]["summary"] == "Mes services d'enseignement"


def test_held_on_outside_period_message(world, login, maths_a):
    data = assert_error(
        call(login(world.teacher_maths), "post", f"{API}/assessments", _new(world, maths_a, held_on="2026-12-05")),
        422, "validation_failed",
    )
    assert data["message"] == "Le 05/12/2026 n'est pas dans la période « Trimestre 1 » (du 01/09/2026 au 30/11/2026)."
