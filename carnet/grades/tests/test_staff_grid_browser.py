"""The staff's read-only grid in Chromium, on a phone (360 px) and on a desktop: the head goes from the
navigation to a class's subject, moves between the marks with the keyboard, opens a mark's history
(old → new, who), closes it with Escape and is back on the mark; from the council, a subject's
column header opens the same grid. axe-core on every page and on the dialog."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from carnet.grades.services.marks import save_mark
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g
from carnet.testing.browser import sign_in
from carnet.testing.factories import UserFactory, enroll
from carnet.testing.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_world(transactional_db):
    world = build_world()
    for first, last in (("Camille", "Petit"), ("David", "Robert")):
        enroll(
            UserFactory(first_name=first, last_name=last, username=f"{first}.{last}".lower()), world.seconde_a
        )
    return world


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_head_reads_a_class_grid_and_a_marks_history(e2e_world, live_server, device, request, a11y):
    w = e2e_world
    page = request.getfixturevalue(device)
    maths_a = TeachingAssignment.objects.get(teacher=w.teacher_maths, school_class=w.seconde_a)
    t1 = w.periods[0]
    first = g.assessment(maths_a, t1, title="Contrôle 1", held_on=dt.date(2026, 10, 5))
    g.assessment(maths_a, t1, title="Devoir 2", held_on=dt.date(2026, 10, 12))
    version = None
    for text in ("12", "14,5"):  # the teacher corrects Alice's mark
        version = save_mark(
            actor=w.teacher_maths,
            assessment=first,
            student=w.alice,
            text=text,
            expected_version=version,
            comment="Corrigée",
        ).version
    save_mark(actor=w.teacher_maths, assessment=first, student=w.bruno, text="abs", expected_version=None)

    sign_in(page, live_server.url, w.head.username, w.password)
    if device == "phone":
        page.goto(live_server.url + "/notes/consultation/")
    else:
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Notes des classes"
        ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notes des classes")
    a11y(page, f"grades-consult-home-{device}")
    page.get_by_role("link", name="Mathématiques, 2nde A").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mathématiques · 2nde A")
    expect(page.locator("#grid input")).to_have_count(0)
    a11y(page, f"grades-consult-grid-{device}")

    # By keyboard: Bruno's mark (first row), then ↓ to Alice's, Enter opens its history.
    bruno = page.locator("#grid tbody tr").nth(0).locator("a.cell").first
    bruno.focus()
    expect(bruno).to_have_text("Abs")
    page.keyboard.press("ArrowDown")
    alice = page.locator("#grid tbody tr").nth(1).locator("a.cell").first
    expect(alice).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.locator("#cell-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("MARTIN Alice · Contrôle 1")
    expect(dialog).to_contain_text("12 → 14,5")
    expect(dialog).to_contain_text("— → 12")
    expect(dialog).to_contain_text("MATHS Marc")
    expect(dialog).to_contain_text("Corrigée")
    expect(dialog.locator("textarea")).to_have_count(0)
    a11y(page, f"grades-consult-dialog-{device}")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(alice).to_be_focused()

    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        box = alice.bounding_box()
        assert box and box["height"] >= 44
        # a tap opens the dialog too, and its close button closes it
        alice.click()
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Fermer").click()
        expect(dialog).to_be_hidden()

    # From the council: the subject's column header opens the same grid.
    page.goto(live_server.url + f"/conseils/{w.seconde_a.public_id}/{t1.public_id}/")
    a11y(page, f"grades-consult-council-{device}")
    page.locator(".council-grid thead").get_by_role("link", name=re.compile("MATHS")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mathématiques · 2nde A")
