"""The teacher's marks pages: my teaching, the grid and its endpoints (cell, column, dialog).

Every page and POST gets the permission trio: the teacher of the assignment is allowed; a colleague
who does not teach the subject to the class, an outsider, a student and a guardian get 404 and
change nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from carnet.audit.models import AuditEvent
from carnet.grades.models import ClassCouncil, Mark
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g

NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


@pytest.fixture
def t1(world):
    return world.periods[0]


@pytest.fixture
def controle(maths_a, t1):
    return g.assessment(maths_a, t1, title="Contrôle 1")


def grid_url(assignment, period, name="grades:grid"):
    return reverse(name, args=[assignment.public_id, period.public_id])


def post_cell(client, assignment, period, assessment, student, text, version=""):
    return client.post(
        grid_url(assignment, period, "grades:grid_cell"),
        {"assessment": str(assessment.public_id), "student": str(student.public_id), "text": text, "version": version},
    )


def post_column(client, assignment, period, assessment, entries):
    body = {
        "assessment": str(assessment.public_id),
        "entries": [{"student": str(s.public_id), "text": t, "version": v} for s, t, v in entries],
    }
    return client.post(
        grid_url(assignment, period, "grades:grid_column"), data=json.dumps(body), content_type="application/json"
    )


REFUSED = ("teacher_french", "outsider", "alice", "alice_mother")


# --- my teaching ------------------------------------------------------------------------------------
def test_teacher_home_lists_my_classes_with_the_current_period(world, login, maths_a, t1, controle):
    g.mark(controle, world.alice, "12")
    response = login(world.teacher_maths).get(reverse("grades:teacher_home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2nde A" in page and "2nde B" in page
    assert "Trimestre 1" in page
    assert grid_url(maths_a, t1) in page
    assert "1 note à saisir" in page  # bruno's mark in Contrôle 1


def test_teacher_home_period_switcher(world, login, maths_a):
    t2 = world.periods[1]
    response = login(world.teacher_maths).get(reverse("grades:teacher_home"), {"period": str(t2.public_id)})
    assert grid_url(maths_a, t2) in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "alice_mother", "cpe"])
def test_teacher_home_is_not_for_non_teachers(world, login, who):
    assert login(getattr(world, who)).get(reverse("grades:teacher_home")).status_code == 404


def test_navigation_and_home_widget_for_teachers(world, login, maths_a, controle):
    client = login(world.teacher_maths)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("grades:teacher_home") in home
    assert "Saisie des notes" in home and "Contrôle 1" in home and "2 notes manquantes" in home
    parent_home = login(world.alice_mother).get(reverse("portal:home")).content.decode()
    assert reverse("grades:teacher_home") not in parent_home


# --- the grid page ------------------------------------------------------------------------------------
def test_grid_shows_students_assessments_marks_average_and_stats(world, login, maths_a, t1, controle):
    second = g.assessment(maths_a, t1, title="Devoir 2", scale="10", coefficient="2", held_on=dt.date(2026, 10, 20))
    g.mark(controle, world.alice, "12.5", comment="Bien")
    g.mark(controle, world.bruno, "absent")
    g.mark(second, world.alice, "5")
    response = login(world.teacher_maths).get(grid_url(maths_a, t1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "MARTIN <span class=\"grid-first\">Alice</span>" in page
    assert 'value="12,5"' in page and 'value="Abs"' in page
    assert "/10" in page and "coef 2" in page
    # Alice: (12.5 × 1 + 10 × 2) / 3 = 10.83
    assert "10,83" in page
    assert 'inputmode="text"' in page and 'enterkeyhint="next"' in page and 'autocomplete="off"' in page
    assert "readonly" in page  # without JavaScript, read-only
    assert 'data-stat="count">1/2' in page


@pytest.mark.parametrize("who", REFUSED)
def test_grid_is_404_for_others(world, login, maths_a, t1, controle, who):
    assert login(getattr(world, who)).get(grid_url(maths_a, t1)).status_code == 404


def test_grid_of_a_period_of_another_year_is_404(world, login, maths_a):
    from carnet.school.models import Period

    other = Period.objects.create(
        establishment=world.ceg, school_year=world.ceg_year, kind="semester", number=1, name="Semestre 1",
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2027, 2, 28),
    )
    assert login(world.teacher_maths).get(grid_url(maths_a, other)).status_code == 404


def test_locked_period_makes_the_grid_read_only(world, login, maths_a, t1, controle):
    ClassCouncil.objects.create(establishment=world.lycee, period=t1, school_class=world.seconde_a, status="closed")
    client = login(world.teacher_maths)
    page = client.get(grid_url(maths_a, t1)).content.decode()
    assert "Période verrouillée" in page
    assert 'data-locked="true"' in page
    assert "Nouvelle évaluation" not in page
    response = post_cell(client, maths_a, t1, controle, world.alice, "12")
    assert response.status_code == 409
    assert response.json()["code"] == "period_locked"
    assert not Mark.objects.filter(assessment=controle).exists()


# --- one cell ---------------------------------------------------------------------------------------
def test_saving_a_cell_returns_text_version_average_and_stats(world, login, maths_a, t1, controle):
    client = login(world.teacher_maths)
    response = post_cell(client, maths_a, t1, controle, world.alice, "12,5")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["text"] == "12,5" and body["version"] == 1
    assert body["average"] == "12,5"
    assert body["stats"] == {"mean": "12,5", "min": "12,5", "max": "12,5", "count": 1}
    mark = Mark.objects.get(assessment=controle, student=world.alice)
    assert mark.value == Decimal("12.50")

    body = post_cell(client, maths_a, t1, controle, world.alice, "ABS", version="1").json()
    assert body["text"] == "Abs" and body["version"] == 2 and body["average"] == ""
    assert AuditEvent.objects.filter(action="grades.mark_changed").count() == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("23", "La note 23 dépasse le barème (sur 20)."),
        ("douze", "« douze » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr."),
        ("-3", "Une note ne peut pas être négative"),
        ("12,555", "trop de décimales"),
    ],
)
def test_a_bad_cell_gets_a_french_message_and_nothing_is_saved(world, login, maths_a, t1, controle, text, message):
    response = post_cell(login(world.teacher_maths), maths_a, t1, controle, world.alice, text)
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False and body["code"] == "validation_failed"
    assert message in body["message"]
    assert not Mark.objects.filter(assessment=controle).exists()


def test_a_conflict_names_who_changed_the_mark_and_overwrites_nothing(world, login, maths_a, t1, controle):
    g.mark(controle, world.alice, "14")  # entered by Marc Maths from another tab
    response = post_cell(login(world.teacher_maths), maths_a, t1, controle, world.alice, "9", version="")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "mark_conflict"
    assert body["current"]["text"] == "14"
    assert body["current"]["version"] == 1
    assert body["current"]["by"] == "MATHS Marc"
    assert body["current"]["at"] == "11:00"  # Paris time
    assert Mark.objects.get(assessment=controle, student=world.alice).value == Decimal("14")
    # "Garder la mienne": the page sends again with the version it was told.
    again = post_cell(login(world.teacher_maths), maths_a, t1, controle, world.alice, "9", version="1")
    assert again.status_code == 200 and again.json()["version"] == 2


@pytest.mark.parametrize("who", REFUSED)
def test_saving_a_cell_is_404_for_others_and_changes_nothing(world, login, maths_a, t1, controle, who):
    g.mark(controle, world.alice, "14")
    response = post_cell(login(getattr(world, who)), maths_a, t1, controle, world.alice, "3", version="1")
    assert response.status_code == 404
    assert Mark.objects.get(assessment=controle, student=world.alice).value == Decimal("14")


def test_a_student_of_another_class_is_404(world, login, maths_a, t1, controle):
    response = post_cell(login(world.teacher_maths), maths_a, t1, controle, world.chloe, "12")
    assert response.status_code == 404
    assert not Mark.objects.exists()


def test_an_assessment_of_another_grid_is_404(world, login, maths_a, t1):
    maths_b = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)
    other = g.assessment(maths_b, t1)
    response = post_cell(login(world.teacher_maths), maths_a, t1, other, world.chloe, "12")
    assert response.status_code == 404


def test_saving_a_comment(world, login, maths_a, t1, controle):
    g.mark(controle, world.alice, "14")
    client = login(world.teacher_maths)
    response = client.post(
        grid_url(maths_a, t1, "grades:grid_cell"),
        {"assessment": str(controle.public_id), "student": str(world.alice.public_id), "text": "14", "version": "1",
         "comment": "Très bon travail"},
    )
    assert response.status_code == 200 and response.json()["comment"] == "Très bon travail"
    assert Mark.objects.get(assessment=controle, student=world.alice).comment == "Très bon travail"


# --- a pasted column -----------------------------------------------------------------------------------
def test_a_pasted_column_is_saved_at_once(world, login, maths_a, t1, controle):
    response = post_column(login(world.teacher_maths), maths_a, t1, controle, [(world.alice, "12,5", None), (world.bruno, "abs", None)])
    assert response.status_code == 200
    body = response.json()
    assert [c["text"] for c in body["cells"]] == ["12,5", "Abs"]
    assert body["averages"][str(world.alice.public_id)] == "12,5"
    assert body["stats"]["count"] == 1
    assert Mark.objects.filter(assessment=controle).count() == 2


def test_a_pasted_column_with_a_bad_mark_saves_nothing_and_lists_problems_by_student(world, login, maths_a, t1, controle):
    response = post_column(login(world.teacher_maths), maths_a, t1, controle, [(world.alice, "12", None), (world.bruno, "25", None)])
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        {"student": str(world.bruno.public_id), "name": "FRANÇAIS Bruno", "message": "La note 25 dépasse le barème (sur 20)."}
    ]
    assert not Mark.objects.exists()


def test_a_pasted_column_with_a_conflict_saves_nothing(world, login, maths_a, t1, controle):
    g.mark(controle, world.bruno, "8")
    response = post_column(login(world.teacher_maths), maths_a, t1, controle, [(world.alice, "12", None), (world.bruno, "9", None)])
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "mark_conflict"
    assert body["errors"][0]["name"] == "FRANÇAIS Bruno"
    assert "Modifiée par MATHS Marc" in body["errors"][0]["message"]
    assert not Mark.objects.filter(student=world.alice).exists()


@pytest.mark.parametrize("who", REFUSED)
def test_a_pasted_column_is_404_for_others(world, login, maths_a, t1, controle, who):
    response = post_column(login(getattr(world, who)), maths_a, t1, controle, [(world.alice, "12", None)])
    assert response.status_code == 404
    assert not Mark.objects.exists()


# --- the cell dialog (comment + history) -----------------------------------------------------------------
def test_the_cell_dialog_shows_the_comment_and_the_history(world, login, maths_a, t1, controle):
    client = login(world.teacher_maths)
    post_cell(client, maths_a, t1, controle, world.alice, "12")
    post_cell(client, maths_a, t1, controle, world.alice, "15", version="1")
    response = client.get(
        grid_url(maths_a, t1, "grades:grid_cell_dialog"),
        {"assessment": str(controle.public_id), "student": str(world.alice.public_id)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "MARTIN Alice · Contrôle 1" in page
    assert "12 → 15" in page and "— → 12" in page
    assert "MATHS Marc" in page


@pytest.mark.parametrize("who", REFUSED)
def test_the_cell_dialog_is_404_for_others(world, login, maths_a, t1, controle, who):
    response = login(getattr(world, who)).get(
        grid_url(maths_a, t1, "grades:grid_cell_dialog"),
        {"assessment": str(controle.public_id), "student": str(world.alice.public_id)},
    )
    assert response.status_code == 404


# --- size: constant queries, server time -------------------------------------------------------------------
def _big_class(world, maths_a, t1, students: int, assessments: int):
    from carnet.testing.factories import UserFactory, enroll

    for n in range(students - 2):
        enroll(UserFactory(first_name=f"Élève{n}", last_name=f"Nom{n:03d}", username=f"eleve{n}.grid"), world.seconde_a)
    from carnet.grades.policies import students_of_assignment

    people = list(students_of_assignment(maths_a))
    marks = []
    for i in range(assessments):
        a = g.assessment(maths_a, t1, title=f"Éval {i + 1}", held_on=dt.date(2026, 9, 2) + dt.timedelta(days=i))
        for j, s in enumerate(people):
            marks.append(
                Mark(establishment=world.lycee, assessment=a, student=s, value=Decimal((i + j) % 21), status="marked",
                     updated_by=world.teacher_maths)
            )
    Mark.objects.bulk_create(marks)
    return people


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_grid_query_count_does_not_grow_with_the_class(world, login, maths_a, t1, django_assert_max_num_queries):
    client = login(world.teacher_maths)
    g.mark(g.assessment(maths_a, t1, title="Seule"), world.alice, "10")
    client.get(grid_url(maths_a, t1))  # the first request of a session records it
    small = _count_queries(client, grid_url(maths_a, t1))
    _big_class(world, maths_a, t1, students=40, assessments=24)
    with django_assert_max_num_queries(small):
        response = client.get(grid_url(maths_a, t1))
    assert response.content.decode().count('class="cell"') == 40 * 25
    assert small <= 15, small


def test_grid_40_by_25_server_time(world, login, maths_a, t1, capsys):
    import time

    _big_class(world, maths_a, t1, students=40, assessments=25)
    client = login(world.teacher_maths)
    client.get(grid_url(maths_a, t1))  # warm up
    times = []
    for _ in range(5):
        started = time.perf_counter()
        client.get(grid_url(maths_a, t1))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    with capsys.disabled():
        print(f"\ngrid 40 students × 25 assessments: median {times[2]:.0f} ms, min {times[0]:.0f} ms (test client, SQLite)")


def test_timezone_of_conflict_time_is_the_establishments(world):
    from carnet.grades.web.teacher.data import local_time

    assert local_time(timezone.now(), world.ceg).strftime("%H:%M") == "11:00"
