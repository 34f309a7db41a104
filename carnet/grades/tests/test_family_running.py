"""The family marks page's charts computed with numbers only: the running general average gives the
values the explained computation gives, day by day, under every missing-mark rule; the evolution
over the periods reads the grading profile once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.grades.computation import period_results, student_period_results
from carnet.grades.engine import general_average, subject_average
from carnet.grades.engine.types import SubjectLine
from carnet.grades.models import ConductMark, GradingProfile
from carnet.grades.profiles import profile_for
from carnet.grades.web.family.data import _evolution, running_general
from carnet.grades.web.family.people import Viewer
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def explained_running(results, student_id):
    """The running general average as the page computed it before, with every explanation."""
    rules = results.rules
    dates = sorted(
        {
            m.held_on
            for info in results.subjects
            for m in results.marks(student_id, info.key)
            if m.held_on is not None and m.status != "not_marked"
        }
    )
    points = []
    for day in dates:
        lines = []
        for info in results.subjects:
            final = results.subject_result(student_id, info.key)
            if final is None:
                continue
            if info.is_conduct:
                average, blocked = final.value, None
            else:
                marks = [m for m in results.marks(student_id, info.key) if m.held_on is None or m.held_on <= day]
                result = subject_average(marks, rules)
                average, blocked = result.value, result.blocked_reason
            lines.append(SubjectLine(key=info.key, name=info.name, coefficient=info.coefficient, average=average,
                                     is_bonus=info.is_bonus, blocked_reason=blocked))
        points.append((day, general_average(lines, rules).value))
    return points


@pytest.fixture
def term(world):
    """Trimestre 1 of 2nde A: maths (a bonus, a mark on 10, an absence, a missing mark) and French
    (a copy not handed in) over several days; conduct marks."""
    t1 = world.periods[0]
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    french = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_french, school_class=world.seconde_a,
        subject=world.french, coefficient=D("3"),
    )
    day = dt.date(2026, 10, 1)
    control = g.assessment(maths, t1, title="Contrôle", coefficient="2", held_on=day)
    quiz = g.assessment(maths, t1, title="Interro sur 10", scale="10", kind="interrogation", held_on=day + dt.timedelta(days=7))
    bonus = g.assessment(maths, t1, title="Bonus", is_bonus=True, held_on=day + dt.timedelta(days=9))
    late = g.assessment(maths, t1, title="Devoir 2", held_on=day + dt.timedelta(days=5))
    dictation = g.assessment(french, t1, title="Dictée", kind="interrogation", held_on=day + dt.timedelta(days=3))
    essay = g.assessment(french, t1, title="Rédaction", held_on=day + dt.timedelta(days=20))
    for test, alice, bruno in (
        (control, "12.5", "8"),
        (quiz, "7.25", "absent"),
        (bonus, "17", "9"),
        (dictation, "not_handed_in", "13"),
        (essay, "14", "11.75"),
    ):
        g.mark(test, world.alice, alice)
        g.mark(test, world.bruno, bruno)
    g.mark(late, world.alice, "not_marked")  # bruno has no row at all
    for student, value in ((world.alice, "15"), (world.bruno, "12")):
        ConductMark.objects.create(establishment=world.lycee, period=t1, student=student, value=D(value))
    return t1


@pytest.mark.parametrize("missing", ["skip", "zero", "block"])
@pytest.mark.parametrize("formula", ["weighted", "benin"])
def test_the_running_average_is_the_explained_one_day_by_day(world, term, missing, formula):
    profile = profile_for(world.lycee)
    profile.formula = formula
    profile.missing_mark = missing
    profile.conduct_enabled = True
    profile.save()
    klass = type(world.seconde_a).objects.select_related("establishment").get(pk=world.seconde_a.pk)
    results = period_results(school_class=klass, period=term)
    for student in (world.alice, world.bruno):
        expected = explained_running(results, student.id)
        assert running_general(results, student.id) == expected
        assert len(expected) == 5  # five days with a mark
    if missing == "block":
        assert running_general(results, world.alice.id)[-1][1] is None  # Devoir 2 is missing
    else:
        assert running_general(results, world.alice.id)[-1][1] is not None


def test_the_evolution_reads_the_profile_once_and_gives_each_periods_average(world, term):
    t2 = world.periods[1]
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    g.mark(g.assessment(maths, t2, title="Devoir de janvier", held_on=dt.date(2027, 1, 10)), world.alice, "16")
    GradingProfile.objects.filter(establishment=world.lycee).update(conduct_enabled=False)
    viewer = Viewer(user=world.alice, student=world.alice, audience="student")
    periods = list(world.periods)
    results = student_period_results(student=world.alice, period=term, audience="student")
    with CaptureQueriesContext(connection) as captured:
        points, reference = _evolution(viewer, term, periods, results, stats_visible=True, now=None)
    assert not any("grades_gradingprofile" in q["sql"] for q in captured.captured_queries)
    expected_t2 = student_period_results(student=world.alice, period=t2, audience="student")
    assert points == [(term.name, results.general(world.alice.id).value), (t2.name, expected_t2.general(world.alice.id).value)]
    assert points[1][1] == D("16.00")
    assert reference == [results.general_stats.mean, expected_t2.general_stats.mean]
