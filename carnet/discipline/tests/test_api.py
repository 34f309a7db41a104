"""The discipline API: every endpoint with the person allowed, the one refused (nothing changed),
the outsider of the other establishment (404); bad input; stale versions; the family view per
setting; the OpenAPI schema; the query count of the lists."""

from __future__ import annotations

import json
import uuid

import pytest

from carnet.discipline.models import DisciplineSettings, Incident, Measure, MeasureType
from carnet.discipline.services import catalogue
from carnet.discipline.tests.helpers import decide, report, types_of
from carnet.school.models import StaffFunction
from carnet.testing.factories import give_function

pytestmark = pytest.mark.django_db
API = "/api/v1/discipline"


def call(client, method, url, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(url, **kwargs)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    return response.json()


@pytest.fixture
def outsider_head(world):
    give_function(world.outsider, world.ceg, StaffFunction.Kind.HEAD)
    return world.outsider


@pytest.fixture
def fight(world):
    return report(
        world.teacher_french,
        world.lycee,
        participants=[
            (world.alice, "author"),
            (world.chloe, "victim"),
            (world.bruno, "witness"),
        ],
    )


def incident_body(world, **changes):
    body = {
        "occurred_at": "2026-11-30T08:40:00+01:00",
        "place": "Salle B12",
        "description": "Trousse lancée sur un camarade.",
        "seriousness": 2,
        "participants": [{"student": str(world.alice.public_id), "role": "author"}],
    }
    body.update(changes)
    return body


def measure_body(world, type_name="Retenue", student=None, **changes):
    body = {
        "student": str((student or world.alice).public_id),
        "measure_type": str(types_of(world.lycee)[type_name].public_id),
        "reason": "Bavardages répétés.",
    }
    body.update(changes)
    return body


def test_anonymous_is_401(client):
    assert_error(client.get(f"{API}/incidents"), 401, "unauthenticated")
    assert_error(client.get(f"{API}/family/measures"), 401, "unauthenticated")


# --- incidents ----------------------------------------------------------------------------------------
def test_listing_incidents_by_person(world, login, fight, outsider_head):
    report(world.cpe, world.lycee, participants=[(world.chloe, "victim")], place="Vestiaire")
    data = login(world.cpe).get(f"{API}/incidents").json()
    assert data["count"] == 2 and {i["place"] for i in data["items"]} == {"Cour", "Vestiaire"}
    data = login(world.teacher_maths).get(f"{API}/incidents").json()
    assert data["count"] == 1 and data["items"][0]["id"] == str(fight.public_id)
    for person in (world.alice, world.alice_mother, world.secretary, outsider_head):
        assert login(person).get(f"{API}/incidents").json() == {"items": [], "count": 0}
    assert_error(
        login(outsider_head).get(f"{API}/incidents", {"establishment": str(world.lycee.public_id)}),
        404,
        "not_found",
    )
    data = (
        login(world.cpe)
        .get(f"{API}/incidents", {"school_class": str(world.seconde_a.public_id), "page_size": 1})
        .json()
    )
    assert data["count"] == 1
    assert_error(login(world.cpe).get(f"{API}/incidents", {"page_size": 500}), 422, "validation_failed")


def test_a_teacher_reads_only_the_names_of_the_students_they_teach(world, login):
    from carnet.testing.factories import SubjectFactory, UserFactory, assign

    newcomer = UserFactory(first_name="Paul", last_name="Physique", username="paul.physique")
    assign(newcomer, world.seconde_b, SubjectFactory(establishment=world.lycee, name="Physique"))
    incident = report(world.cpe, world.lycee, participants=[(world.chloe, "author"), (world.alice, "victim")])
    item = login(newcomer).get(f"{API}/incidents/{incident.public_id}").json()
    assert [p["student"]["full_name"] for p in item["participants"]] == ["DURAND Chloé"]
    assert item["hidden_participants"] == 1 and "MARTIN" not in json.dumps(item)


def test_the_incident_list_has_a_constant_query_count(world, login, django_assert_max_num_queries):
    client = login(world.teacher_maths)
    client.get(f"{API}/incidents")
    for n in range(10):
        report(
            world.cpe,
            world.lycee,
            participants=[(world.alice, "author"), (world.chloe, "victim")],
            place=f"Salle {n}",
        )
    with django_assert_max_num_queries(12):
        assert client.get(f"{API}/incidents").json()["count"] == 10


def test_creating_an_incident(world, login, outsider_head):
    response = call(login(world.teacher_maths), "post", f"{API}/incidents", incident_body(world))
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["version"] == 1 and item["participants"] == [
        {"student": {"id": str(world.alice.public_id), "full_name": "MARTIN Alice"}, "role": "author"},
    ]
    assert Incident.objects.get().reported_by == world.teacher_maths
    for person in (world.alice, world.alice_mother, world.secretary):
        assert_error(call(login(person), "post", f"{API}/incidents", incident_body(world)), 403, "forbidden")
    body = incident_body(world, establishment=str(world.lycee.public_id))
    assert_error(call(login(outsider_head), "post", f"{API}/incidents", body), 404, "not_found")
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": ""}, "description"),
        ({"occurred_at": "2027-01-10T08:00:00+01:00"}, "occurred_at"),
        ({"seriousness": 0}, "seriousness"),
        ({"participants": [{"student": "DOSSOU", "role": "author"}]}, "participants.0.student"),
        ({"participants": [{"student": str(uuid.uuid4()), "role": "author"}]}, "participants"),
    ],
)
def test_bad_incident_input(world, login, changes, field):
    data = assert_error(
        call(login(world.cpe), "post", f"{API}/incidents", incident_body(world, **changes)),
        422,
        "validation_failed",
    )
    details = data["details"]
    assert field in details if isinstance(details, dict) else field in [d["field"] for d in details]
    assert not Incident.objects.exists()


def test_a_student_of_the_other_school_is_refused(world, login):
    body = incident_body(world, participants=[{"student": str(world.dossou.public_id), "role": "victim"}])
    data = assert_error(call(login(world.cpe), "post", f"{API}/incidents", body), 422, "validation_failed")
    assert data["details"] == {
        "participants": "Un des élèves n'est pas inscrit dans l'établissement cette année-là."
    }
    assert not Incident.objects.exists()


def test_updating_an_incident_with_its_version(world, login, fight, outsider_head):
    url = f"{API}/incidents/{fight.public_id}"
    assert_error(
        call(login(world.teacher_maths), "patch", url, {"expected_version": 1, "place": "Gymnase"}),
        403,
        "forbidden",
    )
    for person in (outsider_head, world.alice_mother, world.alice):
        assert_error(
            call(login(person), "patch", url, {"expected_version": 1, "place": "Gymnase"}), 404, "not_found"
        )
        assert_error(login(person).get(url), 404, "not_found")
    response = call(
        login(world.cpe),
        "patch",
        url,
        {
            "expected_version": 1,
            "seriousness": 3,
            "participants": [{"student": str(world.alice.public_id), "role": "author"}],
        },
    )
    assert (
        response.status_code == 200
        and response.json()["version"] == 2
        and len(response.json()["participants"]) == 1
    )
    data = assert_error(
        call(login(world.teacher_french), "patch", url, {"expected_version": 1, "place": "Gymnase"}),
        409,
        "incident_conflict",
    )
    assert data["details"]["version"] == 2
    fight.refresh_from_db()
    assert (fight.place, fight.seriousness) == ("Cour", 3)


# --- measures -----------------------------------------------------------------------------------------
def test_deciding_measures(world, login, fight, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            login(world.teacher_maths),
            "post",
            f"{API}/measures",
            measure_body(world, incident=str(fight.public_id)),
        )
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["measure_type"]["name"] == "Retenue" and item["incident"] == str(fight.public_id)
    assert item["expires_on"] == "2027-07-04" and item["decided_by"] == "MATHS Marc"
    # A sanction by a teacher: refused, nothing saved.
    assert_error(
        call(login(world.teacher_maths), "post", f"{API}/measures", measure_body(world, "Blâme")),
        403,
        "forbidden",
    )
    assert_error(
        call(login(world.cpe), "post", f"{API}/measures", measure_body(world, "Blâme")), 403, "forbidden"
    )
    assert Measure.objects.count() == 1
    assert call(login(world.head), "post", f"{API}/measures", measure_body(world, "Blâme")).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"measure_type": str(uuid.uuid4())}, "measure_type"),
        ({"student": None}, "student"),  # a student of the other school (set below)
        ({"reason": ""}, "reason"),
        ({"decided_on": "2027-03-01"}, "decided_on"),
    ],
)
def test_bad_measure_input(world, login, changes, field):
    body = measure_body(world)
    body.update(changes)
    if "student" in changes:
        body["student"] = str(world.dossou.public_id)
    data = assert_error(call(login(world.cpe), "post", f"{API}/measures", body), 422, "validation_failed")
    assert field in data["details"]
    assert not Measure.objects.exists()


def test_a_type_of_the_other_school_is_unknown(world, login):
    body = measure_body(world, measure_type=str(types_of(world.ceg)["Retenue"].public_id))
    assert_error(call(login(world.cpe), "post", f"{API}/measures", body), 422, "validation_failed")
    for person in (world.alice, world.alice_mother, world.secretary):
        assert_error(call(login(person), "post", f"{API}/measures", measure_body(world)), 403, "forbidden")
    assert not Measure.objects.exists()


def test_listing_and_following_up_measures(world, login, outsider_head, django_assert_max_num_queries):
    retenue = decide(world.teacher_maths, world.alice, "Retenue", world.lycee)
    decide(world.cpe, world.chloe, "Devoir supplémentaire", world.lycee)
    assert login(world.cpe).get(f"{API}/measures").json()["count"] == 2
    assert [
        m["student"]["full_name"] for m in login(world.teacher_french).get(f"{API}/measures").json()["items"]
    ] == ["DURAND Chloé"]
    for person in (world.alice, world.alice_mother, outsider_head):
        assert login(person).get(f"{API}/measures").json()["count"] == 0
    url = f"{API}/measures/{retenue.public_id}"
    for person in (world.teacher_french, world.alice_mother, outsider_head):
        assert_error(login(person).get(url), 404, "not_found")
        assert_error(
            call(login(person), "patch", url, {"expected_version": 1, "status": "done"}), 404, "not_found"
        )
    response = call(
        login(world.teacher_maths),
        "patch",
        url,
        {"expected_version": 1, "status": "done", "follow_up": "Faite."},
    )
    assert (
        response.status_code == 200
        and response.json()["status"] == "done"
        and response.json()["version"] == 2
    )
    assert_error(
        call(login(world.cpe), "patch", url, {"expected_version": 1, "status": "not_done"}),
        409,
        "measure_conflict",
    )
    assert_error(
        call(login(world.cpe), "patch", url, {"expected_version": 2, "status": "lost"}),
        422,
        "validation_failed",
    )
    retenue.refresh_from_db()
    assert retenue.status == "done" and retenue.version == 2
    client = login(world.cpe)
    for _ in range(8):
        decide(world.head, world.bruno, "Avertissement", world.lycee)
    with django_assert_max_num_queries(12):
        assert client.get(f"{API}/measures").json()["count"] == 10


# --- catalogue and settings ---------------------------------------------------------------------------
def test_the_catalogue(world, login, outsider_head):
    types = login(world.teacher_maths).get(f"{API}/measure-types").json()
    assert len(types) == 10 and types[0]["name"] == "Observation écrite"
    body = {
        "category": "punishment",
        "name": "Travail d'intérêt scolaire",
        "retention": "days",
        "retention_days": 30,
    }
    assert_error(call(login(world.teacher_maths), "post", f"{API}/measure-types", body), 403, "forbidden")
    assert_error(
        call(
            login(outsider_head),
            "post",
            f"{API}/measure-types",
            {**body, "establishment": str(world.lycee.public_id)},
        ),
        404,
        "not_found",
    )
    assert_error(login(world.alice).get(f"{API}/measure-types"), 403, "forbidden")
    response = call(login(world.cpe), "post", f"{API}/measure-types", body)
    assert response.status_code == 201 and response.json()["retention_days"] == 30
    data = assert_error(
        call(login(world.cpe), "post", f"{API}/measure-types", {**body, "retention_days": None}),
        422,
        "validation_failed",
    )
    assert "retention_days" in data["details"]
    data = assert_error(
        call(login(world.cpe), "post", f"{API}/measure-types", body), 422, "validation_failed"
    )
    assert "name" in data["details"]  # already in the catalogue
    blame = types_of(world.lycee)["Blâme"]
    url = f"{API}/measure-types/{blame.public_id}"
    assert_error(call(login(world.teacher_maths), "patch", url, {"retention": "permanent"}), 403, "forbidden")
    assert_error(call(login(outsider_head), "patch", url, {"retention": "permanent"}), 404, "not_found")
    response = call(login(world.head), "patch", url, {"retention": "days", "retention_days": 365})
    assert response.status_code == 200 and response.json()["retention"] == "days"
    decide(world.head, world.alice, "Blâme", world.lycee)
    assert_error(login(world.head).delete(url), 409, "measure_type_in_use")
    assert MeasureType.objects.filter(pk=blame.pk).exists()


def test_the_settings(world, login, outsider_head):
    assert login(world.cpe).get(f"{API}/settings").json()["guardians_see"] == "measures"
    assert_error(
        call(login(world.teacher_maths), "patch", f"{API}/settings", {"guardians_see": "all"}),
        403,
        "forbidden",
    )
    assert_error(
        call(
            login(outsider_head),
            "patch",
            f"{API}/settings",
            {"establishment": str(world.lycee.public_id), "guardians_see": "all"},
        ),
        404,
        "not_found",
    )
    assert_error(
        call(login(world.cpe), "patch", f"{API}/settings", {"guardians_see": "everything"}),
        422,
        "validation_failed",
    )
    response = call(
        login(world.cpe),
        "patch",
        f"{API}/settings",
        {"guardians_see": "sanctions", "notify_guardians": False},
    )
    assert response.json() == {
        "establishment": str(world.lycee.public_id),
        "guardians_see": "sanctions",
        "notify_guardians": False,
        "students_see": True,
    }
    assert DisciplineSettings.objects.get(establishment=world.lycee).guardians_see == "sanctions"


# --- families -----------------------------------------------------------------------------------------
def test_the_family_view_follows_the_settings(world, login, fight):
    decide(world.cpe, world.alice, "Retenue", world.lycee, incident=fight)
    decide(world.head, world.alice, "Avertissement", world.lycee, incident=fight)
    client = login(world.alice_mother)
    items = client.get(f"{API}/family/measures").json()
    assert sorted(i["type"] for i in items) == ["Avertissement", "Retenue"] and all(
        i["incident"] is None for i in items
    )
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="all")
    items = client.get(f"{API}/family/measures", {"student": str(world.alice.public_id)}).json()
    assert items[0]["incident"]["role"] == "author" and items[0]["incident"]["place"] == "Cour"
    text = json.dumps(items)
    assert (
        "DURAND" not in text and "FRAN\\u00c7AIS" not in text and "Bruno" not in text
    )  # never other students' names
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="sanctions")
    assert [i["type"] for i in client.get(f"{API}/family/measures").json()] == ["Avertissement"]
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="nothing")
    assert client.get(f"{API}/family/measures").json() == []
    # Alice sees her own while the establishment lets students see them.
    assert len(login(world.alice).get(f"{API}/family/measures").json()) == 2
    catalogue.update_settings(actor=world.head, establishment=world.lycee, students_see=False)
    assert login(world.alice).get(f"{API}/family/measures").json() == []


def test_another_guardian_and_strangers_get_404_for_a_child_that_is_not_theirs(world, login):
    decide(world.cpe, world.alice, "Retenue", world.lycee)
    url = f"{API}/family/measures"
    for person in (world.chloe_father, world.outsider, world.dossou_parent, world.cpe, world.bruno):
        assert_error(login(person).get(url, {"student": str(world.alice.public_id)}), 404, "not_found")
    assert login(world.chloe_father).get(url).json() == []


# --- the schema ---------------------------------------------------------------------------------------
def test_the_endpoints_and_error_codes_are_in_the_openapi_schema(world, login):
    schema = login(world.cpe).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/incidents",
        "/incidents/{incident_id}",
        "/measures",
        "/measures/{measure_id}",
        "/measure-types",
        "/measure-types/{type_id}",
        "/settings",
        "/family/measures",
    ):
        assert f"/api/v1/discipline{path}" in paths
    description = schema["info"]["description"]
    for code in ("incident_conflict", "measure_conflict", "measure_type_in_use"):
        assert f"`{code}`" in description
