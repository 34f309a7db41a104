"""Personal tokens through the API: list one's own, create (session only, secret shown once and
stored as a digest), revoke (one's own only; someone else's answers 404 and stays untouched)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from carnet.audit.models import AuditEvent
from carnet.identity import api_tokens
from carnet.identity.models import ApiToken, digest

TOKENS = "/api/v1/tokens"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def post(client, body, **kwargs):
    return client.post(TOKENS, body, content_type="application/json", **kwargs)


def test_creating_a_token_returns_its_secret_once_and_stores_only_its_digest(login, world, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    browser = login(world.teacher_maths)
    response = post(browser, {"name": "  Export des notes  ", "expires_in_days": 30})
    assert response.status_code == 201
    body = response.json()
    secret = body["token"]
    assert secret.startswith("crt_") and len(secret) == api_tokens.TOKEN_LENGTH
    assert body["prefix"] == secret[:12]
    assert body["name"] == "Export des notes"
    assert body["is_active"] is True
    token = ApiToken.objects.get()
    assert str(token.public_id) == body["id"]
    assert token.user == world.teacher_maths
    assert token.token_digest == digest(secret)
    assert secret not in {token.name, token.prefix, token.token_digest}
    assert token.expires_at == now + dt.timedelta(days=30)
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == world.teacher_maths and event.object_id == str(token.public_id)
    assert secret not in str(event.changes) and secret not in event.object_repr
    # Never again: the list shows the prefix, not the secret.
    listed = browser.get(TOKENS).json()
    assert [t["id"] for t in listed] == [body["id"]]
    assert "token" not in listed[0]


def test_a_token_without_lifetime_lives_until_revoked(login, world):
    response = post(login(world.alice), {"name": "Agenda"})
    assert response.status_code == 201
    assert response.json()["expires_at"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({}, "name"),
        ({"name": "ok", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "ok", "expires_in_days": 366}, "expires_in_days"),
    ],
)
def test_invalid_creations_answer_422_with_the_field_and_create_nothing(login, world, payload, field):
    response = post(login(world.teacher_maths), payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert field in {d["field"] for d in body["details"]}
    assert not ApiToken.objects.exists()


def test_a_blank_name_is_refused_by_the_service_too(login, world):
    response = post(login(world.teacher_maths), {"name": "   "})
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "name"
    assert not ApiToken.objects.exists()


def test_an_unreadable_body_answers_bad_request(login, world):
    response = login(world.teacher_maths).post(TOKENS, "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_live_tokens_are_capped(login, world):
    for n in range(api_tokens.MAX_ACTIVE_TOKENS):
        api_tokens.create_token(actor=world.teacher_maths, name=f"t{n}", expires_in_days=None)
    response = post(login(world.teacher_maths), {"name": "one too many"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert ApiToken.objects.count() == api_tokens.MAX_ACTIVE_TOKENS
    # A revoked token frees a place.
    api_tokens.revoke_token(actor=world.teacher_maths, token=ApiToken.objects.first())
    assert post(login(world.teacher_maths), {"name": "now it fits"}).status_code == 201


def test_a_token_cannot_mint_tokens(client, world):
    secret = api_tokens.create_token(actor=world.teacher_maths, name="script", expires_in_days=None).secret
    response = post(client, {"name": "child"}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert ApiToken.objects.count() == 1


def test_the_list_shows_only_ones_own_tokens(login, world):
    api_tokens.create_token(actor=world.head, name="direction", expires_in_days=None)
    mine = api_tokens.create_token(actor=world.teacher_maths, name="mine", expires_in_days=None).token
    listed = login(world.teacher_maths).get(TOKENS).json()
    assert [t["id"] for t in listed] == [str(mine.public_id)]
    assert login(world.outsider).get(TOKENS).json() == []


def test_revoking_ones_token_stops_it_and_is_audited(login, client, world):
    issued = api_tokens.create_token(actor=world.teacher_maths, name="script", expires_in_days=None)
    response = login(world.teacher_maths).delete(f"{TOKENS}/{issued.token.public_id}")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert response.json()["is_active"] is False
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=world.teacher_maths).count() == 1
    client.logout()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.secret}"}).status_code == 401


def test_revoking_twice_changes_nothing_more(login, world):
    token = api_tokens.create_token(actor=world.teacher_maths, name="script", expires_in_days=None).token
    browser = login(world.teacher_maths)
    first = browser.delete(f"{TOKENS}/{token.public_id}").json()["revoked_at"]
    second = browser.delete(f"{TOKENS}/{token.public_id}")
    assert second.status_code == 200 and second.json()["revoked_at"] == first
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize("intruder", ["teacher_french", "outsider"])
def test_someone_elses_token_answers_404_and_stays_usable(login, client, world, intruder):
    issued = api_tokens.create_token(actor=world.teacher_maths, name="script", expires_in_days=None)
    response = login(getattr(world, intruder)).delete(f"{TOKENS}/{issued.token.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()
    client.logout()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.secret}"}).status_code == 200


def test_an_unknown_token_id_answers_404_and_a_malformed_one_422(login, world):
    browser = login(world.teacher_maths)
    assert browser.delete(f"{TOKENS}/00000000-0000-4000-8000-000000000000").json()["code"] == "not_found"
    response = browser.delete(f"{TOKENS}/not-a-uuid")
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "public_id"


def test_the_service_refuses_to_revoke_someone_elses_token(world):
    token = api_tokens.create_token(actor=world.head, name="direction", expires_in_days=None).token
    with pytest.raises(api_tokens.NotFound):
        api_tokens.revoke_token(actor=world.cpe, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
