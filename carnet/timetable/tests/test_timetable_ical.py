"""The private iCalendar feed: the page that creates, regenerates and revokes the secret address
(only its digest stored, shown once), and the public feed itself: RFC 5545 text read back, stable
UIDs, cancelled sessions, children's sessions for a guardian, 404 for an unknown secret, rate limit."""

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.core.cache import cache

from carnet.audit.models import AuditEvent
from carnet.timetable import ical, services
from carnet.timetable.models import CalendarFeedToken
from carnet.timetable.tests.timetable_helpers import MONDAY, at, parse_ics, session_on, small_timetable
from carnet.timetable.web.timetable_feed import FEED_LIMIT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def timetable(world):
    with time_machine.travel(at(2026, 11, 30, 7, 30), tick=False):
        yield small_timetable(world)


def _secret(client) -> str:
    response = client.post("/emploi-du-temps/agenda/creer/")
    assert response.status_code == 302
    page = client.get("/emploi-du-temps/agenda/").content.decode()
    match = re.search(r"/ical/([A-Za-z0-9_\-]+)\.ics", page)
    assert match, "the new address is shown right after its creation"
    return match.group(1)


def test_folding_and_escaping():
    assert ical.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 60
    folded = ical.fold(line)
    parts = folded.split("\r\n")[:-1]
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert ical.fold("SHORT:x") == "SHORT:x\r\n"


def test_the_page_shows_the_address_once_and_stores_only_its_digest(world, timetable, login):
    client = login(world.alice)
    page = client.get("/emploi-du-temps/agenda/").content.decode()
    assert "Mon agenda dans mon téléphone" in page and "Créer mon adresse secrète" in page
    secret = _secret(client)
    token = CalendarFeedToken.objects.get(user=world.alice)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.digest
    again = client.get("/emploi-du-temps/agenda/").content.decode()
    assert secret not in again and "Une adresse est active" in again  # shown once only
    # regenerating replaces the address: the old one stops working
    new_secret = _secret(client)
    assert new_secret != secret
    assert client.get(f"/ical/{secret}.ics").status_code == 404
    assert client.get(f"/ical/{new_secret}.ics").status_code == 200
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="timetable.feed")} == {
        "timetable.feed_created",
        "timetable.feed_regenerated",
    }
    # revoking
    assert client.post("/emploi-du-temps/agenda/revoquer/").status_code == 302
    assert not CalendarFeedToken.objects.filter(user=world.alice).exists()
    assert client.get(f"/ical/{new_secret}.ics").status_code == 404


def test_the_feed_is_valid_icalendar(world, timetable, client):
    _token, secret = services.create_feed_token(actor=world.alice)
    cancelled = session_on(timetable["maths_a"], dt.date(2026, 12, 7))
    with time_machine.travel(at(2026, 11, 30, 7, 30), tick=False):
        services.cancel_session(
            actor=world.head, session=cancelled, expected_version=1, message="Sortie; musée, matin"
        )
        response = client.get(f"/ical/{secret}.ics")  # public: no sign-in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    components = parse_ics(text)
    calendar = components[-1]
    assert calendar["BEGIN"] == "VCALENDAR" and calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = [c for c in components if c["BEGIN"] == "VEVENT"]
    # 30 days back to 90 days ahead, Alice's Monday maths only
    assert events and all(e["SUMMARY"].endswith("Mathématiques") for e in events)
    first = min(e["DTSTART"] for e in events)
    assert first >= "20261031" and max(e["DTSTART"] for e in events) <= "20270301"
    event = next(e for e in events if e["UID"] == f"session-{cancelled.public_id}@carnet")
    assert event["STATUS"] == "CANCELLED" and event["SUMMARY"] == "Annulé : Mathématiques"
    assert (
        event["DTSTART"] == "20261207T070000Z" and event["DTEND"] == "20261207T080000Z"
    )  # 08:00 Paris in winter
    assert event["SEQUENCE"] == "2" and event["LOCATION"] == "B12"
    assert (
        "Sortie; musée, matin" in event["DESCRIPTION"] and "Enseignant : MATHS Marc" in event["DESCRIPTION"]
    )
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    others = [e for e in events if e["UID"] != event["UID"]]
    assert all(e["STATUS"] == "CONFIRMED" for e in others)
    assert len({e["UID"] for e in events}) == len(events)
    token = CalendarFeedToken.objects.get(user=world.alice)
    assert token.last_used_at is not None


def test_summer_time_and_stable_uid_after_a_move(world, timetable, client):
    _token, secret = services.create_feed_token(actor=world.teacher_french)
    session = session_on(timetable["french_thu"], dt.date(2026, 12, 3))
    with time_machine.travel(at(2026, 11, 30, 7, 30), tick=False):
        before = parse_ics(client.get(f"/ical/{secret}.ics").content.decode())
        services.move_session(
            actor=world.head,
            session=session,
            expected_version=1,
            held_on=dt.date(2026, 12, 4),
            start_time=dt.time(10),
            end_time=dt.time(11),
        )
        after = parse_ics(client.get(f"/ical/{secret}.ics").content.decode())
    uid = f"session-{session.public_id}@carnet"
    old = next(e for e in before if e.get("UID") == uid)
    new = next(e for e in after if e.get("UID") == uid)
    assert old["DTSTART"] == "20261203T130000Z" and new["DTSTART"] == "20261204T090000Z"
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new["SUMMARY"] == "Français — 2nde B"  # a teacher sees the class


def test_a_guardian_gets_her_children_sessions_named(world, timetable, client):
    _token, secret = services.create_feed_token(actor=world.alice_mother)
    with time_machine.travel(at(2026, 11, 30, 7, 30), tick=False):
        events = [
            c for c in parse_ics(client.get(f"/ical/{secret}.ics").content.decode()) if c["BEGIN"] == "VEVENT"
        ]
    summaries = {e["SUMMARY"] for e in events}
    assert summaries == {"Alice : Mathématiques", "Chloé : Mathématiques", "Chloé : Français"}


def test_unknown_secret_and_rate_limit(world, timetable, client):
    assert client.get("/ical/inconnu.ics").status_code == 404
    _token, secret = services.create_feed_token(actor=world.alice)
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert client.get(f"/ical/{secret}.ics").status_code == 404
    for _ in range(FEED_LIMIT - 2):
        client.get("/ical/inconnu.ics")
    response = client.get("/ical/inconnu.ics")
    assert response.status_code == 429 and response["Retry-After"]


def test_feed_window_helper(world, timetable):
    with time_machine.travel(at(2026, 11, 30, 7, 30), tick=False):
        sessions = ical.window_sessions(world.chloe)
    assert min(s.held_on for s in sessions) >= MONDAY - dt.timedelta(days=30)
    assert max(s.held_on for s in sessions) <= MONDAY + dt.timedelta(days=90)
