"""The marks journey of issue 3, in Chromium, with axe-core on every page visited:

1. the maths teacher (main teacher of 2nde A) creates an assessment, enters a column of marks from the
   keyboard in the grid and publishes it;
2. Alice's mother, on her phone, sees the mark with the class statistics and the explanation of the
   maths average;
3. the main teacher runs the class council (keyboard to the next student, appraisal, mention, close)
   and publishes the class's report cards;
4. the mother downloads Alice's report card as PDF and its verification code checks out at /verify/
   for anyone.

The key pages are also checked (axe + screenshot) at the other width: phone pages on desktop and
desktop pages at 360 px, so people can look at both in test-results/screenshots/journey-*.png."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from carnet.grades.models import Assessment, Mark
from carnet.reportcards.models import ReportCard
from carnet.school.models import TeachingAssignment
from carnet.testing import browser
from carnet.testing.browser import DESKTOP, PHONE, SHOTS, follow_nav
from carnet.testing.world import build_world

SAVED = re.compile(r"\bis-saved\b")


@pytest.fixture
def e2e_world(transactional_db):
    return build_world()


def sign_in(page, base: str, identifier: str, password: str) -> None:
    """Sign in (the shared helper) and land on one's home page."""
    browser.sign_in(page, base, identifier, password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def check_both_widths(page, a11y, name: str, overflows: dict) -> None:
    """axe + screenshot at the page's width and at the other one (360 px ↔ 1280 px); what sticks out
    sideways at 360 px goes into `overflows[name]`."""
    original = page.viewport_size
    page.evaluate("window.scrollTo(0, 0)")  # a sticky header lands mid-page in a full-page shot otherwise
    a11y(page, name)
    page.set_viewport_size(PHONE if original["width"] > PHONE["width"] else DESKTOP)
    page.evaluate("window.scrollTo(0, 0)")
    a11y(page, name)
    page.set_viewport_size(PHONE)
    if found := overflow(page):
        overflows[name] = found
    page.set_viewport_size(original)


OVERFLOWING = """() => {
  // Elements sticking out of the layout viewport, outside any scroll box and fixed bar: the culprits.
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const contained = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX !== "visible" || style.position === "fixed") return true;
    }
    return getComputedStyle(el).position === "fixed";
  };
  const name = (node) => node.tagName.toLowerCase() + (node.id ? "#" + node.id : "")
    + (typeof node.className === "string" && node.className.trim() ? "." + node.className.trim().split(/\\s+/).join(".") : "");
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    if (contained(el)) continue;
    if (el.getBoundingClientRect().right <= width + 1) {
      // A box that fits but whose content (text, ::before) spills out of it.
      const style = getComputedStyle(el);
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && style.display !== "inline") {
        wide.push(name(el) + " « " + el.textContent.trim().slice(0, 30) + " » content " + el.scrollWidth + " px in "
          + el.clientWidth + " px (white-space: " + style.whiteSpace + ")");
      }
      continue;
    }
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 1 && el.children.length) continue;
    const around = parent && parent.closest("[class], [id]");
    wide.push((around ? name(around) + " > " : "") + name(el) + " « " + el.textContent.trim().slice(0, 30) + " » ("
      + Math.round(el.getBoundingClientRect().right) + " px)");
  }
  return [document.documentElement.scrollWidth + " px wide"].concat(wide.slice(0, 8));
}"""


def overflow(page) -> list[str]:
    """What sticks out sideways at the page's width ([] when nothing does)."""
    return page.evaluate(OVERFLOWING)


@pytest.mark.e2e
def test_marks_from_the_grid_to_a_verified_report_card(e2e_world, live_server, browser, desktop, phone, a11y):
    w = e2e_world
    base = live_server.url
    period = w.periods[0]
    assignment = TeachingAssignment.objects.get(teacher=w.teacher_maths, school_class=w.seconde_a)
    overflows: dict[str, list[str]] = {}  # page -> what sticks out sideways at 360 px

    # --- 1. The maths teacher enters a column of marks from the keyboard and publishes it -------------
    sign_in(desktop, base, w.teacher_maths.username, w.password)
    follow_nav(desktop, "Notes", exact=True)
    expect(desktop).to_have_url(re.compile(r"/notes/saisie/$"))
    a11y(desktop, "journey-teacher-home")
    desktop.get_by_role("link", name=re.compile("2nde A")).click()
    grid_url = base + reverse("grades:grid", args=[assignment.public_id, period.public_id])
    expect(desktop).to_have_url(grid_url)
    a11y(desktop, "journey-grid-empty")

    desktop.get_by_role("link", name="Nouvelle évaluation").first.click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Nouvelle évaluation")
    a11y(desktop, "journey-assessment-form")
    desktop.get_by_label("Titre").fill("Fonctions affines")
    desktop.get_by_label("Type").select_option(label="Devoir")
    desktop.get_by_label("Coefficient").fill("2")
    desktop.get_by_label("Pas encore").check()
    desktop.get_by_role("button", name="Créer l'évaluation").click()
    expect(desktop).to_have_url(grid_url)
    assessment = Assessment.objects.get(assignment=assignment, title="Fonctions affines")
    assert assessment.period_id == period.pk and assessment.published_at is None

    # Rows are in name order: FRANÇAIS Bruno, then MARTIN Alice. Type, Enter moves down.
    bruno_cell = desktop.get_by_label("Fonctions affines — FRANÇAIS Bruno")
    alice_cell = desktop.get_by_label("Fonctions affines — MARTIN Alice")
    expect(bruno_cell).to_be_editable()
    bruno_cell.focus()
    desktop.keyboard.type("abs")
    desktop.keyboard.press("Enter")
    expect(alice_cell).to_be_focused()
    desktop.keyboard.type("15,5")
    desktop.keyboard.press("Enter")
    expect(bruno_cell.locator("xpath=ancestor::td")).to_have_class(SAVED)
    expect(alice_cell.locator("xpath=ancestor::td")).to_have_class(SAVED)
    expect(bruno_cell).to_have_value("Abs")
    expect(alice_cell).to_have_value("15,5")
    expect(desktop.locator("tfoot [data-stat='count']").first).to_have_text("1/2")
    check_both_widths(desktop, a11y, "journey-grid", overflows)
    # What a teacher on a phone sees while typing (the viewport, not the whole page: the bars are fixed).
    desktop.set_viewport_size(PHONE)
    alice_cell.focus()
    desktop.screenshot(path=str(SHOTS / "journey-grid-typing-viewport-360.png"))
    desktop.set_viewport_size(DESKTOP)
    marks = {m.student_id: m for m in Mark.objects.filter(assessment=assessment)}
    assert str(marks[w.alice.pk].value) == "15.50" and marks[w.alice.pk].status == Mark.Status.MARKED
    assert marks[w.bruno.pk].status == Mark.Status.ABSENT

    # Not yet visible to families: publish now, from the assessment's page.
    expect(desktop.locator("th.grid-col").first).to_contain_text("Non publiée")
    desktop.get_by_role("link", name="Fonctions affines").click()
    a11y(desktop, "journey-assessment-edit")
    desktop.get_by_role("button", name="Publier maintenant").click()
    expect(desktop).to_have_url(grid_url)
    expect(desktop.locator("th.grid-col").first).to_contain_text("Publiée")
    assessment.refresh_from_db()
    assert assessment.guardians_published_at is not None

    # --- 2. Alice's mother sees the mark, the class statistics and the explanation ---------------------
    sign_in(phone, base, w.alice_mother.username, w.password)
    phone.goto(base + reverse("grades:marks"))
    # She has two children (Alice, Chloé): she picks Alice.
    phone.get_by_role("navigation", name="Choisir l’enfant").get_by_role("link", name="Alice").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Notes d’Alice")
    maths_card = phone.locator("section.subject-card", has=phone.get_by_role("heading", name="Mathématiques"))
    mark_row = maths_card.locator("li.mark-row", has_text="Fonctions affines")
    expect(mark_row.locator(".mark-value")).to_contain_text("15,5")
    expect(mark_row).to_contain_text("classe : 15,5")
    expect(maths_card.locator(".class-line")).to_contain_text("Classe : moyenne 15,5")
    expect(maths_card.locator(".average-pill")).to_contain_text("15,5")
    check_both_widths(phone, a11y, "journey-family-marks", overflows)

    maths_card.get_by_role("link", name=re.compile("Comment est calculée cette moyenne")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Moyenne de Mathématiques")
    steps = phone.locator("ol.steps").first.locator("li")
    expect(steps.first).to_be_visible()
    assert steps.count() >= 1
    expect(phone.locator("ol.steps").first).to_contain_text("15,5")
    check_both_widths(phone, a11y, "journey-family-explain", overflows)

    # --- 3. The main teacher runs the class council and publishes the report cards ---------------------
    desktop.on("dialog", lambda dialog: dialog.accept())  # "Clore le conseil ?" confirmation
    follow_nav(desktop, "Conseils de classe")
    a11y(desktop, "journey-councils")
    desktop.goto(base + reverse("grades:council", args=[w.seconde_a.public_id, period.public_id]))
    panel = desktop.locator("#council-panel")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("FRANÇAIS Bruno")
    a11y(desktop, "journey-council")
    # J moves to the next student (anywhere but in a field).
    desktop.locator("body").click(position={"x": 5, "y": 5})
    desktop.keyboard.press("j")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("MARTIN Alice")
    expect(desktop).to_have_url(re.compile(r"\?student=" + str(w.alice.public_id)))
    desktop.get_by_label("Appréciation du conseil").fill("Excellent trimestre, travail régulier et rigoureux.")
    desktop.get_by_label("Mention").select_option("Félicitations")
    desktop.get_by_label("Appréciation du conseil").press("Control+Enter")
    expect(panel.locator(".alert-success")).to_be_visible()
    expect(desktop.locator(f"[data-mention-of='{w.alice.public_id}']")).to_have_text("Félicitations")
    check_both_widths(desktop, a11y, "journey-council-saved", overflows)
    desktop.get_by_role("button", name="Clore le conseil").click()
    expect(desktop.locator(".council-state")).to_contain_text("Conseil clos")
    a11y(desktop, "journey-council-closed")

    follow_nav(desktop, "Bulletins")
    expect(desktop).to_have_url(re.compile(r"/bulletins/$"))
    a11y(desktop, "journey-reportcards-index")
    desktop.get_by_label("Période").select_option(str(period.public_id))
    desktop.get_by_label("Bulletins de").select_option(label="2nde A")
    desktop.get_by_role("button", name="Générer et publier").click()
    expect(desktop).to_have_url(re.compile(r"/bulletins/lots/[0-9a-f-]+/$"))
    expect(desktop.locator("#batch-progress .badge")).to_have_text(re.compile("Terminé", re.IGNORECASE))
    check_both_widths(desktop, a11y, "journey-reportcards-batch", overflows)
    desktop.get_by_role("link", name="Voir les bulletins de la classe").click()
    expect(desktop.locator("table.rc-class-table tbody tr")).to_have_count(2)
    check_both_widths(desktop, a11y, "journey-reportcards-class", overflows)
    assert ReportCard.objects.get(student=w.alice, period=period).content["appraisals"]["mention"] == "Félicitations"

    # --- 4. The mother downloads the PDF; the code checks out at /verify/ for anyone ------------------
    follow_nav(phone, "Bulletins")
    expect(phone).to_have_url(re.compile(r"/bulletins/$"))
    alice_cards = phone.locator("section.card", has=phone.get_by_role("heading", name="Alice MARTIN"))
    expect(alice_cards.locator("li.list-item")).to_have_count(1)
    check_both_widths(phone, a11y, "journey-family-reportcards", overflows)
    with phone.expect_download() as info:
        alice_cards.get_by_role("link", name=re.compile("Télécharger le PDF")).click()
    download = info.value
    with open(download.path(), "rb") as pdf:
        downloaded = pdf.read()
    assert downloaded.startswith(b"%PDF-")
    assert download.suggested_filename.endswith(".pdf")
    alice_card = ReportCard.objects.get(student=w.alice, period=period)
    with alice_card.pdf.open("rb") as stored:
        assert stored.read() == downloaded  # the published version, byte for byte

    alice_cards.get_by_role("link", name=re.compile("^Lire")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bulletin du 1er trimestre")
    expect(phone.locator(".page-header .lead")).to_contain_text(re.compile("Alice Martin", re.IGNORECASE))
    code = phone.locator(".rc-code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code), code
    assert code.replace("-", "") == alice_card.verification_code
    expect(phone.get_by_text(alice_card.digest)).to_be_visible()
    check_both_widths(phone, a11y, "journey-reportcard-detail", overflows)

    anonymous = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    try:
        stranger = anonymous.new_page()
        stranger.set_default_timeout(10_000)
        stranger.goto(base + reverse("reportcards:verify", args=[code]))
        verified = stranger.locator("section.rc-verified")
        expect(verified.get_by_role("heading", name="Bulletin authentique")).to_be_visible()
        expect(verified).to_contain_text(re.compile("Martin Alice", re.IGNORECASE))
        expect(verified).to_contain_text("Trimestre 1")
        expect(verified).to_contain_text("Lycée Victor-Hugo")
        expect(verified).to_contain_text(code)
        expect(verified).to_contain_text(alice_card.digest)  # the same content as the downloaded card
        check_both_widths(stranger, a11y, "journey-verify", overflows)
    finally:
        anonymous.close()

    # At 360 px no page of the journey scrolls sideways.
    assert not overflows, overflows
