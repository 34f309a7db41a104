"""The class council services: who may close and unlock, what closing locks, the council record
(appraisal, mention, decision) and the audit trail."""

from __future__ import annotations

import pytest

from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades.errors import PeriodLocked
from carnet.grades.models import Appraisal, ClassCouncil
from carnet.grades.services import locks
from carnet.grades.services import marks as mark_service
from carnet.grades.services.appraisals import AppraisalConflict
from carnet.grades.services.council import (
    CouncilConflict,
    classes_for_council,
    close_council,
    council_for,
    save_council_record,
    unlock_council,
)
from carnet.school.models import TeachingAssignment
from carnet.testing import grades as g

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(world):
    return council_for(period=world.periods[0], school_class=world.seconde_a)


def test_council_for_creates_an_open_council_once(world):
    first = council_for(period=world.periods[0], school_class=world.seconde_a)
    again = council_for(period=world.periods[0], school_class=world.seconde_a)
    assert first.pk == again.pk and first.status == ClassCouncil.Status.OPEN
    assert first.establishment_id == world.lycee.pk


def test_council_for_refuses_a_period_of_another_year(world):
    ceg_period = world.ceg_year.periods.create(
        establishment=world.ceg, kind="semester", number=1, name="Semestre 1",
        starts_on=world.ceg_year.starts_on, ends_on=world.ceg_year.ends_on,
    )
    with pytest.raises(NotFound):
        council_for(period=ceg_period, school_class=world.seconde_a)


def test_classes_for_council(world):
    assert set(classes_for_council(world.teacher_maths)) == {world.seconde_a}
    assert set(classes_for_council(world.head)) == {world.seconde_a, world.seconde_b}
    for person in (world.teacher_french, world.cpe, world.alice, world.alice_mother, world.outsider):
        assert not classes_for_council(person).exists()


def test_the_main_teacher_closes_and_the_marks_are_locked(world, council):
    assignment = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    assessment = g.assessment(assignment, world.periods[0])
    mark = g.mark(assessment, world.alice, "12")
    closed = close_council(actor=world.teacher_maths, council=council, expected_version=council.version)
    assert closed.status == ClassCouncil.Status.CLOSED
    assert closed.closed_by == world.teacher_maths and closed.closed_at is not None and closed.held_on is not None
    assert locks.is_locked(world.periods[0], world.seconde_a)
    assert not locks.is_locked(world.periods[0], world.seconde_b)
    assert not locks.is_locked(world.periods[1], world.seconde_a)
    with pytest.raises(PeriodLocked):
        mark_service.save_mark(
            actor=world.teacher_maths, assessment=assessment, student=world.alice, text="18", expected_version=mark.version
        )
    mark.refresh_from_db()
    assert str(mark.value) == "12.00"
    event = AuditEvent.objects.get(action="grades.council_closed")
    assert event.actor == world.teacher_maths and event.object_id == str(council.public_id)


def test_closing_twice_changes_nothing_and_a_stale_version_conflicts(world, council):
    closed = close_council(actor=world.head, council=council, expected_version=council.version)
    again = close_council(actor=world.head, council=council, expected_version=closed.version)
    assert again.version == closed.version
    with pytest.raises(CouncilConflict):
        close_council(actor=world.head, council=council, expected_version=council.version)
    assert AuditEvent.objects.filter(action="grades.council_closed").count() == 1


@pytest.mark.parametrize("who", ["cpe", "secretary"])
def test_who_may_not_close(world, council, who):
    with pytest.raises(PermissionDenied):
        close_council(actor=getattr(world, who), council=council, expected_version=council.version)
    council.refresh_from_db()
    assert council.status == ClassCouncil.Status.OPEN


@pytest.mark.parametrize("who", ["outsider", "alice", "alice_mother", "teacher_french"])
def test_outsiders_do_not_even_see_the_council(world, council, who):
    with pytest.raises(NotFound):
        close_council(actor=getattr(world, who), council=council, expected_version=council.version)


@pytest.mark.parametrize("who", ["teacher_maths", "teacher_french"])
def test_teachers_of_2nde_b_cannot_close_it(world, who):
    council = council_for(period=world.periods[0], school_class=world.seconde_b)
    with pytest.raises(PermissionDenied):
        close_council(actor=getattr(world, who), council=council, expected_version=council.version)


def test_unlock_needs_the_head_and_a_reason_and_is_audited(world, council):
    closed = close_council(actor=world.teacher_maths, council=council, expected_version=council.version)
    with pytest.raises(PermissionDenied):
        unlock_council(actor=world.teacher_maths, council=closed, reason="Erreur de saisie en maths")
    for reason in ("", "   ", "abc", "x" * 301):
        with pytest.raises(ValidationFailed):
            unlock_council(actor=world.head, council=closed, reason=reason)
    closed.refresh_from_db()
    assert closed.status == ClassCouncil.Status.CLOSED
    assert not AuditEvent.objects.filter(action="grades.council_unlocked").exists()

    opened = unlock_council(actor=world.head, council=closed, reason="  Erreur de   saisie en maths ")
    assert opened.status == ClassCouncil.Status.OPEN and opened.unlock_reason == "Erreur de saisie en maths"
    assert not locks.is_locked(world.periods[0], world.seconde_a)
    event = AuditEvent.objects.get(action="grades.council_unlocked")
    assert event.actor == world.head and event.changes["reason"] == ["", "Erreur de saisie en maths"]
    with pytest.raises(ValidationFailed):
        unlock_council(actor=world.head, council=opened, reason="Encore une fois")


def test_unlock_by_an_outsider_is_not_found(world, council):
    closed = close_council(actor=world.head, council=council, expected_version=council.version)
    with pytest.raises(NotFound):
        unlock_council(actor=world.outsider, council=closed, reason="Je passais par là")


def test_council_record_with_mention_and_decision(world, council):
    record = save_council_record(
        actor=world.teacher_maths, period=world.periods[0], student=world.alice,
        appraisal_text="Excellent trimestre.", mention="Félicitations", decision="", expected_version=None,
    )
    assert record.kind == Appraisal.Kind.COUNCIL and record.mention == "Félicitations" and record.version == 1
    updated = save_council_record(
        actor=world.head, period=world.periods[0], student=world.alice,
        appraisal_text="Excellent trimestre, bravo.", mention="Compliments", decision="", expected_version=1,
    )
    assert updated.version == 2 and updated.author == world.head
    events = AuditEvent.objects.filter(action="grades.appraisal_saved").order_by("id")
    assert [e.changes.get("mention") for e in events] == [["", "Félicitations"], ["Félicitations", "Compliments"]]
    with pytest.raises(AppraisalConflict) as caught:
        save_council_record(
            actor=world.teacher_maths, period=world.periods[0], student=world.alice,
            appraisal_text="Autre", mention="", decision="", expected_version=1,
        )
    assert caught.value.details["current_text"] == "Excellent trimestre, bravo."
    assert caught.value.details["updated_by"] == world.head.full_name


def test_council_record_refusals(world, council):
    period = world.periods[0]
    with pytest.raises(ValidationFailed):
        save_council_record(actor=world.head, period=period, student=world.alice, appraisal_text="",
                            mention="Médaille d'or", decision="", expected_version=None)
    with pytest.raises(ValidationFailed):
        save_council_record(actor=world.head, period=period, student=world.alice, appraisal_text="x" * 1001,
                            mention="", decision="", expected_version=None)
    with pytest.raises(PermissionDenied):
        save_council_record(actor=world.teacher_maths, period=period, student=world.chloe, appraisal_text="Bien",
                            mention="", decision="", expected_version=None)
    with pytest.raises(NotFound):
        save_council_record(actor=world.teacher_french, period=period, student=world.alice, appraisal_text="Bien",
                            mention="", decision="", expected_version=None)
    with pytest.raises(NotFound):
        save_council_record(actor=world.outsider, period=period, student=world.alice, appraisal_text="Bien",
                            mention="", decision="", expected_version=None)
    close_council(actor=world.head, council=council, expected_version=council.version)
    with pytest.raises(PeriodLocked):
        save_council_record(actor=world.head, period=period, student=world.alice, appraisal_text="Bien",
                            mention="", decision="", expected_version=None)
    assert not Appraisal.objects.exists()
