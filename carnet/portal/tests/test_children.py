"""The guardian's child switch and `current_child`."""

from __future__ import annotations

import uuid

from django.test import RequestFactory
from django.urls import reverse

from carnet.portal.children import SESSION_KEY, current_child

SWITCH = reverse("portal:switch_child")


def test_guardian_switches_to_own_child(world, login):
    client = login(world.alice_mother)
    response = client.post(SWITCH, {"child": str(world.chloe.public_id)})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home") + "?vue=guardian"
    assert client.session[SESSION_KEY] == str(world.chloe.public_id)


def test_switch_of_another_guardians_child_is_404_and_changes_nothing(world, login):
    client = login(world.chloe_father)
    client.post(SWITCH, {"child": str(world.chloe.public_id)})
    response = client.post(SWITCH, {"child": str(world.alice.public_id)})
    assert response.status_code == 404
    assert client.session[SESSION_KEY] == str(world.chloe.public_id)


def test_outsider_gets_404(world, login):
    client = login(world.outsider)
    response = client.post(SWITCH, {"child": str(world.alice.public_id)})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_malformed_or_unknown_ids_are_404(world, login):
    client = login(world.alice_mother)
    assert client.post(SWITCH, {"child": "not-a-uuid"}).status_code == 404
    assert client.post(SWITCH, {"child": str(uuid.uuid4())}).status_code == 404
    assert client.post(SWITCH, {}).status_code == 404


def test_switch_is_post_only(world, login):
    assert login(world.alice_mother).get(SWITCH, {"child": str(world.chloe.public_id)}).status_code == 405


def test_switch_returns_to_a_local_next_url_only(world, login):
    client = login(world.alice_mother)
    response = client.post(SWITCH, {"child": str(world.chloe.public_id), "next": "/annuaire/?q=a"})
    assert response["Location"] == "/annuaire/?q=a"
    response = client.post(SWITCH, {"child": str(world.alice.public_id), "next": "https://evil.example/"})
    assert response["Location"] == reverse("portal:home") + "?vue=guardian"


def _request(user, session=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = session if session is not None else {}
    return request


def test_current_child_defaults_to_the_first_child(world):
    assert current_child(_request(world.alice_mother)) == world.alice


def test_current_child_follows_the_selection(world):
    assert current_child(_request(world.alice_mother, {SESSION_KEY: str(world.chloe.public_id)})) == world.chloe


def test_current_child_ignores_a_selection_that_is_not_ones_child(world):
    request = _request(world.chloe_father, {SESSION_KEY: str(world.alice.public_id)})
    assert current_child(request) == world.chloe


def test_current_child_is_none_without_children(world):
    assert current_child(_request(world.teacher_maths)) is None
    assert current_child(_request(world.alice)) is None


def test_an_inactive_child_is_not_shown(world):
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert current_child(_request(world.alice_mother)) == world.chloe
