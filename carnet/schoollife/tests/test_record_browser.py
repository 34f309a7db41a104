"""In Chromium, on a phone (360 px) and a desktop: the CPE finds a student and opens her school-life
record, looks at the conduct suggestions of the class and prepares a letter; a mother opens her
daughter's record. axe-core checks every page; screenshots land in test-results/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from carnet.grades.profiles import profile_for
from carnet.school.models import TeachingAssignment
from carnet.schoollife.services import letters
from carnet.schoollife.tests.helpers import (
    absence,
    exemption,
    incident,
    lateness,
    measure,
    measure_type,
    watch,
)
from carnet.testing.browser import follow_nav, sign_in
from carnet.testing.factories import SubjectFactory, assign
from carnet.testing.timetable import room, session, slot
from carnet.testing.world import build_world
from carnet.timetable.models import SessionChange

pytestmark = pytest.mark.e2e
MONDAY = dt.date(2026, 11, 16)


@pytest.fixture
def e2e_world(transactional_db):
    world = build_world()
    profile = profile_for(world.lycee)
    profile.conduct_enabled = True
    profile.save(update_fields=["conduct_enabled"])
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    english = assign(
        world.teacher_french,
        world.seconde_a,
        SubjectFactory(establishment=world.lycee, name="Anglais", color="#7a4b00"),
    )
    sport = assign(
        world.teacher_french,
        world.seconde_a,
        SubjectFactory(establishment=world.lycee, name="EPS", color="#18603c"),
    )
    rooms = [room(world.lycee, name) for name in ("B12", "C04", "Gymnase")]
    for offset in range(5):
        day = MONDAY + dt.timedelta(days=offset)

        def lesson(assignment, start, end, place, **extra):
            weekly = slot(assignment, weekday=offset, start=start, end=end, room=place)
            return session(assignment, day, start=start, end=end, room=place, slot=weekly, **extra)

        first = lesson(maths, "08:00", "09:00", rooms[0], status="cancelled" if offset == 1 else "scheduled")
        lesson(english, "10:00", "11:00", rooms[1])
        if offset in (2, 4):
            moved = lesson(sport, "14:00", "16:00", rooms[2])
            if offset == 4:
                SessionChange.objects.create(
                    establishment=world.lycee, session=moved, kind="moved", actor=world.cpe
                )
        if offset == 0:
            absence(world.alice, world, on=day, state="unjustified", session=first)
    for day, state, half_days in (
        (dt.date(2026, 9, 22), "justified", 2),
        (dt.date(2026, 10, 6), "unjustified", 2),
        (dt.date(2026, 10, 13), "to_justify", 1),
        (dt.date(2026, 11, 3), "unjustified", 1),
    ):
        absence(world.alice, world, on=day, state=state, half_days=half_days)
    lateness(world.alice, world, on=dt.date(2026, 10, 8), minutes=12)
    lateness(world.alice, world, on=dt.date(2026, 11, 12), minutes=5, state="justified")
    exemption(
        world.alice, world, sport.subject, starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 20)
    )
    retenue = measure_type(world, "Retenue", "punishment", "0.5")
    blame = measure_type(world, "Blâme", "sanction", "2")
    fight = incident(
        world,
        on=dt.date(2026, 10, 20),
        description="Bousculade dans la cour pendant la récréation.",
        parts=[(world.alice, "author"), (world.bruno, "victim")],
    )
    measure(world.alice, world, retenue, on=dt.date(2026, 10, 9), reason="Devoir non rendu deux fois")
    measure(
        world.alice,
        world,
        blame,
        on=dt.date(2026, 10, 21),
        reason="Violence envers un camarade",
        incident=fight,
    )
    watch(world.alice, world)
    letters.create_template(
        actor=world.cpe,
        establishment=world.lycee,
        name="Absences non justifiées",
        subject="Absences de {prenom}",
        body="Madame, Monsieur,\n\nDu {date_debut} au {date_fin}, {prenom} a manqué {demi_journees} demi-journées, "
        "dont {demi_journees_non_justifiees} sans justificatif.\n{resume}\n\nLa vie scolaire",
    )
    return world


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_cpe_opens_a_record_and_the_conduct_page_and_prepares_a_letter(
    e2e_world, live_server, request, a11y, device
):
    page = request.getfixturevalue(device)
    w = e2e_world
    sign_in(page, live_server.url, w.cpe.username, w.password)
    page.goto(f"{live_server.url}/vie-scolaire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers des élèves")
    a11y(page, "schoollife students list")
    page.get_by_label("Nom ou prénom").fill("alice")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name="MARTIN Alice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MARTIN Alice")
    expect(page.get_by_text("Sur la liste de suivi de la vie scolaire")).to_be_visible()
    expect(page.get_by_role("heading", name="Cette semaine")).to_be_visible()
    a11y(page, "schoollife record staff")
    page.get_by_role("link", name="Valider avec la classe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2nde A")
    a11y(page, "schoollife conduct class")
    page.get_by_role("button", name="Valider (MARTIN Alice)").click()
    expect(page.get_by_text("Note de conduite de MARTIN Alice validée")).to_be_visible()
    page.goto(f"{live_server.url}/vie-scolaire/courriers/nouveau/")
    page.get_by_label("Une classe").check()
    page.get_by_label("Classe", exact=True).select_option(label="2nde A")
    page.get_by_role("button", name="Voir les lettres avant l’envoi").click()
    expect(page.get_by_role("heading", name="Familles injoignables par ce canal")).to_be_visible()
    a11y(page, "schoollife mailing preview")
    page.get_by_role("button", name="Envoyer les 2 lettres").click()
    expect(page.get_by_text("2 courriers confiés à l'envoi")).to_be_visible()
    a11y(page, "schoollife mailing sent")
    page.goto(f"{live_server.url}/vie-scolaire/courriers/")
    a11y(page, "schoollife mailings")
    page.get_by_role("link", name="Nouveau modèle").click()
    page.get_by_label("Nom du modèle").fill("Convocation")
    page.get_by_label("Objet").fill("Convocation de {prenom}")
    page.get_by_label("Texte de la lettre").fill("Bonjour {parent},")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.get_by_text("Champ inconnu : {parent}.")).to_be_visible()
    a11y(page, "schoollife template form error")
    page.goto(f"{live_server.url}/vie-scolaire/conduite/")
    a11y(page, "schoollife conduct home")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_mother_opens_her_daughters_record(e2e_world, live_server, request, a11y, device):
    page = request.getfixturevalue(device)
    w = e2e_world
    sign_in(page, live_server.url, w.alice_mother.username, w.password)
    follow_nav(page, "Vie scolaire")
    expect(page.get_by_role("heading", level=1)).to_have_text("MARTIN Alice")
    expect(page.get_by_role("heading", name="Absences par mois")).to_be_visible()
    expect(page.get_by_text("Bousculade")).to_have_count(0)
    a11y(page, "schoollife record guardian")
