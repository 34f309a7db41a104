"""The marks grid in Chromium, on a phone (360 px) and on a desktop: a teacher types a column of marks
from the keyboard, a garbage value is refused and not saved, the saved values come back on reload,
a column pasted from a spreadsheet is saved at once; axe-core on the grid and the assessment form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from carnet.grades.models import Mark
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g
from carnet.testing.browser import follow_nav, sign_in
from carnet.testing.factories import UserFactory, enroll
from carnet.testing.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_world(transactional_db):
    world = build_world()
    for first, last in (("Camille", "Petit"), ("David", "Robert"), ("Emma", "Richard")):
        enroll(UserFactory(first_name=first, last_name=last, username=f"{first}.{last}".lower()), world.seconde_a)
    return world


PASTE = """
(args) => {
  const [selector, text] = args;
  const input = document.querySelector(selector);
  input.focus();
  const data = new DataTransfer();
  data.setData("text/plain", text);
  input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}
"""


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_teacher_types_and_pastes_marks_in_the_grid(e2e_world, live_server, device, request, a11y):
    w = e2e_world
    page = request.getfixturevalue(device)
    maths_a = TeachingAssignment.objects.get(teacher=w.teacher_maths, school_class=w.seconde_a)
    t1 = w.periods[0]
    first = g.assessment(maths_a, t1, title="Contrôle 1", held_on=dt.date(2026, 10, 5))
    second = g.assessment(maths_a, t1, title="Devoir maison 2", held_on=dt.date(2026, 10, 12), published=False)
    g.mark(second, w.alice, "11", comment="Soigné")

    sign_in(page, live_server.url, w.teacher_maths.username, w.password)
    # From the navigation to "my teaching", then to the grid.
    follow_nav(page, "Notes", exact=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisie des notes")
    a11y(page, f"grades-teacher-home-{device}")
    page.get_by_role("link", name=re.compile("2nde A")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mathématiques · 2nde A")

    rows = page.locator("#grid tbody tr")
    expect(rows).to_have_count(5)  # FRANÇAIS Bruno, MARTIN Alice, PETIT Camille, RICHARD Emma, ROBERT David
    names = [n.strip() for n in page.locator("#grid tbody th").all_inner_texts()]
    assert names[0].startswith("FRANÇAIS") and names[1].startswith("MARTIN")

    # A column typed from the keyboard: Enter moves down.
    column = page.locator("#grid tbody tr td.grid-cell:nth-of-type(1) input.cell")
    column.nth(0).click()
    for text in ("12,5", "abs", "douze", "15", "8"):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    garbage = column.nth(2)
    expect(garbage).to_have_attribute("aria-invalid", "true")
    cell_note = page.locator("#grid tbody tr").nth(2).locator(".cell-note")
    expect(cell_note).to_contain_text("« douze » n'est pas une note")
    expect(garbage).to_have_value("douze")  # the typed text stays
    for i in (0, 1, 3, 4):
        expect(page.locator("#grid tbody tr").nth(i).locator("td.grid-cell").first).to_have_class(re.compile("is-saved"))
    expect(column.nth(0)).to_have_value("12,5")
    expect(column.nth(1)).to_have_value("Abs")
    # The row average and the column footer follow.
    expect(rows.nth(0).locator("[data-average]")).to_have_text("12,5")
    expect(page.locator('#grid tfoot [data-stat="count"]').first).to_have_text("3/5")
    a11y(page, f"grades-grid-typing-{device}")

    marks = {m.student.last_name: m for m in Mark.objects.filter(assessment=first).select_related("student")}
    assert marks["Français"].value == Decimal("12.50")
    assert marks["Martin"].status == Mark.Status.ABSENT
    assert "Petit" not in marks  # "douze" was not saved
    assert marks["Richard"].value == Decimal("15") and marks["Robert"].value == Decimal("8")

    # Reload: the saved values come back.
    page.reload()
    column = page.locator("#grid tbody tr td.grid-cell:nth-of-type(1) input.cell")
    expect(column.nth(0)).to_have_value("12,5")
    expect(column.nth(1)).to_have_value("Abs")
    expect(column.nth(2)).to_have_value("")
    expect(column.nth(3)).to_have_value("15")

    # Someone else changes Emma's mark meanwhile: the cell shows who and what, and the teacher chooses.
    Mark.objects.filter(assessment=first, student__last_name="Richard").update(
        value=Decimal("17"), version=F("version") + 1, updated_by=w.teacher_french, updated_at=timezone.now()
    )
    column.nth(3).click()
    page.keyboard.type("16")
    page.keyboard.press("Enter")
    note = rows.nth(3).locator(".cell-note")
    expect(note).to_contain_text(re.compile(r"Modifiée par FRANÇAIS Fanny à \d\d:\d\d : 17"))
    assert Mark.objects.get(assessment=first, student__last_name="Richard").value == Decimal("17")
    note.get_by_role("button", name="Garder la mienne").click()
    expect(rows.nth(3).locator("td.grid-cell").first).to_have_class(re.compile("is-saved"))
    assert Mark.objects.get(assessment=first, student__last_name="Richard").value == Decimal("16")

    # A column pasted from a spreadsheet (decimal commas, a code, Windows line ends): saved at once.
    page.evaluate(PASTE, ["#cell-0-1", "14\r\n9,5\r\nabs\r\n"])
    second_column = page.locator("#grid tbody tr td.grid-cell:nth-of-type(2) input.cell")
    expect(second_column.nth(2)).to_have_value("Abs")
    expect(rows.nth(2).locator("td.grid-cell").nth(1)).to_have_class(re.compile("is-saved"))
    assert {m.student.last_name: m.value for m in Mark.objects.filter(assessment=second, status="marked").select_related("student")} == {
        "Français": Decimal("14"), "Martin": Decimal("9.5"),
    }

    # A pasted column with a mistake: nothing saved, the problem named by student.
    page.evaluate(PASTE, ["#cell-2-1", "12\n45\n"])
    expect(page.locator("#grid-problems")).to_contain_text("RICHARD Emma : La note 45 dépasse le barème (sur 20).")
    assert not Mark.objects.filter(assessment=second, student__last_name="Petit", status="marked").exists()

    # The comment and history dialog, by keyboard.
    column.nth(0).focus()
    page.keyboard.press("Control+Enter")
    dialog = page.locator("#cell-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("FRANÇAIS Bruno · Contrôle 1")
    expect(dialog).to_contain_text("— → 12,5")
    dialog.get_by_label("Commentaire pour l'élève").fill("Bon travail")
    a11y(page, f"grades-grid-dialog-{device}")
    dialog.get_by_role("button", name="Enregistrer le commentaire").click()
    expect(dialog).to_be_hidden()
    assert Mark.objects.get(assessment=first, student__last_name="Français").comment == "Bon travail"

    if device == "phone":
        # The page does not overflow the screen: the table scrolls inside its frame.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        box = column.nth(0).bounding_box()
        assert box and box["height"] >= 44

    # The assessment form.
    page.get_by_role("link", name="Nouvelle évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle évaluation")
    page.get_by_label("Titre").fill("Interrogation 3")
    page.get_by_label("Coefficient").fill("0")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.get_by_text("Le coefficient doit être un nombre strictement positif")).to_be_visible()
    a11y(page, f"grades-assessment-form-{device}")
    page.get_by_label("Coefficient").fill("0,5")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.locator("#grid thead")).to_contain_text("Interrogation 3")
