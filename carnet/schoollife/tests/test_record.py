"""The student's school-life record: who opens it (the trio on the page and the API), what each
viewer sees (discipline per the establishment's settings, never another student's name), the week
with its changed sessions, the counts and chart, the staff list, and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from carnet.discipline.models import DisciplineSettings
from carnet.school.models import TeachingAssignment
from carnet.schoollife.tests.helpers import (
    absence,
    exemption,
    incident,
    lateness,
    measure,
    measure_type,
    watch,
)
from carnet.testing.factories import UserFactory, enroll, guard
from carnet.testing.timetable import room, session
from carnet.timetable.models import SessionChange

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 16)
API = "/api/v1/schoollife"


def record_url(student, **query):
    url = reverse("schoollife:record", args=[student.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def record(world):
    """Alice's record: a week of lessons (one cancelled, one moved), absences, lateness, an
    exemption, a punishment and a sanction (the sanction from an incident with Bruno), a watch entry."""
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    b12 = room(world.lycee, "B12")
    monday = session(maths, MONDAY, start="08:00", end="09:00", room=b12)
    session(maths, MONDAY + dt.timedelta(days=1), start="10:00", end="11:00", room=b12, status="cancelled")
    moved = session(maths, MONDAY + dt.timedelta(days=3), start="14:00", end="15:00")
    SessionChange.objects.create(
        establishment=world.lycee, session=moved, kind=SessionChange.Kind.MOVED, actor=world.cpe
    )
    absence(world.alice, world, on=MONDAY, state="unjustified", session=monday)
    absence(world.alice, world, on=dt.date(2026, 10, 6), half_days=2, state="justified")
    absence(world.alice, world, on=dt.date(2026, 9, 15), state="to_justify")
    lateness(world.alice, world, on=dt.date(2026, 10, 8), minutes=12)
    exemption(world.alice, world, world.maths, starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 20))
    retenue = measure_type(world, "Retenue", "punishment", "0.5")
    blame = measure_type(world, "Blâme", "sanction", "2")
    fight = incident(
        world,
        on=dt.date(2026, 10, 20),
        description="Bousculade dans la cour.",
        parts=[(world.alice, "author"), (world.bruno, "victim")],
    )
    measure(world.alice, world, retenue, on=dt.date(2026, 10, 9), reason="Devoir non rendu")
    measure(
        world.alice,
        world,
        blame,
        on=dt.date(2026, 10, 21),
        reason="Violence envers un camarade",
        incident=fight,
    )
    watch(world.alice, world)
    return {"monday": monday, "moved": moved}


# --- who opens it --------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["cpe", "head", "teacher_maths", "alice", "alice_mother"])
def test_allowed_people_open_alices_record(world, login, record, who):
    response = login(getattr(world, who)).get(record_url(world.alice))
    assert response.status_code == 200
    html = response.content.decode()
    assert "MARTIN Alice" in html and "2nde A" in html and "123456789AA" in html


@pytest.mark.parametrize(
    "who", ["teacher_french", "secretary", "chloe_father", "bruno", "chloe", "outsider", "dossou_parent"]
)
def test_others_get_404(world, login, record, who):
    client = login(getattr(world, who))
    assert client.get(record_url(world.alice)).status_code == 404
    assert client.get(f"{API}/students/{world.alice.public_id}/record").status_code == 404


def test_a_guardian_switches_between_her_children_only(world, login, record):
    client = login(world.alice_mother)
    html = client.get(record_url(world.chloe)).content.decode()
    assert "DURAND Chloé" in html
    assert record_url(world.alice) in html  # the child switcher
    assert client.get(record_url(world.bruno)).status_code == 404


def test_a_parent_who_teaches_sees_her_child_as_a_parent(world, login, record):
    # Fanny Français teaches 2nde B (not Bruno's class) and is Bruno's mother.
    client = login(world.teacher_french)
    assert client.get(record_url(world.bruno)).status_code == 200
    assert client.get(record_url(world.chloe)).status_code == 404  # taught, but not her main class


def test_the_home_page_takes_families_to_their_record_and_others_to_404(world, login):
    assert login(world.alice).get(reverse("schoollife:home")).url == record_url(world.alice)
    assert login(world.chloe_father).get(reverse("schoollife:home")).url == record_url(world.chloe)
    assert login(world.outsider).get(reverse("schoollife:home")).status_code == 404
    assert login(world.secretary).get(reverse("schoollife:home")).status_code == 404


# --- what each one sees --------------------------------------------------------------------------
def test_staff_see_everything_but_the_other_students_names(world, login, record):
    html = login(world.cpe).get(record_url(world.alice)).content.decode()
    for text in (
        "Retenue",
        "Blâme",
        "Devoir non rendu",
        "Violence envers un camarade",
        "Bousculade dans la cour.",
        "Auteur",
        "Sur la liste de suivi",
        "4 demi-journées non justifiées en 30 jours",
        "Note de conduite suggérée",
        "Écrire à la famille",
    ):
        assert text in html, text
    assert "Bruno" not in html


def test_main_teacher_sees_measures_without_reasons_incidents_or_watch_list(world, login, record):
    html = login(world.teacher_maths).get(record_url(world.alice)).content.decode()
    assert "Retenue" in html and "Blâme" in html
    for hidden in (
        "Devoir non rendu",
        "Violence envers",
        "Bousculade",
        "liste de suivi",
        "Note de conduite suggérée",
        "Bruno",
    ):
        assert hidden not in html, hidden


@pytest.mark.parametrize(
    ("setting", "shown", "hidden"),
    [
        ("nothing", [], ["Retenue", "Blâme", "Bousculade"]),
        ("sanctions", ["Blâme", "Violence envers un camarade"], ["Retenue", "Bousculade"]),
        ("measures", ["Retenue", "Devoir non rendu", "Blâme"], ["Bousculade"]),
        ("all", ["Retenue", "Blâme", "Bousculade dans la cour.", "Auteur"], []),
    ],
)
def test_guardians_see_what_the_establishment_says(world, login, record, setting, shown, hidden):
    DisciplineSettings.objects.create(establishment=world.lycee, guardians_see=setting)
    html = login(world.alice_mother).get(record_url(world.alice)).content.decode()
    for text in shown:
        assert text in html, text
    for text in [*hidden, "Bruno", "liste de suivi", "Note de conduite suggérée"]:
        assert text not in html, text


def test_students_see_their_measures_only_when_allowed(world, login, record):
    assert "Retenue" in login(world.alice).get(record_url(world.alice)).content.decode()
    DisciplineSettings.objects.create(establishment=world.lycee, students_see=False)
    html = login(world.alice).get(record_url(world.alice)).content.decode()
    assert "Retenue" not in html and "Blâme" not in html and "Discipline" not in html


def test_week_counts_and_chart(world, login, record):
    html = login(world.alice).get(record_url(world.alice)).content.decode()
    assert "Cette semaine" in html and "Annulée" in html and "Déplacée" in html and "Salle B12" in html
    assert "Absence" in html and "dispense, présence en cours requise" in html
    # counts: 1 unjustified, 1 to justify, 2 justified half-days; one lateness
    assert 'stat-value">1</span><span class="stat-label">demi-journées non justifiées' in html
    assert 'stat-value">2</span><span class="stat-label">demi-journées justifiées' in html
    assert "Demi-journées d&#x27;absence par mois" in html and "<svg" in html
    assert "sept. : 1; oct. : 2; nov. : 1" in html


def test_another_week_and_a_bad_week(world, login, record):
    client = login(world.alice)
    html = client.get(record_url(world.alice, semaine="2026-11-23")).content.decode()
    assert "Semaine du 23 novembre" in html and "Aucun cours cette semaine" in html
    assert client.get(record_url(world.alice, semaine="lundi")).status_code == 404


def test_empty_record(world, login):
    html = login(world.chloe_father).get(record_url(world.chloe)).content.decode()
    assert "Aucune absence" in html and "Aucun retard" in html and "Aucune dispense" in html


def test_record_query_count_is_constant(world, login, record, django_assert_max_num_queries):
    client = login(world.cpe)
    client.get(record_url(world.alice))
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    retenue = measure_type(world, "Devoir supplémentaire", "punishment", "0.25")
    for n in range(8):
        day = dt.date(2026, 9, 7) + dt.timedelta(days=n * 7)
        absence(world.alice, world, on=day, state="unjustified")
        lateness(world.alice, world, on=day + dt.timedelta(days=1))
        measure(world.alice, world, retenue, on=day)
        session(maths, MONDAY + dt.timedelta(days=n % 5), start=f"{10 + n % 5}:00", end=f"{11 + n % 5}:00")
    with django_assert_max_num_queries(26):
        response = client.get(record_url(world.alice))
    assert response.status_code == 200


# --- the staff list ------------------------------------------------------------------------------
def test_staff_list_searches_by_name_and_class(world, login, record):
    client = login(world.cpe)
    html = client.get(reverse("schoollife:home")).content.decode()
    assert "MARTIN Alice" in html and "DURAND Chloé" in html and "À suivre" in html
    html = client.get(reverse("schoollife:home"), {"q": "chlo"}).content.decode()
    assert "DURAND Chloé" in html and "MARTIN Alice" not in html
    html = client.get(reverse("schoollife:home"), {"classe": str(world.seconde_a.public_id)}).content.decode()
    assert "MARTIN Alice" in html and "DURAND Chloé" not in html
    html = client.get(reverse("schoollife:home"), {"suivi": "on"}).content.decode()
    assert "MARTIN Alice" in html and "FRANÇAIS Bruno" not in html


def test_main_teacher_lists_only_his_class(world, login, record):
    html = login(world.teacher_maths).get(reverse("schoollife:home")).content.decode()
    assert "MARTIN Alice" in html and "DURAND Chloé" not in html
    assert "Courriers aux familles" not in html


def test_staff_list_query_count_is_constant(world, login, django_assert_max_num_queries):
    client = login(world.cpe)
    client.get(reverse("schoollife:home"))
    for n in range(20):
        student = UserFactory(first_name=f"Élève{n}", last_name="Liste")
        enroll(student, world.seconde_b)
        guard(world.chloe_father, student, world.lycee)
        absence(student, world, on=dt.date(2026, 10, 1), state="unjustified")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("schoollife:home"))
    assert response.content.decode().count("Élève") >= 20


def test_navigation_entry(world, login):
    assert "Vie scolaire" in login(world.cpe).get(reverse("schoollife:home")).content.decode()
    html = login(world.alice).get(record_url(world.alice)).content.decode()
    assert f'href="{reverse("schoollife:home")}" aria-current="page"' in html


# --- the API -------------------------------------------------------------------------------------
def test_api_record_for_staff_and_family(world, login, record):
    body = login(world.cpe).get(f"{API}/students/{world.alice.public_id}/record").json()
    assert body["student"]["school_class"] == "2nde A"
    assert (
        body["counts"]["unjustified"] == 1
        and body["counts"]["justified"] == 2
        and body["counts"]["lateness"] == 1
    )
    assert {s["status"] for s in body["sessions"]} == {"scheduled", "cancelled"}
    assert any(s["moved"] for s in body["sessions"]) and any(s["absent"] for s in body["sessions"])
    assert body["watch"] and body["conduct"]["value"] == "14.75"
    assert {m["name"] for m in body["measures"]} == {"Retenue", "Blâme"}
    assert body["incidents"][0]["role"] == "author" and "Bruno" not in str(body)
    family = login(world.alice_mother).get(f"{API}/students/{world.alice.public_id}/record").json()
    assert family["watch"] == [] and family["conduct"] is None and family["incidents"] == []
    teacher = login(world.teacher_maths).get(f"{API}/students/{world.alice.public_id}/record").json()
    assert all(m["reason"] is None for m in teacher["measures"])


def test_api_students_list(world, login, record):
    body = login(world.cpe).get(f"{API}/students", {"q": "alice"}).json()
    assert (
        body["count"] == 1
        and body["items"][0]["unjustified_half_days"] == 1
        and body["items"][0]["watched"] is True
    )
    assert login(world.outsider).get(f"{API}/students").json() == {"items": [], "count": 0}
    assert login(world.alice_mother).get(f"{API}/students").json()["count"] == 0


def test_api_is_in_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/schoollife/students/{student_id}/record",
        "/api/v1/schoollife/conduct/{class_id}/{period_id}",
        "/api/v1/schoollife/mailings/{mailing_id}/send",
        "/api/v1/schoollife/templates",
    ):
        assert path in schema["paths"], path
