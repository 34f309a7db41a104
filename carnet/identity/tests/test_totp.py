"""The TOTP second factor: setting it up, signing in with it, turning it off, and staff who must
use it."""

from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from carnet.identity import hooks
from carnet.identity.models import UserSession

TOTP_PAGE = "/compte/double-authentification/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enable(user, secret=SECRET):
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])


def code_for(secret=SECRET, at=None):
    return pyotp.TOTP(secret).at(at or timezone.now())


def other_code(secret=SECRET):
    right = code_for(secret)
    return next(c for c in ("000000", "111111", "222222") if c not in {right, code_for(secret, timezone.now() - timedelta(seconds=30)), code_for(secret, timezone.now() + timedelta(seconds=30))})


# --- setting it up ---------------------------------------------------------------------------------
def test_the_setup_page_shows_a_qr_code_and_the_secret(client, world):
    client.force_login(world.teacher_maths)
    response = client.get(TOTP_PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    secret = client.session["_carnet_totp_setup"]
    assert secret[:4] in html
    # A reload keeps the same secret (the app may already hold it).
    client.get(TOTP_PAGE)
    assert client.session["_carnet_totp_setup"] == secret


def test_confirming_with_a_right_code_turns_it_on(client, world):
    client.force_login(world.teacher_maths)
    client.get(TOTP_PAGE)
    secret = client.session["_carnet_totp_setup"]
    response = client.post(TOTP_PAGE, {"code": code_for(secret)})
    assert response.status_code == 302
    world.teacher_maths.refresh_from_db()
    assert world.teacher_maths.has_totp and world.teacher_maths.totp_secret == secret


def test_a_wrong_code_does_not_turn_it_on(client, world):
    client.force_login(world.teacher_maths)
    client.get(TOTP_PAGE)
    secret = client.session["_carnet_totp_setup"]
    response = client.post(TOTP_PAGE, {"code": other_code(secret)})
    assert response.status_code == 200
    world.teacher_maths.refresh_from_db()
    assert not world.teacher_maths.has_totp


def test_the_page_needs_a_signed_in_person(client, db):
    response = client.get(TOTP_PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("identity:login"))


# --- signing in ------------------------------------------------------------------------------------
def sign_in(client, world, user):
    return client.post("/compte/connexion/", {"identifier": user.username, "password": world.password})


def test_sign_in_asks_for_the_code_before_opening_the_session(client, world):
    enable(world.teacher_maths)
    response = sign_in(client, world, world.teacher_maths)
    assert response.status_code == 302 and response.url == reverse("identity:login_totp")
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=world.teacher_maths).exists()
    assert client.get(reverse("portal:home")).status_code == 302  # not signed in yet

    response = client.post(reverse("identity:login_totp"), {"code": code_for()})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert int(client.session["_auth_user_id"]) == world.teacher_maths.pk
    assert UserSession.objects.filter(user=world.teacher_maths).count() == 1


def test_the_second_step_keeps_next(client, world):
    enable(world.teacher_maths)
    client.post("/compte/connexion/?next=/annuaire/", {"identifier": "marc.maths", "password": world.password})
    response = client.post(reverse("identity:login_totp"), {"code": code_for()})
    assert response.url == "/annuaire/"


def test_a_wrong_code_keeps_the_door_shut(client, world):
    enable(world.teacher_maths)
    sign_in(client, world, world.teacher_maths)
    response = client.post(reverse("identity:login_totp"), {"code": other_code()})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_code_serves_only_once(client, world, django_app_client_factory):
    enable(world.teacher_maths)
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for()
        sign_in(client, world, world.teacher_maths)
        client.post(reverse("identity:login_totp"), {"code": code})
        other = django_app_client_factory()
        sign_in(other, world, world.teacher_maths)
        response = other.post(reverse("identity:login_totp"), {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in other.session


def test_code_attempts_are_throttled(client, world):
    enable(world.teacher_maths)
    sign_in(client, world, world.teacher_maths)
    for _ in range(5):
        client.post(reverse("identity:login_totp"), {"code": other_code()})
    response = client.post(reverse("identity:login_totp"), {"code": code_for()})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_second_step_expires(client, world):
    enable(world.teacher_maths)
    sign_in(client, world, world.teacher_maths)
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = client.post(reverse("identity:login_totp"), {"code": code_for()})
    assert response.status_code == 302 and response.url == reverse("identity:login")
    assert "_auth_user_id" not in client.session


def test_the_second_step_page_without_a_password_first_goes_back_to_login(client, db):
    assert client.get(reverse("identity:login_totp")).url == reverse("identity:login")


# --- turning it off --------------------------------------------------------------------------------
def test_turning_it_off_needs_the_password(client, world):
    enable(world.teacher_maths)
    client.force_login(world.teacher_maths)
    assert client.post(TOTP_PAGE, {"password": "wrong"}).status_code == 200
    world.teacher_maths.refresh_from_db()
    assert world.teacher_maths.has_totp
    assert client.post(TOTP_PAGE, {"password": world.password}).status_code == 302
    world.teacher_maths.refresh_from_db()
    assert not world.teacher_maths.has_totp


# --- required of staff -----------------------------------------------------------------------------
@pytest.fixture
def lycee_requires_totp(world):
    world.lycee.require_staff_totp = True
    world.lycee.save(update_fields=["require_staff_totp"])
    return world


def test_the_school_registers_its_check(lycee_requires_totp):
    world = lycee_requires_totp
    assert hooks.totp_required(world.head)
    assert hooks.totp_required(world.cpe)
    assert not hooks.totp_required(world.teacher_maths)  # not an administrative function
    assert not hooks.totp_required(world.alice)
    assert not hooks.totp_required(world.outsider)  # the other establishment does not require it


def test_required_staff_are_sent_to_set_it_up_before_anything_else(client, lycee_requires_totp):
    world = lycee_requires_totp
    client.force_login(world.secretary)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url == reverse("identity:totp")
    page = client.get(response.url)
    assert page.status_code == 200 and "exige la double authentification" in page.content.decode()
    # Signing out stays possible.
    assert client.post(reverse("identity:logout")).status_code == 302


def test_once_set_up_required_staff_go_about_their_day_and_cannot_turn_it_off(client, lycee_requires_totp):
    world = lycee_requires_totp
    enable(world.secretary)
    client.force_login(world.secretary)
    assert client.get(reverse("identity:sessions")).status_code == 200
    response = client.post(TOTP_PAGE, {"password": world.password})
    assert response.status_code == 403
    world.secretary.refresh_from_db()
    assert world.secretary.has_totp


def test_others_are_not_bothered(client, lycee_requires_totp):
    client.force_login(lycee_requires_totp.teacher_maths)
    assert client.get(reverse("identity:sessions")).status_code == 200
