"""Sign-in from a new browser and password changes reach the person through the notifications core."""

import pytest

from carnet.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_sign_in_from_a_new_browser_is_notified_but_not_a_known_one(world, client):
    user = world.alice_mother
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])
    response = client.post("/compte/connexion/", {"identifier": user.username, "password": world.password})
    assert response.status_code == 302
    notes = Notification.objects.filter(recipient=user, kind="account.security")
    assert notes.count() == 1
    assert "Nouvelle connexion" in notes.get().title
    client.post("/compte/deconnexion/")
    client.post("/compte/connexion/", {"identifier": user.username, "password": world.password})
    assert notes.count() == 1  # the device cookie marks this browser as known


def test_first_ever_sign_in_is_not_an_alert(world, client):
    client.post("/compte/connexion/", {"identifier": world.chloe_father.username, "password": world.password})
    assert not Notification.objects.filter(recipient=world.chloe_father).exists()


def test_password_change_is_notified(world, login):
    client = login(world.teacher_maths)
    response = client.post(
        "/compte/mot-de-passe/",
        {"old_password": world.password, "new_password1": "lampe-bleue-du-salon-42", "new_password2": "lampe-bleue-du-salon-42"},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=world.teacher_maths, kind="account.security", title__contains="mot de passe").exists()
