"""The class council in Chromium: the main teacher writes appraisals in the fast list, runs the
council from the keyboard, writes the council's appraisal and mention, and closes it; the head
reads the council on a phone. axe-core on every page; screenshots in test-results/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from carnet.grades.models import Appraisal, ClassCouncil
from carnet.school.models import Subject, TeachingAssignment
from carnet.testing import grades as g
from carnet.testing.browser import sign_in
from carnet.testing.factories import UserFactory, assign
from carnet.testing.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def council_world(transactional_db):
    w = build_world()
    period = w.periods[0]
    colleague = UserFactory(first_name="Paul", last_name="Collègue", username="paul.collegue")
    maths = TeachingAssignment.objects.get(teacher=w.teacher_maths, school_class=w.seconde_a)
    assignments = [maths]
    for name, short in (("Histoire-géographie", "HG"), ("Anglais", "ANG"), ("Physique-chimie", "PC")):
        subject = Subject.objects.create(establishment=w.lycee, name=name, short_name=short)
        assignments.append(assign(colleague, w.seconde_a, subject, coefficient="2"))
    values = {w.alice: ("14", "11.5", "16", "9"), w.bruno: ("8.5", "13", "10", "12")}
    for index, assignment in enumerate(assignments):
        assessment = g.assessment(assignment, period, title=f"Devoir {index + 1}")
        for student, marks in values.items():
            g.mark(assessment, student, marks[index])
    return w


def test_the_main_teacher_runs_the_council(council_world, live_server, desktop, a11y):
    w = council_world
    page = desktop
    sign_in(page, live_server.url, w.teacher_maths.username, w.password)

    # The fast list of maths appraisals: type, Ctrl+Enter saves and goes to the next student.
    page.goto(live_server.url + "/notes/appreciations/")
    a11y(page, "appraisals-home")
    page.locator("li", has_text="Mathématiques · 2nde A").get_by_role("link", name=re.compile("Trimestre 1")).click()
    # The keyboard shortcuts come with the page's script: wait for the page to have loaded.
    page.wait_for_url(re.compile(r"/notes/appreciations/[0-9a-f-]+/[0-9a-f-]+/"))
    first = page.get_by_label("FRANÇAIS Bruno")
    first.fill("Des efforts à poursuivre en calcul.")
    first.press("Control+Enter")
    expect(page.get_by_label("MARTIN Alice")).to_be_focused()
    expect(page.locator(".fastlist-row", has_text="FRANÇAIS Bruno").locator(".fastlist-status")).to_contain_text("Enregistré")
    page.get_by_label("MARTIN Alice").fill("Très bon trimestre")
    page.get_by_role("button", name="Bon trimestre.").click()
    page.keyboard.press("Tab")
    expect(page.locator(".fastlist-row", has_text="MARTIN Alice").locator(".fastlist-status")).to_contain_text("Enregistré")
    a11y(page, "appraisals-fast-list")
    assert Appraisal.objects.get(student=w.bruno, kind="subject").text == "Des efforts à poursuivre en calcul."
    assert Appraisal.objects.get(student=w.alice, kind="subject").text == "Très bon trimestre Bon trimestre."

    # The council: the grid, then J / K move from student to student.
    page.goto(live_server.url + "/conseils/")
    a11y(page, "councils-index")
    page.get_by_role("link", name=re.compile("2nde A · Trimestre 1")).click()
    panel = page.locator("#council-panel")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("FRANÇAIS Bruno")
    page.wait_for_load_state("load")  # J / K come with the page's script
    expect(panel.locator("svg.chart")).to_be_visible()
    a11y(page, "council-desktop")
    page.locator("[data-council-student]").first.focus()
    page.keyboard.press("j")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("MARTIN Alice")
    expect(page).to_have_url(re.compile(r"\?student=" + str(w.alice.public_id)))
    expect(panel).to_contain_text("Très bon trimestre Bon trimestre.")
    page.keyboard.press("k")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("FRANÇAIS Bruno")
    page.keyboard.press("ArrowDown")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("MARTIN Alice")
    page.get_by_role("link", name="Élève précédent").click()
    expect(panel.get_by_role("heading", level=2)).to_contain_text("FRANÇAIS Bruno")
    expect(page.get_by_role("link", name="Élève suivant")).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("MARTIN Alice")

    # The council's appraisal and mention for Alice.
    panel.get_by_label("Appréciation du conseil").fill("Excellent trimestre, félicitations.")
    panel.get_by_label("Mention").select_option("Félicitations")
    panel.get_by_role("button", name="Enregistrer l'avis").click()
    expect(panel).to_contain_text("Enregistré")
    expect(page.locator(f'[data-mention-of="{w.alice.public_id}"]')).to_contain_text("Félicitations")
    record = Appraisal.objects.get(student=w.alice, kind="council")
    assert record.text == "Excellent trimestre, félicitations." and record.mention == "Félicitations"
    a11y(page, "council-record-saved")

    # Closing the council (after a confirmation) makes everything read-only.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clore le conseil").click()
    expect(page.get_by_text(re.compile("Conseil clos le"))).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer l'avis")).to_have_count(0)
    assert ClassCouncil.objects.get(school_class=w.seconde_a, period=w.periods[0]).status == "closed"
    a11y(page, "council-closed")


def test_the_head_reads_the_council_on_a_phone(council_world, live_server, phone, a11y):
    w = council_world
    sign_in(phone, live_server.url, w.head.username, w.password)
    phone.goto(live_server.url + "/conseils/")
    phone.get_by_role("link", name=re.compile("2nde A · Trimestre 1")).click()
    expect(phone.locator("#council-panel").get_by_role("heading", level=2)).to_contain_text("FRANÇAIS Bruno")
    a11y(phone, "council-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("link", name="Élève suivant").click()
    expect(phone.locator("#council-panel").get_by_role("heading", level=2)).to_contain_text("MARTIN Alice")
    a11y(phone, "council-phone-student")
