"""The roll call in Chromium: on a 360 px phone a teacher marks two absences and a lateness in a
class of 35 with a few taps and validates; by keyboard alone on a desktop; a lateness without
minutes is stopped before sending. axe-core on "Mes séances du jour" and the register page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carnet.attendance.models import Exemption, Register, RegisterEntry
from carnet.school.models import TeachingAssignment
from carnet.testing.browser import sign_in
from carnet.testing.factories import UserFactory, enroll
from carnet.testing.timetable import session
from carnet.testing.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_world(transactional_db):
    world = build_world()
    for n in range(33):
        enroll(
            UserFactory(first_name=f"Élève{n:02d}", last_name=f"Classe{n:02d}", username=f"eleve{n:02d}"),
            world.seconde_a,
        )
    return world


@pytest.fixture
def today_lesson(e2e_world):
    w = e2e_world
    maths_a = TeachingAssignment.objects.get(teacher=w.teacher_maths, school_class=w.seconde_a)
    today = timezone.localdate()
    Exemption.objects.create(
        establishment=w.lycee,
        student=w.alice,
        subject=w.maths,
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
        must_attend=True,
    )
    return session(maths_a, today, start="08:00", end="09:00")


def toggle(page, name: str):
    return page.locator(".roll-row", has_text=name).locator(".roll-toggle")


def test_two_absences_and_a_lateness_on_a_phone(e2e_world, today_lesson, live_server, phone, a11y):
    w = e2e_world
    page = phone
    sign_in(page, live_server.url, "marc.maths", w.password)
    page.goto(live_server.url + "/appel/")
    expect(page.get_by_text("Appel à faire", exact=True)).to_be_visible()
    a11y(page, "mes-seances")
    page.locator(".roll-sessions a").first.click()
    expect(page.locator(".roll-row")).to_have_count(35)
    expect(page.locator(".roll-row", has_text="MARTIN Alice").get_by_text("Dispensé")).to_be_visible()
    a11y(page, "appel")

    toggle(page, "FRANÇAIS Bruno").click()  # absent
    toggle(page, "CLASSE03 Élève03").click()  # absent
    late = toggle(page, "CLASSE10 Élève10")
    late.click()
    late.click()  # late
    expect(late).to_contain_text("Retard")
    page.locator(".roll-row", has_text="CLASSE10 Élève10").get_by_role("button", name="10 min").click()
    expect(page.locator("[data-count=absent]")).to_have_text("2")
    expect(page.locator("[data-count=late]")).to_have_text("1")
    expect(page.locator("[data-count=present]")).to_have_text("32")
    a11y(page, "appel-saisi")
    page.get_by_role("button", name="Valider l'appel").click()
    expect(page).to_have_url(re.compile(r"/appel/$"))
    expect(page.get_by_text("Appel enregistré")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Appel fait à \d\d:\d\d"))).to_be_visible()
    entries = {
        (e.student.last_name, e.status, e.late_minutes)
        for e in RegisterEntry.objects.select_related("student")
    }
    assert entries == {("Français", "absent", None), ("Classe03", "absent", None), ("Classe10", "late", 10)}


def test_by_keyboard_alone(e2e_world, today_lesson, live_server, desktop):
    w = e2e_world
    page = desktop
    sign_in(page, live_server.url, "marc.maths", w.password)
    page.goto(f"{live_server.url}/appel/{today_lesson.public_id}/")
    first = page.locator(".roll-toggle").first
    first.focus()
    page.keyboard.press("a")  # the first student absent
    page.keyboard.press("ArrowDown")
    page.keyboard.press("r")  # the second late
    page.keyboard.press("Tab")  # to the quick choices of the second student
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # 10 min
    page.keyboard.press("ArrowDown")
    page.get_by_role("button", name="Valider l'appel").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/appel/$"))
    statuses = sorted((e.status, e.late_minutes) for e in RegisterEntry.objects.all())
    assert statuses == [("absent", None), ("late", 10)]


def test_a_lateness_without_minutes_is_stopped_before_sending(e2e_world, today_lesson, live_server, phone):
    w = e2e_world
    page = phone
    sign_in(page, live_server.url, "marc.maths", w.password)
    page.goto(f"{live_server.url}/appel/{today_lesson.public_id}/")
    late = toggle(page, "FRANÇAIS Bruno")
    late.click()
    late.click()
    page.get_by_role("button", name="Valider l'appel").click()
    page.wait_for_timeout(300)
    assert "/appel/" + str(today_lesson.public_id) in page.url
    assert not Register.objects.exists()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_school_life_pages(e2e_world, today_lesson, live_server, device, request, a11y):
    w = e2e_world
    page = request.getfixturevalue(device)
    sign_in(page, live_server.url, "claire.vie-scolaire", w.password)
    page.goto(live_server.url + "/vie-scolaire/appels-non-faits/")
    expect(page.get_by_role("heading", name="Appels non faits")).to_be_visible()
    a11y(page, f"appels-non-faits-{device}")
    page.goto(live_server.url + "/vie-scolaire/dispenses/")
    expect(page.get_by_role("cell", name="Mathématiques", exact=True)).to_be_visible()
    a11y(page, f"dispenses-{device}")
    page.get_by_role("link", name="Nouvelle dispense").click()
    page.get_by_label("Classe").select_option(label="2nde A")
    expect(page.get_by_label("Élève", exact=True)).to_be_visible()
    a11y(page, f"dispense-nouvelle-{device}")
    page.goto(f"{live_server.url}/dispenses/eleve/{w.alice.public_id}/")
    a11y(page, f"dispenses-eleve-{device}")
