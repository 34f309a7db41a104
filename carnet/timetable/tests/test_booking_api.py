"""The booking API under /api/v1/timetable/: resources, occupancy and conflicts, bookings (mine,
a resource's, create with 409 `booking_conflict`, cancel, approve, refuse), in the OpenAPI schema;
every endpoint with the allowed / refused / outsider trio."""

import datetime as dt
import json

import pytest

from carnet.timetable.models import Booking, Resource
from carnet.timetable.tests import booking_helpers
from carnet.timetable.tests.booking_helpers import (
    MONDAY,
    TUESDAY,
    booking,
    christmas,
)

pytestmark = pytest.mark.django_db

# The fixtures this module uses, from the booking helpers.
b12 = booking_helpers.b12
ceg_room = booking_helpers.ceg_room
frozen = booking_helpers.frozen
lesson = booking_helpers.lesson
maths_a = booking_helpers.maths_a
outsider_head = booking_helpers.outsider_head
people = booking_helpers.people
API = "/api/v1/timetable"


def call(client, method, url, body=None):
    """A JSON request; without `body`, an empty body (as `curl -X POST` sends)."""
    kwargs = {"data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(url, content_type="application/json", **kwargs)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    return response.json()


def new_booking(resource, on=TUESDAY, start="14:00", end="16:00", purpose="Réunion parents"):
    return {
        "resource": str(resource.public_id),
        "booked_on": on.isoformat(),
        "start_time": start,
        "end_time": end,
        "purpose": purpose,
    }


# --- resources ------------------------------------------------------------------------------------
def test_listing_resources(world, login, frozen, b12, ceg_room):
    Resource.objects.create(establishment=world.lycee, name="Tablettes", kind="equipment", is_active=False)
    data = login(world.teacher_maths).get(f"{API}/resources").json()
    assert [(r["name"], r["kind"], r["capacity"]) for r in data] == [("B12", "room", 30)]
    assert data[0]["establishment"] == str(world.lycee.public_id)
    assert [r["name"] for r in login(world.cpe).get(f"{API}/resources?include_inactive=true").json()] == [
        "Tablettes",
        "B12",
    ]
    assert [
        r["name"] for r in login(world.teacher_maths).get(f"{API}/resources?include_inactive=true").json()
    ] == ["B12"]
    assert [r["name"] for r in login(world.outsider).get(f"{API}/resources").json()] == ["Salle 1"]
    for person in (world.alice, world.alice_mother):
        assert_error(login(person).get(f"{API}/resources"), 403, "forbidden")


def test_anonymous(client, world, b12):
    assert client.get(f"{API}/resources").status_code == 401
    assert (
        client.post(
            f"{API}/bookings", data=json.dumps(new_booking(b12)), content_type="application/json"
        ).status_code
        == 401
    )


def test_creating_and_changing_a_resource(world, login, frozen, b12, outsider_head):
    created = call(
        login(world.cpe), "post", f"{API}/resources", {"name": "CDI", "capacity": 40, "needs_approval": True}
    )
    assert created.status_code == 201, created.content
    assert (created.json()["name"], created.json()["needs_approval"]) == ("CDI", True)
    assert_error(
        call(login(world.cpe), "post", f"{API}/resources", {"name": "b 12"}), 422, "validation_failed"
    )
    for person in (world.teacher_maths, world.alice):
        assert_error(call(login(person), "post", f"{API}/resources", {"name": "Salle 7"}), 403, "forbidden")
    assert_error(
        call(
            login(outsider_head),
            "post",
            f"{API}/resources",
            {"name": "Salle 7", "establishment": str(world.lycee.public_id)},
        ),
        404,
        "not_found",
    )
    url = f"{API}/resources/{b12.public_id}"
    patched = call(login(world.head), "patch", url, {"is_active": False, "capacity": None})
    assert (
        patched.status_code == 200
        and patched.json()["is_active"] is False
        and patched.json()["capacity"] is None
    )
    assert_error(
        call(login(world.teacher_maths), "patch", url, {"name": "X"}), 404, "not_found"
    )  # out of service
    call(login(world.head), "patch", url, {"is_active": True})
    assert_error(call(login(world.teacher_maths), "patch", url, {"name": "X"}), 403, "forbidden")
    assert_error(call(login(outsider_head), "patch", url, {"name": "X"}), 404, "not_found")
    assert_error(call(login(world.outsider), "get", url), 404, "not_found")
    b12.refresh_from_db()
    assert b12.name == "B12" and Resource.objects.count() == 2


def test_occupancy_and_conflicts(people, login, frozen, lesson, b12, outsider_head):
    christmas(people)
    booking(b12, people.cpe, MONDAY, "14:00", "16:00", purpose="réunion parents")
    client = login(people.teacher_french)
    days = client.get(f"{API}/resources/{b12.public_id}/occupancy?from=2026-11-30&to=2026-12-21").json()
    assert len(days) == 22
    assert [(e["kind"], e["start"], e["title"]) for e in days[0]["entries"]] == [
        ("slot", "10:00:00", "Mathématiques — 2nde A"),
        ("booking", "14:00:00", "réunion parents"),
    ]
    assert days[0]["entries"][1]["status"] == "approved" and days[0]["open"] is True
    assert {"start": "11:00:00", "end": "14:00:00"} in days[0]["free"]
    assert days[21]["open"] is False and "Vacances de Noël" in days[21]["closures"][0]
    assert_error(
        client.get(f"{API}/resources/{b12.public_id}/occupancy?from=2026-11-30&to=2027-03-01"),
        422,
        "validation_failed",
    )
    far = client.get(f"{API}/resources/{b12.public_id}/occupancy?from=9999-12-31").json()
    assert [(d["date"], d["open"]) for d in far] == [("9999-12-31", False)]
    assert "en dehors de l'année scolaire" in far[0]["closures"][0]
    found = client.get(
        f"{API}/resources/{b12.public_id}/conflicts?on=2026-11-30&start=10:30&end=15:00"
    ).json()
    assert [c["description"] for c in found] == [
        "Cours de Mathématiques — 2nde A, M. Maths, 10:00–11:00",
        "Réservé par Mme Vie-Scolaire : réunion parents, 14:00–16:00",
    ]
    assert (
        client.get(f"{API}/resources/{b12.public_id}/conflicts?on=2026-11-30&start=11:00&end=14:00").json()
        == []
    )
    assert_error(
        client.get(f"{API}/resources/{b12.public_id}/conflicts?on=2026-11-30"), 422, "validation_failed"
    )
    for person in (people.outsider, outsider_head):
        assert_error(login(person).get(f"{API}/resources/{b12.public_id}/occupancy"), 404, "not_found")
        assert_error(
            login(person).get(
                f"{API}/resources/{b12.public_id}/conflicts?on=2026-11-30&start=10:00&end=11:00"
            ),
            404,
            "not_found",
        )
    assert_error(login(people.alice).get(f"{API}/resources/{b12.public_id}/occupancy"), 403, "forbidden")


# --- bookings -------------------------------------------------------------------------------------
def test_booking_through_the_api(world, login, frozen, b12):
    response = call(login(world.teacher_maths), "post", f"{API}/bookings", new_booking(b12))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["start_time"], data["resource"]["name"], data["booked_by"]["full_name"]) == (
        "approved",
        "14:00:00",
        "B12",
        "MATHS Marc",
    )
    assert Booking.objects.get().public_id.hex == data["id"].replace("-", "")


def test_a_conflict_answers_409_with_what_occupies_it(people, login, frozen, lesson, b12):
    client = login(people.teacher_french)
    body = assert_error(
        call(client, "post", f"{API}/bookings", new_booking(b12, on=MONDAY, start="10:30", end="11:30")),
        409,
        "booking_conflict",
    )
    assert (
        body["message"]
        == "B12 n'est pas libre sur ce créneau : Cours de Mathématiques — 2nde A, M. Maths, 10:00–11:00."
    )
    assert body["details"]["conflicts"][0]["kind"] == "slot"
    christmas(people)
    body = assert_error(
        call(client, "post", f"{API}/bookings", new_booking(b12, on=dt.date(2026, 12, 22))),
        409,
        "booking_conflict",
    )
    assert body["details"]["conflicts"][0]["kind"] == "closed"
    body = assert_error(
        call(client, "post", f"{API}/bookings", new_booking(b12, start="16:00", end="15:00")),
        422,
        "validation_failed",
    )
    assert "end_time" in body["details"]
    b12.bookable = False
    b12.save(update_fields=["bookable"])
    assert_error(call(client, "post", f"{API}/bookings", new_booking(b12)), 409, "resource_not_bookable")
    assert not Booking.objects.exists()


def test_booking_is_refused_to_students_guardians_and_outsiders(world, login, frozen, b12, outsider_head):
    for person in (world.alice, world.alice_mother):
        assert_error(call(login(person), "post", f"{API}/bookings", new_booking(b12)), 403, "forbidden")
    for person in (world.outsider, outsider_head):
        assert_error(call(login(person), "post", f"{API}/bookings", new_booking(b12)), 404, "not_found")
    assert not Booking.objects.exists()


def test_listing_bookings(world, login, frozen, b12, ceg_room, outsider_head):
    mine = booking(b12, world.teacher_maths, TUESDAY, "08:00", "09:00", purpose="Le mien")
    booking(b12, world.teacher_french, TUESDAY, "09:00", "10:00", purpose="Le sien")
    booking(b12, world.teacher_french, MONDAY - dt.timedelta(days=7), "09:00", "10:00", purpose="Passé")
    client = login(world.teacher_maths)
    data = client.get(f"{API}/bookings").json()
    assert data["count"] == 1 and data["items"][0]["id"] == str(mine.public_id)
    data = client.get(f"{API}/bookings?resource={b12.public_id}").json()
    assert [b["purpose"] for b in data["items"]] == ["Le mien", "Le sien"]
    data = client.get(f"{API}/bookings?resource={b12.public_id}&from=2026-11-01&to=2026-11-30").json()
    assert [b["purpose"] for b in data["items"]] == ["Passé"]
    assert client.get(f"{API}/bookings/{mine.public_id}").json()["purpose"] == "Le mien"
    for person in (world.outsider, outsider_head):
        assert login(person).get(f"{API}/bookings").json()["count"] == 0
        assert_error(login(person).get(f"{API}/bookings?resource={b12.public_id}"), 404, "not_found")
        assert_error(login(person).get(f"{API}/bookings/{mine.public_id}"), 404, "not_found")
    assert_error(login(world.alice).get(f"{API}/bookings"), 403, "forbidden")
    assert_error(login(world.alice).get(f"{API}/bookings/{mine.public_id}"), 403, "forbidden")


def test_the_approval_flow_through_the_api(world, login, frozen, b12, outsider_head):
    b12.needs_approval = True
    b12.save(update_fields=["needs_approval"])
    created = call(login(world.teacher_french), "post", f"{API}/bookings", new_booking(b12)).json()
    assert created["status"] == "pending"
    url = f"{API}/bookings/{created['id']}"
    assert [b["id"] for b in login(world.cpe).get(f"{API}/bookings/pending").json()] == [created["id"]]
    assert_error(login(world.teacher_maths).get(f"{API}/bookings/pending"), 403, "forbidden")
    assert login(outsider_head).get(f"{API}/bookings/pending").json() == []
    assert_error(call(login(world.teacher_maths), "post", f"{url}/approve", {}), 403, "forbidden")
    assert_error(call(login(world.teacher_french), "post", f"{url}/approve", {}), 403, "forbidden")
    assert_error(call(login(outsider_head), "post", f"{url}/approve", {}), 404, "not_found")
    assert_error(call(login(world.alice), "post", f"{url}/refuse", {}), 403, "forbidden")
    assert Booking.objects.get().status == "pending"
    approved = call(login(world.cpe), "post", f"{url}/approve", {"note": "Clés à la loge"})
    assert approved.status_code == 200, approved.content
    assert (
        approved.json()["status"],
        approved.json()["decided_by"]["full_name"],
        approved.json()["decision_note"],
    ) == ("approved", "VIE-SCOLAIRE Claire", "Clés à la loge")
    assert_error(call(login(world.head), "post", f"{url}/refuse", {}), 409, "booking_not_pending")


def test_refusing_and_cancelling_through_the_api(world, login, frozen, b12, outsider_head):
    request = booking(b12, world.teacher_french, TUESDAY, "14:00", "15:00", status="pending")
    refused = call(login(world.head), "post", f"{API}/bookings/{request.public_id}/refuse", {"note": "Non"})
    assert refused.json()["status"] == "refused"
    assert_error(
        call(login(world.teacher_french), "post", f"{API}/bookings/{request.public_id}/cancel"),
        409,
        "booking_not_active",
    )
    mine = booking(b12, world.teacher_maths, TUESDAY, "16:00", "17:00")
    url = f"{API}/bookings/{mine.public_id}/cancel"
    assert_error(call(login(world.teacher_french), "post", url), 403, "forbidden")
    assert_error(call(login(outsider_head), "post", url), 404, "not_found")
    assert_error(call(login(world.alice_mother), "post", url), 403, "forbidden")
    mine.refresh_from_db()
    assert mine.status == "approved"
    cancelled = call(login(world.teacher_maths), "post", url)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_schema_lists_the_booking_endpoints_and_codes(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/timetable/resources",
        "/api/v1/timetable/resources/{resource_id}",
        "/api/v1/timetable/resources/{resource_id}/occupancy",
        "/api/v1/timetable/resources/{resource_id}/conflicts",
        "/api/v1/timetable/bookings",
        "/api/v1/timetable/bookings/pending",
        "/api/v1/timetable/bookings/{booking_id}",
        "/api/v1/timetable/bookings/{booking_id}/cancel",
        "/api/v1/timetable/bookings/{booking_id}/approve",
        "/api/v1/timetable/bookings/{booking_id}/refuse",
    ):
        assert path in paths, path
    assert "booking_conflict" in schema["info"]["description"]
