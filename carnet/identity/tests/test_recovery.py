"""Recovery by e-mail link and by SMS code, never revealing whether an account exists."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from carnet.core import sms
from carnet.core.sms import gsm7_units
from carnet.identity import recovery
from carnet.identity.models import RecoveryCode, UserSession

RECOVER = "/compte/mot-de-passe-oublie/"
NEW_PASSWORD = "girafe-lampadaire-orage"


def ask(client, target, **extra):
    return client.post(RECOVER, {"target": target}, **extra)


def choose(client, password=NEW_PASSWORD):
    return client.post(reverse("identity:choose_password"), {"new_password1": password, "new_password2": password})


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def without_tokens(response) -> str:
    """A page's HTML without its per-browser CSRF tokens."""
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode())


def sms_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1]["text"]).group(1)


def test_the_page_is_public(client, db):
    response = client.get(RECOVER)
    assert response.status_code == 200
    assert reverse("identity:login") in response.content.decode()


# --- by e-mail -------------------------------------------------------------------------------------
def test_an_email_brings_a_one_hour_link_that_serves_once(client, world, settings):
    settings.SITE_URL = "https://carnet.example"
    response = ask(client, "Alice.Martin@example.org")
    assert response.status_code == 302 and response.url == reverse("identity:recover_sent")
    [message] = mail.outbox
    assert message.to == ["alice.martin@example.org"]
    assert "alice.martin" in message.body
    link = link_in(message)
    assert link.startswith("https://carnet.example/compte/mot-de-passe-oublie/lien/")
    path = link.removeprefix("https://carnet.example")

    response = client.get(path)
    assert response.status_code == 302 and response.url == reverse("identity:choose_password")
    response = choose(client)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.alice.pk
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW_PASSWORD)

    client.post(reverse("identity:logout"))
    assert client.get(path).status_code == 400  # used: dead


def test_the_link_dies_after_an_hour(client, world):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ask(client, "alice.martin@example.org")
        path = "/" + link_in(mail.outbox[0]).split("/", 3)[3]
        traveller.shift(timedelta(minutes=59))
        assert client.get(path).status_code == 302
        client.session.flush()
        traveller.shift(timedelta(minutes=2))
        response = client.get(path)
    assert response.status_code == 400
    assert "ne fonctionne plus" in response.content.decode()


def test_a_forged_link_is_refused(client, world):
    path = reverse("identity:recover_link", args=[world.alice.public_id, "abc-123"])
    assert client.get(path).status_code == 400


def test_unknown_and_known_addresses_get_the_same_answer(client, world, django_app_client_factory):
    known = ask(client, "alice.martin@example.org")
    unknown = ask(django_app_client_factory(), "personne@example.org")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    page = client.get(known.url).content.decode()
    assert "Si un compte correspond" in page


def test_a_closed_account_gets_no_email(client, world):
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    ask(client, "alice.martin@example.org")
    assert mail.outbox == []


def test_one_address_for_two_accounts_gets_one_message_with_both_links(client, world):
    world.bruno.email = world.alice.email
    world.bruno.save(update_fields=["email"])
    ask(client, world.alice.email)
    [message] = mail.outbox
    assert "alice.martin" in message.body and "bruno.francais" in message.body
    assert len(re.findall(r"https?://\S+", message.body)) == 2


def test_requests_are_throttled_per_target(client, world, django_app_client_factory):
    for n in range(3):
        assert ask(client, "alice.martin@example.org", REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
    response = ask(django_app_client_factory(), "alice.martin@example.org", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_requests_are_throttled_per_address(client, world):
    for n in range(10):
        ask(client, f"someone{n}@example.org")
    assert ask(client, "alice.martin@example.org").status_code == 429
    assert mail.outbox == []


def test_nonsense_is_refused_without_saying_anything_about_accounts(client, db):
    response = ask(client, "hello")
    assert response.status_code == 200
    assert "Saisissez une adresse e-mail" in response.content.decode()


# --- by SMS ----------------------------------------------------------------------------------------
def test_a_phone_number_brings_a_code_by_sms(client, world):
    response = ask(client, "06 12 34 56 78")  # Anne Martin's number, written the French way
    assert response.status_code == 302 and response.url == reverse("identity:recover_code")
    [message] = sms.outbox
    assert message["to"] == world.alice_mother.phone
    assert "anne.martin" in message["text"]
    units = gsm7_units(message["text"])
    assert units is not None and units <= 160
    row = RecoveryCode.objects.get(user=world.alice_mother)
    assert sms_code() not in row.code_digest
    assert timedelta(minutes=14) < row.expires_at - timezone.now() <= timedelta(minutes=15)

    response = client.post(reverse("identity:recover_code"), {"code": sms_code()})
    assert response.status_code == 302 and response.url == reverse("identity:choose_password")
    assert "anne.martin" in client.get(response.url).content.decode()
    choose(client)
    assert int(client.session["_auth_user_id"]) == world.alice_mother.pk
    row.refresh_from_db()
    assert row.used_at is not None


def test_unknown_and_known_numbers_get_the_same_answer(client, world, django_app_client_factory):
    stranger = django_app_client_factory()
    known = ask(client, "+33 6 12 34 56 78")
    unknown = ask(stranger, "+33 7 00 00 00 00")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(sms.outbox) == 1
    assert without_tokens(client.get(known.url)) == without_tokens(stranger.get(unknown.url))
    wrong = stranger.post(reverse("identity:recover_code"), {"code": "123456"})
    assert wrong.status_code == 200 and "ne convient pas" in wrong.content.decode()


def test_a_code_allows_five_tries(client, world):
    ask(client, "+22997000001")
    right = sms_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        response = client.post(reverse("identity:recover_code"), {"code": wrong})
        assert response.status_code == 200
    response = client.post(reverse("identity:recover_code"), {"code": right})
    assert response.status_code == 200  # the code is dead now
    assert "_carnet_choosing_password" not in client.session


def test_a_code_lives_fifteen_minutes(client, world):
    ask(client, "+22997000001")
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = client.post(reverse("identity:recover_code"), {"code": sms_code()})
    assert response.status_code == 200
    assert "_carnet_choosing_password" not in client.session


def test_a_new_code_kills_the_previous_one(client, world):
    ask(client, "+22997000001")
    first = sms_code()
    ask(client, "+22997000001")
    second = sms_code()
    if first != second:
        assert client.post(reverse("identity:recover_code"), {"code": first}).status_code == 200
    assert client.post(reverse("identity:recover_code"), {"code": second}).status_code == 302


def test_the_code_page_needs_a_request_first(client, db):
    assert client.get(reverse("identity:recover_code")).status_code == 302


def test_recovery_ends_the_other_sessions(client, world, django_app_client_factory):
    thief = django_app_client_factory()
    thief.post("/compte/connexion/", {"identifier": "afi.dossou", "password": world.password})
    assert UserSession.objects.filter(user=world.dossou_parent).exists()
    ask(client, "97 00 00 01")
    client.post(reverse("identity:recover_code"), {"code": sms_code()})
    choose(client)
    assert thief.get(reverse("portal:home")).status_code == 302
    assert UserSession.objects.filter(user=world.dossou_parent).count() == 1


# --- reading targets -------------------------------------------------------------------------------
@pytest.mark.parametrize("raw,kind", [
    ("Alice@Example.org", "email"), ("06 12 34 56 78", "phone"), ("+229 97 00 00 01", "phone"),
    ("0033612345678", "phone"), ("hello", None), ("12 34", None), ("alice@", None),
])
def test_targets_are_read_as_people_type_them(raw, kind):
    target = recovery.parse_target(raw)
    assert (target.kind if target else None) == kind


@pytest.mark.parametrize("a,b,same", [
    ("0612345678", "+33612345678", True), ("+33 6 12 34 56 78", "06.12.34.56.78", True),
    ("97000001", "+22997000001", True), ("0033612345678", "+33612345678", True),
    ("0612345678", "0612345679", False), ("+22997000001", "+33612345678", False),
])
def test_phone_numbers_match_however_written(a, b, same):
    assert recovery.same_number(a, b) is same
