"""Exemptions through the API: list under each person's scope, create / change / end / delete for
school-life staff, the certificate upload (checked) and download (trio)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carnet.attendance.models import Exemption
from carnet.attendance.services import exemptions as service
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import TODAY

frozen = h.frozen
pytestmark = pytest.mark.usefixtures("frozen")
API = "/api/v1/attendance/exemptions"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make(world, student=None, **changes):
    values = {
        "subject": world.maths,
        "starts_on": TODAY - dt.timedelta(days=2),
        "ends_on": TODAY + dt.timedelta(days=30),
        "weekdays": [],
        "must_attend": True,
        "reason": "Entorse",
        **changes,
    }
    return service.create_exemption(
        actor=world.cpe,
        establishment=world.lycee,
        student=student or world.alice,
        values=values,
        certificate=SimpleUploadedFile("certificat.pdf", PDF, content_type="application/pdf"),
    )


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    return response.json()


def test_list_by_scope(world, login):
    make(world)
    make(world, student=world.chloe)
    names = lambda who: sorted(e["student"]["first_name"] for e in login(getattr(world, who)).get(API).json())  # noqa: E731
    assert names("cpe") == ["Alice", "Chloé"]
    assert names("secretary") == ["Alice", "Chloé"]
    assert names("alice") == ["Alice"]
    assert names("alice_mother") == ["Alice", "Chloé"]
    assert names("chloe_father") == ["Chloé"]
    assert names("teacher_maths") == []
    assert names("outsider") == []
    one = login(world.cpe).get(API, {"school_class": str(world.seconde_b.public_id)}).json()
    assert [e["student"]["first_name"] for e in one] == ["Chloé"]
    assert one[0]["certificate"] == "certificat.pdf"


def test_create_end_patch_delete(world, login):
    client = login(world.cpe)
    body = {
        "student": str(world.bruno.public_id),
        "subject": str(world.maths.public_id),
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=10)).isoformat(),
        "weekdays": [0],
        "must_attend": False,
    }
    response = send(client, "post", API, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["weekdays"] == [0] and data["must_attend"] is False and data["certificate"] is None
    assert data["version"] == 1
    url = f"{API}/{data['id']}"
    patched = send(client, "patch", url, {"reason": "Asthme", "weekdays": [], "version": 1}).json()
    assert patched["reason"] == "Asthme" and patched["weekdays"] == [] and patched["version"] == 2
    ended = send(
        client, "post", f"{url}/end", {"on": (TODAY + dt.timedelta(days=2)).isoformat(), "version": 2}
    ).json()
    assert ended["ends_on"] == (TODAY + dt.timedelta(days=2)).isoformat() and ended["version"] == 3
    assert client.delete(url).status_code == 204
    assert not Exemption.objects.exists()


def test_create_refusals(world, login):
    body = {
        "student": str(world.alice.public_id),
        "subject": str(world.maths.public_id),
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY - dt.timedelta(days=1)).isoformat(),
    }
    error = assert_error(send(login(world.cpe), "post", API, body), 422, "validation_failed")
    assert "ends_on" in error["details"]
    assert_error(
        send(login(world.cpe), "post", API, {**body, "student": str(world.dossou.public_id)}),
        404,
        "not_found",
    )
    assert_error(
        send(login(world.teacher_maths), "post", API, {**body, "ends_on": TODAY.isoformat()}),
        403,
        "forbidden",
    )
    assert_error(
        send(login(world.secretary), "post", API, {**body, "ends_on": TODAY.isoformat()}), 403, "forbidden"
    )
    assert_error(
        send(login(world.alice_mother), "post", API, {**body, "ends_on": TODAY.isoformat()}), 403, "forbidden"
    )
    assert not Exemption.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary", 403), ("alice", 403), ("alice_mother", 403), ("teacher_maths", 404), ("outsider", 404)],
)
def test_writes_refused(world, login, who, status):
    exemption = make(world)
    client = login(getattr(world, who))
    url = f"{API}/{exemption.public_id}"
    code = "forbidden" if status == 403 else "not_found"
    assert_error(send(client, "patch", url, {"reason": "x", "version": 1}), status, code)
    assert_error(send(client, "post", f"{url}/end", {"version": 1}), status, code)
    assert_error(client.delete(url), status, code)
    exemption.refresh_from_db()
    assert exemption.reason == "Entorse" and exemption.ends_on == TODAY + dt.timedelta(days=30)


def test_a_stale_version_is_refused_with_409(world, login):
    exemption = make(world)
    url = f"{API}/{exemption.public_id}"
    head = login(world.head)
    assert send(head, "patch", url, {"reason": "Fracture", "version": 1}).json()["version"] == 2
    client = login(world.cpe)
    error = assert_error(
        send(client, "patch", url, {"reason": "Asthme", "must_attend": False, "version": 1}),
        409,
        "exemption_conflict",
    )
    assert world.head.full_name in error["message"]
    assert error["details"]["version"] == 2 and error["details"]["reason"] == "Fracture"
    assert error["details"]["by"] == world.head.full_name
    error = assert_error(send(client, "post", f"{url}/end", {"version": 1}), 409, "exemption_conflict")
    exemption.refresh_from_db()
    assert (exemption.reason, exemption.must_attend, exemption.version) == ("Fracture", True, 2)
    assert exemption.ends_on == TODAY + dt.timedelta(days=30)
    # Without a version the change is not accepted either.
    assert send(client, "patch", url, {"reason": "Asthme"}).status_code == 422
    exemption.refresh_from_db()
    assert exemption.reason == "Fracture"


def test_certificate_upload_checked(world, login):
    exemption = make(world)
    url = f"{API}/{exemption.public_id}/certificate"
    client = login(world.cpe)
    bad = SimpleUploadedFile("radio.png", b"%PDF-1.4 pretending", content_type="image/png")
    error = assert_error(client.post(url, {"certificate": bad}), 422, "validation_failed")
    assert "certificate" in error["details"]
    good = SimpleUploadedFile("radio.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, content_type="image/png")
    assert client.post(url, {"certificate": good}).json()["certificate"] == "radio.png"
    other = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, content_type="image/png")
    assert_error(login(world.alice_mother).post(url, {"certificate": other}), 403, "forbidden")


@pytest.mark.parametrize("who", ["cpe", "alice", "alice_mother"])
def test_certificate_download_allowed(world, login, who):
    exemption = make(world)
    response = login(getattr(world, who)).get(f"{API}/{exemption.public_id}/certificate")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["secretary", "teacher_maths", "chloe_father", "outsider"])
def test_certificate_download_refused(world, login, who):
    exemption = make(world)
    assert_error(login(getattr(world, who)).get(f"{API}/{exemption.public_id}/certificate"), 404, "not_found")
