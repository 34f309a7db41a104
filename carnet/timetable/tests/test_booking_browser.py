"""Booking in Chromium at 360 px: a teacher opens "Réservations" from the menu, looks at a room's
day, books a free slot by keyboard, is refused for a conflict with a message naming the lesson,
then cancels; the CPE approves a request and manages the resources. axe-core checks every page;
screenshots land in test-results/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from carnet.school.models import TeachingAssignment
from carnet.testing import timetable as tt
from carnet.testing.browser import follow_nav, sign_in
from carnet.testing.world import build_world
from carnet.timetable.models import Booking
from carnet.timetable.tests.booking_helpers import NOW, TUESDAY, booking

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_world(transactional_db):
    with time_machine.travel(NOW, tick=True):
        world = build_world()
        world.teacher_maths.sex = "M"
        world.teacher_maths.save(update_fields=["sex"])
        maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
        b12 = tt.room(world.lycee, "B12", capacity=30, description="Vidéoprojecteur")
        tt.room(world.lycee, "CDI", capacity=40, needs_approval=True)
        tt.slot(maths, weekday=1, start="10:00", end="11:00", room=b12)
        booking(
            b12,
            world.cpe,
            TUESDAY,
            "16:00",
            "17:00",
            purpose="Réunion parents",
            status=Booking.Status.PENDING,
        )
        world.b12 = b12
        yield world


def test_a_teacher_books_a_room_on_a_phone(e2e_world, live_server, phone, a11y):
    w = e2e_world
    page = phone
    base = live_server.url
    sign_in(page, base, w.teacher_french.username, w.password)
    page.goto(base + "/")
    follow_nav(page, "Réservations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Réservations")
    a11y(page, "booking-index")
    page.get_by_role("link", name="B12").click()
    page.get_by_label("Aller au").fill(TUESDAY.isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Cours, M. Maths")).to_be_visible()
    expect(page.get_by_text("Réunion parents", exact=True)).to_be_visible()
    a11y(page, "booking-room-day")

    # A conflict, typed by keyboard: refused with the lesson named next to the field and in the summary.
    page.get_by_label("Jour", exact=True).fill(TUESDAY.isoformat())
    page.get_by_label("Début", exact=True).fill("10:30")
    page.get_by_label("Fin", exact=True).fill("11:30")
    page.get_by_label("Motif", exact=True).fill("Devoir commun")
    page.get_by_label("Motif", exact=True).press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("La réservation n'est pas enregistrée")
    expect(summary).to_contain_text("Cours de Mathématiques — 2nde A, M. Maths, 10:00–11:00")
    a11y(page, "booking-conflict")

    page.get_by_role("link", name="Réserver le mardi 1 décembre de 11:00 à 16:00").click()
    expect(page.get_by_label("Début", exact=True)).to_have_value("11:00")
    page.get_by_label("Fin", exact=True).fill("12:00")
    page.get_by_label("Motif", exact=True).fill("Devoir commun")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page.get_by_text("Réservation confirmée : B12 le 01/12/2026 de 11:00 à 12:00.")).to_be_visible()
    assert Booking.objects.filter(booked_by=w.teacher_french, status="approved").count() == 1

    page.get_by_role("link", name="Mes réservations").click()
    expect(page.get_by_text("Devoir commun")).to_be_visible()
    a11y(page, "booking-mine")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Annuler B12").click()
    expect(page.get_by_text("Réservation annulée : B12")).to_be_visible()
    assert Booking.objects.get(booked_by=w.teacher_french).status == "cancelled"


def test_the_cpe_approves_and_manages_resources(e2e_world, live_server, phone, desktop, a11y):
    w = e2e_world
    booking(
        w.b12, w.teacher_maths, TUESDAY, "14:00", "15:00", purpose="Soutien", status=Booking.Status.PENDING
    )
    for page, device in ((phone, "phone"), (desktop, "desktop")):
        sign_in(page, live_server.url, w.cpe.username, w.password)
        page.goto(live_server.url + "/reservations/a-valider/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Réservations à valider")
        a11y(page, f"booking-pending-{device}")
        page.goto(live_server.url + "/reservations/ressources/")
        a11y(page, f"booking-resources-{device}")
        page.goto(live_server.url + f"/reservations/ressources/{w.b12.public_id}/")
        a11y(page, f"booking-resource-edit-{device}")
        page.goto(
            live_server.url
            + f"/reservations/ressource/{w.b12.public_id}/?jour={TUESDAY.isoformat()}&vue=semaine"
        )
        a11y(page, f"booking-room-week-{device}")
    page = phone
    page.goto(live_server.url + "/reservations/a-valider/")
    item = page.locator("li", has_text="Soutien")
    item.get_by_label("Message (facultatif)").fill("Clés à la loge")
    item.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Réservation de MATHS Marc validée : B12 le 01/12/2026.")).to_be_visible()
    assert Booking.objects.get(purpose="Soutien").status == "approved"
    assert dt.date(2026, 12, 1) == TUESDAY
