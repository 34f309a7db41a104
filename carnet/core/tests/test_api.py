"""The shared error plumbing of the API, on a throwaway API so that each kind of failure can be
raised on purpose: every error answers {"code", "message", "details"} with its status."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import translation
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.testing import TestClient

from carnet.core import errors
from carnet.core.api import ERROR_CODES, error_codes_markdown, install_error_handlers


class Payload(Schema):
    name: str
    age: int


def build_api() -> NinjaAPI:
    api = NinjaAPI(urls_namespace="test-errors")
    install_error_handlers(api)

    @api.get("/domain/{kind}")
    def domain(request, kind: str):
        raise {
            "conflict": errors.Conflict(),
            "forbidden": errors.PermissionDenied(),
            "not_found": errors.NotFound(),
            "rate_limited": errors.RateLimited(),
            "custom": errors.ValidationFailed("Trop long.", details=[{"field": "name"}]),
        }[kind]

    @api.get("/http404")
    def http404(request):
        raise Http404("no such thing")

    @api.get("/does-not-exist")
    def does_not_exist(request):
        return get_user_model().objects.get(username="nobody-at-all")

    @api.get("/django-forbidden")
    def django_forbidden(request):
        raise DjangoPermissionDenied

    @api.get("/http-error/{status}")
    def http_error(request, status: int):
        raise HttpError(status, "raw ninja error")

    @api.get("/boom")
    def boom(request):
        raise RuntimeError("a bug")

    @api.post("/payload")
    def payload(request, data: Payload):
        return {"ok": True}

    return api


@pytest.fixture(scope="module")
def client():
    return TestClient(build_api())


def assert_error(response, status: int, code: str):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.parametrize(
    ("kind", "status"), [("conflict", 409), ("forbidden", 403), ("not_found", 404), ("rate_limited", 429)]
)
def test_domain_errors_keep_their_code_and_status(client, kind, status):
    assert_error(client.get(f"/domain/{kind}"), status, kind)


def test_domain_error_message_and_details_are_passed_through(client):
    body = assert_error(client.get("/domain/custom"), 422, "validation_failed")
    assert body["message"] == "Trop long."
    assert body["details"] == [{"field": "name"}]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/http404", "/does-not-exist"])
def test_missing_objects_answer_not_found_without_leaking_the_reason(client, path):
    body = assert_error(client.get(path), 404, "not_found")
    assert "nobody" not in body["message"] and "no such thing" not in body["message"]
    assert body["details"] is None


def test_django_permission_denied_answers_forbidden(client):
    assert_error(client.get("/django-forbidden"), 403, "forbidden")


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "bad_request"), (401, "unauthenticated"), (403, "forbidden"), (429, "rate_limited")],
)
def test_raw_ninja_http_errors_are_mapped_to_stable_codes(client, status, code):
    assert_error(client.get(f"/http-error/{status}"), status, code)


def test_an_unexpected_failure_answers_json_and_is_logged(client, caplog):
    body = assert_error(client.get("/boom"), 500, "server_error")
    assert "a bug" not in body["message"]
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_validation_errors_list_each_field(client):
    body = assert_error(client.post("/payload", json={"age": "old"}), 422, "validation_failed")
    by_field = {d["field"]: d for d in body["details"]}
    assert set(by_field) == {"name", "age"}
    assert by_field["name"]["type"] == "missing"
    assert by_field["age"]["type"] == "int_parsing"
    assert by_field["age"]["loc"][0] == "body"


def test_an_unreadable_body_answers_bad_request(client):
    response = client.post("/payload", data=b"{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")


def test_messages_follow_the_active_language(client):
    with translation.override("fr"):
        french = client.get("/domain/forbidden").json()["message"]
    with translation.override("en"):
        english = client.get("/domain/forbidden").json()["message"]
    assert french == "Vous n'avez pas le droit de faire cela."
    assert english == "You are not allowed to do this."


def test_the_documented_table_lists_every_code_once():
    codes = [code for code, _status, _meaning in ERROR_CODES]
    assert len(codes) == len(set(codes))
    assert {
        "unauthenticated",
        "csrf_failed",
        "forbidden",
        "not_found",
        "validation_failed",
        "rate_limited",
    } <= set(codes)
    table = error_codes_markdown()
    for code, status, _meaning in ERROR_CODES:
        assert f"| `{code}` | {status} |" in table
