"""The absences pages in Chromium at 360 px: a guardian reads how an absence is counted and
declares it with a photo; the CPE finds the declaration, accepts it, regularises a lateness, looks
at the watch list, the statistics and the settings. axe-core checks every page (no serious or
critical violation); screenshots land in test-results/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from carnet.attendance.models import AbsenceDeclaration
from carnet.attendance.services import alerts
from carnet.attendance.tests.absences_helpers import PNG, absence, lateness
from carnet.testing.browser import sign_in
from carnet.testing.world import build_world

pytestmark = pytest.mark.e2e
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def e2e_world(transactional_db):
    world = build_world()
    absence(world.alice, world.lycee, MONDAY, "08:00", "16:00", half_days=2)
    for day in (MONDAY - dt.timedelta(days=7), MONDAY - dt.timedelta(days=6)):
        absence(world.bruno, world.lycee, day, "08:00", "17:00", half_days=2)
    lateness(world.bruno, world.lycee, MONDAY, "08:12", 12)
    alerts.evaluate(world.lycee, today=MONDAY)
    return world


def test_a_guardian_declares_and_the_cpe_accepts(e2e_world, live_server, phone, a11y, tmp_path):
    w = e2e_world
    page = phone
    sign_in(page, live_server.url, w.alice_mother.username, w.password)
    page.goto(f"{live_server.url}/absences/?child={w.alice.public_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Absences et retards · Alice")
    expect(
        page.get_by_text("lundi 23 novembre matin et lundi 23 novembre après-midi = 2 demi-journées")
    ).to_be_visible()
    a11y(page, "absences-famille")
    page.get_by_role("link", name=re.compile("^Justifier")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclarer une absence · Alice")
    a11y(page, "absences-declarer")
    page.get_by_label("Motif").select_option(label="Maladie")
    page.get_by_label("Message à la vie scolaire").fill("Fièvre, certificat joint.")
    photo = tmp_path / "certificat.png"
    photo.write_bytes(PNG)
    page.get_by_label("Justificatif (facultatif)").set_input_files(str(photo))
    page.get_by_role("button", name="Envoyer la déclaration").click()
    expect(page.get_by_text("Absence déclarée.")).to_be_visible()
    declaration = AbsenceDeclaration.objects.get()
    assert declaration.document_type == "image/png" and declaration.status == "pending"

    page.context.clear_cookies()
    sign_in(page, live_server.url, w.cpe.username, w.password)
    page.goto(f"{live_server.url}/vie-scolaire/absences/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Absences et retards")
    a11y(page, "absences-a-regulariser")
    page.get_by_role("link", name=re.compile("Déclarations")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclarations des parents à traiter")
    a11y(page, "absences-declarations")
    page.get_by_role("link", name="MARTIN Alice").click()
    a11y(page, "absences-declaration")
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text(re.compile("Déclaration acceptée"))).to_be_visible()
    declaration.refresh_from_db()
    assert declaration.status == "accepted" and declaration.absences.get().state == "justified"

    page.goto(f"{live_server.url}/vie-scolaire/absences/?type=retards")
    page.get_by_role("link", name="FRANÇAIS Bruno").click()
    a11y(page, "absences-retard")
    page.get_by_label("Non justifiée").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Retard régularisé.")).to_be_visible()

    page.goto(f"{live_server.url}/vie-scolaire/eleves-a-suivre/")
    expect(page.get_by_text("4 demi-journées non justifiées en 30 jours (seuil 4)")).to_be_visible()
    a11y(page, "absences-eleves-a-suivre")
    page.goto(f"{live_server.url}/vie-scolaire/statistiques/")
    expect(page.get_by_role("heading", name="Par classe")).to_be_visible()
    a11y(page, "absences-statistiques")
    page.goto(f"{live_server.url}/vie-scolaire/reglages/")
    expect(page.get_by_role("heading", name="Motifs d'absence")).to_be_visible()
    a11y(page, "absences-reglages")
