"""Activation codes: issuing (digest only, one live code per person, audited) and the public
first-sign-in journey (identifier + code -> personal password -> signed in)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from carnet.audit.models import AuditEvent
from carnet.identity.models import ActivationCode, UserSession, digest
from carnet.identity.services import issue_activation_codes

ACTIVATE = "/compte/activation/"
NEW_PASSWORD = "girafe-lampadaire-orage"


def issue(world, *users):
    return issue_activation_codes(actor=world.head, users=list(users), establishment=world.lycee)


def never_activated(user):
    user.password = make_password(None)
    user.save(update_fields=["password"])


def activate(client, identifier, code):
    return client.post(ACTIVATE, {"identifier": identifier, "code": code})


def choose(client, password=NEW_PASSWORD, confirm=None):
    return client.post(
        reverse("identity:choose_password"), {"new_password1": password, "new_password2": confirm or password}
    )


# --- issuing ---------------------------------------------------------------------------------------
def test_issuing_stores_only_digests_with_the_configured_expiry(world, settings):
    settings.CARNET_ACTIVATION_CODE_DAYS = 10
    [(user, code)] = issue(world, world.alice)
    row = ActivationCode.objects.get(user=world.alice)
    assert user == world.alice
    assert row.code_digest == digest(code) and code not in row.code_digest
    assert timedelta(days=9, hours=23) < row.expires_at - timezone.now() <= timedelta(days=10)
    assert row.created_by == world.head


def test_a_new_code_revokes_the_previous_unused_one(world):
    [(_, first)] = issue(world, world.alice)
    [(_, second)] = issue(world, world.alice)
    assert first != second
    old = ActivationCode.objects.get(code_digest=digest(first))
    assert old.revoked_at is not None
    assert ActivationCode.objects.get(code_digest=digest(second)).is_usable()


def test_issuing_is_audited_once_per_batch(world):
    issue(world, world.alice)
    issue(world, world.alice, world.bruno, world.chloe)
    single = AuditEvent.objects.get(action="identity.activation_code_issued")
    assert single.object_id == str(world.alice.public_id) and single.establishment == world.lycee
    batch = AuditEvent.objects.get(action="identity.activation_codes_issued")
    assert batch.changes["accounts"][1] == ["alice.martin", "bruno.francais", "chloe.durand"]


def test_issuing_for_nobody_does_nothing(world):
    assert issue(world) == []
    assert not AuditEvent.objects.exists()


# --- the journey -----------------------------------------------------------------------------------
def test_the_activation_page_is_public_and_helpful(client, db):
    response = client.get(ACTIVATE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Code d&#x27;activation" in html or "Code d'activation" in html
    assert reverse("identity:login") in html and reverse("identity:recover") in html


def test_first_sign_in_with_a_code(client, world):
    never_activated(world.alice)
    [(_, code)] = issue(world, world.alice)
    response = activate(client, "Alice.Martin", code.lower().replace("-", " "))
    assert response.status_code == 302 and response.url == reverse("identity:choose_password")
    page = client.get(response.url)
    html = page.content.decode()
    assert "alice.martin" in html
    assert "10 caractères" in html  # the validators' help is shown
    response = choose(client)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert int(client.session["_auth_user_id"]) == world.alice.pk
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW_PASSWORD) and not world.alice.must_change_password
    assert ActivationCode.objects.get(user=world.alice).used_at is not None
    assert UserSession.objects.filter(user=world.alice, session_key=client.session.session_key).exists()


def test_the_password_rules_apply(client, world):
    [(_, code)] = issue(world, world.alice)
    activate(client, "alice.martin", code)
    response = choose(client, "azerty123")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert ActivationCode.objects.get(user=world.alice).used_at is None


def test_a_code_serves_once(client, world, django_app_client_factory):
    [(_, code)] = issue(world, world.alice)
    activate(client, "alice.martin", code)
    choose(client)
    other = django_app_client_factory()
    response = activate(other, "alice.martin", code)
    assert response.status_code == 200
    assert "déjà servi" in response.content.decode()


def test_two_browsers_racing_with_one_code_only_one_wins(world, django_app_client_factory):
    [(_, code)] = issue(world, world.alice)
    first, second = django_app_client_factory(), django_app_client_factory()
    activate(first, "alice.martin", code)
    activate(second, "alice.martin", code)
    assert choose(first).status_code == 302
    response = choose(second, "une-autre-phrase-secrete")
    assert response.status_code == 302 and response.url == reverse("identity:activate")
    assert "_auth_user_id" not in second.session
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW_PASSWORD)


def test_an_expired_code_says_so(client, world):
    [(_, code)] = issue(world, world.alice)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = activate(client, "alice.martin", code)
    assert response.status_code == 200
    assert "a expiré" in response.content.decode()


def test_a_replaced_code_says_so(client, world):
    [(_, old)] = issue(world, world.alice)
    issue(world, world.alice)
    response = activate(client, "alice.martin", old)
    assert "remplacé par un code plus récent" in response.content.decode()


@pytest.mark.parametrize("identifier,use_code", [("alice.martin", False), ("nobody.here", True), ("bruno.francais", True)])
def test_a_wrong_identifier_or_code_gets_one_message(client, world, identifier, use_code):
    [(_, code)] = issue(world, world.alice)
    response = activate(client, identifier, code if use_code else "ACDE-FGHJ-KMNP")
    assert response.status_code == 200
    assert "Identifiant ou code d&#x27;activation incorrect" in response.content.decode()
    assert "_carnet_choosing_password" not in client.session


def test_a_closed_account_cannot_be_activated(client, world):
    [(_, code)] = issue(world, world.alice)
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    response = activate(client, "alice.martin", code)
    assert "incorrect" in response.content.decode()


def test_activation_is_throttled_like_login(client, world):
    [(_, code)] = issue(world, world.alice)
    for _ in range(5):
        activate(client, "alice.martin", "ACDE-FGHJ-KMNP")
    response = activate(client, "alice.martin", code)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_the_choose_page_expires(client, world):
    [(_, code)] = issue(world, world.alice)
    activate(client, "alice.martin", code)
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = client.get(reverse("identity:choose_password"))
    assert response.status_code == 302


def test_the_choose_page_needs_a_code_first(client, db):
    assert client.get(reverse("identity:choose_password")).status_code == 302


def test_activation_ends_sessions_opened_with_the_old_password(client, world, django_app_client_factory):
    old_browser = django_app_client_factory()
    old_browser.post("/compte/connexion/", {"identifier": "alice.martin", "password": world.password})
    assert UserSession.objects.filter(user=world.alice).count() == 1
    [(_, code)] = issue(world, world.alice)
    activate(client, "alice.martin", code)
    choose(client)
    assert UserSession.objects.filter(user=world.alice).count() == 1  # only the new one
    assert old_browser.get(reverse("portal:home")).status_code == 302


def test_activation_with_a_second_factor_asks_for_it(client, world):
    world.alice.totp_secret = "JBSWY3DPEHPK3PXP"
    world.alice.totp_confirmed_at = timezone.now()
    world.alice.save(update_fields=["totp_secret", "totp_confirmed_at"])
    [(_, code)] = issue(world, world.alice)
    activate(client, "alice.martin", code)
    response = choose(client)
    assert response.url == reverse("identity:login_totp")
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_is_sent_home(client, world):
    client.force_login(world.alice)
    assert client.get(ACTIVATE).status_code == 302
