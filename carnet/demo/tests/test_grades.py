"""The demo's marks, appraisals and councils: in every class and assignment, deterministic, never
after today, shaped like each country's practice, and enough for averages."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carnet.demo.data import BENIN, FRANCE
from carnet.demo.services import reset_demo, seed_demo
from carnet.grades.models import (
    Appraisal,
    Assessment,
    ClassCouncil,
    ConductMark,
    GradingProfile,
    Mark,
    SubjectCoefficient,
)
from carnet.school import models as school

pytestmark = pytest.mark.django_db

UTC = dt.UTC
#: France in its second trimester, Benin at the end of its first semester.
JANUARY = dt.datetime(2027, 1, 20, 15, 0, tzinfo=UTC)


def seeded_at(moment: dt.datetime, students: int = 30):
    with time_machine.travel(moment, tick=False):
        seed_demo(students, report_cards=False, school_life=False)


def audience_ids(assignment: school.TeachingAssignment) -> set[int]:
    if assignment.school_class_id:
        return set(assignment.school_class.enrollments.values_list("student_id", flat=True))
    return set(assignment.group.students.values_list("id", flat=True))


def snapshot() -> list[tuple]:
    return sorted(
        Mark.objects.values_list(
            "assessment__establishment__code", "assessment__assignment__teacher__username", "assessment__title",
            "assessment__held_on", "assessment__period__number", "student__username", "value", "status", "comment",
        )
    )


def test_every_assignment_of_every_class_has_published_marks_for_each_of_its_students():
    seeded_at(JANUARY)
    now = JANUARY
    assignments = school.TeachingAssignment.objects.select_related("school_class", "group", "establishment")
    assert assignments.count() > 0
    for assignment in assignments:
        first = school.Period.objects.get(establishment=assignment.establishment, number=1)
        own = Assessment.objects.filter(assignment=assignment)
        assert own.filter(period=first).exists(), f"{assignment} has no assessment in the first period"
        students = audience_ids(assignment)
        for assessment in own:
            assert assessment.published_at is not None and assessment.published_at <= now
            assert assessment.guardians_published_at == assessment.published_at
            assert assessment.notified_at is not None, "the seed must not trigger a notification flood"
            assert assessment.guardians_notified_at is not None
            assert set(assessment.marks.values_list("student_id", flat=True)) == students


def test_no_assessment_is_dated_after_today_and_the_first_period_is_complete_even_while_running():
    moment = dt.datetime(2026, 10, 6, 9, 0, tzinfo=UTC)  # both first periods are running
    seeded_at(moment)
    for establishment in school.Establishment.objects.all():
        today = timezone.localdate(moment, timezone=dt.UTC)
        assert not Assessment.objects.filter(establishment=establishment, held_on__gt=today).exists()
        assert not Assessment.objects.filter(establishment=establishment, published_at__gt=moment).exists()
        assert not Assessment.objects.filter(establishment=establishment, period__number__gt=1).exists()
    ceg = school.Establishment.objects.get(code=BENIN.code)
    per_assignment = Counter(Assessment.objects.filter(establishment=ceg).values_list("assignment_id", flat=True))
    assert set(per_assignment.values()) == {5}, "the running first semester is squeezed before today, complete"
    assert ClassCouncil.objects.filter(status=ClassCouncil.Status.CLOSED, held_on__gt=dt.date(2026, 10, 6)).count() == 0


def test_before_the_school_year_there_are_no_marks_and_the_seed_still_works():
    seeded_at(dt.datetime(2026, 8, 20, 9, 0, tzinfo=UTC))
    assert Assessment.objects.count() == 0 and Mark.objects.count() == 0
    assert ClassCouncil.objects.count() == 0
    assert GradingProfile.objects.count() == 2
    assert school.Enrollment.objects.count() == 60


def test_the_second_period_is_cut_at_today_and_some_marks_are_new():
    seeded_at(JANUARY)
    lycee = school.Establishment.objects.get(code=FRANCE.code)
    second = Assessment.objects.filter(establishment=lycee, period__number=2)
    assert second.exists()
    assert second.aggregate(last=Max("held_on"))["last"] <= dt.date(2027, 1, 20)
    recent = Assessment.objects.filter(published_at__gte=JANUARY - dt.timedelta(hours=48))
    assert recent.filter(establishment=lycee).exists(), "'new' badges need marks published in the last days"


def test_the_same_seed_gives_the_same_marks():
    seeded_at(JANUARY)
    first = snapshot()
    assert len(first) > 1000
    reset_demo()
    assert Mark.objects.count() == 0
    seeded_at(JANUARY)
    assert snapshot() == first


def test_french_assessments_look_like_a_lycee_trimester():
    seeded_at(JANUARY)
    lycee = school.Establishment.objects.get(code=FRANCE.code)
    assessments = Assessment.objects.filter(establishment=lycee, period__number=1)
    assert set(assessments.values_list("scale", flat=True)) <= {Decimal(10), Decimal(20), Decimal(40)}
    assert set(assessments.values_list("coefficient", flat=True)) <= {Decimal(1), Decimal(2), Decimal(3)}
    assert {"devoir", "interrogation", "oral", "homework"} <= set(assessments.values_list("kind", flat=True))
    assert assessments.filter(is_bonus=True).exists()
    written = (
        assessments.filter(assignment__school_class__isnull=False)
        .exclude(assignment__subject__name__in=["EPS", "EMC"])
        .values("assignment")
        .annotate(n=Count("id"))
    )
    assert {row["n"] for row in written} <= set(range(4, 9))  # 4-7, and now and then a bonus
    for value, scale in Mark.objects.filter(assessment__in=assessments, status="marked").values_list("value", "assessment__scale"):
        assert 0 <= value <= scale
        assert (value * 4) % 1 == 0, "rounded to a quarter or a half point"


def test_benin_has_three_interrogations_and_two_devoirs_coefficients_and_conduct():
    seeded_at(dt.datetime(2027, 3, 1, 12, 0, tzinfo=UTC))  # the first semester is over
    ceg = school.Establishment.objects.get(code=BENIN.code)
    first = Assessment.objects.filter(establishment=ceg, period__number=1)
    kinds: dict[int, Counter] = defaultdict(Counter)
    for assignment, kind in first.values_list("assignment", "kind"):
        kinds[assignment][kind] += 1
    assert kinds and all(k == Counter({"interrogation": 3, "devoir": 2}) for k in kinds.values())
    assert set(first.values_list("scale", flat=True)) == {Decimal(20)}
    students = school.Enrollment.objects.filter(establishment=ceg).count()
    assert ConductMark.objects.filter(establishment=ceg, period__number=1).count() == students
    for school_class in school.SchoolClass.objects.filter(establishment=ceg).select_related("level", "series"):
        for assignment in school_class.assignments.select_related("subject"):
            row = SubjectCoefficient.objects.get(level=school_class.level, series=school_class.series, subject=assignment.subject)
            assert row.coefficient == assignment.coefficient
    assert GradingProfile.objects.get(establishment=ceg).formula == GradingProfile.Formula.BENIN


def test_statuses_and_comments_in_realistic_proportions():
    seeded_at(JANUARY, students=100)
    statuses = Counter(Mark.objects.values_list("status", flat=True))
    total = sum(statuses.values())
    assert 0.02 < statuses["absent"] / total < 0.04
    assert 0.005 < statuses["exempt"] / total < 0.02
    assert 0.005 < statuses["not_handed_in"] / total < 0.02
    assert statuses["not_marked"] == 0
    assert 0 < Mark.objects.exclude(comment="").count() < total * 0.06


def test_first_period_appraisals_mentions_and_closed_councils():
    seeded_at(JANUARY)
    for establishment in school.Establishment.objects.all():
        first = school.Period.objects.get(establishment=establishment, number=1)
        classes = school.SchoolClass.objects.filter(establishment=establishment)
        # a period that has ended has its councils closed; a running one keeps them open (teachers type on)
        ended = first.ends_on < JANUARY.date()
        expected = ClassCouncil.Status.CLOSED if ended else ClassCouncil.Status.OPEN
        councils = ClassCouncil.objects.filter(period=first, status=expected)
        assert councils.count() == classes.count()
        if ended:
            assert all(c.closed_at is not None and c.closed_at <= JANUARY and c.closed_by_id for c in councils)
        students = school.Enrollment.objects.filter(establishment=establishment).count()
        general = Appraisal.objects.filter(period=first, establishment=establishment)
        assert general.filter(kind="main_teacher").count() == students
        assert general.filter(kind="council").count() == students
        assert general.filter(kind="council").exclude(mention="").exists()
        subject = general.filter(kind="subject")
        assert subject.count() > 0.8 * students * 6
        assert not subject.filter(text="").exists()
        assert not Appraisal.objects.filter(establishment=establishment, period__number=2).exists()
    ceg_texts = Appraisal.objects.filter(establishment__code=BENIN.code).values_list("text", flat=True)
    assert not any("trimestre" in text.lower() for text in ceg_texts), "the CEG speaks of semesters"


def test_the_marks_cost_a_constant_number_of_queries():
    with CaptureQueriesContext(connection) as small, time_machine.travel(JANUARY, tick=False):
        seed_demo(20, report_cards=False, school_life=False)
    reset_demo()
    with CaptureQueriesContext(connection) as large, time_machine.travel(JANUARY, tick=False):
        seed_demo(100, report_cards=False, school_life=False)
    assert Mark.objects.count() > 5000
    # Only SQLite's batches of 999 parameters grow (users, enrollments, assessments…), not one per mark.
    assert len(large.captured_queries) - len(small.captured_queries) <= 40


def test_averages_can_be_computed_for_every_class():
    computation = pytest.importorskip("carnet.grades.computation")
    if not hasattr(computation, "period_results"):
        pytest.skip("carnet.grades.computation.period_results does not exist yet")
    seeded_at(JANUARY)
    for school_class in school.SchoolClass.objects.select_related("establishment"):
        first = school.Period.objects.get(establishment=school_class.establishment, number=1)
        results = computation.period_results(school_class=school_class, period=first, audience="staff", now=JANUARY)
        assert results.class_size == school_class.enrollments.count()
        averages = [results.general(s.user.pk).value for s in results.students]
        assert all(a is not None and Decimal(0) <= a <= Decimal(20) for a in averages), school_class.name


def test_the_first_period_report_cards_are_published_and_the_demo_can_still_be_reset():
    from carnet.audit.models import AuditEvent
    from carnet.reportcards.models import ReportCard

    with time_machine.travel(JANUARY, tick=False):
        seed_demo(20, school_life=False)
    students = school.Enrollment.objects.count()
    cards = ReportCard.objects.all()
    assert cards.count() == students
    assert set(cards.values_list("period__number", flat=True)) == {1}
    assert all(name for name in cards.values_list("pdf", flat=True))
    assert AuditEvent.objects.filter(action="demo.seeded").count() == 2
    reset_demo()  # the seed's own report cards and audit events go with the demo
    assert ReportCard.objects.count() == 0 and AuditEvent.objects.count() == 0
