"""Web push in a real browser (Chromium, 360 px phone): the preferences page registers /sw.js for
the whole site, the service worker shows a pushed message, and the page says plainly when the
browser cannot or may not show notifications. Subscribing for real needs a push service on the
network, which tests do not reach: the journey that turns notifications on replaces only the
browser's PushManager (what would call the push service) and checks the rest, page to database."""

import json

import pytest
from django.conf import settings
from django.test import Client

from carnet.notifications.models import PushSubscription
from carnet.notifications.tests.push_helpers import CHROME_WINDOWS, VAPID_PUBLIC, new_browser
from carnet.notifications.vapid import b64url_decode

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("web_push")]

WORKER_READY = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return {scope: registration.scope, script: registration.active.scriptURL};
}"""


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_preferences_page_registers_the_worker_and_the_worker_shows_pushes(world, live_server, phone, a11y):
    PushSubscription.objects.create(
        user=world.alice_mother, endpoint=new_browser("laptop").endpoint, p256dh="k", auth="a", user_agent=CHROME_WINDOWS
    )
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(phone, live_server, world.alice_mother)

    phone.goto(f"{live_server.url}/notifications/preferences/")
    worker = phone.evaluate(WORKER_READY)
    assert worker == {"scope": f"{live_server.url}/", "script": f"{live_server.url}/sw.js"}
    status = phone.locator("[data-push-status]")
    status.filter(has_text="Cet appareil ne reçoit pas encore les notifications de Carnet.").wait_for()
    assert phone.get_by_role("button", name="Activer sur cet appareil").is_visible()
    assert phone.get_by_role("button", name="Retirer Chrome sur Windows").is_visible()
    a11y(phone, "notifications-preferences-push")

    # What a push service hands the browser: the worker shows it with our icon.
    cdp = phone.context.new_cdp_session(phone)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # the registrations arrive as events, right after enabling
        if registrations:
            break
        phone.wait_for_timeout(100)
    [registration_id] = {r["registrationId"] for r in registrations if r["scopeURL"] == f"{live_server.url}/"}
    message = {"title": "Absence d'Alice", "body": "De 8 h à 10 h.", "url": f"{live_server.url}/notifications/"}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registration_id, "data": json.dumps(message)},
    )
    shown = phone.evaluate(
        """async () => {
          const registration = await navigator.serviceWorker.ready;
          for (let i = 0; i < 50; i++) {
            const list = await registration.getNotifications();
            if (list.length) return list.map(n => ({title: n.title, body: n.body, icon: n.icon, data: n.data}));
            await new Promise(resolve => setTimeout(resolve, 100));
          }
          return [];
        }"""
    )
    assert shown == [
        {
            "title": "Absence d'Alice",
            "body": "De 8 h à 10 h.",
            "icon": f"{live_server.url}/static/notifications/icon-192.png",
            "data": {"url": f"{live_server.url}/notifications/"},
        }
    ]
    assert errors == []


def test_a_browser_without_push_is_told_so(world, live_server, phone):
    phone.add_init_script("delete window.PushManager;")
    sign_in(phone, live_server, world.alice_mother)
    phone.goto(f"{live_server.url}/notifications/preferences/")
    status = phone.locator("[data-push-status]")
    status.filter(has_text="Ce navigateur ne sait pas afficher les notifications de Carnet").wait_for()
    assert "alert-warning" in status.get_attribute("class")
    assert not phone.get_by_role("button", name="Activer sur cet appareil").is_visible()


def test_blocked_notifications_are_explained(world, live_server, phone):
    phone.add_init_script("Object.defineProperty(Notification, 'permission', {get: () => 'denied'});")
    sign_in(phone, live_server, world.alice_mother)
    phone.goto(f"{live_server.url}/notifications/preferences/")
    phone.locator("[data-push-status]").filter(has_text="Les notifications de Carnet sont bloquées dans ce navigateur.").wait_for()
    assert not phone.get_by_role("button", name="Activer sur cet appareil").is_visible()


#: The browser's PushManager without its push service: subscribe() hands back a subscription with
#: real keys and remembers the options it was given; unsubscribe() forgets it.
FAKE_PUSH_MANAGER = """
(() => {
  const given = %s;
  let current = null;
  window.pushCalls = [];
  PushManager.prototype.getSubscription = async function () { return current; };
  PushManager.prototype.subscribe = async function (options) {
    window.pushCalls.push({userVisibleOnly: options.userVisibleOnly, key: Array.from(new Uint8Array(options.applicationServerKey))});
    current = {
      endpoint: given.endpoint,
      options: {applicationServerKey: options.applicationServerKey},
      toJSON() { return given; },
      async unsubscribe() { current = null; window.pushCalls.push("unsubscribed"); return true; },
    };
    return current;
  };
})();
"""


def test_a_guardian_turns_notifications_on_for_this_phone_then_off(world, live_server, phone):
    browser = new_browser("phone")
    phone.add_init_script(FAKE_PUSH_MANAGER % json.dumps(browser.subscription()))
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(phone, live_server, world.alice_mother)
    phone.goto(f"{live_server.url}/notifications/preferences/")
    status = phone.locator("[data-push-status]")

    phone.get_by_role("button", name="Activer sur cet appareil").click()
    status.filter(has_text="Cet appareil reçoit les notifications de Carnet.").wait_for()

    row = PushSubscription.objects.get()
    assert (row.user, row.endpoint, row.p256dh, row.auth) == (world.alice_mother, browser.endpoint, browser.p256dh, browser.auth)
    assert phone.evaluate("window.pushCalls") == [{"userVisibleOnly": True, "key": list(b64url_decode(VAPID_PUBLIC))}]
    assert phone.locator("[data-this-device]").is_visible()
    assert not phone.get_by_role("button", name="Activer sur cet appareil").is_visible()

    phone.get_by_role("button", name="Retirer").click()
    status.filter(has_text="Cet appareil ne reçoit pas encore les notifications de Carnet.").wait_for()
    assert not PushSubscription.objects.exists()
    assert phone.evaluate("window.pushCalls")[-1] == "unsubscribed"
    assert phone.get_by_text("Aucun appareil pour l'instant.").is_visible()
