"""A guardian follows her daughter's marks in Chromium, on a phone and on a desktop: the marks page
with the class statistics and the charts, the explanation of an average and the what-if. axe-core
checks every page; screenshots land in test-results/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g
from carnet.testing.browser import sign_in
from carnet.testing.factories import SubjectFactory, assign
from carnet.testing.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_world(transactional_db):
    world = build_world()
    t1 = world.periods[0]
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    subjects = [(maths, None)]
    for name, short, coef in (("Français", None, "4"), ("Histoire-géographie", "HIST-GÉO", "3"),
                              ("Anglais LV1", "ANGLAIS", "2"), ("Physique-chimie", "PHYS-CHIM", "3")):
        subject = world.french if name == "Français" else SubjectFactory.create(establishment=world.lycee, name=name, short_name=short)
        subjects.append((assign(world.teacher_french, world.seconde_a, subject, coefficient=coef), None))
    alice_marks = [("12", "8.5", "15"), ("14", "11", "13.5"), ("9", "12", "10"), ("16", "17.5", "15"), ("11", "7", "13")]
    bruno_marks = [("8", "10", "11"), ("10", "9", "12"), ("13", "11", "9.5"), ("12", "14", "10"), ("9", "10", "8")]
    for (assignment, _unused), alice, bruno in zip(subjects, alice_marks, bruno_marks, strict=True):
        for n in range(3):
            a = g.assessment(
                assignment, t1, title=f"Devoir {n + 1}" if n != 1 else "Interrogation écrite",
                kind="interrogation" if n == 1 else "devoir", coefficient="2" if n == 2 else "1",
                held_on=dt.date(2026, 9, 20) + dt.timedelta(days=21 * n + 3 * subjects.index((assignment, _unused))),
            )
            g.mark(a, world.alice, alice[n], comment="Très bonne progression" if (n == 2 and assignment == maths) else "")
            g.mark(a, world.bruno, bruno[n])
    return world


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_guardian_reads_marks_explanation_and_what_if(e2e_world, live_server, request, a11y, device):
    page = request.getfixturevalue(device)
    w = e2e_world
    sign_in(page, live_server.url, w.alice_mother.username, w.password)
    page.goto(f"{live_server.url}/notes/?child={w.alice.public_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notes d’Alice")
    maths = page.locator("section.subject-card", has=page.get_by_role("heading", name="Mathématiques"))
    expect(maths.get_by_text("Très bonne progression")).to_be_visible()
    expect(maths.get_by_text(re.compile(r"Classe : moyenne"))).to_be_visible()
    expect(page.locator("svg.chart-radar")).to_be_visible()
    expect(page.get_by_role("link", name="Chloé")).to_be_visible()  # the switcher
    a11y(page, f"family-marks-{device}")
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    maths.get_by_role("link", name=re.compile("Comment est calculée cette moyenne")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moyenne de Mathématiques")
    steps = page.locator("ol.steps li")
    expect(steps.last).to_contain_text("Moyenne = ")
    expect(page.get_by_text("Une note manquante n'est pas comptée.")).to_be_visible()

    page.get_by_label("Note", exact=True).fill("18")
    page.get_by_label("Type d’évaluation").select_option("devoir")
    page.get_by_role("button", name="Calculer").click()
    result = page.locator("#what-if-result")
    expect(result.get_by_text("Avec 18 sur 20 :")).to_be_visible()
    expect(result.locator(".badge-success").first).to_be_visible()
    assert "/notes/explication/" in page.url and "note=" not in page.url  # htmx: the page stayed
    a11y(page, f"family-explain-{device}")
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Retour aux notes").click()
    page.get_by_role("link", name=re.compile("Comment est calculée la moyenne générale")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moyenne générale")
    a11y(page, f"family-explain-general-{device}")
