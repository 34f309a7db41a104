"""A signed-in person on a temporary (or no) password is sent to choose one before anything else."""

from django.contrib.auth.hashers import make_password
from django.urls import reverse

NEW_PASSWORD = "girafe-lampadaire-orage"


def test_a_temporary_password_must_be_replaced_first(client, world):
    world.alice.must_change_password = True
    world.alice.save(update_fields=["must_change_password"])
    client.force_login(world.alice)
    response = client.get(reverse("identity:sessions"))
    assert response.status_code == 302 and response.url == reverse("identity:password_change")
    page = client.get(response.url)
    assert page.status_code == 200 and "old_password" not in page.content.decode()
    response = client.post(response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert not world.alice.must_change_password and world.alice.check_password(NEW_PASSWORD)
    assert client.get(reverse("identity:sessions")).status_code == 200


def test_an_account_without_password_must_choose_one(client, world):
    world.alice.password = make_password(None)
    world.alice.save(update_fields=["password"])
    client.force_login(world.alice)
    assert client.get(reverse("identity:sessions")).url == reverse("identity:password_change")


def test_htmx_and_api_calls_are_told_too(client, world):
    world.alice.must_change_password = True
    world.alice.save(update_fields=["must_change_password"])
    client.force_login(world.alice)
    response = client.get(reverse("identity:sessions"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("identity:password_change")
    response = client.get("/api/v1/me")
    assert response.status_code == 403 and response.json()["code"] == "password_required"


def test_signing_out_stays_possible(client, world):
    world.alice.must_change_password = True
    world.alice.save(update_fields=["must_change_password"])
    client.force_login(world.alice)
    assert client.post(reverse("identity:logout")).url == reverse("identity:login")
