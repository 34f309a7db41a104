"""The journeys the foundation promises, in Chromium, with axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from carnet.testing.browser import sign_in
from carnet.testing.world import build_world

NEW_PASSWORD = "lampe-bleue-du-salon-42"


@pytest.fixture
def e2e_world(transactional_db):
    return build_world()


def test_guardian_activates_with_a_code_and_sees_their_child(e2e_world, live_server, desktop, phone, a11y):
    w = e2e_world
    w.chloe_father.set_unusable_password()
    w.chloe_father.save(update_fields=["password"])

    # The secretary prints the guardians' sheet of 2nde B.
    sign_in(desktop, live_server.url, w.secretary.username, w.password)
    desktop.goto(live_server.url + "/etablissement/fiches-activation/")
    a11y(desktop, "activation-sheets-form")
    desktop.get_by_label("Classe").select_option(label="2nde B")
    desktop.get_by_label("Les responsables seulement").check()
    desktop.get_by_role("button", name="Créer les codes et afficher les fiches").click()
    slip = desktop.locator("article.slip", has_text="DURAND Charles")
    expect(slip).to_be_visible()
    a11y(desktop, "activation-sheets-printed")
    code = slip.locator(".slip-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    # The father activates his account on his phone.
    phone.goto(live_server.url + "/")
    expect(phone).to_have_url(re.compile(r"/compte/connexion/"))
    a11y(phone, "login")
    phone.get_by_role("link", name=re.compile("Première connexion")).click()
    a11y(phone, "activation")
    phone.get_by_label("Identifiant").fill(w.chloe_father.username)
    phone.get_by_label("Code d'activation").fill(code.lower().replace("-", " "))
    phone.get_by_role("button", name=re.compile("Continuer|Activer|Valider")).click()
    expect(phone).to_have_url(re.compile(r"/compte/nouveau-mot-de-passe/"))
    a11y(phone, "choose-password")
    phone.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label(re.compile("Confirm")).fill(NEW_PASSWORD)
    phone.get_by_role("button", name=re.compile("Enregistrer|Valider|Choisir|Activer")).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Bonjour Charles")
    expect(phone.get_by_text("Chloé DURAND").first).to_be_visible()
    a11y(phone, "guardian-home")

    # The code served once: it no longer opens the account.
    w.chloe_father.refresh_from_db()
    assert w.chloe_father.check_password(NEW_PASSWORD)


def test_teacher_signs_in_on_a_phone(e2e_world, live_server, phone, a11y):
    w = e2e_world
    phone.goto(live_server.url + "/")
    sign_in(phone, live_server.url, w.teacher_maths.username, w.password)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Bonjour Marc")
    expect(phone.get_by_text("2nde A").first).to_be_visible()
    a11y(phone, "teacher-home")
    # Nothing overflows the 360 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # The navigation is reachable by keyboard.
    phone.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Annuaire").focus()
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"/annuaire/"))
    a11y(phone, "directory")


def test_the_head_reads_and_edits_the_year_calendar(e2e_world, live_server, desktop, phone, a11y):
    w = e2e_world
    sign_in(desktop, live_server.url, w.head.username, w.password)
    desktop.goto(live_server.url + "/etablissement/annee/")
    expect(desktop.get_by_role("heading", level=1)).to_be_visible()
    expect(desktop.get_by_text("Trimestre 2").first).to_be_visible()
    a11y(desktop, "calendar")
    sign_in(phone, live_server.url, w.cpe.username, w.password)
    phone.goto(live_server.url + "/etablissement/annee/")
    expect(phone.get_by_text("Trimestre 1").first).to_be_visible()
    a11y(phone, "calendar-read-only")
