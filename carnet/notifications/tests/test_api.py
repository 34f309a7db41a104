"""The notifications API: list (paginated, unread filter), mark one read, mark all read, read and
change preferences. Someone else's notification answers 404 and stays unread."""

import pytest
from django.core.cache import cache

from carnet.identity import api_tokens
from carnet.notifications import services
from carnet.notifications.models import Notification, NotificationPreference, UserQuietHours
from carnet.notifications.tests.conftest import ABSENCE, GRADE

API = "/api/v1/notifications"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def give(user, count, kind=GRADE):
    return [services.notify(recipients=[user], kind=kind, title=f"Note {i}", url="/notes/")[0] for i in range(count)]


def test_anonymous_callers_are_refused(client):
    response = client.get(API)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_i_list_my_notifications_unread_first_and_paginated(world, login, django_assert_max_num_queries):
    first, second, third = give(world.alice_mother, 3)
    services.mark_read(actor=world.alice_mother, notification=third)
    give(world.chloe_father, 2)
    browser = login(world.alice_mother)
    browser.get(API)  # the first call records the session
    with django_assert_max_num_queries(9):
        body = browser.get(API).json()
    assert body["count"] == 3
    assert [item["id"] for item in body["items"]] == [str(second.public_id), str(first.public_id), str(third.public_id)]
    item = body["items"][0]
    assert item["kind"] == GRADE and item["kind_label"] == "Nouvelle note" and item["title"] == "Note 1"
    assert item["is_read"] is False and item["read_at"] is None and item["url"] == "/notes/"

    unread = browser.get(API, {"unread": "true"}).json()
    assert unread["count"] == 2
    paged = browser.get(API, {"page": 2, "page_size": 2}).json()
    assert [item["id"] for item in paged["items"]] == [str(third.public_id)]


def test_a_token_sees_the_same_as_the_session(world):
    give(world.alice_mother, 2)
    issued = api_tokens.create_token(actor=world.alice_mother, name="script", expires_in_days=None)
    from django.test import Client

    body = Client().get(API, HTTP_AUTHORIZATION=f"Bearer {issued.secret}").json()
    assert body["count"] == 2


def test_i_mark_one_of_mine_read(world, login):
    note = give(world.alice_mother, 1)[0]
    response = login(world.alice_mother).post(f"{API}/{note.public_id}/read")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("intruder", ["chloe_father", "outsider"])
def test_another_person_notification_is_not_found_and_stays_unread(world, login, intruder):
    note = give(world.alice_mother, 1)[0]
    response = login(getattr(world, intruder)).post(f"{API}/{note.public_id}/read")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    note.refresh_from_db()
    assert note.read_at is None


def test_read_all_marks_only_mine(world, login):
    give(world.alice_mother, 3)
    give(world.chloe_father, 1)
    response = login(world.alice_mother).post(f"{API}/read-all")
    assert response.json() == {"marked": 3, "unread": 0}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_preferences_read_and_change(world, login):
    browser = login(world.alice_mother)
    body = browser.get(f"{API}/preferences").json()
    grade = next(k for k in body["kinds"] if k["kind"] == GRADE)
    assert {c["channel"]: c["mode"] for c in grade["channels"]} == {
        "in_app": "immediate", "email": "digest", "sms": "digest", "push": "immediate",
    }
    assert next(c for c in grade["channels"] if c["channel"] == "in_app")["choices"] == ["never", "immediate"]
    assert body["quiet_hours"] == {"follow_establishment": True, "start": "20:00:00", "end": "07:00:00", "weekends": True}

    response = browser.put(
        f"{API}/preferences",
        {
            "modes": [{"kind": GRADE, "channel": "sms", "mode": "never"}, {"kind": ABSENCE, "channel": "email", "mode": "digest"}],
            "quiet_hours": {"follow_establishment": False, "start": "21:00", "end": "06:30", "weekends": False},
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    grade = next(k for k in response.json()["kinds"] if k["kind"] == GRADE)
    sms = next(c for c in grade["channels"] if c["channel"] == "sms")
    assert sms["mode"] == "never" and sms["is_default"] is False
    assert response.json()["quiet_hours"] == {"follow_establishment": False, "start": "21:00:00", "end": "06:30:00", "weekends": False}
    assert NotificationPreference.objects.filter(user=world.alice_mother).count() == 2


def test_invalid_preferences_change_nothing_at_all(world, login):
    response = login(world.alice_mother).put(
        f"{API}/preferences",
        {
            "modes": [{"kind": GRADE, "channel": "sms", "mode": "never"}, {"kind": GRADE, "channel": "in_app", "mode": "digest"}],
            "quiet_hours": {"follow_establishment": False, "start": "21:00", "end": "06:30"},
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert f"{GRADE}.in_app" in response.json()["details"]
    assert not NotificationPreference.objects.exists() and not UserQuietHours.objects.exists()
