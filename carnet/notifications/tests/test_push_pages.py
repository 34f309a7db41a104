"""The web push pieces people and browsers see: the service worker at /sw.js (public, JavaScript,
scope the whole site), the "this device" block on the preferences page, the `carnet vapid-keys`
command and the start-up check of the VAPID settings."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from carnet.notifications import checks, vapid
from carnet.notifications.models import PushSubscription
from carnet.notifications.tests.push_helpers import (
    CHROME_WINDOWS,
    VAPID_PUBLIC,
    new_browser,
)

PREFERENCES = reverse("notifications:preferences")


def test_the_service_worker_is_served_at_the_root_to_anyone(db):
    response = Client().get("/sw.js")
    assert reverse("push_service_worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    first_line = source.splitlines()[0]
    assert first_line.startswith("self.CARNET_ICONS = ")
    icons = json.loads(first_line.removeprefix("self.CARNET_ICONS = ").rstrip(";"))
    assert icons == {"icon": "/static/notifications/icon-192.png", "badge": "/static/notifications/badge-96.png"}
    for handled in ('addEventListener("push"', 'addEventListener("notificationclick"', "showNotification(", "openWindow("):
        assert handled in source
    assert "importScripts" not in source and "://" not in source  # nothing loaded from elsewhere


def test_the_service_worker_only_answers_get(db):
    assert Client().post("/sw.js").status_code == 405


def test_the_preferences_page_offers_this_device_and_lists_mine(world, login, web_push, django_assert_max_num_queries):
    mine = PushSubscription.objects.create(
        user=world.alice_mother, endpoint=new_browser("mine").endpoint, p256dh="k", auth="a", user_agent=CHROME_WINDOWS,
        failure_count=2,
    )
    PushSubscription.objects.create(user=world.chloe_father, endpoint=new_browser("theirs").endpoint, p256dh="k", auth="a")
    client = login(world.alice_mother)
    client.get(PREFERENCES)  # the first visit records the session
    with django_assert_max_num_queries(15) as few:
        response = client.get(PREFERENCES)
    html = response.content.decode()
    assert "Recevoir les notifications sur cet appareil" in html
    assert f'data-key="{VAPID_PUBLIC}"' in html and 'data-worker="/sw.js"' in html
    assert "/static/notifications/push.js" in html
    assert reverse("notifications:push_subscribe") in html and "Activer sur cet appareil" in html
    assert "csrfmiddlewaretoken" in html
    for message in ("data-unsupported=", "data-denied=", "data-dismissed=", "data-ready=", "data-active=", "data-failed="):
        assert message in html
    assert "Chrome sur Windows" in html and "2 envois en échec" in html
    assert reverse("notifications:push_remove", args=[mine.public_id]) in html
    assert html.count("data-endpoint=") == 1

    for index in range(5):
        PushSubscription.objects.create(user=world.alice_mother, endpoint=new_browser(f"more{index}").endpoint, p256dh="k", auth="a")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PREFERENCES)
    assert response.content.decode().count("data-endpoint=") == 6


def test_without_vapid_keys_the_page_says_the_server_does_not_send_to_devices(world, login):
    html = login(world.alice_mother).get(PREFERENCES).content.decode()
    assert "Recevoir les notifications sur cet appareil" in html
    assert "Ce serveur Carnet n'envoie pas encore de notifications aux appareils" in html
    assert 'data-key=""' in html and "Activer sur cet appareil" not in html
    assert "Aucun appareil pour l'instant." in html


def test_the_page_speaks_english_to_whoever_asks(world, login, web_push):
    world.alice_mother.language = "en"
    world.alice_mother.save(update_fields=["language"])
    html = login(world.alice_mother).get(PREFERENCES).content.decode()
    assert "Receive notifications on this device" in html
    assert "Recevoir les notifications sur cet appareil" not in html


def test_vapid_keys_prints_a_pair_the_settings_accept(settings):
    out, err = io.StringIO(), io.StringIO()
    call_command("vapid-keys", stdout=out, stderr=err)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {"CARNET_VAPID_PRIVATE_KEY", "CARNET_VAPID_PUBLIC_KEY"}
    settings.CARNET_VAPID_PRIVATE_KEY = lines["CARNET_VAPID_PRIVATE_KEY"]
    settings.CARNET_VAPID_PUBLIC_KEY = lines["CARNET_VAPID_PUBLIC_KEY"]
    settings.CARNET_VAPID_SUBJECT = "mailto:admin@lycee.example"
    assert vapid.config().public_key == lines["CARNET_VAPID_PUBLIC_KEY"]
    assert "CARNET_VAPID_SUBJECT" in err.getvalue()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"CARNET_VAPID_PRIVATE_KEY": ""}, "CARNET_VAPID_PRIVATE_KEY is empty"),
        ({"CARNET_VAPID_PRIVATE_KEY": "garbage"}, "does not hold a P-256 private key"),
        ({"CARNET_VAPID_PUBLIC_KEY": vapid.new_key_pair()[1]}, "is not the public half"),
        ({"CARNET_VAPID_SUBJECT": ""}, "CARNET_VAPID_SUBJECT=''"),
        ({"CARNET_VAPID_SUBJECT": "admin@lycee.example"}, "is not a contact"),
        ({"CARNET_PUSH_SERVICE_HOSTS": []}, "CARNET_PUSH_SERVICE_HOSTS is empty"),
    ],
)
def test_the_start_up_check_names_what_is_wrong_with_web_push(web_push, change, problem):
    assert checks.web_push_settings() == []
    for name, value in change.items():
        setattr(web_push, name, value)
    [error] = checks.web_push_settings()
    assert error.level >= 40 and problem in error.msg


def test_the_start_up_check_ignores_vapid_for_the_file_backend(settings):
    settings.CARNET_PUSH_BACKEND = "carnet.notifications.backends.push.FilePushBackend"
    settings.CARNET_VAPID_PRIVATE_KEY = ""
    assert checks.web_push_settings() == []
    settings.CARNET_VAPID_PRIVATE_KEY = "garbage"
    [warning] = checks.web_push_settings()
    assert warning.id == "notifications.W001"
    settings.CARNET_PUSH_BACKEND = "carnet.notifications.backends.push.NoSuchBackend"
    assert checks.web_push_settings()[0].id == "notifications.E001"
