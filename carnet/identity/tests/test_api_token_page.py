"""The account page for personal API tokens (/compte/jetons/): list, create (secret shown once),
revoke after confirmation. Everyone manages their own tokens; someone else's answers 404."""

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.identity import api_tokens
from carnet.identity.models import ApiToken, digest


@pytest.fixture
def tokens_url():
    return reverse("identity:tokens")


def test_the_page_requires_signing_in(client, world, tokens_url):
    response = client.get(tokens_url)
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_the_page_lists_ones_own_tokens_only(login, world, tokens_url):
    mine = api_tokens.create_token(
        actor=world.teacher_maths, name="Export des notes", expires_in_days=30
    ).token
    revoked = api_tokens.create_token(
        actor=world.teacher_maths, name="Ancien script", expires_in_days=None
    ).token
    api_tokens.revoke_token(actor=world.teacher_maths, token=revoked)
    api_tokens.create_token(actor=world.head, name="Jeton de la direction", expires_in_days=None)
    response = login(world.teacher_maths).get(tokens_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Export des notes" in html and f"crt_{mine.prefix}" in html
    assert "Ancien script" in html and "Révoqué le" in html
    assert "Jeton de la direction" not in html
    assert reverse("identity:token_revoke", args=[mine.public_id]) in html
    assert reverse("identity:token_revoke", args=[revoked.public_id]) not in html


def test_an_empty_list_says_so(login, world, tokens_url):
    response = login(world.alice).get(tokens_url)
    assert "Vous n'avez encore créé aucun jeton d'accès." in response.content.decode()


def test_the_list_page_costs_the_same_with_many_tokens(
    login, world, tokens_url, django_assert_max_num_queries
):
    browser = login(world.teacher_maths)
    browser.get(tokens_url)
    for n in range(15):
        api_tokens.create_token(actor=world.teacher_maths, name=f"t{n}", expires_in_days=None)
    with django_assert_max_num_queries(8):
        assert browser.get(tokens_url).status_code == 200


def test_creating_shows_the_secret_once(login, world, tokens_url):
    browser = login(world.teacher_maths)
    response = browser.post(
        reverse("identity:token_create"), {"name": "Application mobile", "expires_in_days": "90"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=world.teacher_maths)
    html = response.content.decode()
    secret = next(
        word
        for word in html.replace('"', " ").split()
        if word.startswith("crt_") and len(word) == api_tokens.TOKEN_LENGTH
    )
    assert digest(secret) == token.token_digest
    assert "il ne sera plus jamais affiché" in html
    assert 'id="copy-token"' in html
    assert AuditEvent.objects.filter(action="api_token.create", actor=world.teacher_maths).exists()
    assert secret not in browser.get(tokens_url).content.decode()


def test_creating_without_expiry(login, world):
    login(world.alice_mother).post(
        reverse("identity:token_create"), {"name": "Agenda familial", "expires_in_days": ""}
    )
    assert ApiToken.objects.get(user=world.alice_mother).expires_at is None


def test_an_invalid_form_creates_nothing(login, world):
    response = login(world.teacher_maths).post(
        reverse("identity:token_create"), {"name": "", "expires_in_days": "90"}
    )
    assert response.status_code == 422
    assert "has-error" in response.content.decode() or "errorlist" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_cap_on_live_tokens_is_shown_on_the_form(login, world):
    for n in range(api_tokens.MAX_ACTIVE_TOKENS):
        api_tokens.create_token(actor=world.teacher_maths, name=f"t{n}", expires_in_days=None)
    response = login(world.teacher_maths).post(
        reverse("identity:token_create"), {"name": "encore", "expires_in_days": "30"}
    )
    assert response.status_code == 422
    assert "révoquez-en un" in response.content.decode()
    assert ApiToken.objects.count() == api_tokens.MAX_ACTIVE_TOKENS


def test_creating_needs_a_post(login, world):
    assert login(world.teacher_maths).get(reverse("identity:token_create")).status_code == 405


def test_revoking_asks_for_confirmation_then_revokes(login, world, tokens_url):
    token = api_tokens.create_token(
        actor=world.teacher_maths, name="Vieux script", expires_in_days=None
    ).token
    browser = login(world.teacher_maths)
    url = reverse("identity:token_revoke", args=[token.public_id])
    confirm = browser.get(url)
    assert confirm.status_code == 200
    assert "perdront l'accès" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = browser.post(url)
    assert response.status_code == 302 and response["Location"] == tokens_url
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=world.teacher_maths).count() == 1


@pytest.mark.parametrize("intruder", ["head", "outsider"])
def test_someone_elses_token_answers_404_and_is_untouched(login, world, intruder):
    token = api_tokens.create_token(actor=world.teacher_maths, name="Script", expires_in_days=None).token
    url = reverse("identity:token_revoke", args=[token.public_id])
    browser = login(getattr(world, intruder))
    assert browser.get(url).status_code == 404
    assert browser.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()
