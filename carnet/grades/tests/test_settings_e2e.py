"""The settings and exports pages in Chromium at 360 px, checked with axe-core."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carnet.grades.models import CustomAssessmentKind, SubjectCoefficient
from carnet.school.models import Level
from carnet.testing.browser import sign_in
from carnet.testing.world import build_world


@pytest.fixture
def e2e_world(transactional_db):
    return build_world()


@pytest.mark.e2e
def test_the_head_sets_the_rules_and_exports_on_a_phone(e2e_world, live_server, phone, a11y):
    w = e2e_world
    level = Level.objects.get(establishment=w.lycee, name="Seconde")
    SubjectCoefficient.objects.create(establishment=w.lycee, school_year=w.year, level=level, subject=w.maths, coefficient=Decimal("4"))
    CustomAssessmentKind.objects.create(establishment=w.lycee, name="Exposé", role="interrogation")
    sign_in(phone, live_server.url, w.head.username, w.password)

    phone.goto(live_server.url + "/notes/reglages/")
    phone.get_by_label("Calculer les rangs").check()
    phone.get_by_role("button", name="Enregistrer les réglages").click()
    phone.get_by_text("Réglages enregistrés.").wait_for()
    a11y(phone, "grades-settings")

    phone.get_by_role("link", name="Exporter les moyennes").click()
    phone.get_by_role("heading", name="Exporter les moyennes").wait_for()
    a11y(phone, "grades-exports")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Télécharger").click()
    assert download.value.suggested_filename == "moyennes-2nde-a-trimestre-1.csv"
