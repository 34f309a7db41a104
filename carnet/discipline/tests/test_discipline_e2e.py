"""Discipline in Chromium at 360 px, every page checked with axe-core: a teacher reports an incident
by picking students by keyboard from the list, punishes the author from the incident; the CPE
follows it up; the head sets what families see; the guardian reads it without other names."""

from __future__ import annotations

import pytest

from carnet.discipline.models import Incident, Measure
from carnet.testing.browser import sign_in
from carnet.testing.world import build_world


@pytest.fixture
def e2e_world(transactional_db):
    return build_world()


def sign_out(page) -> None:
    page.context.clear_cookies()


@pytest.mark.e2e
def test_an_incident_and_its_punishment_on_a_phone(e2e_world, live_server, phone, a11y):
    w = e2e_world
    base = live_server.url
    sign_in(phone, base, w.teacher_maths.username, w.password)

    phone.goto(base + "/discipline/")
    phone.get_by_role("heading", name="Discipline").wait_for()
    a11y(phone, "discipline-incidents-empty")

    phone.get_by_role("link", name="Signaler un incident").click()
    phone.get_by_label("Lieu").fill("Salle B12")
    phone.get_by_label("Gravité").select_option("2")
    phone.get_by_label("Ce qui s'est passé").fill("Une trousse lancée à travers la salle.")
    phone.get_by_label("Élève 1", exact=True).fill("MARTIN Alice — 2nde A")
    phone.get_by_label("Élève 2", exact=True).fill("DURAND Chloé — 2nde B")
    phone.get_by_label("Rôle de l'élève 2").select_option("victim")
    a11y(phone, "discipline-incident-form")
    phone.get_by_role("button", name="Enregistrer l'incident").click()
    phone.get_by_text("Incident enregistré.").wait_for()
    a11y(phone, "discipline-incident")
    incident = Incident.objects.get()
    assert incident.participants.count() == 2

    phone.get_by_role("link", name="Décider une mesure — MARTIN Alice").click()
    phone.get_by_label("Punition ou sanction").select_option(label="Retenue")
    phone.get_by_label("Motif").fill("A lancé une trousse en classe.")
    a11y(phone, "discipline-measure-form")
    phone.get_by_role("button", name="Enregistrer la mesure").click()
    phone.get_by_text("Mesure enregistrée : Retenue pour MARTIN Alice.").wait_for()
    a11y(phone, "discipline-measure")
    assert Measure.objects.get().incident == incident

    sign_out(phone)
    sign_in(phone, base, w.cpe.username, w.password)
    phone.goto(base + "/discipline/mesures/")
    a11y(phone, "discipline-measures")
    phone.get_by_role("link", name="Retenue").click()
    phone.get_by_label("Suivi", exact=True).select_option("done")
    phone.get_by_role("button", name="Enregistrer").click()
    phone.get_by_text("Suivi enregistré.").wait_for()
    phone.goto(base + "/discipline/catalogue/")
    a11y(phone, "discipline-catalogue")
    phone.goto(base + "/discipline/reglages/")
    phone.get_by_label("Les mesures et les incidents qui les motivent").check()
    phone.get_by_role("button", name="Enregistrer les réglages").click()
    phone.get_by_text("Réglages enregistrés.").wait_for()
    a11y(phone, "discipline-settings")
    phone.goto(base + f"/discipline/eleves/{w.alice.public_id}/")
    a11y(phone, "discipline-student")

    sign_out(phone)
    sign_in(phone, base, w.alice_mother.username, w.password)
    phone.goto(base + f"/discipline/famille/?child={w.alice.public_id}")
    phone.get_by_text("Une trousse lancée à travers la salle.").wait_for()
    assert "DURAND" not in phone.content()
    a11y(phone, "discipline-family")
