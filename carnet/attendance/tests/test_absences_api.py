"""The absences API: lists per scope (staff, guardian, student; teachers and outsiders see none),
detail with the count in words, regularising with the version (stale → 409), entering an absence,
lateness, contacts, a constant number of queries, and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from carnet.attendance.models import Absence, FamilyContact
from carnet.attendance.tests import absences_helpers
from carnet.attendance.tests.absences_helpers import TODAY, absence, at, lateness, reason
from carnet.school.models import StaffFunction
from carnet.testing.factories import UserFactory, enroll, give_function

pytestmark = pytest.mark.django_db
frozen = absences_helpers.frozen
API = "/api/v1/attendance"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def rows(world, frozen):
    return {
        "alice": absence(world.alice, world.lycee, TODAY, "08:00", "10:00"),
        "chloe": absence(world.chloe, world.lycee, TODAY, "14:00", "15:00"),
        "dossou": absence(world.dossou, world.ceg, TODAY, "08:00", "09:00"),
        "late": lateness(world.bruno, world.lycee, TODAY, "08:07", 7),
    }


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["student"]["first_name"] for item in response.json()["items"]}


def test_lists_per_scope(world, login, rows):
    assert ids(login(world.cpe).get(f"{API}/absences")) == {"Alice", "Chloé"}
    assert ids(login(world.secretary).get(f"{API}/absences")) == {"Alice", "Chloé"}
    assert ids(login(world.alice_mother).get(f"{API}/absences")) == {"Alice", "Chloé"}
    assert ids(login(world.chloe_father).get(f"{API}/absences")) == {"Chloé"}
    assert ids(login(world.alice).get(f"{API}/absences")) == {"Alice"}
    assert ids(login(world.teacher_maths).get(f"{API}/absences")) == set()
    assert ids(login(world.outsider).get(f"{API}/absences")) == set()
    assert ids(login(world.dossou_parent).get(f"{API}/absences")) == {"Koffi"}
    assert ids(login(world.cpe).get(f"{API}/absences", {"class": str(world.seconde_b.public_id)})) == {
        "Chloé"
    }
    assert ids(login(world.cpe).get(f"{API}/absences", {"student": str(world.alice.public_id)})) == {"Alice"}
    assert ids(login(world.cpe).get(f"{API}/absences", {"state": "justified"})) == set()
    assert login(world.cpe).get(f"{API}/absences", {"state": "forgiven"}).status_code == 422
    assert ids(login(world.cpe).get(f"{API}/latenesses")) == {"Bruno"}
    assert ids(login(world.teacher_french).get(f"{API}/latenesses")) == {"Bruno"}  # his mother
    assert ids(login(world.alice_mother).get(f"{API}/latenesses")) == set()


def test_anonymous_is_401(client, world, rows):
    response = client.get(f"{API}/absences")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_the_list_query_count_is_constant(world, login, rows, django_assert_max_num_queries):
    client = login(world.cpe)
    client.get(f"{API}/absences")
    with django_assert_max_num_queries(20) as few:
        client.get(f"{API}/absences")
    for i in range(12):
        student = UserFactory(username=f"api{i}")
        enroll(student, world.seconde_a)
        absence(
            student,
            world.lycee,
            TODAY - dt.timedelta(days=i % 3),
            "08:00",
            "09:00",
            reason=reason(world.lycee),
        )
    with django_assert_max_num_queries(len(few)):
        assert client.get(f"{API}/absences").json()["count"] == 14


def test_detail_trio(world, login, rows):
    url = f"{API}/absences/{rows['alice'].public_id}"
    body = login(world.cpe).get(url).json()
    assert body["counted_as"] == "lundi 30 novembre matin = 1 demi-journée"
    assert body["class_name"] == "2nde A" and body["state"] == "to_justify" and body["version"] == 1
    assert login(world.alice_mother).get(url).status_code == 200
    for person in (world.chloe_father, world.teacher_maths, world.outsider, world.bruno):
        response = login(person).get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_regularise_with_the_version(world, login, rows):
    url = f"{API}/absences/{rows['alice'].public_id}/regularisation"
    sick = str(reason(world.lycee).public_id)
    done = post(
        login(world.cpe), url, {"state": "justified", "reason": sick, "comment": "Certificat", "version": 1}
    )
    assert done.status_code == 200 and done.json()["state"] == "justified" and done.json()["version"] == 2
    stale = post(login(world.cpe), url, {"state": "unjustified", "reason": None, "version": 1})
    assert stale.status_code == 409
    error = stale.json()
    assert (
        error["code"] == "absence_conflict"
        and error["details"]["state"] == "justified"
        and error["details"]["version"] == 2
    )
    assert (
        post(login(world.secretary), url, {"state": "unjustified", "version": 2}).json()["code"]
        == "forbidden"
    )
    assert (
        post(login(world.alice_mother), url, {"state": "unjustified", "version": 2}).json()["code"]
        == "forbidden"
    )
    assert post(login(world.teacher_maths), url, {"state": "unjustified", "version": 2}).status_code == 404
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    assert post(login(world.outsider), url, {"state": "unjustified", "version": 2}).status_code == 404
    bad = post(login(world.cpe), url, {"state": "justified", "reason": None, "version": 2})
    assert bad.status_code == 422 and "reason" in bad.json()["details"]
    rows["alice"].refresh_from_db()
    assert (rows["alice"].state, rows["alice"].version) == ("justified", 2)


def test_enter_an_absence(world, login, rows):
    body = {
        "student": str(world.bruno.public_id),
        "starts_at": at(TODAY, "13:00").isoformat(),
        "ends_at": at(TODAY, "17:00").isoformat(),
    }
    created = post(login(world.cpe), f"{API}/absences", body)
    assert (
        created.status_code == 201
        and created.json()["half_days"] == 1
        and created.json()["source"] == "staff"
    )
    backwards = post(login(world.cpe), f"{API}/absences", {**body, "ends_at": at(TODAY, "12:00").isoformat()})
    assert backwards.status_code == 422 and backwards.json()["details"] == {
        "ends_at": "La fin doit être après le début."
    }
    assert post(login(world.secretary), f"{API}/absences", body).status_code == 404
    assert (
        post(
            login(world.cpe), f"{API}/absences", {**body, "student": str(world.dossou.public_id)}
        ).status_code
        == 404
    )
    assert Absence.objects.filter(student=world.bruno).count() == 1


def test_lateness_regularisation(world, login, rows):
    url = f"{API}/latenesses/{rows['late'].public_id}"
    body = login(world.cpe).get(url).json()
    assert body["minutes"] == 7 and body["state"] == "to_justify"
    done = post(login(world.cpe), f"{url}/regularisation", {"state": "unjustified", "version": 1})
    assert done.json()["state"] == "unjustified"
    stale = post(login(world.cpe), f"{url}/regularisation", {"state": "to_justify", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "lateness_conflict"
    assert login(world.chloe_father).get(url).status_code == 404


def test_contacts(world, login, rows):
    body = {
        "student": str(world.alice.public_id),
        "channel": "letter",
        "summary": "Courrier envoyé.",
        "absence": str(rows["alice"].public_id),
    }
    created = post(login(world.cpe), f"{API}/contacts", body)
    assert created.status_code == 201 and created.json()["channel_label"] == "Courrier"
    assert created.json()["absence"] == str(rows["alice"].public_id)
    assert post(login(world.cpe), f"{API}/contacts", {**body, "channel": "fax"}).status_code == 422
    assert post(login(world.secretary), f"{API}/contacts", body).status_code == 404
    assert post(login(world.alice_mother), f"{API}/contacts", body).status_code == 404
    assert [c["summary"] for c in login(world.secretary).get(f"{API}/contacts").json()["items"]] == [
        "Courrier envoyé."
    ]
    assert login(world.alice_mother).get(f"{API}/contacts").json()["items"] == []
    assert FamilyContact.objects.count() == 1


def test_the_schema_lists_the_endpoints_and_error_codes(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/attendance/absences",
        "/api/v1/attendance/absences/{absence_id}/regularisation",
        "/api/v1/attendance/declarations",
        "/api/v1/attendance/statistics",
        "/api/v1/attendance/watch",
    ):
        assert path in paths
    assert "multipart/form-data" in paths["/api/v1/attendance/declarations"]["post"]["requestBody"]["content"]
    assert "absence_conflict" in schema["info"]["description"]
