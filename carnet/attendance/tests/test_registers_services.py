"""`save_register`: who may take a register, what it refuses (with nothing saved), corrections and
their audit, optimistic concurrency, and a query count that does not grow with the class."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.attendance.models import AttendanceSettings, Register, RegisterEntry
from carnet.attendance.services.registers import (
    RegisterClosed,
    RegisterConflict,
    register_sheet,
    save_register,
)
from carnet.attendance.tests import registers_helpers as h
from carnet.attendance.tests.registers_helpers import (
    TODAY,
    TOMORROW,
    YESTERDAY,
    group_assignment,
    lesson,
    more_students,
    take,
)
from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, ValidationFailed

frozen, maths_a, maths_b = h.frozen, h.maths_a, h.maths_b
pytestmark = pytest.mark.usefixtures("frozen")


def entries_of(register):
    return {
        (e.student.first_name, e.status, e.late_minutes)
        for e in RegisterEntry.objects.filter(register=register).select_related("student")
    }


# --- taking a register --------------------------------------------------------------------------------
def test_teacher_takes_the_register(world, maths_a):
    s = lesson(maths_a)
    register = take(world.teacher_maths, s, {world.alice: "absent", world.bruno: ("late", 10)})
    assert register.version == 1 and register.taken_by == world.teacher_maths
    assert entries_of(register) == {("Alice", "absent", None), ("Bruno", "late", 10)}
    event = AuditEvent.objects.get(action="attendance.register_taken")
    assert event.changes == {"absent": [None, 1], "late": [None, 1]}
    assert event.actor == world.teacher_maths


def test_everyone_present_is_a_register_without_entries(world, maths_a):
    register = take(world.teacher_maths, lesson(maths_a))
    assert Register.objects.filter(pk=register.pk).exists()
    assert not RegisterEntry.objects.exists()


def test_present_entries_are_accepted_and_ignored(world, maths_a):
    register = save_register(
        actor=world.teacher_maths,
        session=lesson(maths_a),
        entries={world.alice: ("present", None), world.bruno: ("absent", None)},
        version=None,
    )
    assert entries_of(register) == {("Bruno", "absent", None)}


@pytest.mark.parametrize("who", ["cpe", "head"])
def test_school_life_staff_may_take_any_register(world, maths_a, who):
    register = take(getattr(world, who), lesson(maths_a), {world.alice: "absent"})
    assert register.taken_by == getattr(world, who)


@pytest.mark.parametrize("who", ["teacher_french", "outsider", "alice", "alice_mother", "secretary"])
def test_others_get_not_found_and_nothing_is_saved(world, maths_a, who):
    s = lesson(maths_a)
    with pytest.raises(NotFound):
        take(getattr(world, who), s, {world.alice: "absent"})
    assert not Register.objects.exists()


def test_a_replacement_teacher_takes_it_and_the_usual_teacher_no_longer_can(world, maths_a):
    s = lesson(maths_a, teacher=world.teacher_french)
    with pytest.raises(NotFound):
        take(world.teacher_maths, s, {world.alice: "absent"})
    assert take(world.teacher_french, s, {world.alice: "absent"}).taken_by == world.teacher_french


# --- bad input ------------------------------------------------------------------------------------
def test_student_not_in_the_class_is_refused(world, maths_a):
    s = lesson(maths_a)
    with pytest.raises(ValidationFailed) as error:
        take(world.teacher_maths, s, {world.alice: "absent", world.chloe: "absent"})
    assert "n'est pas élève de 2nde A" in str(error.value.message)
    assert [d["name"] for d in error.value.details] == [world.chloe.full_name]
    assert not Register.objects.exists()


def test_student_who_left_the_class_before_the_day_is_refused(world, maths_a):
    enrollment = world.bruno.enrollments.get()
    enrollment.ends_on = YESTERDAY
    enrollment.save(update_fields=["ends_on"])
    with pytest.raises(ValidationFailed):
        take(world.teacher_maths, lesson(maths_a), {world.bruno: "absent"})


@pytest.mark.parametrize("minutes", [0, 241, 999, None, "dix", -5, True])
def test_late_minutes_must_be_between_1_and_240(world, maths_a, minutes):
    with pytest.raises(ValidationFailed) as error:
        take(world.teacher_maths, lesson(maths_a), {world.alice: ("late", minutes)})
    assert "entre 1 et 240" in str(error.value.message)
    assert not Register.objects.exists()


def test_absent_with_minutes_and_unknown_states_are_refused(world, maths_a):
    s = lesson(maths_a)
    with pytest.raises(ValidationFailed) as error:
        take(world.teacher_maths, s, {world.alice: ("absent", 10), world.bruno: ("gone", None)})
    assert "2 élèves ont une saisie invalide" in str(error.value.message)
    assert len(error.value.details) == 2


def test_a_future_session_is_refused(world, maths_a):
    with pytest.raises(ValidationFailed) as error:
        take(world.teacher_maths, lesson(maths_a, on=TOMORROW), {world.alice: "absent"})
    assert "à l'avance" in str(error.value.message)
    assert error.value.details == {"session": "future"}
    assert not Register.objects.exists()


def test_a_later_session_of_today_is_allowed(world, maths_a):
    assert take(world.teacher_maths, lesson(maths_a, start="16:00"), {world.alice: "absent"})


def test_a_cancelled_session_is_refused(world, maths_a):
    with pytest.raises(ValidationFailed) as error:
        take(world.cpe, lesson(maths_a, status="cancelled"), {world.alice: "absent"})
    assert "annulée" in str(error.value.message)
    assert not Register.objects.exists()


def test_a_session_outside_the_year_is_refused(world, maths_a):
    import datetime as dt

    with pytest.raises(ValidationFailed) as error:
        take(world.cpe, lesson(maths_a, on=dt.date(2026, 8, 31)), {world.alice: "absent"})
    assert "en dehors de l'année scolaire 2026-2027" in str(error.value.message)


# --- corrections ------------------------------------------------------------------------------------
def test_correction_bumps_the_version_and_audits_old_and_new_per_student(world, maths_a):
    s = lesson(maths_a)
    take(world.teacher_maths, s, {world.alice: "absent", world.bruno: ("late", 5)})
    register = take(world.teacher_maths, s, {world.alice: ("late", 15)}, version=1)
    assert register.version == 2
    assert entries_of(register) == {("Alice", "late", 15)}
    event = AuditEvent.objects.get(action="attendance.register_corrected")
    assert event.changes == {
        world.alice.full_name: ["Absent", "Retard (15 min)"],
        world.bruno.full_name: ["Retard (5 min)", "Présent"],
    }
    assert Register.objects.get(pk=register.pk).updated_by == world.teacher_maths


def test_saving_the_same_register_changes_nothing(world, maths_a):
    s = lesson(maths_a)
    take(world.teacher_maths, s, {world.alice: "absent"})
    register = take(world.teacher_maths, s, {world.alice: "absent"}, version=1)
    assert register.version == 1
    assert not AuditEvent.objects.filter(action="attendance.register_corrected").exists()


def test_stale_version_is_a_conflict_naming_who_saved_and_nothing_is_overwritten(world, maths_a):
    s = lesson(maths_a)
    take(world.teacher_maths, s, {world.alice: "absent"})
    take(world.cpe, s, {world.alice: ("late", 10)}, version=1)
    with pytest.raises(RegisterConflict) as error:
        take(world.teacher_maths, s, {world.bruno: "absent"}, version=1)
    message = str(error.value.message)
    assert "Claire" in message and "VIE-SCOLAIRE" in message and "10:00" in message
    assert error.value.code == "register_conflict"
    assert error.value.details["version"] == 2
    assert error.value.details["entries"] == [
        {"student": str(world.alice.public_id), "status": "late", "minutes": 10}
    ]
    assert entries_of(Register.objects.get()) == {("Alice", "late", 10)}


def test_a_first_save_when_someone_took_it_meanwhile_is_a_conflict(world, maths_a):
    s = lesson(maths_a)
    take(world.cpe, s, {world.alice: "absent"})
    with pytest.raises(RegisterConflict):
        take(world.teacher_maths, s, {world.bruno: "absent"}, version=None)
    assert entries_of(Register.objects.get()) == {("Alice", "absent", None)}


def test_a_version_for_a_register_not_taken_is_a_conflict(world, maths_a):
    with pytest.raises(RegisterConflict):
        take(world.teacher_maths, lesson(maths_a), {world.bruno: "absent"}, version=3)
    assert not Register.objects.exists()


def test_teacher_cannot_correct_a_past_day_when_corrections_are_same_day_only(world, maths_a):
    s = lesson(maths_a, on=YESTERDAY)
    take(world.cpe, s, {world.alice: "absent"})
    with pytest.raises(RegisterClosed) as error:
        take(world.teacher_maths, s, {}, version=1)
    assert error.value.code == "register_closed" and error.value.status == 403
    assert entries_of(Register.objects.get()) == {("Alice", "absent", None)}
    # school-life staff may
    assert take(world.cpe, s, {}, version=1).version == 2


def test_teacher_corrects_a_past_day_when_the_establishment_allows_it(world, maths_a):
    AttendanceSettings.objects.create(establishment=world.lycee, correction_same_day_only=False)
    s = lesson(maths_a, on=YESTERDAY)
    take(world.teacher_maths, s, {world.alice: "absent"})
    assert take(world.teacher_maths, s, {}, version=1).version == 2


# --- groups ---------------------------------------------------------------------------------------
def test_a_group_register_holds_the_group_students_only(world):
    latin = group_assignment(world, [world.alice, world.chloe])
    s = lesson(latin)
    register = take(world.teacher_french, s, {world.chloe: "absent", world.alice: ("late", 5)})
    assert entries_of(register) == {("Chloé", "absent", None), ("Alice", "late", 5)}
    with pytest.raises(ValidationFailed):
        take(world.teacher_french, s, {world.bruno: "absent"}, version=1)
    sheet = register_sheet(actor=world.teacher_french, session=s)
    assert [row.student.first_name for row in sheet.rows] == ["Chloé", "Alice"]  # DURAND, MARTIN


# --- speed --------------------------------------------------------------------------------------
def test_query_count_does_not_grow_with_the_class(world, maths_a, maths_b):
    small = [world.chloe, *more_students(world.seconde_b, 4, "Petit")]
    big = [world.alice, world.bruno, *more_students(world.seconde_a, 33, "Grand")]
    for assignment in (maths_a, maths_b):  # the teacher's roles and the assignments' classes are now loaded
        take(world.teacher_maths, lesson(assignment, start="07:00"), {})
    counts = []
    for assignment, students in ((maths_b, small), (maths_a, big)):
        s = lesson(assignment)
        entries = {student: "absent" for student in students[:2]} | {students[2]: ("late", 5)}
        with CaptureQueriesContext(connection) as first:
            take(world.teacher_maths, s, entries)
        entries = {student: "absent" for student in students[1:4]}
        with CaptureQueriesContext(connection) as correction:
            take(world.teacher_maths, s, entries, version=1)
        counts.append((len(first), len(correction)))
    assert counts[0] == counts[1]
    assert counts[1][0] <= 30 and counts[1][1] <= 30


def test_register_sheet_states_and_counts(world, maths_a):
    s = lesson(maths_a)
    sheet = register_sheet(actor=world.teacher_maths, session=s)
    assert sheet.register is None and sheet.version is None and sheet.closed_reason is None
    assert sheet.counts == {"present": 2, "absent": 0, "late": 0}
    take(world.teacher_maths, s, {world.bruno: ("late", 5)})
    sheet = register_sheet(actor=world.teacher_maths, session=s)
    assert sheet.version == 1
    assert [(r.student.first_name, r.status, r.minutes) for r in sheet.rows] == [
        ("Bruno", "late", 5),
        ("Alice", "present", None),
    ]
    assert register_sheet(
        actor=world.teacher_maths, session=lesson(maths_a, on=TODAY, status="cancelled")
    ).closed_reason
