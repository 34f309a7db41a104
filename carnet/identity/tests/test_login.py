"""Sign-in and sign-out: identifiers, generic errors, throttling before hashing, device cookies."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

from carnet.identity import devices
from carnet.identity.models import UserSession

LOGIN = "/compte/connexion/"


def post_login(client, identifier, password, **extra):
    return client.post(LOGIN, {"identifier": identifier, "password": password}, **extra)


@pytest.fixture
def hasher_calls():
    """Counts every password hash computed (checked or made) during the test."""
    calls = {"n": 0}
    real_encode = MD5PasswordHasher.encode

    def encode(self, password, salt):  # verify() hashes through encode() too
        calls["n"] += 1
        return real_encode(self, password, salt)

    with mock.patch.object(MD5PasswordHasher, "encode", encode):
        yield calls


def test_the_login_page_is_public_and_links_to_activation_and_recovery(client, db):
    response = client.get(reverse("identity:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="auth-card' in html
    assert reverse("identity:activate") in html and reverse("identity:recover") in html
    assert 'autocomplete="current-password"' in html


def test_sign_in_with_the_identifier(client, world):
    response = post_login(client, "alice.martin", world.password)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert int(client.session["_auth_user_id"]) == world.alice.pk
    row = UserSession.objects.get(user=world.alice)
    assert row.session_key == client.session.session_key
    world.alice.refresh_from_db()
    assert world.alice.last_login is not None


def test_sign_in_with_the_email_address_ignores_case(client, world):
    response = post_login(client, "ALICE.MARTIN@example.org", world.password)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.alice.pk


def test_an_email_shared_by_two_accounts_names_neither(client, world):
    world.bruno.email = world.alice.email
    world.bruno.save(update_fields=["email"])
    response = post_login(client, world.alice.email, world.password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_session_key_changes_at_sign_in(client, world):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    post_login(client, "alice.martin", world.password)
    assert client.session.session_key != before


@pytest.mark.parametrize("identifier,password", [
    ("alice.martin", "wrong-password"),
    ("nobody.here", "whatever-password"),
])
def test_errors_are_generic(client, world, identifier, password):
    response = post_login(client, identifier, password)
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_closed_account_gets_the_same_generic_error(client, world):
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    response = post_login(client, "alice.martin", world.password)
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()


def test_an_unknown_identifier_costs_one_hash_like_a_known_one(client, world, hasher_calls):
    post_login(client, "nobody.here", "whatever-password")
    unknown = hasher_calls["n"]
    post_login(client, "alice.martin", "wrong-password")
    assert unknown == 1 and hasher_calls["n"] - unknown == 1


def test_next_is_followed_when_safe_and_ignored_otherwise(client, world):
    response = client.post(LOGIN + "?next=/annuaire/", {"identifier": "alice.martin", "password": world.password})
    assert response.url == "/annuaire/"
    client.logout()
    response = client.post(LOGIN, {"identifier": "alice.martin", "password": world.password, "next": "https://evil.example/"})
    assert response.url == reverse("portal:home")


def test_a_signed_in_person_is_sent_home(client, world):
    client.force_login(world.alice)
    assert client.get(LOGIN).status_code == 302


# --- throttling -----------------------------------------------------------------------------------
def test_per_account_lockout_is_checked_before_any_hash(client, world, hasher_calls):
    for _ in range(5):
        assert post_login(client, "alice.martin", "wrong-password").status_code == 200
    hashed = hasher_calls["n"]
    response = post_login(client, "alice.martin", world.password)
    assert response.status_code == 429
    assert hasher_calls["n"] == hashed  # blocked: no password hash computed
    html = response.content.decode()
    assert "Trop de tentatives" in html and "1 minute" in html
    assert "_auth_user_id" not in client.session


def test_an_unknown_identifier_is_locked_out_exactly_like_a_real_one(client, world):
    for _ in range(5):
        post_login(client, "nobody.here", "wrong-password")
    assert post_login(client, "nobody.here", "wrong-password").status_code == 429


def test_per_address_lockout_is_checked_before_any_hash(client, world, hasher_calls, settings):
    settings.CARNET_LOGIN_THROTTLE = {**settings.CARNET_LOGIN_THROTTLE, "per_address": 4}
    for n in range(4):
        post_login(client, f"someone{n}", "wrong-password", REMOTE_ADDR="10.1.1.1")
    hashed = hasher_calls["n"]
    assert post_login(client, "alice.martin", world.password, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert hasher_calls["n"] == hashed
    # Another address is not concerned.
    assert post_login(client, "alice.martin", world.password, REMOTE_ADDR="10.2.2.2").status_code == 302


def test_lockout_ends_after_a_minute_then_grows_gently(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            post_login(client, "alice.martin", "wrong-password")
        assert post_login(client, "alice.martin", world.password).status_code == 429
        traveller.shift(timedelta(seconds=61))
        for _ in range(5):
            post_login(client, "alice.martin", "wrong-password")
        # Second block: two minutes.
        traveller.shift(timedelta(seconds=61))
        response = post_login(client, "alice.martin", world.password)
        assert response.status_code == 429 and "59 secondes" in response.content.decode()
        traveller.shift(timedelta(seconds=60))
        assert post_login(client, "alice.martin", world.password).status_code == 302


def test_the_device_cookie_keeps_the_real_person_in_during_an_attack(client, world, django_app_client_factory):
    alice_browser = django_app_client_factory()
    assert post_login(alice_browser, "alice.martin", world.password).status_code == 302
    assert devices.COOKIE_NAME in alice_browser.cookies
    alice_browser.post(reverse("identity:logout"))

    # A stranger hammers alice's account from the same public address (a school network).
    for _ in range(5):
        post_login(client, "alice.martin", "guess")
    assert post_login(client, "alice.martin", world.password).status_code == 429

    # Alice, from her usual browser, is not locked out.
    assert post_login(alice_browser, "alice.martin", world.password).status_code == 302


def test_the_device_cookie_has_its_own_small_counter(client, world):
    post_login(client, "alice.martin", world.password)
    client.post(reverse("identity:logout"))
    for _ in range(5):
        post_login(client, "alice.martin", "wrong")
    assert post_login(client, "alice.martin", world.password).status_code == 429


def test_a_device_cookie_trusts_only_its_own_account(client, world):
    post_login(client, "alice.martin", world.password)
    client.post(reverse("identity:logout"))
    for _ in range(5):
        post_login(client, "bruno.francais", "guess")
    assert post_login(client, "bruno.francais", world.password).status_code == 429


def test_a_device_cookie_spares_its_owner_the_address_lockout(client, world, settings, django_app_client_factory):
    settings.CARNET_LOGIN_THROTTLE = {**settings.CARNET_LOGIN_THROTTLE, "per_address": 3}
    alice_browser = django_app_client_factory()
    post_login(alice_browser, "alice.martin", world.password)
    alice_browser.post(reverse("identity:logout"))
    for n in range(3):
        post_login(client, f"someone{n}", "guess")
    assert post_login(client, "bruno.francais", world.password).status_code == 429
    assert post_login(alice_browser, "alice.martin", world.password).status_code == 302


def test_a_forged_device_cookie_is_ignored(client, world):
    client.cookies[devices.COOKIE_NAME] = "forged:value"
    for _ in range(5):
        post_login(client, "alice.martin", "guess")
    assert post_login(client, "alice.martin", world.password).status_code == 429


# --- sign-out -------------------------------------------------------------------------------------
def test_logout_is_a_post_and_removes_the_session_row(client, world):
    post_login(client, "alice.martin", world.password)
    assert UserSession.objects.filter(user=world.alice).count() == 1
    assert client.get(reverse("identity:logout")).status_code == 405
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302 and response.url == reverse("identity:login")
    assert not UserSession.objects.filter(user=world.alice).exists()
    assert "_auth_user_id" not in client.session
