"""Report cards in Chromium: the main teacher publishes the class's cards and watches the batch
finish; a guardian on a 360 px phone reads and downloads her daughter's card, and the code printed
on it checks out at /verify/. axe-core on every page; screenshots in test-results/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from carnet.reportcards.models import ReportCard
from carnet.testing.browser import sign_in

pytestmark = pytest.mark.e2e


def test_main_teacher_publishes_and_guardian_downloads_and_verifies(world, france, live_server, desktop, phone, browser, a11y):
    base = live_server.url

    # The main teacher of 2nde A publishes the class's report cards for Trimestre 1.
    sign_in(desktop, base, world.teacher_maths.username, world.password)
    desktop.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Bulletins").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Bulletins")
    a11y(desktop, "reportcards-index")
    desktop.get_by_label("Période").select_option(label="Trimestre 1 (2026-2027)")
    desktop.get_by_label("Bulletins de").select_option(label="2nde A")
    desktop.get_by_role("button", name="Générer et publier").click()
    expect(desktop).to_have_url(re.compile(r"/bulletins/lots/[0-9a-f-]+/$"))
    expect(desktop.get_by_role("status")).to_have_text("2 bulletins publiés.", timeout=15_000)
    expect(desktop.locator("progress")).to_have_attribute("value", "2")
    a11y(desktop, "reportcards-batch")
    desktop.get_by_role("link", name="Voir les bulletins de la classe").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Bulletins de la 2nde A")
    expect(desktop.get_by_role("row", name=re.compile("MARTIN Alice"))).to_contain_text("v1")
    a11y(desktop, "reportcards-class")

    # Alice's mother, on her phone, reads and downloads the card.
    card = ReportCard.objects.get(student=world.alice)
    code = f"{card.verification_code[:5]}-{card.verification_code[5:]}"
    sign_in(phone, base, world.alice_mother.username, world.password)
    phone.goto(base + "/mes-bulletins/")
    expect(phone.get_by_role("heading", name="Alice MARTIN")).to_be_visible()
    a11y(phone, "reportcards-family")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("link", name=re.compile("^Lire")).first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bulletin du 1er trimestre")
    expect(phone.get_by_text(code, exact=True)).to_be_visible()
    a11y(phone, "reportcards-detail")
    wide = phone.evaluate("[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361 || e.scrollWidth > 361).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + '/' + e.scrollWidth).slice(0, 12)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, wide
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    # Anyone checks the code printed on the paper, typed in lower case without the dash.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    anonymous = context.new_page()
    anonymous.goto(base + "/verify/")
    a11y(anonymous, "reportcards-verify-form")
    anonymous.get_by_label("Code imprimé sur le bulletin").fill(card.verification_code.lower())
    anonymous.get_by_role("button", name="Vérifier").click()
    expect(anonymous.get_by_role("heading", name="Bulletin authentique")).to_be_visible()
    expect(anonymous.get_by_text("MARTIN Alice")).to_be_visible()
    expect(anonymous.get_by_text(card.digest)).to_be_visible()
    a11y(anonymous, "reportcards-verify")
    assert anonymous.evaluate("document.documentElement.scrollWidth") <= 360
    anonymous.goto(base + "/verify/ABCDE-12345/")
    expect(anonymous.get_by_text("Aucun bulletin ne porte le code")).to_be_visible()
    context.close()


def test_benin_guardian_reads_the_card_with_its_radar(world, benin, live_server, desktop, phone, a11y):
    from carnet.reportcards import services
    from carnet.testing.factories import SubjectFactory, assign
    from carnet.testing.grades import assessment, mark

    english = assign(world.outsider, benin["class"], SubjectFactory.create(establishment=world.ceg, name="Anglais", short_name="ANG"), coefficient="1")
    test = assessment(english, benin["s1"], title="Devoir", kind="devoir")
    for student, value in zip(benin["students"], ("9.5", "14", "12"), strict=True):
        mark(test, student, value)
    cards = services.publish_for_class(actor=world.outsider, period=benin["s1"], school_class=benin["class"])
    card = next(c for c in cards if c.student_id == world.dossou.pk)
    for page, name in ((desktop, "reportcards-detail-benin"), (phone, "reportcards-detail-benin")):
        sign_in(page, live_server.url, world.dossou_parent.username, world.password)
        page.goto(f"{live_server.url}/bulletins/{card.public_id}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Bulletin du 1er semestre")
        expect(page.get_by_role("heading", name="Profil par matière")).to_be_visible()
        expect(page.locator(".rc-radar svg")).to_be_visible()
        a11y(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_batch_page_follows_a_running_batch(world, france, live_server, desktop, a11y):
    """A batch still queued when the page opens: the page polls every second and shows the end."""
    from carnet.reportcards import services
    from carnet.reportcards.models import ReportCardBatch

    batch = ReportCardBatch.objects.create(
        establishment=world.lycee, period=france["period"], scope="class", school_class=world.seconde_a, created_by=world.teacher_maths,
    )
    sign_in(desktop, live_server.url, world.teacher_maths.username, world.password)
    desktop.goto(f"{live_server.url}/bulletins/lots/{batch.public_id}/")
    expect(desktop.get_by_role("status")).to_have_text("Préparation…")
    a11y(desktop, "reportcards-batch-queued")
    services.run_batch(batch_id=str(batch.public_id))
    expect(desktop.get_by_role("status")).to_have_text("2 bulletins publiés.", timeout=5_000)
    expect(desktop.get_by_role("link", name="Voir les bulletins de la classe")).to_be_visible()
