"""A class's marks read as rows of cells and computed by subject plans (`engine.subject.SubjectPlan`,
`computation.period`): the same results as the engine's explained path, for every status, role,
scale, formula, missing-mark rule, bonus and group assessment (hypothesis, then the database)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import fields
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.grades.computation import AssessmentInfo, period_results
from carnet.grades.computation.period import _line, _template
from carnet.grades.computation.results import SubjectInfo
from carnet.grades.engine import subject_average
from carnet.grades.engine.stats import BANDS, band_label
from carnet.grades.engine.subject import (
    SubjectPlan,
    _numbers_result,
    cell_entry,
    marked_cell,
    subject_numbers,
    with_mark,
)
from carnet.grades.engine.types import (
    ABSENT,
    DEVOIR,
    EXEMPT,
    INTERROGATION,
    MARKED,
    NOT_HANDED_IN,
    NOT_MARKED,
    OTHER,
    Component,
    MarkIn,
    Rules,
    SubjectLine,
    SubjectResult,
    field_names,
)
from carnet.grades.models import Mark
from carnet.grades.profiles import profile_for
from carnet.school.models import TeachingAssignment, TeachingGroup
from carnet.testing.factories import SubjectFactory, UserFactory, enroll
from carnet.testing.grades import assessment, mark

D = Decimal

CUSTOM = (Component(role=DEVOIR, mode="mean", weight=D("2")), Component(role=INTERROGATION, mode="each", weight=D("1")))

rules_strategy = st.builds(
    Rules,
    formula=st.sampled_from(["weighted", "benin", "custom"]),
    components=st.just(CUSTOM),
    missing=st.sampled_from(["skip", "zero", "block"]),
    not_handed_in=st.sampled_from(["zero", "skip"]),
)


@st.composite
def subject_marks(draw, bonus: bool) -> tuple[list[MarkIn], list[object]]:
    """A subject's assessments (MarkIns of status NOT_MARKED) and one student's cells for them, as
    the class computation stores them: no row, a status (also one the engine does not know, and
    MARKED without a value), or a marked value."""
    templates: list[MarkIn] = []
    cells: list[object] = []
    for n in range(draw(st.integers(min_value=0, max_value=9))):
        scale = draw(st.sampled_from([D("20"), D("20.00"), D("10"), D("40"), D("7")]))
        templates.append(
            MarkIn(
                assessment=f"a{n}",
                title=f"Évaluation {n}",
                role=draw(st.sampled_from([INTERROGATION, DEVOIR, OTHER])),
                status=NOT_MARKED,
                value=None,
                scale=scale,
                coefficient=draw(st.sampled_from([D("0.5"), D("1"), D("2"), D("3"), D("1.25"), D("0.333"), D("1E+1"), D("7")])),
                is_bonus=bonus and draw(st.booleans()),
            )
        )
        kind = draw(st.sampled_from(["value", "value", "value", "none", ABSENT, EXEMPT, NOT_HANDED_IN, NOT_MARKED, MARKED, "inconnu"]))
        if kind == "value":
            cells.append(marked_cell(D(draw(st.integers(min_value=0, max_value=int(scale * 100)))) / 100, scale))
        elif kind == "none":
            cells.append(None)
        else:
            cells.append(kind)
    return templates, cells


def plain_mark(template: MarkIn, cell) -> MarkIn:
    """The MarkIn a mark row makes, written out without the code under test."""
    if cell is None:
        status, value = NOT_MARKED, None
    elif isinstance(cell, tuple):
        status, value = MARKED, cell[0]
    elif cell == MARKED:  # marked without a value: missing
        status, value = NOT_MARKED, None
    else:
        status, value = cell, None
    return MarkIn(
        assessment=template.assessment, title=template.title, role=template.role, status=status, value=value,
        scale=template.scale, coefficient=template.coefficient, is_bonus=template.is_bonus, held_on=template.held_on,
    )


def numbers(result):
    return (result.value, result.counted, result.blocked_reason, result.interrogation_mean, result.devoirs)


def in_a_row(cells: list, seed: int) -> tuple[list, list[int]]:
    """The cells spread in a wider row (as a student's row holds every subject of the class)."""
    width = 2 * len(cells) + 3
    positions = random.Random(seed).sample(range(width), len(cells))
    row: list = ["ailleurs"] * width  # other subjects' cells: never read
    for position, cell in zip(positions, cells, strict=True):
        row[position] = cell
    return row, positions


def planned(data, rules, seed):
    """(row, plan, marks): the subject's cells placed in a row, its plan, and the same marks as the
    explained engine reads them."""
    templates, cells = data
    row, positions = in_a_row(cells, seed)
    plan = SubjectPlan(templates, positions, rules)
    marks = [plain_mark(t, c) for t, c in zip(templates, cells, strict=True)]
    return row, plan, marks


@settings(max_examples=500, deadline=None)
@given(data=subject_marks(bonus=False), rules=rules_strategy, seed=st.integers(0, 1000))
def test_a_plan_gives_the_explained_numbers(data, rules, seed):
    row, plan, marks = planned(data, rules, seed)
    with translation.override("fr"):
        explained = subject_average(marks, rules)
        result = plan.numbers(row)
        silent = subject_average(marks, rules, explain=False)
    assert plan.fast == (rules.formula != "custom")
    assert result.steps == ()
    assert numbers(result) == numbers(explained) and repr(numbers(result)) == repr(numbers(explained))
    assert result == silent and repr(result) == repr(silent)
    assert [with_mark(*entry) for entry in plan.entries(row)] == marks


@settings(max_examples=200, deadline=None)
@given(data=subject_marks(bonus=True), rules=rules_strategy, seed=st.integers(0, 1000))
def test_a_plan_with_bonus_assessments_gives_the_explained_numbers(data, rules, seed):
    templates, cells = data
    row, plan, marks = planned(data, rules, seed)
    with translation.override("fr"):
        explained = subject_average(marks, rules)
        result = plan.numbers(row)
    assert not plan.fast or not any(t.is_bonus for t in templates)
    assert numbers(result) == numbers(explained) and repr(numbers(result)) == repr(numbers(explained))
    assert result == subject_numbers([cell_entry(t, c) for t, c in zip(templates, cells, strict=True)], rules)


def test_a_plan_needs_one_position_per_assessment():
    template = MarkIn(assessment="a", title="DS", role=DEVOIR, status=NOT_MARKED, value=None)
    with pytest.raises(ValueError):
        SubjectPlan([template], [0, 1], Rules())


def test_a_marked_cell_holds_the_value_and_its_value_on_twenty():
    assert marked_cell(D("12.5"), D("20")) == (D("12.5"), D("12.50"), 1250)
    assert marked_cell(D("7"), D("10")) == (D("7"), D("14.00"), 1400)
    assert marked_cell(D("1"), D("7")) == (D("1"), D("2.86"), 286)  # 2.857… rounded half-up
    assert marked_cell(D("0"), D("20")) == (D("0"), D("0.00"), 0)


def test_results_made_without_init_equal_the_dataclasses():
    value = D("12.35")
    made = _numbers_result(value, ("a", "b"), None, D("11"), (value,))
    plain = SubjectResult(value=value, steps=(), counted=("a", "b"), interrogation_mean=D("11"), devoirs=(value,))
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    info = SubjectInfo(key="k", subject=None, name="Maths", short_name="MATH", coefficient=D("4"), is_bonus=True)
    line = _line(info, SubjectResult(value=value, steps=(), blocked_reason="bloquée"))
    assert line == SubjectLine(key="k", name="Maths", coefficient=D("4"), average=value, is_bonus=True, blocked_reason="bloquée")
    assert vars(line).keys() == field_names(SubjectLine)
    held = dt.date(2026, 10, 1)
    assessment_info = AssessmentInfo(id=1, key="k", subject_key="s", assignment_id=1, title="DS", role=DEVOIR, scale=D("40"),
                                      coefficient=D("2"), is_bonus=False, held_on=held)
    template = _template(assessment_info)
    assert template == MarkIn(assessment="k", title="DS", role=DEVOIR, status=NOT_MARKED, value=None, scale=D("40"),
                              coefficient=D("2"), held_on=held)
    assert vars(template).keys() == field_names(MarkIn)
    assert vars(made).keys() == {f.name for f in fields(SubjectResult)}


def test_band_labels_follow_the_bands():
    for low, high, label in BANDS:
        assert band_label(low) == label
        assert band_label(high - D("0.01")) == label
    assert band_label(D("-1")) == BANDS[0][2]
    assert band_label(D("20")) == band_label(D("25")) == BANDS[-1][2]


# --- the database: period_results against MarkIns made from the rows --------------------------------


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def marked_class(world, today):
    """2nde A with four more students, maths (interrogations, a devoir on 10, a bonus on 7), French
    without bonus, and Latin for a group (alice and two others) besides a whole-class Latin test;
    every status, missing rows, values that round."""
    t1 = world.periods[0]
    others = [UserFactory(first_name=f"Élève{n}", last_name=f"Nom{n}", username=f"plan{n}") for n in range(4)]
    for student in others:
        enroll(student, world.seconde_a)
    students = [world.alice, world.bruno, *others]
    maths = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    french = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_french, school_class=world.seconde_a,
        subject=world.french, coefficient=D("3"),
    )
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.classes.add(world.seconde_a)
    group.students.add(world.alice, others[0], others[1])
    latin = SubjectFactory.create(establishment=world.lycee, name="Latin")
    latin_group = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_french, group=group, subject=latin, coefficient=D("2"),
    )
    latin_class = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_french, school_class=world.seconde_a,
        subject=latin, coefficient=D("2"),
    )
    day = t1.starts_on
    tests = [
        assessment(maths, t1, title="Interro 1", kind="interrogation", held_on=day + dt.timedelta(days=3)),
        assessment(maths, t1, title="Oral", kind="oral", coefficient="0.5", held_on=day + dt.timedelta(days=5)),
        assessment(maths, t1, title="Devoir sur 10", kind="devoir", scale="10", coefficient="2", held_on=day + dt.timedelta(days=9)),
        assessment(maths, t1, title="Bonus sur 7", kind="other", scale="7", is_bonus=True, held_on=day + dt.timedelta(days=11)),
        assessment(maths, t1, title="Composition", kind="composition", held_on=day + dt.timedelta(days=20)),
        assessment(french, t1, title="Dictée", kind="interrogation", held_on=day + dt.timedelta(days=4)),
        assessment(french, t1, title="Rédaction sur 40", kind="devoir", scale="40", held_on=day + dt.timedelta(days=8)),
        assessment(latin_group, t1, title="Version", kind="devoir", held_on=day + dt.timedelta(days=6)),
        assessment(latin_class, t1, title="Thème", kind="interrogation", held_on=day + dt.timedelta(days=7)),
    ]
    draw = random.Random(20261128)
    for test in tests:
        for student in students:
            kind = draw.choice(["value", "value", "value", "none", "absent", "exempt", "not_handed_in", "not_marked"])
            if kind == "none":
                continue
            if kind == "value":
                mark(test, student, D(draw.randint(0, int(test.scale * 100))) / 100)
            else:
                mark(test, student, kind)
    # A few values that round on /20 (on 7 and on 40), and a second-decimal value.
    Mark.objects.filter(assessment=tests[3], student=world.alice).delete()
    mark(tests[3], world.alice, "6.33")
    Mark.objects.filter(assessment=tests[6], student=world.bruno).delete()
    mark(tests[6], world.bruno, "27.35")
    return {"period": t1, "students": students}


def reference_marks(results, student, key) -> list[MarkIn]:
    """The student's marks in the subject, made from the mark rows one by one."""
    members = {g.id: set(g.students.values_list("id", flat=True)) for g in TeachingGroup.objects.all()}
    marks = []
    for info in results.assessments_of(key):
        if info.group_id is not None and student.id not in members[info.group_id]:
            continue
        row = Mark.objects.filter(assessment_id=info.id, student=student).first()
        status = NOT_MARKED if row is None else row.status
        value = row.value if row is not None and row.status == MARKED else None
        if status == MARKED and value is None:
            status = NOT_MARKED
        marks.append(
            MarkIn(assessment=info.key, title=info.title, role=info.role, status=status, value=value, scale=info.scale,
                   coefficient=info.coefficient, is_bonus=info.is_bonus, held_on=info.held_on)
        )
    return marks


@pytest.mark.django_db
@pytest.mark.parametrize("formula", ["weighted", "benin", "custom"])
@pytest.mark.parametrize("missing", ["skip", "zero", "block"])
@pytest.mark.parametrize("not_handed_in", ["zero", "skip"])
def test_class_results_equal_the_engine_on_the_rows(world, marked_class, formula, missing, not_handed_in):
    profile = profile_for(world.lycee)
    profile.formula = formula
    profile.custom_components = [{"role": "devoir", "mode": "mean", "weight": "2"}, {"role": "interrogation", "mode": "each", "weight": "1"}]
    profile.missing_mark = missing
    profile.not_handed_in = not_handed_in
    profile.save()
    school_class = type(world.seconde_a).objects.select_related("establishment").get(id=world.seconde_a.id)
    results = period_results(school_class=school_class, period=marked_class["period"])
    rules = results.rules
    assert (rules.formula, rules.missing, rules.not_handed_in) == (formula, missing, not_handed_in)
    compared = 0
    with translation.override("fr"):
        for student in marked_class["students"]:
            for subject in results.subjects:
                if subject.is_conduct:
                    continue
                result = results.subject_result(student.id, subject.key, explain=False)
                expected = reference_marks(results, student, subject.key)
                if result is None:
                    assert expected == [] and results.marks(student.id, subject.key) == []
                    continue
                assert results.marks(student.id, subject.key) == expected
                assert result == subject_average(expected, rules, explain=False)
                explained = subject_average(expected, rules)
                assert results.subject_result(student.id, subject.key) == explained
                assert numbers(result) == numbers(explained)
                compared += 1
    # every student has maths, French and the whole-class Latin test
    assert compared == 3 * len(marked_class["students"])
