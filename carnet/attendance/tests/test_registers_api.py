"""Roll-call API: my sessions of today, a session's register (GET with its version, PUT back with
it: 409 `register_conflict` on a stale one), the missing registers. Trio on each endpoint."""

from __future__ import annotations

import json

import pytest

from carnet.attendance.models import Exemption, Register, RegisterEntry
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import TODAY, TOMORROW, YESTERDAY, lesson, take

frozen, maths_a, maths_b = h.frozen, h.maths_a, h.maths_b
pytestmark = pytest.mark.usefixtures("frozen")
API = "/api/v1/attendance"
REFUSED = ("teacher_french", "outsider", "alice", "alice_mother", "secretary")


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    return response.json()


def test_my_sessions_today(world, login, maths_a, maths_b):
    first = lesson(maths_a, start="08:00")
    lesson(maths_b, start="10:00")
    lesson(maths_a, on=TOMORROW)
    take(world.teacher_maths, first, {world.alice: "absent"})
    data = login(world.teacher_maths).get(f"{API}/sessions/mine").json()
    assert [(s["start_time"], s["audience"]["name"], s["audience"]["kind"]) for s in data] == [
        ("08:00:00", "2nde A", "class"),
        ("10:00:00", "2nde B", "class"),
    ]
    assert data[0]["roll_call"]["version"] == 1 and data[0]["roll_call"]["taken_by"] == "MATHS Marc"
    assert data[1]["roll_call"] is None
    assert login(world.alice).get(f"{API}/sessions/mine").json() == []


def test_get_register(world, login, maths_a):
    s = lesson(maths_a)
    Exemption.objects.create(
        establishment=world.lycee, student=world.bruno, subject=world.maths, starts_on=TODAY, ends_on=TODAY
    )
    data = login(world.teacher_maths).get(f"{API}/sessions/{s.public_id}/register").json()
    assert data["version"] is None and data["editable"] and data["closed_reason"] is None
    assert data["counts"] == {"present": 2, "absent": 0, "late": 0}
    assert [
        (r["student"]["first_name"], r["status"], r["exemption"] is not None) for r in data["students"]
    ] == [
        ("Bruno", "present", True),
        ("Alice", "present", False),
    ]
    assert data["students"][0]["exemption"]["must_attend"] is True


@pytest.mark.parametrize("who", REFUSED)
def test_register_trio_refused(world, login, maths_a, who):
    s = lesson(maths_a)
    client = login(getattr(world, who))
    assert_error(client.get(f"{API}/sessions/{s.public_id}/register"), 404, "not_found")
    body = {"version": None, "entries": [{"student": str(world.alice.public_id), "status": "absent"}]}
    assert_error(put(client, f"{API}/sessions/{s.public_id}/register", body), 404, "not_found")
    assert not Register.objects.exists()


def test_put_register_then_correct_then_conflict(world, login, maths_a):
    s = lesson(maths_a)
    url = f"{API}/sessions/{s.public_id}/register"
    teacher = login(world.teacher_maths)
    body = {
        "version": None,
        "entries": [
            {"student": str(world.alice.public_id), "status": "absent"},
            {"student": str(world.bruno.public_id), "status": "late", "minutes": 10},
        ],
    }
    response = put(teacher, url, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 1 and data["counts"] == {"present": 0, "absent": 1, "late": 1}
    # the CPE corrects it
    cpe = login(world.cpe)
    assert put(cpe, url, {"version": 1, "entries": []}).json()["version"] == 2
    # the teacher, still on version 1, is told
    error = assert_error(put(login(world.teacher_maths), url, body), 409, "register_conflict")
    assert "VIE-SCOLAIRE Claire" in error["message"]
    assert error["details"]["version"] == 2 and error["details"]["entries"] == []
    assert not RegisterEntry.objects.exists()


def test_cpe_may_take_it_with_post_too(world, login, maths_a):
    s = lesson(maths_a)
    response = login(world.cpe).post(
        f"{API}/sessions/{s.public_id}/register",
        data=json.dumps({"version": None, "entries": []}),
        content_type="application/json",
    )
    assert response.status_code == 200 and Register.objects.get().taken_by == world.cpe


@pytest.mark.parametrize(
    "entry",
    [
        {"status": "late", "minutes": 0},
        {"status": "late", "minutes": 999},
        {"status": "late"},
        {"status": "away"},
    ],
)
def test_bad_entries(world, login, maths_a, entry):
    s = lesson(maths_a)
    body = {"version": None, "entries": [{"student": str(world.alice.public_id), **entry}]}
    error = assert_error(
        put(login(world.teacher_maths), f"{API}/sessions/{s.public_id}/register", body),
        422,
        "validation_failed",
    )
    assert error["details"][0]["student"] == str(world.alice.public_id)
    assert not Register.objects.exists()


def test_student_not_in_the_class_or_unknown(world, login, maths_a):
    s = lesson(maths_a)
    url = f"{API}/sessions/{s.public_id}/register"
    client = login(world.teacher_maths)
    error = assert_error(
        put(
            client,
            url,
            {"version": None, "entries": [{"student": str(world.chloe.public_id), "status": "absent"}]},
        ),
        422,
        "validation_failed",
    )
    assert "n'est pas élève de 2nde A" in error["message"]
    assert_error(
        put(
            client,
            url,
            {
                "version": None,
                "entries": [{"student": "00000000-0000-4000-8000-000000000000", "status": "absent"}],
            },
        ),
        422,
        "validation_failed",
    )
    same = {"student": str(world.alice.public_id), "status": "absent"}
    assert_error(put(client, url, {"version": None, "entries": [same, same]}), 422, "validation_failed")
    assert not Register.objects.exists()


def test_future_cancelled_and_closed_sessions(world, login, maths_a):
    client = login(world.teacher_maths)
    for s in (lesson(maths_a, on=TOMORROW), lesson(maths_a, status="cancelled")):
        error = assert_error(
            put(client, f"{API}/sessions/{s.public_id}/register", {"version": None, "entries": []}),
            422,
            "validation_failed",
        )
        assert error["details"]["session"] in {"future", "cancelled"}
    past = lesson(maths_a, on=YESTERDAY)
    data = client.get(f"{API}/sessions/{past.public_id}/register").json()
    assert data["editable"] is False and "vie scolaire" in data["closed_reason"]
    assert_error(
        put(client, f"{API}/sessions/{past.public_id}/register", {"version": None, "entries": []}),
        403,
        "register_closed",
    )
    assert not Register.objects.exists()


def test_missing_registers(world, login, maths_a):
    due = lesson(maths_a, start="08:00")
    lesson(maths_a, start="09:55")
    data = login(world.cpe).get(f"{API}/registers/missing").json()
    assert [s["id"] for s in data] == [str(due.public_id)]
    assert data[0]["teacher"] == "MATHS Marc" and data[0]["roll_call"] is None
    assert login(world.cpe).get(f"{API}/registers/missing", {"on": YESTERDAY.isoformat()}).json() == []
    for who in ("teacher_maths", "alice", "alice_mother", "outsider"):
        assert_error(login(getattr(world, who)).get(f"{API}/registers/missing"), 403, "forbidden")


def test_schema_lists_the_roll_call(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert f"{API}/sessions/{{session_id}}/register" in schema["paths"]
    assert "put" in schema["paths"][f"{API}/sessions/{{session_id}}/register"]
    assert f"{API}/exemptions/{{exemption_id}}/certificate" in schema["paths"]
