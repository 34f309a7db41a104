"""The family API of marks: marks, averages with their explanation, what-if and assessment
statistics, with the permission trio on each endpoint."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from carnet.grades.models import Mark
from carnet.grades.profiles import profile_for
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g

API = "/api/v1/grades"


@pytest.fixture
def marks(world):
    t1 = world.periods[0]
    maths_a = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    control = g.assessment(maths_a, t1, title="Contrôle fonctions", coefficient="2", held_on=dt.date(2026, 10, 5))
    quiz = g.assessment(maths_a, t1, title="Interro vecteurs", scale="10", kind="interrogation", held_on=dt.date(2026, 10, 12))
    hidden = g.assessment(maths_a, t1, title="Pas encore publié", published=False)
    g.mark(control, world.alice, "12", comment="Bien")
    g.mark(quiz, world.alice, "7.5")
    g.mark(hidden, world.alice, "3")
    g.mark(control, world.bruno, "8")
    return {"control": control, "quiz": quiz, "hidden": hidden}


def marks_url(student, period=None):
    return f"{API}/students/{student.public_id}/marks" + (f"?period={period.public_id}" if period else "")


# --- marks ---------------------------------------------------------------------------------------------
def test_student_reads_her_published_marks(world, marks, login):
    response = login(world.alice).get(marks_url(world.alice, world.periods[0]))
    assert response.status_code == 200
    body = response.json()
    assert [m["title"] for m in body] == ["Contrôle fonctions", "Interro vecteurs"]  # not the unpublished one
    first = body[0]
    assert first["text"] == "12" and first["scale"] == "20.00" and first["comment"] == "Bien"
    assert first["class_mean"] == "10.00" and first["is_new"] is True
    assert first["subject_name"] == "Mathématiques"


def test_guardian_reads_her_childrens_marks_only(world, marks, login):
    client = login(world.alice_mother)
    assert client.get(marks_url(world.alice)).status_code == 200
    assert client.get(marks_url(world.chloe)).status_code == 200
    assert client.get(marks_url(world.bruno)).json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["chloe_father", "outsider", "dossou_parent", "teacher_french", "bruno"])
def test_others_get_404_on_alices_marks(world, marks, login, who):
    client = login(getattr(world, who))
    for url in (
        marks_url(world.alice),
        f"{API}/students/{world.alice.public_id}/averages",
        f"{API}/students/{world.alice.public_id}/what-if?subject={world.maths.public_id}&value=12",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def test_teacher_reads_every_mark_she_gives(world, marks, login):
    body = login(world.teacher_maths).get(marks_url(world.alice)).json()
    assert {m["title"] for m in body} == {"Contrôle fonctions", "Interro vecteurs", "Pas encore publié"}


def test_guardian_waits_for_the_delay(world, marks, login):
    marks["quiz"].guardians_published_at = timezone.now() + dt.timedelta(hours=2)
    marks["quiz"].save(update_fields=["guardians_published_at"])
    assert [m["title"] for m in login(world.alice_mother).get(marks_url(world.alice)).json()] == ["Contrôle fonctions"]
    assert len(login(world.alice).get(marks_url(world.alice)).json()) == 2


def test_anonymous_gets_401(client, world):
    assert client.get(marks_url(world.alice)).status_code == 401


# --- averages ------------------------------------------------------------------------------------------
def test_averages_with_explanation(world, marks, login):
    response = login(world.alice).get(f"{API}/students/{world.alice.public_id}/averages?period={world.periods[0].public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["audience"] == "student" and body["period_name"] == "Trimestre 1"
    maths = next(s for s in body["subjects"] if s["name"] == "Mathématiques")
    assert maths["average"] == "13.00"
    assert maths["explanation"][-1] == "Moyenne = (12 × 2 + 15 × 1) / (2 + 1) = 39 / 3 = 13"
    assert maths["class_stats"]["count"] == 2
    assert maths["rank"] is None  # the lycée does not rank
    assert body["general"]["average"] == "13.00" and body["general"]["explanation"]
    assert body["general"]["class_stats"]["maximum"] == "13.00"


def test_averages_without_statistics_when_the_profile_hides_them(world, marks, login):
    profile = profile_for(world.lycee)
    profile.stats_visible_to_families = False
    profile.save(update_fields=["stats_visible_to_families"])
    body = login(world.alice_mother).get(f"{API}/students/{world.alice.public_id}/averages").json()
    assert body["audience"] == "guardian"
    assert body["general"]["class_stats"] is None
    assert all(s["class_stats"] is None for s in body["subjects"])
    assert all(m["class_mean"] is None for m in login(world.alice_mother).get(marks_url(world.alice)).json())
    # Teachers always see them.
    staff = login(world.teacher_maths).get(f"{API}/students/{world.alice.public_id}/averages").json()
    assert staff["audience"] == "staff" and staff["general"]["class_stats"] is not None


def test_averages_of_the_staff_count_unpublished_marks(world, marks, login):
    body = login(world.head).get(f"{API}/students/{world.alice.public_id}/averages").json()
    maths = next(s for s in body["subjects"] if s["name"] == "Mathématiques")
    assert maths["average"] != "13.00"  # the unpublished 3 counts for the staff


def test_averages_of_a_period_of_another_year_is_404(world, marks, login):
    response = login(world.alice).get(f"{API}/students/{world.alice.public_id}/averages?period={uuid.uuid4()}")
    assert response.status_code == 404


def test_statistics_for_a_teacher_who_is_a_parent_of_the_class(world, marks, login):
    # teacher_french does not teach 2nde A, but bruno, her son, is in it.
    assert login(world.teacher_french).get(stats_url(marks["control"])).status_code == 200


# --- what-if -------------------------------------------------------------------------------------------
def test_what_if(world, marks, login):
    before = Mark.objects.count()
    url = f"{API}/students/{world.alice.public_id}/what-if?subject={world.maths.public_id}&value=16&scale=20&coefficient=1&kind=devoir"
    response = login(world.alice_mother).get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["subject_before"] == "13.00" and body["subject_after"] == "13.75"
    assert body["subject_difference"] == "0.75" and body["general_after"] == "13.75"
    assert "Note simulée : 16 sur 20, coefficient 1" in body["explanation"]
    assert Mark.objects.count() == before


def test_what_if_refuses_a_mark_over_the_scale(world, marks, login):
    url = f"{API}/students/{world.alice.public_id}/what-if?subject={world.maths.public_id}&value=12,5&scale=10"
    response = login(world.alice).get(url)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert "dépasse le barème" in response.json()["message"]


def test_what_if_in_a_subject_the_student_does_not_take_is_404(world, marks, login):
    url = f"{API}/students/{world.alice.public_id}/what-if?subject={world.french.public_id}&value=12"
    assert login(world.alice).get(url).status_code == 404


# --- assessment statistics -----------------------------------------------------------------------------
def stats_url(assessment):
    return f"{API}/assessments/{assessment.public_id}/statistics"


def test_statistics_for_the_teacher_and_the_family(world, marks, login):
    body = login(world.teacher_maths).get(stats_url(marks["control"])).json()
    assert body["count"] == 2 and body["mean"] == "10.00" and body["minimum"] == "8.00" and body["maximum"] == "12.00"
    assert sum(band["count"] for band in body["distribution"]) == 2
    assert login(world.alice).get(stats_url(marks["control"])).status_code == 200
    assert login(world.alice_mother).get(stats_url(marks["control"])).status_code == 200
    # Unpublished: the teacher only.
    assert login(world.teacher_maths).get(stats_url(marks["hidden"])).status_code == 200
    assert login(world.alice).get(stats_url(marks["hidden"])).status_code == 404


def test_statistics_refused_to_families_when_the_profile_hides_them(world, marks, login):
    profile = profile_for(world.lycee)
    profile.stats_visible_to_families = False
    profile.save(update_fields=["stats_visible_to_families"])
    response = login(world.alice).get(stats_url(marks["control"]))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert login(world.teacher_maths).get(stats_url(marks["control"])).status_code == 200
    assert login(world.head).get(stats_url(marks["control"])).status_code == 200


@pytest.mark.parametrize("who", ["chloe_father", "outsider", "dossou_parent"])
def test_statistics_out_of_scope_is_404(world, marks, login, who):
    assert login(getattr(world, who)).get(stats_url(marks["control"])).status_code == 404


def test_endpoints_are_in_the_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/grades/students/{student_id}/marks",
        "/api/v1/grades/students/{student_id}/averages",
        "/api/v1/grades/students/{student_id}/what-if",
        "/api/v1/grades/assessments/{assessment_id}/statistics",
    ):
        assert path in paths
