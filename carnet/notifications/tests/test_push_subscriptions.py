"""Registering, refreshing, listing and removing the browsers that receive one's web push, through
the preferences page's endpoints and through the API. The owner may; another person (refused) and
the outsider get 404 and change nothing; anonymous callers are turned away; a browser naming an
unknown push service, or sending broken keys, is refused with nothing written."""

import json

import pytest
from django.urls import reverse

from carnet.notifications import services
from carnet.notifications.models import PushSubscription
from carnet.notifications.services.push import MAX_DEVICES
from carnet.notifications.tests.push_helpers import (
    CHROME_WINDOWS,
    FIREFOX_ANDROID,
    new_browser,
)

pytestmark = pytest.mark.usefixtures("web_push")

SUBSCRIBE = reverse("notifications:push_subscribe")
PREFERENCES = reverse("notifications:preferences")
API = "/api/v1/notifications/push-subscriptions"


def remove_url(subscription):
    return reverse("notifications:push_remove", args=[subscription.public_id])


def post_json(browser, url, body, **headers):
    return browser.post(url, json.dumps(body), content_type="application/json", **headers)


def subscribe(user, browser, user_agent=CHROME_WINDOWS):
    return services.register_push_subscription(
        actor=user, endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth, user_agent=user_agent
    )[0]


# --- the page's endpoints ----------------------------------------------------------------------
def test_i_register_this_browser_and_get_the_list_of_my_devices(world, login):
    phone = new_browser("phone")
    client = login(world.alice_mother)
    response = post_json(client, SUBSCRIBE, phone.subscription(), HTTP_USER_AGENT=FIREFOX_ANDROID)

    assert response.status_code == 201
    row = PushSubscription.objects.get()
    assert (row.user, row.endpoint, row.p256dh, row.auth) == (world.alice_mother, phone.endpoint, phone.p256dh, phone.auth)
    assert row.device == "Firefox sur Android" and row.failure_count == 0
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="push-devices">')
    assert "Firefox sur Android" in html and f'data-endpoint="{phone.endpoint}"' in html
    assert remove_url(row) in html


def test_registering_again_refreshes_the_same_row(world, login):
    phone = new_browser("phone")
    row = subscribe(world.alice_mother, phone)
    PushSubscription.objects.filter(pk=row.pk).update(failure_count=4, last_error="500 Internal Server Error")
    phone.auth_secret = b"0123456789abcdef"  # the browser renewed its keys

    response = post_json(login(world.alice_mother), SUBSCRIBE, phone.subscription(), HTTP_USER_AGENT=FIREFOX_ANDROID)

    assert response.status_code == 200
    row.refresh_from_db()
    assert PushSubscription.objects.count() == 1
    assert (row.auth, row.failure_count, row.last_error, row.device) == (phone.auth, 0, "", "Firefox sur Android")


def test_a_browser_that_changes_hands_moves_to_the_last_person_who_subscribed(world, login):
    shared = new_browser("family-phone")
    row = subscribe(world.alice_mother, shared)
    response = post_json(login(world.alice), SUBSCRIBE, shared.subscription())
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.user == world.alice and PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "https://intranet.lycee.example/admin"}, "endpoint"),
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"endpoint": "https://fcm.googleapis.com.evil.example/x"}, "endpoint"),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/x"}, "endpoint"),
        ({"endpoint": "https://127.0.0.1/x"}, "endpoint"),
        ({"p256dh": "bm90IGEga2V5"}, "p256dh"),
        ({"p256dh": "B" + "A" * 86}, "p256dh"),
        ({"auth": "c2hvcnQ"}, "auth"),
    ],
)
def test_an_unknown_push_service_or_broken_keys_are_refused(world, login, change, field):
    body = new_browser("phone").subscription()
    if "endpoint" in change:
        body["endpoint"] = change["endpoint"]
    else:
        body["keys"].update(change)
    client = login(world.alice_mother)

    page = post_json(client, SUBSCRIBE, body)
    api = post_json(client, API, body)

    assert page.status_code == 422 and page["Content-Type"].startswith("text/plain")
    assert api.status_code == 422 and api.json()["code"] == "validation_failed"
    assert list(api.json()["details"]) == [field]
    assert not PushSubscription.objects.exists()


def test_an_unreadable_subscription_is_a_bad_request(world, login):
    client = login(world.alice_mother)
    assert client.post(SUBSCRIBE, "{not json", content_type="application/json").status_code == 400
    assert post_json(client, SUBSCRIBE, {"endpoint": "https://fcm.googleapis.com/x"}).status_code == 400
    assert post_json(client, SUBSCRIBE, {"endpoint": 3, "keys": {"p256dh": 1, "auth": 2}}).status_code == 400
    assert not PushSubscription.objects.exists()


def test_anonymous_visitors_cannot_register(db, client):
    response = post_json(client, SUBSCRIBE, new_browser("phone").subscription())
    assert response.status_code == 302 and reverse("identity:login") in response["Location"]
    api = post_json(client, API, new_browser("phone").subscription())
    assert api.status_code == 401
    assert not PushSubscription.objects.exists()


def test_a_person_keeps_a_bounded_number_of_browsers(world):
    first = subscribe(world.alice_mother, new_browser("first"))
    for index in range(MAX_DEVICES):
        subscribe(world.alice_mother, new_browser(f"b{index}"))
    assert PushSubscription.objects.filter(user=world.alice_mother).count() == MAX_DEVICES
    assert not PushSubscription.objects.filter(pk=first.pk).exists()


def test_i_remove_one_of_my_browsers_with_htmx_and_without(world, login):
    phone, laptop = subscribe(world.alice_mother, new_browser("phone")), subscribe(world.alice_mother, new_browser("laptop"))
    client = login(world.alice_mother)

    response = client.post(remove_url(phone), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="push-devices"' in html and phone.endpoint not in html and laptop.endpoint in html

    response = client.post(remove_url(laptop), follow=True)
    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "Chrome sur Windows ne recevra plus vos notifications." in response.content.decode()
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("intruder", ["chloe_father", "outsider"])
def test_another_person_cannot_remove_my_browser(world, login, intruder):
    phone = subscribe(world.alice_mother, new_browser("phone"))
    client = login(getattr(world, intruder))
    assert client.post(remove_url(phone)).status_code == 404
    assert client.delete(f"{API}/{phone.public_id}").status_code == 404
    assert client.delete(f"{API}/{phone.public_id}").json()["code"] == "not_found"
    assert PushSubscription.objects.filter(pk=phone.pk, user=world.alice_mother).exists()


def test_removing_is_a_post(world, login):
    phone = subscribe(world.alice_mother, new_browser("phone"))
    assert login(world.alice_mother).get(remove_url(phone)).status_code == 405
    assert PushSubscription.objects.filter(pk=phone.pk).exists()


# --- the API -----------------------------------------------------------------------------------
def test_api_register_refresh_list_and_remove(world, login, django_assert_max_num_queries):
    phone = new_browser("phone")
    client = login(world.alice_mother)

    created = post_json(client, API, phone.subscription(), HTTP_USER_AGENT=FIREFOX_ANDROID)
    assert created.status_code == 201
    body = created.json()
    row = PushSubscription.objects.get()
    assert body["id"] == str(row.public_id) and body["endpoint"] == phone.endpoint
    assert body["device"] == "Firefox sur Android" and body["failure_count"] == 0 and body["last_success_at"] is None

    refreshed = post_json(client, API, phone.subscription())
    assert refreshed.status_code == 200 and refreshed.json()["id"] == body["id"]

    subscribe(world.alice_mother, new_browser("laptop"))
    subscribe(world.chloe_father, new_browser("theirs"))
    client.get(API)  # the first call records the session
    with django_assert_max_num_queries(8):
        listed = client.get(API).json()
    assert len(listed) == 2 and body["id"] in {item["id"] for item in listed}

    removed = client.delete(f"{API}/{row.public_id}")
    assert removed.status_code == 204
    assert not PushSubscription.objects.filter(pk=row.pk).exists()
    assert PushSubscription.objects.count() == 2


def test_api_lists_only_mine(world, login):
    subscribe(world.alice_mother, new_browser("phone"))
    assert login(world.outsider).get(API).json() == []


def test_signing_out_stops_this_browser_only(world, login):
    other = subscribe(world.alice_mother, new_browser("laptop"))
    phone = new_browser("shared-phone")
    client = login(world.alice_mother)
    assert post_json(client, SUBSCRIBE, phone.subscription()).status_code == 201

    client.post(reverse("identity:logout"))

    assert list(PushSubscription.objects.all()) == [other]
