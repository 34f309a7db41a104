"""How a request gets into the API: browser session (with CSRF on unsafe methods) or personal
token; what an anonymous call gets (401 JSON, never the sign-in redirect); throttling; the language
of messages; the documentation page and the OpenAPI schema."""

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from carnet.identity import api_tokens
from carnet.identity.models import ApiToken

ME = "/api/v1/me"
TOKENS = "/api/v1/tokens"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def issue(user, *, days=None, name="script") -> str:
    return api_tokens.create_token(actor=user, name=name, expires_in_days=days).secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    return body


# --- anonymous ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ME),
        ("get", "/api/v1/me/children"),
        ("get", "/api/v1/directory?q=ma"),
        ("get", TOKENS),
        ("post", TOKENS),
    ],
)
def test_anonymous_calls_answer_401_json_not_a_redirect(client, world, method, path):
    response = getattr(client, method)(path, content_type="application/json")
    body = assert_error(response, 401, "unauthenticated")
    assert "Location" not in response
    assert response["WWW-Authenticate"] == 'Bearer realm="carnet"'
    assert (
        body["message"] == "Authentification requise : connectez-vous ou présentez un jeton d'accès valide."
    )


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/me/", "/api/v1/tokens/a/b"])
def test_an_unknown_api_path_answers_json_404_signed_in_or_not(client, login, world, path):
    assert_error(client.get(path), 404, "not_found")
    assert_error(login(world.alice).get(path), 404, "not_found")


def test_the_unauthenticated_message_is_english_with_accept_language_en(client, world):
    response = client.get(ME, headers={"Accept-Language": "en"})
    body = assert_error(response, 401, "unauthenticated")
    assert body["message"] == "Authentication required: sign in or present a valid access token."
    assert response["Content-Language"] == "en"


# --- session ------------------------------------------------------------------------------------
def test_a_session_reads_the_api(login, world):
    response = login(world.teacher_maths).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "marc.maths"


def test_a_session_write_without_csrf_token_is_refused_and_changes_nothing(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.teacher_maths)
    response = browser.post(TOKENS, {"name": "sans csrf"}, content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    assert not ApiToken.objects.exists()


def test_a_session_write_with_the_csrf_header_goes_through(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.teacher_maths)
    browser.get("/api/v1/docs")  # any page that renders the CSRF token sets its cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        TOKENS, {"name": "avec csrf"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=world.teacher_maths, name="avec csrf").exists()


def test_a_session_revocation_without_csrf_is_refused_and_the_token_still_works(world):
    secret = issue(world.teacher_maths)
    token = ApiToken.objects.get()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.teacher_maths)
    assert_error(browser.delete(f"{TOKENS}/{token.public_id}"), 403, "csrf_failed")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get(ME, headers=bearer(secret)).status_code == 200


def test_safe_methods_of_a_session_need_no_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.teacher_maths)
    assert browser.get(TOKENS).status_code == 200


# --- personal tokens ----------------------------------------------------------------------------
def test_a_valid_token_acts_as_its_owner_and_records_its_use(client, world):
    secret = issue(world.alice_mother)
    response = client.get(ME, headers=bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "anne.martin"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_needs_no_csrf_token_for_writes(world):
    secret = issue(world.teacher_maths)
    other = api_tokens.create_token(actor=world.teacher_maths, name="autre", expires_in_days=None).token
    browser = Client(enforce_csrf_checks=True)
    response = browser.delete(f"{TOKENS}/{other.public_id}", headers=bearer(secret))
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.revoked_at is not None


def test_last_use_is_written_at_most_once_a_minute(client, world, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    secret = issue(world.teacher_maths)
    client.get(ME, headers=bearer(secret))
    assert ApiToken.objects.get().last_used_at == start
    time_machine.move_to(start + dt.timedelta(seconds=30), tick=False)
    client.get(ME, headers=bearer(secret))
    assert ApiToken.objects.get().last_used_at == start
    time_machine.move_to(start + dt.timedelta(seconds=61), tick=False)
    client.get(ME, headers=bearer(secret))
    assert ApiToken.objects.get().last_used_at == start + dt.timedelta(seconds=61)


def test_a_revoked_token_is_refused(client, world):
    issued = api_tokens.create_token(actor=world.teacher_maths, name="x", expires_in_days=None)
    api_tokens.revoke_token(actor=world.teacher_maths, token=issued.token)
    body = assert_error(client.get(ME, headers=bearer(issued.secret)), 401, "unauthenticated")
    assert body["message"] == "Jeton d'accès invalide, expiré ou révoqué."


def test_an_expired_token_is_refused(client, world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    secret = issue(world.teacher_maths, days=1)
    assert client.get(ME, headers=bearer(secret)).status_code == 200
    time_machine.shift(dt.timedelta(days=1, seconds=1))
    assert_error(client.get(ME, headers=bearer(secret)), 401, "unauthenticated")


@pytest.mark.parametrize(
    "presented",
    [
        "crt_" + "a" * 40,  # well formed, unknown
        "crt_abc",  # too short
        "tok_" + "a" * 40,  # foreign prefix
        "",
    ],
)
def test_a_wrong_token_is_refused(client, world, presented):
    issue(world.teacher_maths)
    response = client.get(ME, headers={"Authorization": f"Bearer {presented}"})
    assert_error(response, 401, "unauthenticated")


def test_a_tampered_token_is_refused(client, world):
    secret = issue(world.teacher_maths)
    tampered = secret[:-1] + ("a" if secret[-1] != "a" else "b")
    assert_error(client.get(ME, headers=bearer(tampered)), 401, "unauthenticated")


def test_the_token_of_a_deactivated_person_is_refused(client, world):
    secret = issue(world.teacher_maths)
    world.teacher_maths.is_active = False
    world.teacher_maths.save(update_fields=["is_active"])
    assert_error(client.get(ME, headers=bearer(secret)), 401, "unauthenticated")


def test_a_bad_token_is_refused_even_alongside_a_session(login, world):
    browser = login(world.teacher_maths)
    assert_error(browser.get(ME, headers=bearer("crt_" + "z" * 40)), 401, "unauthenticated")


def test_a_token_speaks_its_owners_language(client, world):
    world.teacher_maths.language = "en"
    world.teacher_maths.save(update_fields=["language"])
    secret = issue(world.teacher_maths)
    body = assert_error(
        client.post(TOKENS, {"name": "x"}, content_type="application/json", headers=bearer(secret)),
        403,
        "forbidden",
    )
    assert body["message"] == "A token cannot create another token: create it from the browser."


# --- throttling ---------------------------------------------------------------------------------
def test_too_many_requests_answer_429_with_retry_after(client, world, settings):
    settings.CARNET_API_RATE = "2/m"
    secret = issue(world.teacher_maths)
    assert client.get(ME, headers=bearer(secret)).status_code == 200
    assert client.get(ME, headers=bearer(secret)).status_code == 200
    response = client.get(ME, headers=bearer(secret))
    assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    # The limit is per person: someone else is not held back.
    assert client.get(ME, headers=bearer(issue(world.head))).status_code == 200


# --- documentation and schema -------------------------------------------------------------------
def test_the_docs_page_uses_only_local_files(client, world):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), (
        "external resource in the docs page"
    )
    assert '"validatorUrl": null' in html
    local = re.findall(r"""(?:src|href)=["']/static/([^"']+)["']""", html)
    assert {"ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"} <= set(local)
    for path in local:
        assert finders.find(path), f"static file {path} is missing"


def test_the_docs_page_is_reachable_signed_in(login, world):
    response = login(world.alice).get("/api/v1/docs")
    assert response.status_code == 200
    assert b'data-api-csrf="true"' in response.content


def test_the_schema_is_valid_openapi_and_lists_every_endpoint(client, world):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    expected = {
        "/api/v1/me": {"get"},
        "/api/v1/me/children": {"get"},
        "/api/v1/me/classes": {"get"},
        "/api/v1/directory": {"get"},
        "/api/v1/classes/{public_id}/students": {"get"},
        "/api/v1/tokens": {"get", "post"},
        "/api/v1/tokens/{public_id}": {"delete"},
    }
    for path, methods in expected.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path
    # The notifications router (its own app) is mounted under /notifications.
    assert "get" in schema["paths"]["/api/v1/notifications"]
    assert {"get", "put"} <= set(schema["paths"]["/api/v1/notifications/preferences"])
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], f"{method} {path} does not document 401"
            assert operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith(
                "/ErrorOut"
            )


def test_the_description_documents_every_error_code(client, world):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    for code in (
        "unauthenticated",
        "csrf_failed",
        "forbidden",
        "not_found",
        "validation_failed",
        "rate_limited",
    ):
        assert f"`{code}`" in description
    english = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"}).json()["info"][
        "description"
    ]
    assert "## Errors" in english and "## Erreurs" in description
