"""The timetable API under /api/v1/timetable/: slots, sessions and their changes, the feed address.
Every endpoint: someone allowed, someone refused (nothing changed) and an outsider (404)."""

import datetime as dt
import json

import pytest
import time_machine

from carnet.timetable.models import CalendarFeedToken, Session, SessionChange, Slot
from carnet.timetable.tests.timetable_helpers import MONDAY, at, maths_a, session_on, small_timetable

pytestmark = pytest.mark.django_db
API = "/api/v1/timetable"


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(at(2026, 11, 25, 10), tick=False):
        yield


@pytest.fixture
def timetable(world):
    return small_timetable(world)


def call(client, method, url, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(url, **kwargs)


def error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    return response.json()


def test_the_schema_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/slots",
        "/slots/{slot_id}",
        "/sessions",
        "/sessions/{session_id}",
        "/sessions/{session_id}/cancel",
        "/sessions/{session_id}/restore",
        "/sessions/{session_id}/move",
        "/sessions/{session_id}/room",
        "/sessions/{session_id}/replacement",
        "/feed",
    ):
        assert f"/api/v1/timetable{path}" in paths, path
    codes = {
        row
        for row in json.dumps(schema["info"]["description"]).split("`")
        if row.endswith("conflict") or row.endswith("clash")
    }
    assert {"session_conflict", "timetable_clash"} <= codes


def test_list_slots_by_scope(world, timetable, login):
    data = login(world.chloe).get(f"{API}/slots").json()
    assert {(s["assignment"]["subject"]["name"], s["weekday"]) for s in data} == {
        ("Mathématiques", 0),
        ("Français", 0),
        ("Français", 3),
    }
    assert (
        login(world.head).get(f"{API}/slots?class={world.seconde_a.public_id}").json()[0]["start_time"]
        == "08:00:00"
    )
    assert len(login(world.head).get(f"{API}/slots").json()) == 4
    assert login(world.outsider).get(f"{API}/slots").json() == []


def test_create_update_delete_slot(world, timetable, login):
    body = {
        "assignment": str(maths_a(world).public_id),
        "weekday": 2,
        "start_time": "10:00",
        "end_time": "11:00",
        "room": str(timetable["b12"].public_id),
        "week_pattern": "A",
    }
    # outsider: the assignment is not theirs to see
    error(call(login(world.outsider), "post", f"{API}/slots", body), 404, "not_found")
    # refused: the secretary reads but does not manage; a teacher does not see other assignments' management
    error(call(login(world.secretary), "post", f"{API}/slots", body), 403, "forbidden")
    error(call(login(world.teacher_maths), "post", f"{API}/slots", body), 404, "not_found")
    assert Slot.objects.count() == 4
    response = call(login(world.cpe), "post", f"{API}/slots", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["week_pattern"] == "A" and created["room"]["name"] == "B12"
    clash = error(
        call(login(world.cpe), "post", f"{API}/slots", {**body, "week_pattern": "every"}),
        409,
        "timetable_clash",
    )
    assert clash["details"][0]["what"] in {"teacher", "class", "room"}
    error(
        call(login(world.cpe), "post", f"{API}/slots", {**body, "weekday": 3, "end_time": "09:00"}),
        422,
        "validation_failed",
    )

    url = f"{API}/slots/{created['id']}"
    error(call(login(world.outsider), "patch", url, {"start_time": "14:00"}), 404, "not_found")
    error(
        call(login(world.secretary), "patch", url, {"start_time": "14:00", "end_time": "15:00"}),
        403,
        "forbidden",
    )
    response = call(
        login(world.head), "patch", url, {"start_time": "14:00", "end_time": "15:00", "room": None}
    )
    assert response.status_code == 200, response.content
    assert response.json()["start_time"] == "14:00:00" and response.json()["room"] is None
    error(call(login(world.secretary), "delete", url), 403, "forbidden")
    assert call(login(world.head), "delete", url).json()["sessions_removed"] > 0
    assert Slot.objects.count() == 4


def test_sessions_of_a_week(world, timetable, login):
    data = login(world.alice).get(f"{API}/sessions?week={MONDAY}").json()
    assert [(s["subject"]["name"], s["held_on"], s["start_time"]) for s in data] == [
        ("Mathématiques", "2026-11-30", "08:00:00")
    ]
    assert data[0]["version"] == 1 and data[0]["status"] == "scheduled" and data[0]["changes"] == []
    # a guardian asks for a child; another's child is 404
    data = (
        login(world.alice_mother).get(f"{API}/sessions?week={MONDAY}&student={world.chloe.public_id}").json()
    )
    assert {s["subject"]["name"] for s in data} == {"Mathématiques", "Français"}
    error(login(world.alice_mother).get(f"{API}/sessions?student={world.dossou.public_id}"), 404, "not_found")
    # staff: a class, a teacher, a room; outsiders: 404
    head = login(world.head)
    assert len(head.get(f"{API}/sessions?week={MONDAY}&class={world.seconde_b.public_id}").json()) == 3
    assert len(head.get(f"{API}/sessions?week={MONDAY}&teacher={world.teacher_maths.public_id}").json()) == 2
    assert len(head.get(f"{API}/sessions?week={MONDAY}&room={timetable['b14'].public_id}").json()) == 2
    for query in (
        f"class={world.seconde_b.public_id}",
        f"teacher={world.teacher_maths.public_id}",
        f"room={timetable['b14'].public_id}",
    ):
        error(login(world.outsider).get(f"{API}/sessions?{query}"), 404, "not_found")
        error(login(world.alice).get(f"{API}/sessions?{query}"), 404, "not_found")
    head = login(world.head)  # the test client is shared: sign the head in again
    rows = head.get(
        f"{API}/sessions?date_from=2026-11-30&date_to=2026-12-13&class={world.seconde_a.public_id}"
    ).json()
    assert len(rows) == 2
    error(head.get(f"{API}/sessions?date_from=2026-09-01&date_to=2027-06-30"), 422, "validation_failed")


def test_session_changes_and_version_conflicts(world, timetable, login):
    session = session_on(timetable["maths_a"], MONDAY)
    url = f"{API}/sessions/{session.public_id}"
    assert login(world.alice).get(url).json()["subject"]["name"] == "Mathématiques"
    error(login(world.chloe).get(url), 404, "not_found")
    error(login(world.outsider).get(url), 404, "not_found")
    # refused: sees it, may not change it; outsider: 404; nothing changed
    error(call(login(world.alice), "post", f"{url}/cancel", {"expected_version": 1}), 403, "forbidden")
    error(
        call(login(world.teacher_maths), "post", f"{url}/cancel", {"expected_version": 1}), 403, "forbidden"
    )
    error(call(login(world.outsider), "post", f"{url}/cancel", {"expected_version": 1}), 404, "not_found")
    assert not SessionChange.objects.exists()

    head = login(world.head)  # from here on, the head only
    data = call(head, "post", f"{url}/cancel", {"expected_version": 1, "message": "Absent"}).json()
    assert (
        data["status"] == "cancelled" and data["version"] == 2 and data["changes"][0]["kind"] == "cancelled"
    )
    conflict = error(call(head, "post", f"{url}/restore", {"expected_version": 1}), 409, "session_conflict")
    assert conflict["details"]["version"] == 2 and conflict["details"]["by"] == "PROVISEUR Hélène"
    data = call(head, "post", f"{url}/restore", {"expected_version": 2}).json()
    assert data["status"] == "scheduled"
    clash = error(
        call(
            head,
            "post",
            f"{url}/move",
            {"expected_version": 3, "held_on": str(MONDAY), "start_time": "09:00", "end_time": "10:00"},
        ),
        409,
        "timetable_clash",
    )
    assert "MATHS Marc a déjà cours" in clash["message"]
    error(
        call(
            head,
            "post",
            f"{url}/move",
            {"expected_version": 3, "held_on": "2027-08-01", "start_time": "09:00", "end_time": "10:00"},
        ),
        422,
        "validation_failed",
    )
    data = call(
        head,
        "post",
        f"{url}/move",
        {"expected_version": 3, "held_on": "2026-12-01", "start_time": "15:00", "end_time": "16:00"},
    ).json()
    assert data["is_moved"] and data["moved_from"] == "lundi 30 novembre 08:00–09:00"
    data = call(
        head, "post", f"{url}/room", {"expected_version": 4, "room": str(timetable["b14"].public_id)}
    ).json()
    assert data["room"]["name"] == "B14" and data["is_room_changed"]
    data = call(
        head,
        "post",
        f"{url}/replacement",
        {"expected_version": 5, "teacher": str(world.teacher_french.public_id)},
    ).json()
    assert data["is_replaced"] and data["teacher"]["full_name"] == "FRANÇAIS Fanny"
    error(
        call(
            head,
            "post",
            f"{url}/replacement",
            {"expected_version": 6, "teacher": str(world.outsider.public_id)},
        ),
        422,
        "validation_failed",
    )


def test_extra_session(world, timetable, login):
    body = {
        "assignment": str(maths_a(world).public_id),
        "held_on": "2026-12-02",
        "start_time": "13:00",
        "end_time": "14:00",
    }
    error(call(login(world.outsider), "post", f"{API}/sessions", body), 404, "not_found")
    error(call(login(world.secretary), "post", f"{API}/sessions", body), 403, "forbidden")
    assert not Session.objects.filter(is_extra=True).exists()
    response = call(login(world.cpe), "post", f"{API}/sessions", body)
    assert response.status_code == 201 and response.json()["is_extra"]
    error(call(login(world.cpe), "post", f"{API}/sessions", body), 409, "timetable_clash")


def test_feed_token(world, login):
    client = login(world.alice)
    assert client.get(f"{API}/feed").json() == {"active": False, "created_at": None, "last_used_at": None}
    response = call(client, "post", f"{API}/feed")
    assert response.status_code == 201
    url = response.json()["url"]
    assert "/ical/" in url and url.endswith(".ics")
    assert client.get(f"{API}/feed").json()["active"] is True
    assert client.get(url.split("testserver")[1]).status_code == 200
    assert call(client, "delete", f"{API}/feed").status_code == 204
    assert not CalendarFeedToken.objects.exists()
    assert client.get(f"{API}/feed").status_code == 200
    anonymous = client.__class__()
    error(anonymous.get(f"{API}/feed"), 401, "unauthenticated")


def test_sessions_query_count_is_constant(world, timetable, login, django_assert_max_num_queries):
    client = login(world.alice)
    client.get(f"{API}/sessions?week={MONDAY}")
    with django_assert_max_num_queries(14) as few:
        client.get(f"{API}/sessions?date_from=2026-11-30&date_to=2026-12-06")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get(f"{API}/sessions?date_from=2026-11-30&date_to=2027-01-29").json()
    assert len(rows) >= 8
    assert dt.date.fromisoformat(rows[-1]["held_on"]) <= dt.date(2027, 1, 29)
