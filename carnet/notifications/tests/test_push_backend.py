"""WebPushBackend: real encryption and VAPID signing, with only the HTTP call to the push service
replaced. Every browser of the recipient gets the message; 404/410 deletes the subscription;
other failures are counted, kept and logged; a person without a browser is not reachable."""

import logging

import pytest
import requests

from carnet.notifications import services, vapid
from carnet.notifications.backends import OutgoingMessage
from carnet.notifications.backends.push import PushChannel, WebPushBackend
from carnet.notifications.models import Delivery, PushSubscription
from carnet.notifications.tests.conftest import ABSENCE, GRADE, PARIS, at
from carnet.notifications.tests.push_helpers import (
    CHROME_WINDOWS,
    FIREFOX_ANDROID,
    SUBJECT,
    VAPID_PUBLIC,
    new_browser,
    vapid_claims,
)

pytestmark = pytest.mark.usefixtures("web_push")


def subscribe(user, browser, user_agent=CHROME_WINDOWS):
    subscription, _created = services.register_push_subscription(
        actor=user, endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth, user_agent=user_agent
    )
    return subscription


def test_every_browser_of_the_person_gets_the_message_encrypted_for_it(world, push_service):
    phone = new_browser("phone", "https://updates.push.services.mozilla.com/wpush/v2/")
    laptop = new_browser("laptop")
    subscribe(world.alice_mother, phone, FIREFOX_ANDROID)
    subscribe(world.alice_mother, laptop)
    someone_else = new_browser("charles")
    subscribe(world.chloe_father, someone_else)

    result = WebPushBackend().send(
        user=world.alice_mother, title="Absence d'Alice", body="De 8 h à 10 h.", url="https://carnet.example/notifications/"
    )

    assert result.ok and result.provider_id == "webpush 2/2"
    assert {sent.endpoint for sent in push_service.sent} == {phone.endpoint, laptop.endpoint}
    for browser in (phone, laptop):
        [sent] = push_service.to(browser)
        assert browser.decrypt(sent.body) == {
            "title": "Absence d'Alice", "body": "De 8 h à 10 h.", "url": "https://carnet.example/notifications/",
        }
        assert sent.headers["content-encoding"] == "aes128gcm"
        assert sent.headers["ttl"] == str(24 * 60 * 60) and sent.headers["Urgency"] == "normal"
        assert sent.timeout == WebPushBackend.timeout
    claims = vapid_claims(push_service.to(phone)[0])
    assert claims["sub"] == SUBJECT and claims["aud"] == "https://updates.push.services.mozilla.com"
    assert vapid_claims(push_service.to(laptop)[0])["aud"] == "https://fcm.googleapis.com"
    assert set(PushSubscription.objects.filter(user=world.alice_mother).values_list("failure_count", flat=True)) == {0}
    assert PushSubscription.objects.filter(user=world.alice_mother, last_success_at__isnull=False).count() == 2
    assert PushSubscription.objects.get(user=world.chloe_father).last_success_at is None


def test_a_gone_subscription_is_deleted_and_the_others_still_receive(world, push_service):
    dropped, kept = new_browser("dropped"), new_browser("kept")
    subscribe(world.alice_mother, dropped)
    subscribe(world.alice_mother, kept)
    push_service.answers[dropped.endpoint] = 410

    result = WebPushBackend().send(user=world.alice_mother, title="Note", body="", url="")

    assert result.ok and result.provider_id == "webpush 1/2"
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]


@pytest.mark.parametrize("status", [404, 410])
def test_when_every_subscription_is_gone_the_send_fails_and_nothing_is_left(world, push_service, status):
    browser = new_browser("old")
    subscribe(world.alice_mother, browser)
    push_service.answers[browser.endpoint] = status

    result = WebPushBackend().send(user=world.alice_mother, title="Note", body="", url="")

    assert not result.ok and result.error == f"subscription gone ({status})"
    assert not PushSubscription.objects.exists()
    assert WebPushBackend().address(world.alice_mother) == ""


def test_other_failures_are_counted_kept_and_logged_until_a_message_gets_through(world, push_service, caplog):
    refusing, offline = new_browser("refusing"), new_browser("offline")
    subscribe(world.alice_mother, refusing)
    subscribe(world.alice_mother, offline)
    push_service.answers[refusing.endpoint] = 429
    push_service.answers[offline.endpoint] = requests.ConnectionError("network unreachable")
    backend = WebPushBackend()

    with caplog.at_level(logging.WARNING, logger="carnet.notifications.backends.push"):
        first = backend.send(user=world.alice_mother, title="Note", body="", url="")
        second = backend.send(user=world.alice_mother, title="Note", body="", url="")

    assert not first.ok and not second.ok
    assert "429 Too Many Requests" in first.error and "ConnectionError: network unreachable" in first.error
    rows = {row.endpoint: row for row in PushSubscription.objects.all()}
    assert rows[refusing.endpoint].failure_count == 2 and rows[offline.endpoint].failure_count == 2
    assert rows[refusing.endpoint].last_error == "push service refused: 429 Too Many Requests push service says no"
    assert rows[offline.endpoint].last_error == "ConnectionError: network unreachable"
    assert sum("Web push to subscription" in record.message for record in caplog.records) == 4

    del push_service.answers[refusing.endpoint]
    third = backend.send(user=world.alice_mother, title="Note", body="", url="")

    assert third.ok and third.provider_id == "webpush 1/2"
    rows = {row.endpoint: row for row in PushSubscription.objects.all()}
    assert rows[refusing.endpoint].failure_count == 0 and rows[refusing.endpoint].last_error == ""
    assert rows[refusing.endpoint].last_success_at is not None
    assert rows[offline.endpoint].failure_count == 3


def test_a_person_without_a_browser_is_not_reachable_and_nothing_leaves(world, push_service):
    backend = WebPushBackend()
    subscribe(world.alice_mother, new_browser("phone"))
    assert backend.address(world.chloe_father) == ""
    assert backend.reachable([world.alice_mother, world.chloe_father]) == {world.alice_mother.pk}
    result = backend.send(user=world.chloe_father, title="Note", body="", url="")
    assert not result.ok and result.error == "no push subscription"
    assert push_service.sent == []


def test_missing_keys_fail_the_send_without_calling_out(world, push_service, settings):
    subscribe(world.alice_mother, new_browser("phone"))
    settings.CARNET_VAPID_PRIVATE_KEY = ""
    result = WebPushBackend().send(user=world.alice_mother, title="Note", body="", url="")
    assert not result.ok and "CARNET_VAPID_PRIVATE_KEY" in result.error
    assert push_service.sent == []


def test_the_push_channel_shortens_the_body_and_sends_the_absolute_link(world, push_service):
    browser = new_browser("phone")
    subscribe(world.alice_mother, browser)
    message = OutgoingMessage(subject="3 nouvelles notes", text="long", short="é" * 300, url="https://carnet.example/notes/")
    assert PushChannel().send(user=world.alice_mother, message=message).ok
    assert browser.decrypt(push_service.sent[0].body) == {
        "title": "3 nouvelles notes", "body": "é" * 240, "url": "https://carnet.example/notes/",
    }


def test_notify_reaches_subscribed_people_and_skips_the_others(
    world, push_service, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(at(PARIS, 2027, 1, 13, 10, 0), tick=False)  # a Wednesday morning: no quiet hours
    phone = new_browser("phone")
    subscribe(world.alice_mother, phone)

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[world.alice_mother, world.chloe_father], kind=ABSENCE, title="Absence", body="Ce matin", url="/notifications/",
        )

    push = {d.recipient_id: d for d in Delivery.objects.filter(channel="push")}
    assert push[world.alice_mother.pk].status == Delivery.Status.SENT
    assert push[world.chloe_father.pk].status == Delivery.Status.SKIPPED_NO_ADDRESS
    [sent] = push_service.sent
    message = phone.decrypt(sent.body)
    assert message["title"] == "Absence" and message["url"].endswith("/notifications/")


def test_notify_looks_subscriptions_up_once_whatever_the_number_of_recipients(world, push_service, django_assert_num_queries):
    people = [world.alice_mother, world.chloe_father, world.head, world.teacher_maths, world.cpe]
    subscribe(world.alice_mother, new_browser("phone"))

    def queries(recipients):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            services.notify(recipients=recipients, kind=GRADE, title="Note")
        return len(captured.captured_queries)

    assert queries(people[:1]) == queries(people)


def test_the_key_pair_printed_for_the_settings_signs_and_matches():
    private, public = vapid.new_key_pair()
    signer = vapid.load_private_key(private)
    assert vapid.public_key_of(signer) == public
    assert len(vapid.b64url_decode(public)) == 65 and len(vapid.b64url_decode(private)) == 32
    pem = signer.private_pem().decode()
    assert vapid.public_key_of(vapid.load_private_key(pem)) == public
    assert vapid.public_key_of(vapid.load_private_key(pem.replace("\n", "\\n"))) == public
    assert vapid.application_server_key() == VAPID_PUBLIC
    with pytest.raises(vapid.VapidError):
        vapid.load_private_key("not a key")
