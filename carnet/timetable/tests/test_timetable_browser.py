"""The timetable in Chromium: a student's week on a 360 px phone (a day-by-day list) and on a
desktop (a grid of day columns), next week through htmx with the keyboard focus kept; the CPE cancels
a session from its page; the staff pages and « Mon agenda dans mon téléphone ». axe-core checks
every page; screenshots land in test-results/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from carnet.school.models import CalendarEvent
from carnet.testing import timetable as tt
from carnet.testing.browser import sign_in
from carnet.testing.world import build_world
from carnet.timetable import services
from carnet.timetable.calendar import generate_sessions
from carnet.timetable.tests.timetable_helpers import at, french_b, maths_a, maths_b, session_on

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_world(transactional_db):
    with time_machine.travel(at(2026, 11, 30, 9, 30), tick=True):
        world = build_world()
        b12, b14 = tt.room(world.lycee, "B12"), tt.room(world.lycee, "B14")
        slots = {
            "maths_a": tt.slot(maths_a(world), weekday=0, start="08:00", end="09:00", room=b12),
            "maths_a_wed": tt.slot(maths_a(world), weekday=2, start="10:00", end="12:00", room=b12),
            "maths_b": tt.slot(maths_b(world), weekday=0, start="09:00", end="10:00", room=b12),
            "french_b": tt.slot(french_b(world), weekday=0, start="08:00", end="09:00", room=b14),
        }
        for weekday, hour in ((1, 14), (3, 8), (4, 15)):
            tt.slot(
                maths_a(world), weekday=weekday, start=f"{hour:02d}:00", end=f"{hour + 1:02d}:30", room=b12
            )
        CalendarEvent.objects.create(
            establishment=world.lycee,
            school_year=world.year,
            kind="exceptional",
            name="Journée portes ouvertes",
            starts_on=dt.date(2026, 12, 4),
            ends_on=dt.date(2026, 12, 4),
        )
        generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
        services.move_session(
            actor=world.head,
            session=session_on(slots["maths_a_wed"], dt.date(2026, 12, 2)),
            expected_version=1,
            held_on=dt.date(2026, 12, 2),
            start_time=dt.time(13),
            end_time=dt.time(15),
        )
        world.slots = slots
        yield world


def test_a_student_week_on_a_phone_and_on_a_desktop(e2e_world, live_server, phone, desktop, a11y):
    w = e2e_world
    for page, name in ((phone, "phone"), (desktop, "desktop")):
        sign_in(page, live_server.url, w.alice.username, w.password)
        page.get_by_role("link", name="Emploi du temps").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mon emploi du temps")
        expect(page.get_by_text("Semaine du 30 novembre au 6 décembre 2026")).to_be_visible()
        expect(page.get_by_text("Déplacé (prévu mercredi 2 décembre 10:00–12:00)")).to_be_visible()
        a11y(page, f"timetable-week-student-{name}")
        # next week through htmx, by keyboard: the focus stays on the button
        page.locator("#tt-next").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Semaine du 7 décembre au 13 décembre 2026")).to_be_visible()
        expect(page.locator("#tt-next")).to_be_focused()
        assert "date=2026-12-07" in page.url
        page.get_by_role("link", name="Voir le jour").click()
        expect(page.get_by_role("heading", name="Lundi 7 décembre 2026")).to_be_visible()
        a11y(page, f"timetable-day-student-{name}")
    # the grid positions the lessons by time on a desktop; the phone shows a list
    desktop.goto(live_server.url + "/emploi-du-temps/?date=2026-11-30")
    first, second = (
        desktop.locator(".tt-day").nth(0).locator(".tt-session"),
        desktop.locator(".tt-day").nth(1).locator(".tt-session"),
    )
    assert (
        first.first.bounding_box()["y"] < second.first.bounding_box()["y"]
    )  # Monday 08:00 above Tuesday 14:00
    phone.goto(live_server.url + "/emploi-du-temps/?date=2026-11-30")
    boxes = [phone.locator(".tt-day").nth(i).bounding_box() for i in range(2)]
    assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1  # days one below the other
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_cpe_cancels_a_session_on_a_phone(e2e_world, live_server, phone, a11y):
    w = e2e_world
    page = phone
    base = live_server.url
    sign_in(page, base, w.cpe.username, w.password)
    page.goto(base + "/emploi-du-temps/etablissement/")
    a11y(page, "timetable-staff-index")
    page.get_by_role("link", name="2nde A", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emploi du temps — 2nde A")
    a11y(page, "timetable-week-class")
    page.locator(".tt-day").first.get_by_role("link", name="Mathématiques").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mathématiques")
    a11y(page, "timetable-session")
    page.get_by_text("Annuler la séance").first.click()
    page.locator("#id_cancel-message").fill("Sortie au musée")
    page.get_by_role("button", name="Annuler la séance").click()
    expect(
        page.get_by_text("Séance annulée ; les élèves, les familles et les enseignants sont prévenus.")
    ).to_be_visible()
    expect(page.get_by_text("Sortie au musée").first).to_be_visible()
    a11y(page, "timetable-session-cancelled")
    page.goto(base + f"/emploi-du-temps/classe/{w.seconde_a.public_id}/creneaux/")
    a11y(page, "timetable-class-slots")
    page.get_by_label("Début").fill("16:00")
    page.get_by_label("Fin").fill("17:00")
    page.get_by_role("button", name="Ajouter le créneau").click()
    expect(page.get_by_text("Créneau ajouté")).to_be_visible()
    page.goto(base + "/emploi-du-temps/reglages/")
    a11y(page, "timetable-settings")


def test_the_feed_page(e2e_world, live_server, phone, a11y):
    w = e2e_world
    page = phone
    sign_in(page, live_server.url, w.alice_mother.username, w.password)
    page.goto(live_server.url + "/emploi-du-temps/agenda/")
    a11y(page, "timetable-feed")
    page.get_by_role("button", name="Créer mon adresse secrète").click()
    field = page.get_by_label("Adresse de l’agenda")
    expect(field).to_be_visible()
    url = field.input_value()
    assert "/ical/" in url
    a11y(page, "timetable-feed-created")
    response = page.request.get(url)
    assert response.status == 200 and "BEGIN:VCALENDAR" in response.text()
