"""The computation layer: from rows to ClassPeriodResults, with a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from carnet.grades.computation import (
    CONDUCT,
    AssessmentInfo,
    annual_results,
    assessment_stats,
    period_results,
    student_period_results,
    what_if,
)
from carnet.grades.engine.types import DEVOIR, MARKED, NOT_MARKED, MarkIn
from carnet.grades.models import ConductMark, GradingProfile, SubjectCoefficient
from carnet.grades.profiles import profile_for
from carnet.school.models import Level, Period, Series, TeachingAssignment, TeachingGroup
from carnet.testing.factories import SchoolClassFactory, SubjectFactory, UserFactory, assign, enroll
from carnet.testing.grades import assessment, mark

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    """The world's today: 2026-11-28, in Trimestre 1 (France) and Semestre 1 (Benin)."""
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False):
        yield

D = Decimal


def maths_a(world) -> TeachingAssignment:
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


def test_french_class_averages_with_missing_mark_and_scales(world):
    t1 = world.periods[0]
    a1 = assessment(maths_a(world), t1, title="DS 1", scale="10", coefficient="2")
    a2 = assessment(maths_a(world), t1, title="DS 2", coefficient="1")
    mark(a1, world.alice, "7.5")  # 15/20
    mark(a2, world.alice, "12")
    mark(a1, world.bruno, "5")  # 10/20 ; DS 2 not marked (no row): skipped in France
    results = period_results(school_class=world.seconde_a, period=t1)
    key = str(world.maths.public_id)
    assert [s.user for s in results.students] == [world.bruno, world.alice]  # FRANÇAIS, MARTIN
    assert results.class_size == 2
    assert [s.key for s in results.subjects] == [key]
    assert results.subjects[0].coefficient == D("4")  # the assignment's coefficient
    # Alice: (15 × 2 + 12 × 1) / 3 = 14
    assert results.subject_result(world.alice.id, key).value == D("14.00")
    assert results.general(world.alice.id).value == D("14.00")
    # Bruno: only DS 1 counts: 10
    bruno_marks = results.marks(world.bruno.id, key)
    assert [m.status for m in bruno_marks] == [MARKED, NOT_MARKED]
    assert results.subject_result(world.bruno.id, key).value == D("10.00")
    assert results.rank(world.alice.id) is None  # ranks off in France
    stats = results.subject_stats(key)
    assert (stats.count, stats.mean, stats.minimum, stats.maximum) == (2, D("12.00"), D("10.00"), D("14.00"))
    assert results.general_stats.mean == D("12.00")
    student = results.student(world.alice.id)
    assert student.national_id == "123456789AA" and student.birth_date == dt.date(2010, 5, 4)


def test_audience_filters_unpublished_assessments(world):
    t1 = world.periods[0]
    shown = assessment(maths_a(world), t1, title="Publiée")
    hidden = assessment(maths_a(world), t1, title="Cachée", published=False)
    mark(shown, world.alice, 10)
    mark(hidden, world.alice, 20)
    key = str(world.maths.public_id)
    assert period_results(school_class=world.seconde_a, period=t1).subject_average(world.alice.id, key) == D("15.00")
    for audience in ("student", "guardian"):
        results = period_results(school_class=world.seconde_a, period=t1, audience=audience)
        assert results.subject_average(world.alice.id, key) == D("10.00")
    # published to students now, to guardians in two days
    later = assessment(maths_a(world), t1, title="Plus tard")
    later.guardians_published_at = timezone.now() + dt.timedelta(days=2)
    later.save(update_fields=["guardians_published_at"])
    mark(later, world.alice, 16)
    assert period_results(school_class=world.seconde_a, period=t1, audience="student").subject_average(world.alice.id, key) == D("13.00")
    assert period_results(school_class=world.seconde_a, period=t1, audience="guardian").subject_average(world.alice.id, key) == D("10.00")


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_query_count_does_not_grow_with_students_or_marks(world, django_assert_max_num_queries):
    t1 = world.periods[0]
    profile_for(world.lycee)
    one = assessment(maths_a(world), t1, title="Premier")
    mark(one, world.alice, 12)

    def compute():
        results = period_results(school_class=world.seconde_a, period=t1)
        for student in results.students:
            results.rank(student.id)
            results.general(student.id)  # explanations are written without queries
            for subject in results.subjects:
                results.subject_result(student.id, subject.key)
                results.subject_stats(subject.key)
        return results

    small = count_queries(compute)
    # Grow the class, the subjects (one co-taught, one in a group) and the marks.
    others = [UserFactory(first_name=f"É{n}", last_name=f"Nom{n}", username=f"eleve{n}") for n in range(15)]
    for student in others:
        enroll(student, world.seconde_a)
    french = assign(world.teacher_french, world.seconde_a, world.french, coefficient="3")
    co_teacher = assign(world.teacher_french, world.seconde_a, world.maths, coefficient="4")
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.classes.add(world.seconde_a)
    group.students.add(world.alice, *others[:5])
    latin = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_french, group=group,
        subject=SubjectFactory.create(establishment=world.lycee, name="Latin"), coefficient=D("1"),
    )
    for number in range(6):
        for assignment in (maths_a(world), french, co_teacher, latin):
            test = assessment(assignment, t1, title=f"Contrôle {number}")
            for student in [world.alice, world.bruno, *others]:
                mark(test, student, 8 + number)
    large = count_queries(compute)
    assert large == small
    with django_assert_max_num_queries(8):
        results = compute()
    assert results.class_size == 17
    assert [s.name for s in results.subjects] == ["Français", "Latin", "Mathématiques"]


def test_co_teaching_merges_one_subject(world):
    t1 = world.periods[0]
    co_teacher = assign(world.teacher_french, world.seconde_a, world.maths, coefficient="2")
    mark(assessment(maths_a(world), t1, title="DS Marc"), world.alice, 10)
    mark(assessment(co_teacher, t1, title="DS Fanny"), world.alice, 16)
    results = period_results(school_class=world.seconde_a, period=t1)
    (maths,) = results.subjects
    assert maths.teacher_names == ("FRANÇAIS Fanny", "MATHS Marc")
    assert maths.coefficient == D("4")  # no reference row: the highest of the assignments' coefficients
    # (10 + 16) / 2 = 13
    assert results.subject_average(world.alice.id, maths.key) == D("13.00")
    assert [m.title for m in results.marks(world.alice.id, maths.key)] == ["DS Marc", "DS Fanny"]


def test_explanations_are_written_on_demand_in_the_active_language(world):
    t1 = world.periods[0]
    mark(assessment(maths_a(world), t1, title="DS", scale="40"), world.alice, "25")  # 12.5 / 20
    results = period_results(school_class=world.seconde_a, period=t1)
    key = str(world.maths.public_id)
    assert results.subject_result(world.alice.id, key, explain=False).steps == ()
    with translation.override("fr"):
        steps = [s.text for s in results.subject_result(world.alice.id, key).steps]
        assert steps == ["DS : 25 sur 40, soit 12,5 sur 20, coefficient 1", "Moyenne = 12,5"]
        general = [s.text for s in results.general(world.alice.id).steps]
        assert general[-1] == "Moyenne générale = 50 / 4 = 12,5"
    with translation.override("en"):
        assert "12.5" in results.general(world.alice.id).steps[-1].text


def test_students_of_a_past_period_are_those_enrolled_at_its_end(world):
    t1 = world.periods[0]
    leaver = UserFactory(first_name="Léo", last_name="Parti", username="leo.parti")
    enrollment = enroll(leaver, world.seconde_a)
    enrollment.ends_on = dt.date(2026, 11, 1)
    enrollment.save(update_fields=["ends_on"])
    assert leaver.id not in [s.id for s in period_results(school_class=world.seconde_a, period=t1).students]
    with time_machine.travel(dt.datetime(2027, 1, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        # Trimestre 1 is over: its class is the one of 30 November (Léo left on 1 November).
        past = period_results(school_class=world.seconde_a, period=t1)
        assert [s.user for s in past.students] == [world.bruno, world.alice]


@pytest.fixture
def benin(world):
    """A CEG class in Benin with two semesters, coefficients by level and series, a group subject."""
    ceg = world.ceg
    year = world.ceg_year
    s1 = Period.objects.create(establishment=ceg, school_year=year, kind="semester", number=1, name="Semestre 1",
                               starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2027, 2, 15))
    s2 = Period.objects.create(establishment=ceg, school_year=year, kind="semester", number=2, name="Semestre 2",
                               starts_on=dt.date(2027, 2, 16), ends_on=dt.date(2027, 7, 15))
    level = Level.objects.create(establishment=ceg, name="Tle", rank=70)
    series = Series.objects.create(establishment=ceg, name="D")
    klass = SchoolClassFactory.create(school_year=year, name="Tle D1", level=level, series=series)
    maths = world.sixieme.assignments.get().subject
    svt = SubjectFactory.create(establishment=ceg, name="SVT", short_name="SVT")
    english = SubjectFactory.create(establishment=ceg, name="Anglais", short_name="ANG")
    teacher = world.outsider
    a_maths = assign(teacher, klass, maths, coefficient="1")
    a_svt = assign(UserFactory(first_name="Sika", last_name="Vignon", username="sika"), klass, svt, coefficient="1")
    group = TeachingGroup.objects.create(establishment=ceg, school_year=year, name="Anglais renforcé")
    group.classes.add(klass)
    a_english = TeachingAssignment.objects.create(establishment=ceg, school_year=year, teacher=teacher, group=group,
                                                  subject=english, coefficient=Decimal("2"))
    SubjectCoefficient.objects.create(establishment=ceg, school_year=year, level=level, subject=maths, coefficient=D("3"))
    SubjectCoefficient.objects.create(establishment=ceg, school_year=year, level=level, series=series, subject=maths, coefficient=D("5"))
    SubjectCoefficient.objects.create(establishment=ceg, school_year=year, level=level, subject=svt, coefficient=D("4"))
    students = [UserFactory(first_name=first, last_name=last, username=name) for first, last, name in
                (("Ade", "Agossou", "ade"), ("Bio", "Bello", "bio"), ("Cica", "Codjo", "cica"))]
    for student in students:
        enroll(student, klass, national_id=f"BJ-{student.username}")
    group.students.add(students[0])
    return {"class": klass, "s1": s1, "s2": s2, "maths": a_maths, "svt": a_svt, "english": a_english,
            "students": students, "subjects": (maths, svt, english)}


def test_benin_class_with_coefficients_group_conduct_and_ranks(world, benin):
    s1 = benin["s1"]
    ade, bio, cica = benin["students"]
    maths, svt, english = benin["subjects"]
    interro = [assessment(benin["maths"], s1, title=f"Interro {n}", kind="interrogation") for n in (1, 2)]
    devoir = assessment(benin["maths"], s1, title="Devoir 1", kind="devoir")
    svt_devoir = assessment(benin["svt"], s1, title="Devoir SVT", kind="devoir")
    eng = assessment(benin["english"], s1, title="Devoir anglais", kind="devoir")
    for student, (i1, i2, d1, sv) in zip((ade, bio, cica), (("12", "14", "16", "10"), ("10", "10", "13", "12"), ("8", "12", "17", "11")), strict=True):
        mark(interro[0], student, i1)
        mark(interro[1], student, i2)
        mark(devoir, student, d1)
        mark(svt_devoir, student, sv)
    mark(eng, ade, "18")
    for student, value in ((ade, "16"), (bio, "14"), (cica, "15")):
        ConductMark.objects.create(establishment=world.ceg, period=s1, student=student, value=D(value))

    results = period_results(school_class=benin["class"], period=s1)
    keys = [s.key for s in results.subjects]
    assert keys == [str(english.public_id), str(maths.public_id), str(svt.public_id), CONDUCT]
    coefficients = {s.key: s.coefficient for s in results.subjects}
    assert coefficients[str(maths.public_id)] == D("5")  # series row wins over the level row (3)
    assert coefficients[str(svt.public_id)] == D("4")  # level row
    assert coefficients[str(english.public_id)] == D("2")  # no row: the assignment's coefficient
    assert coefficients[CONDUCT] == D("1")

    m = str(maths.public_id)
    # Ade: MI = (12 + 14) / 2 = 13; maths = (13 + 16) / 2 = 14.5
    ade_maths = results.subject_result(ade.id, m)
    assert (ade_maths.interrogation_mean, ade_maths.devoirs, ade_maths.value) == (D("13.00"), (D("16.00"),), D("14.50"))
    # Only Ade is in the English group
    assert results.subject_result(bio.id, str(english.public_id)) is None
    assert results.subject_average(ade.id, str(english.public_id)) == D("18.00")
    # Ade: (18 × 2 + 14.5 × 5 + 10 × 4 + 16 × 1) / (2 + 5 + 4 + 1) = (36 + 72.5 + 40 + 16) / 12 = 164.5 / 12 = 13.708.. → 13.71
    assert results.general(ade.id).value == D("13.71")
    # Bio: MI 10, maths (10 + 13) / 2 = 11.5; (11.5 × 5 + 12 × 4 + 14) / 10 = (57.5 + 48 + 14) / 10 = 11.95
    assert results.general(bio.id).value == D("11.95")
    # Cica: MI 10, maths (10 + 17) / 2 = 13.5; (13.5 × 5 + 11 × 4 + 15) / 10 = (67.5 + 44 + 15) / 10 = 12.65
    assert results.general(cica.id).value == D("12.65")
    assert [results.rank(s.id) for s in (ade, bio, cica)] == [1, 3, 2]
    # maths: Ade 14.5, Bio 11.5, Cica 13.5
    assert [results.subject_rank(s.id, m) for s in (ade, bio, cica)] == [1, 3, 2]
    assert results.subject_result(ade.id, CONDUCT).value == D("16.00")

    # the student's own view and what-if
    own = student_period_results(student=bio, period=s1, audience="student")
    assert own.school_class == benin["class"]
    extra = MarkIn(assessment="simulation", title="Devoir 2", role=DEVOIR, status=MARKED, value=D("17"))
    before, after, general_before, general_after = what_if(student=bio, period=s1, subject=maths, extra=extra)
    # (10 + 13 + 17) / 3 = 13.33
    assert (before.value, after.value) == (D("11.50"), D("13.33"))
    # (13.33 × 5 + 48 + 14) / 10 = (66.65 + 62) / 10 = 12.865 → 12.87
    assert (general_before.value, general_after.value) == (D("11.95"), D("12.87"))


def test_annual_results_and_decision(world, benin):
    ade, bio, cica = benin["students"]
    for period, values in ((benin["s1"], ("8", "12", "14")), (benin["s2"], ("11", "9", None))):
        test = assessment(benin["svt"], period, title="Devoir", kind="devoir", held_on=period.starts_on + dt.timedelta(days=3))
        for student, value in zip((ade, bio, cica), values, strict=True):
            if value is not None:
                mark(test, student, value)
    # conduct is on in Benin but no conduct mark: it is left out of the general average
    annual = annual_results(school_class=benin["class"], school_year=world.ceg_year)
    # Ade: (8 + 2 × 11) / 3 = 10; Bio: (12 + 18) / 3 = 10; Cica: S2 missing → 14 alone
    assert annual.average(ade.id) == D("10.00")
    assert annual.average(bio.id) == D("10.00")
    assert annual.average(cica.id) == D("14.00")
    assert annual.decision(ade.id) == "Passe"
    assert [v for _p, v in annual.per_period(ade.id)] == [D("8.00"), D("11.00")]
    assert [annual.rank(s.id) for s in (ade, bio, cica)] == [2, 2, 1]
    assert any("Semestre 2" in step.text for step in annual.steps(cica.id))


def test_missing_mark_blocks_under_block_policy(world, benin):
    profile = profile_for(world.ceg)
    profile.missing_mark = GradingProfile.Missing.BLOCK
    profile.save(update_fields=["missing_mark"])
    s1 = benin["s1"]
    ade, bio, _cica = benin["students"]
    test = assessment(benin["svt"], s1, title="Devoir 2", kind="devoir")
    mark(test, ade, "12")
    results = period_results(school_class=benin["class"], period=s1)
    svt = str(benin["subjects"][1].public_id)
    assert results.subject_result(bio.id, svt).blocked_reason == "La moyenne n'est pas calculée : la note de « Devoir 2 » manque."
    assert results.general(bio.id).value is None and results.general(bio.id).blocked_reason
    assert results.general(ade.id).value == D("12.00")


def test_assessment_stats(world):
    test = assessment(maths_a(world), world.periods[0], title="Sur 10", scale="10")
    mark(test, world.alice, "7")
    mark(test, world.bruno, "absent")
    stats = assessment_stats(test)
    assert (stats.count, stats.mean, stats.scale) == (1, D("7.00"), D("10"))
    assert dict(stats.distribution)["14–16"] == 1  # 7/10 = 14/20


def test_marks_copied_from_the_template_equal_plain_ones():
    from carnet.grades.computation.period import _mark_in, _template

    info = AssessmentInfo(id=1, key="k", subject_key="s", assignment_id=1, title="DS", role=DEVOIR, scale=D("40"),
                          coefficient=D("2"), is_bonus=True, held_on=dt.date(2026, 10, 1))
    template = _template(info)
    plain = MarkIn(assessment="k", title="DS", role=DEVOIR, status=MARKED, value=D("31.5"), scale=D("40"),
                   coefficient=D("2"), is_bonus=True, held_on=dt.date(2026, 10, 1))
    copied = _mark_in(template, (MARKED, D("31.5")))
    assert copied == plain and hash(copied) == hash(plain)
    assert template.status == NOT_MARKED and template.value is None  # the template is untouched
    assert _mark_in(template, (MARKED, None)) is template  # a marked row without a value is missing
    assert _mark_in(template, ("absent", None)).status == "absent"
