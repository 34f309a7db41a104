"""The in-memory plan: deterministic, complete, and shaped like the two schools (no database)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.demo.builder import MIN_STUDENTS, build_plan
from carnet.demo.data import BENIN, FRANCE
from carnet.demo.plan import apportion


def snapshot(plan):
    return [
        (
            e.spec.code,
            [(p.first_name, p.last_name, p.sex, p.birth_date, p.phone) for p in e.people],
            [(c.name, [s.first_name for s in c.students]) for c in e.classes],
            [(g.name, len(g.students)) for g in e.groups],
            [en.national_id for en in e.enrollments],
            [(a.teacher.last_name, a.subject, a.coefficient, a.is_main_teacher) for a in e.assignments],
        )
        for e in plan.establishments
    ] + [(a.key, a.person.first_name, a.person.last_name, a.detail) for a in plan.accounts]


def test_the_same_size_gives_the_same_plan():
    assert snapshot(build_plan(30)) == snapshot(build_plan(30))


def test_sizes_below_the_minimum_are_refused():
    with pytest.raises(ValueError):
        build_plan(MIN_STUDENTS - 1)


@pytest.mark.parametrize("students", [MIN_STUDENTS, 30, 400])
def test_every_establishment_has_exactly_the_students_asked_for(students):
    plan = build_plan(students)
    for establishment in plan.establishments:
        assert len(establishment.enrollments) == students
        assert all(c.students for c in establishment.classes), "every class has at least one student"


@pytest.mark.parametrize("students", [MIN_STUDENTS, 400])
def test_every_class_has_one_main_teacher_and_a_teacher_per_subject(students):
    for establishment in build_plan(students).establishments:
        for school_class in establishment.classes:
            own = [a for a in establishment.assignments if a.school_class is school_class]
            assert sum(a.is_main_teacher for a in own) == 1
            assert {a.subject for a in own} == {lesson.subject for lesson in school_class.lessons}
            if school_class.second_language:
                groups = [a for a in establishment.assignments if a.group and school_class in a.group.classes]
                taught = {p for a in groups for p in a.group.students if a.subject in dict(establishment.spec.second_languages)}
                assert set(school_class.students) <= taught, "each student's second language is taught"


def test_every_student_has_one_or_two_guardians_and_some_guardians_have_several_children():
    for establishment in build_plan(400).establishments:
        per_student = Counter(id(g.student) for g in establishment.guardianships)
        assert set(per_student.values()) <= {1, 2}
        assert len(per_student) == len(establishment.enrollments)
        per_guardian = Counter(id(g.guardian) for g in establishment.guardianships)
        assert max(per_guardian.values()) >= 2


def test_printed_people_are_who_the_table_says():
    plan = build_plan(30)
    accounts = {a.key: a for a in plan.accounts}
    assert len(accounts) == len(plan.accounts) == 21
    assert len({id(a.person) for a in plan.accounts}) == 21, "one person per printed role"
    for establishment in plan.establishments:
        key = establishment.spec.key
        teacher_parent = accounts[f"{key}-prof-parent"].person
        assert teacher_parent in establishment.teachers
        assert any(g.guardian is teacher_parent for g in establishment.guardianships)
        guardian = accounts[f"{key}-parent"].person
        assert len({id(g.student) for g in establishment.guardianships if g.guardian is guardian}) == 2
        main = accounts[f"{key}-prof-principal"].person
        assert any(a.teacher is main and a.is_main_teacher for a in establishment.assignments)
        teacher = accounts[f"{key}-professeur"].person
        assert not any(a.teacher is teacher and a.is_main_teacher for a in establishment.assignments)
    both = accounts["parent-deux-pays"].person
    for establishment in plan.establishments:
        assert any(g.guardian is both for g in establishment.guardianships)


def test_benin_coefficients_depend_on_the_series():
    ceg = build_plan(30).establishments[1]
    assert ceg.spec is BENIN

    def coefficients(class_name):
        return {a.subject: a.coefficient for a in ceg.assignments if a.school_class and a.school_class.name == class_name}

    tle_d, tle_a1, tle_c = coefficients("Tle D"), coefficients("Tle A1"), coefficients("Tle C")
    assert {s: tle_d[s] for s in ("Mathématiques", "PCT", "SVT", "Français", "Philosophie", "Anglais", "Histoire-Géographie", "EPS")} == {
        "Mathématiques": 4, "PCT": 5, "SVT": 5, "Français": 2, "Philosophie": 2, "Anglais": 2, "Histoire-Géographie": 2, "EPS": 1,
    }
    assert tle_a1["Français"] == tle_a1["Philosophie"] == Decimal("4")
    assert "PCT" not in tle_a1
    assert tle_c["Mathématiques"] == 5 and tle_c["SVT"] == 2


def test_identifiers_look_like_the_national_ones():
    france, benin = build_plan(30).establishments
    assert all(re.fullmatch(r"\d{10}[A-Z]", e.national_id) for e in france.enrollments)
    assert all(re.fullmatch(r"20\d{10}", e.national_id) for e in benin.enrollments)
    phones = [p.phone for p in benin.people if p.phone and p.phone.startswith("+229")]
    assert phones and all(re.fullmatch(r"\+22901\d{8}", phone) for phone in phones)
    assert all(re.fullmatch(r"\+33[67]\d{8}", p.phone) for p in france.people if p.phone and not p.phone.startswith("+229"))


def test_france_has_the_lycee_structure():
    france = build_plan(400).establishments[0]
    assert france.spec is FRANCE
    names = [c.name for c in france.classes]
    assert names[0] == "2nde 1" and "1re G1" in names and "Tle G1" in names
    tle = next(c for c in france.classes if c.name == "Tle G1")
    assert "Philosophie" in {lesson.subject for lesson in tle.lessons}
    groups = [g.name for g in france.groups]
    assert "2nde 1-2 Espagnol" in groups and "2nde 1 TP A" in groups


@given(total=st.integers(0, 5000), weights=st.lists(st.floats(0.01, 1.0), min_size=1, max_size=25), minimum=st.integers(0, 2))
def test_apportion_splits_the_whole_and_keeps_the_minimum(total, weights, minimum):
    if total < minimum * len(weights):
        return
    parts = apportion(total, weights, minimum)
    assert sum(parts) == total
    assert min(parts) >= minimum
