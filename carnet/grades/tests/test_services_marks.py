"""Saving marks: one cell, a column; conflicts, locks, history."""

from decimal import Decimal

import pytest

from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades import services
from carnet.grades.errors import MarkConflict, PeriodLocked
from carnet.grades.models import ClassCouncil, Mark
from carnet.school.models import TeachingAssignment, TeachingGroup
from carnet.testing import grades as g
from carnet.testing.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(world):
    assignment = TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)
    return g.assessment(assignment, world.periods[0], title="Contrôle 1")


def save(world, assessment, student, text, version=None, actor=None, **extra):
    return services.save_mark(
        actor=actor or world.teacher_maths, assessment=assessment, student=student, text=text, expected_version=version, **extra
    )


def test_create_change_clear(world, assessment):
    mark = save(world, assessment, world.alice, "12,5", comment="Bien")
    assert (mark.status, mark.value, mark.version, mark.comment) == ("marked", Decimal("12.5"), 1, "Bien")
    assert mark.updated_by == world.teacher_maths
    mark = save(world, assessment, world.alice, "14", version=1)
    assert (mark.value, mark.version, mark.comment) == (Decimal("14"), 2, "Bien")  # comment kept
    mark = save(world, assessment, world.alice, "abs", version=2)
    assert (mark.status, mark.value, mark.version) == ("absent", None, 3)
    mark = save(world, assessment, world.alice, "", version=3)
    assert (mark.status, mark.version) == ("not_marked", 4)
    stored = Mark.objects.get()
    assert (stored.status, stored.version) == ("not_marked", 4)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "changes"))
    assert actions == [
        ("grades.mark_created", {"mark": [None, "12,5"], "comment": [None, "Bien"]}),
        ("grades.mark_changed", {"mark": ["12,5", "14"]}),
        ("grades.mark_changed", {"mark": ["14", "Abs"]}),
        ("grades.mark_deleted", {"mark": ["Abs", None]}),
    ]


def test_same_text_is_a_no_op(world, assessment):
    save(world, assessment, world.alice, "12.5")
    mark = save(world, assessment, world.alice, "12,50", version=1)
    assert mark.version == 1
    # even with a stale version: nothing would be overwritten
    mark = save(world, assessment, world.alice, "12,5", version=None)
    assert mark.version == 1
    assert AuditEvent.objects.count() == 1
    # empty on empty: nothing at all
    save(world, assessment, world.bruno, "")
    assert not Mark.objects.filter(student=world.bruno).exists()


def test_comment_only_change(world, assessment):
    save(world, assessment, world.alice, "12")
    mark = save(world, assessment, world.alice, "12", version=1, comment="Progrès")
    assert (mark.version, mark.comment) == (2, "Progrès")
    assert AuditEvent.objects.order_by("-id").first().changes == {"comment": [None, "Progrès"]}


def test_conflict(world, assessment):
    colleague = UserFactory(first_name="Cora", last_name="Collègue", username="cora")
    assign(colleague, world.seconde_a, world.maths)
    save(world, assessment, world.alice, "12", actor=colleague)
    with pytest.raises(MarkConflict) as caught:
        save(world, assessment, world.alice, "15", version=None)
    error = caught.value
    assert error.code == "mark_conflict" and error.status == 409
    details = error.details
    assert details["student"] == str(world.alice.public_id)
    assert (details["current"], details["version"], details["by"]) == ("12", 1, "COLLÈGUE Cora")
    assert details["at"]
    mark = Mark.objects.get()
    assert (mark.value, mark.version) == (Decimal("12"), 1)
    # stale version
    save(world, assessment, world.alice, "13", version=1, actor=colleague)
    with pytest.raises(MarkConflict):
        save(world, assessment, world.alice, "15", version=1)
    assert Mark.objects.get().value == Decimal("13")
    # saw a mark that is no more... (version given, no row)
    with pytest.raises(MarkConflict) as caught:
        save(world, assessment, world.bruno, "10", version=3)
    assert caught.value.details["version"] is None


def test_validation(world, assessment):
    with pytest.raises(ValidationFailed) as caught:
        save(world, assessment, world.alice, "23")
    assert str(caught.value.message) == "La note 23 dépasse le barème (sur 20)."
    with pytest.raises(ValidationFailed) as caught:
        save(world, assessment, world.chloe, "12")
    assert str(caught.value.message) == "Cet élève n'est pas dans la classe 2nde A."
    with pytest.raises(ValidationFailed):
        save(world, assessment, world.alice, "12", comment="x" * 301)
    assert not Mark.objects.exists()
    assert not AuditEvent.objects.exists()


def test_student_not_in_group(world):
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.students.add(world.alice)
    assignment = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_maths, group=group, subject=world.maths
    )
    a = g.assessment(assignment, world.periods[0])
    teacher = type(world.teacher_maths).objects.get(pk=world.teacher_maths.pk)
    with pytest.raises(ValidationFailed) as caught:
        services.save_mark(actor=teacher, assessment=a, student=world.bruno, text="12", expected_version=None)
    assert str(caught.value.message) == "Cet élève n'est pas dans le groupe Latin."
    # a group assessment: the student's own class decides the lock
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_b, status="closed")
    services.save_mark(actor=teacher, assessment=a, student=world.alice, text="12", expected_version=None)
    group.students.add(world.chloe)
    with pytest.raises(PeriodLocked):
        services.save_mark(actor=teacher, assessment=a, student=world.chloe, text="12", expected_version=None)


def test_permissions(world, assessment):
    with pytest.raises(NotFound):
        save(world, assessment, world.alice, "12", actor=world.outsider)
    with pytest.raises(NotFound):
        save(world, assessment, world.alice, "12", actor=world.chloe_father)
    for person in (world.head, world.alice, world.alice_mother):
        with pytest.raises(PermissionDenied):
            save(world, assessment, world.alice, "12", actor=person)
    assert not Mark.objects.exists()


def test_locked(world, assessment):
    save(world, assessment, world.alice, "12")
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a, status="closed")
    with pytest.raises(PeriodLocked) as caught:
        save(world, assessment, world.alice, "15", version=1)
    assert "Trimestre 1" in str(caught.value.message)
    assert Mark.objects.get().value == Decimal("12")


# --- column -------------------------------------------------------------------------------------
def test_column(world, assessment):
    marks = services.save_column(
        actor=world.teacher_maths, assessment=assessment,
        entries=[(world.alice, "12,5", None), (world.bruno, "abs", None, "Malade")],
    )
    assert [(m.student, m.status, m.value) for m in marks] == [
        (world.alice, "marked", Decimal("12.5")), (world.bruno, "absent", None),
    ]
    assert Mark.objects.get(student=world.bruno).comment == "Malade"
    assert AuditEvent.objects.filter(action="grades.mark_created").count() == 2


def test_column_all_or_nothing_validation(world, assessment):
    with pytest.raises(ValidationFailed) as caught:
        services.save_column(
            actor=world.teacher_maths, assessment=assessment,
            entries=[(world.alice, "12", None), (world.bruno, "douze", None), (world.chloe, "10", None), (world.alice, "3", None)],
        )
    details = caught.value.details
    assert [d["name"] for d in details] == ["FRANÇAIS Bruno", "DURAND Chloé", "MARTIN Alice"]
    assert details[0]["message"].startswith("« douze » n'est pas une note")
    assert details[1]["message"] == "Cet élève n'est pas dans la classe 2nde A."
    assert details[2]["message"] == "Cet élève apparaît deux fois."
    assert str(caught.value.message) == "3 notes ne sont pas valides : rien n'a été enregistré."
    assert not Mark.objects.exists()


def test_column_all_or_nothing_conflict(world, assessment):
    save(world, assessment, world.bruno, "8")
    with pytest.raises(MarkConflict) as caught:
        services.save_column(
            actor=world.teacher_maths, assessment=assessment, entries=[(world.alice, "12", None), (world.bruno, "9", None)]
        )
    assert [d["student"] for d in caught.value.details] == [str(world.bruno.public_id)]
    assert caught.value.details[0]["current"] == "8"
    assert not Mark.objects.filter(student=world.alice).exists()
    assert AuditEvent.objects.count() == 1


def test_column_locked(world, assessment):
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a, status="closed")
    with pytest.raises(PeriodLocked):
        services.save_column(actor=world.teacher_maths, assessment=assessment, entries=[(world.alice, "12", None)])


def test_column_query_count(world, assessment, django_assert_max_num_queries):
    students = [UserFactory(username=f"s{i}") for i in range(20)]
    from carnet.testing.factories import enroll

    for s in students:
        enroll(s, world.seconde_a)
    teacher = type(world.teacher_maths).objects.get(pk=world.teacher_maths.pk)
    services.save_mark(actor=teacher, assessment=assessment, student=world.alice, text="1", expected_version=None)
    with django_assert_max_num_queries(20 + 12):  # one audit row per mark, the rest constant
        services.save_column(actor=teacher, assessment=assessment, entries=[(s, "10", None) for s in students])


# --- history ------------------------------------------------------------------------------------
def test_history(world, assessment):
    save(world, assessment, world.alice, "12")
    save(world, assessment, world.alice, "14", version=1)
    events = services.mark_history(actor=world.teacher_maths, assessment=assessment, student=world.alice)
    assert [e.changes["mark"] for e in events] == [["12", "14"], [None, "12"]]
    assert services.mark_history(actor=world.head, assessment=assessment, student=world.alice)
    assert services.mark_history(actor=world.teacher_maths, assessment=assessment, student=world.bruno) == []
    with pytest.raises(NotFound):
        services.mark_history(actor=world.outsider, assessment=assessment, student=world.alice)
    with pytest.raises(PermissionDenied):
        services.mark_history(actor=world.alice, assessment=assessment, student=world.alice)
