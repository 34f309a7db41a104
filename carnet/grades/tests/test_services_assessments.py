"""Writes on assessments: create, update, duplicate, delete, publish; locks; the period switch."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from carnet.audit.models import AuditEvent
from carnet.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from carnet.grades import services
from carnet.grades.errors import ConfirmationRequired, PeriodLocked
from carnet.grades.models import Assessment, ClassCouncil, GradingProfile, Mark
from carnet.school.models import Period, SchoolYear, TeachingAssignment, TeachingGroup
from carnet.school.services.calendar import change_period_scheme
from carnet.testing import grades as g

pytestmark = pytest.mark.django_db


def _maths_a(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a)


def _maths_b(world):
    return TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_b)


def _create(world, actor=None, **overrides):
    values = {
        "actor": actor or world.teacher_maths,
        "assignment": _maths_a(world),
        "period": world.periods[0],
        "title": "Contrôle 1",
        "held_on": dt.date(2026, 10, 5),
        "kind": "devoir",
        "scale": Decimal("20"),
        "coefficient": Decimal("2"),
    }
    values.update(overrides)
    return services.create_assessment(**values)


def _close(world, school_class, period=None):
    return ClassCouncil.objects.create(
        establishment=world.lycee, period=period or world.periods[0], school_class=school_class,
        status=ClassCouncil.Status.CLOSED,
    )


# --- create ---------------------------------------------------------------------------------------
def test_create(world):
    a = _create(world, description="  Chapitre 2  ")
    assert a.establishment == world.lycee
    assert a.title == "Contrôle 1" and a.description == "Chapitre 2"
    assert a.published_at is not None and a.guardians_published_at == a.published_at
    assert a.version == 1 and a.created_by == world.teacher_maths
    event = AuditEvent.objects.get(action="grades.assessment_created")
    assert event.object_id == str(a.public_id)
    assert event.changes["title"] == [None, "Contrôle 1"]
    assert event.changes["coefficient"] == [None, "2"]
    assert event.establishment == world.lycee


def test_create_with_guardian_delay(world):
    GradingProfile.objects.create(establishment=world.lycee, formula="weighted", guardian_delay_hours=24)
    a = _create(world)
    assert a.guardians_published_at - a.published_at == dt.timedelta(hours=24)


def test_create_refused_for_others(world):
    for person in (world.teacher_french, world.outsider, world.head, world.alice, world.alice_mother):
        with pytest.raises(NotFound):
            _create(world, actor=person)
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="grades.").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"coefficient": Decimal("0")}, "coefficient", "Le coefficient doit être un nombre strictement positif"),
        ({"coefficient": Decimal("-1")}, "coefficient", "Le coefficient doit être un nombre strictement positif"),
        ({"scale": Decimal("0")}, "scale", "Le barème doit être un nombre entre 1 et 100"),
        ({"scale": Decimal("101")}, "scale", "Le barème doit être un nombre entre 1 et 100"),
        ({"scale": "abc"}, "scale", "Le barème doit être un nombre entre 1 et 100"),
        ({"title": "  "}, "title", "Donnez un titre"),
        ({"held_on": dt.date(2026, 12, 5)}, "held_on", "Le 05/12/2026 n'est pas dans la période « Trimestre 1 » (du 01/09/2026 au 30/11/2026)."),
        ({"kind": "poème"}, "kind", "Type d'évaluation inconnu."),
    ],
)
def test_create_refusals(world, overrides, field, message):
    with pytest.raises(ValidationFailed) as caught:
        _create(world, **overrides)
    assert field in caught.value.details
    assert str(caught.value.message).startswith(message)
    assert not Assessment.objects.exists()


def test_create_refuses_period_of_another_establishment_or_year(world):
    ceg_period = Period.objects.create(
        establishment=world.ceg, school_year=world.ceg_year, kind="semester", number=1, name="Semestre 1",
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2027, 2, 15),
    )
    with pytest.raises(ValidationFailed) as caught:
        _create(world, period=ceg_period)
    assert "period" in caught.value.details
    old_year = SchoolYear.objects.create(
        establishment=world.lycee, name="2025-2026", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 7, 4)
    )
    old_period = Period.objects.create(
        establishment=world.lycee, school_year=old_year, kind="trimester", number=1, name="Trimestre 1",
        starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2025, 11, 30),
    )
    with pytest.raises(ValidationFailed) as caught:
        _create(world, period=old_period, held_on=dt.date(2025, 10, 1))
    assert str(caught.value.message) == "La période « Trimestre 1 » n'appartient pas à l'année 2026-2027 de ce service."


def test_create_refuses_past_publication_moment(world):
    with pytest.raises(ValidationFailed) as caught:
        _create(world, publication="at", publish_at=timezone.now() - dt.timedelta(days=1))
    assert caught.value.details == {"publish_at": "past"}


def test_create_refuses_locked_period(world):
    _close(world, world.seconde_a)
    with pytest.raises(PeriodLocked) as caught:
        _create(world)
    assert caught.value.code == "period_locked"
    assert caught.value.status == 409
    assert caught.value.details["classes"] == ["2nde A"]
    # another class is not locked
    _create(world, assignment=_maths_b(world))


def test_create_for_a_group_checks_each_students_class(world):
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.students.add(world.alice, world.chloe)
    latin = TeachingAssignment.objects.create(
        establishment=world.lycee, school_year=world.year, teacher=world.teacher_maths, group=group, subject=world.maths
    )
    _close(world, world.seconde_b)  # chloé's class
    teacher = type(world.teacher_maths).objects.get(pk=world.teacher_maths.pk)
    with pytest.raises(PeriodLocked):
        _create(world, actor=teacher, assignment=latin)


def test_co_teacher_creates(world):
    from carnet.testing.factories import UserFactory, assign

    colleague = UserFactory(username="cora")
    assign(colleague, world.seconde_a, world.maths)
    a = _create(world, actor=colleague)
    assert a.assignment == _maths_a(world)


# --- update -------------------------------------------------------------------------------------
def test_update(world):
    a = _create(world)
    updated = services.update_assessment(
        actor=world.teacher_maths, assessment=a, expected_version=1, title="Contrôle A", coefficient=Decimal("3")
    )
    assert updated.version == 2 and updated.title == "Contrôle A"
    a.refresh_from_db()
    assert a.coefficient == Decimal("3")
    event = AuditEvent.objects.get(action="grades.assessment_updated")
    assert event.changes == {"title": ["Contrôle 1", "Contrôle A"], "coefficient": ["2", "3"]}


def test_update_nothing_changes_nothing(world):
    a = _create(world)
    same = services.update_assessment(actor=world.teacher_maths, assessment=a, expected_version=1, title="Contrôle 1")
    assert same.version == 1
    assert not AuditEvent.objects.filter(action="grades.assessment_updated").exists()


def test_update_conflict(world):
    a = _create(world)
    services.update_assessment(actor=world.teacher_maths, assessment=a, expected_version=1, title="B")
    with pytest.raises(Conflict) as caught:
        services.update_assessment(actor=world.teacher_maths, assessment=a, expected_version=1, title="C")
    assert caught.value.code == "conflict"
    a.refresh_from_db()
    assert a.title == "B"


def test_update_refusals(world):
    a = _create(world)
    g.mark(a, world.alice, 18)
    with pytest.raises(ValidationFailed) as caught:
        services.update_assessment(actor=world.teacher_maths, assessment=a, expected_version=1, scale=Decimal("10"))
    assert str(caught.value.message) == "1 note(s) dépassent le nouveau barème (sur 10) : corrigez-les d'abord."
    with pytest.raises(ValidationFailed):
        services.update_assessment(actor=world.teacher_maths, assessment=a, expected_version=1, coefficient=Decimal("0"))
    with pytest.raises(NotFound):
        services.update_assessment(actor=world.outsider, assessment=a, expected_version=1, title="x")
    # the head sees it, Fanny sees it as Bruno's mother: neither edits it
    for person in (world.head, world.teacher_french):
        with pytest.raises(PermissionDenied):
            services.update_assessment(actor=person, assessment=a, expected_version=1, title="x")
    _close(world, world.seconde_a)
    with pytest.raises(PeriodLocked):
        services.update_assessment(actor=world.teacher_maths, assessment=a, expected_version=1, title="x")
    a.refresh_from_db()
    assert (a.title, a.scale, a.version) == ("Contrôle 1", Decimal("20"), 1)


def test_update_publication(world):
    a = _create(world, publication="hidden")
    assert a.published_at is None
    later = timezone.now() + dt.timedelta(days=1)
    a = services.update_assessment(actor=world.teacher_maths, assessment=a, expected_version=1, publication="at", publish_at=later)
    assert a.published_at == later and a.publication == "at"
    event = AuditEvent.objects.get(action="grades.assessment_updated")
    assert event.changes["publication"] == ["hidden", "at"]


# --- duplicate ----------------------------------------------------------------------------------
def test_duplicate(world):
    a = _create(world)
    copies = services.duplicate_assessment(actor=world.teacher_maths, assessment=a, assignments=[_maths_b(world), _maths_a(world)])
    assert len(copies) == 1
    copy = copies[0]
    assert copy.assignment == _maths_b(world)
    assert (copy.title, copy.held_on, copy.coefficient, copy.scale, copy.period) == (a.title, a.held_on, a.coefficient, a.scale, a.period)
    event = AuditEvent.objects.filter(action="grades.assessment_created", object_id=str(copy.public_id)).get()
    assert event.changes["duplicated_from"] == [None, str(a.public_id)]


def test_duplicate_to_someone_elses_assignment_is_refused(world):
    a = _create(world)
    french_b = TeachingAssignment.objects.get(teacher=world.teacher_french)
    with pytest.raises(NotFound):
        services.duplicate_assessment(actor=world.teacher_maths, assessment=a, assignments=[_maths_b(world), french_b])
    assert Assessment.objects.count() == 1


def test_duplicate_all_or_nothing_on_lock(world):
    a = _create(world)
    _close(world, world.seconde_b)
    with pytest.raises(PeriodLocked):
        services.duplicate_assessment(actor=world.teacher_maths, assessment=a, assignments=[_maths_b(world)])
    assert Assessment.objects.count() == 1


# --- delete -------------------------------------------------------------------------------------
def test_delete_without_marks(world):
    a = _create(world)
    services.delete_assessment(actor=world.teacher_maths, assessment=a)
    assert not Assessment.objects.exists()
    event = AuditEvent.objects.get(action="grades.assessment_deleted")
    assert event.changes["title"] == ["Contrôle 1", None]
    assert event.changes["marks_deleted"] == [0, None]


def test_delete_with_marks_needs_confirmation(world):
    a = _create(world)
    g.mark(a, world.alice, "12.5")
    g.mark(a, world.bruno, "absent")
    with pytest.raises(ConfirmationRequired) as caught:
        services.delete_assessment(actor=world.teacher_maths, assessment=a)
    assert caught.value.code == "confirmation_required"
    assert caught.value.details == {"marks": 2}
    assert Assessment.objects.exists()
    services.delete_assessment(actor=world.teacher_maths, assessment=a, confirmed=True)
    assert not Assessment.objects.exists() and not Mark.objects.exists()
    event = AuditEvent.objects.get(action="grades.assessment_deleted")
    assert event.changes["marks_deleted"] == [2, None]
    assert [m["mark"] for m in event.changes["marks"][0]] == ["Abs", "12,5"]  # FRANÇAIS Bruno, MARTIN Alice


def test_delete_refused(world):
    a = _create(world)
    for person in (world.chloe_father, world.outsider):
        with pytest.raises(NotFound):
            services.delete_assessment(actor=person, assessment=a, confirmed=True)
    with pytest.raises(PermissionDenied):
        services.delete_assessment(actor=world.alice, assessment=a, confirmed=True)
    _close(world, world.seconde_a)
    with pytest.raises(PeriodLocked):
        services.delete_assessment(actor=world.teacher_maths, assessment=a, confirmed=True)
    assert Assessment.objects.count() == 1


# --- publish ------------------------------------------------------------------------------------
def test_publish_now(world, django_capture_on_commit_callbacks):
    a = _create(world, publication="hidden")
    with django_capture_on_commit_callbacks(execute=True):
        published = services.publish_now(actor=world.teacher_maths, assessment=a)
    assert published.published_at is not None and published.version == 2
    assert AuditEvent.objects.filter(action="grades.assessment_published").count() == 1
    # publishing again changes nothing
    again = services.publish_now(actor=world.teacher_maths, assessment=published)
    assert again.version == 2
    with pytest.raises(NotFound):
        services.publish_now(actor=world.outsider, assessment=a)


# --- locks --------------------------------------------------------------------------------------
def test_is_locked(world):
    assert not services.is_locked(world.periods[0], world.seconde_a)
    council = ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a)
    assert not services.is_locked(world.periods[0], world.seconde_a)
    council.status = ClassCouncil.Status.CLOSED
    council.save(update_fields=["status"])
    assert services.is_locked(world.periods[0], world.seconde_a)
    assert not services.is_locked(world.periods[1], world.seconde_a)
    with pytest.raises(PeriodLocked):
        services.ensure_unlocked(world.periods[0], [world.seconde_a.pk, world.seconde_b.pk])
    services.ensure_unlocked(world.periods[0], [world.seconde_b.pk])


# --- the period scheme switch refuses once periods are used ---------------------------------------
def test_period_scheme_switch_refused_when_periods_are_used(world):
    a = _create(world)
    with pytest.raises(ValidationFailed) as caught:
        change_period_scheme(actor=world.head, school_year=world.year, kind="semester")
    assert "Impossible de changer de découpage" in str(caught.value.message)
    assert Period.objects.filter(school_year=world.year).count() == 3
    services.delete_assessment(actor=world.teacher_maths, assessment=a)
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[2], school_class=world.seconde_a)
    with pytest.raises(ValidationFailed):
        change_period_scheme(actor=world.head, school_year=world.year, kind="semester")
    ClassCouncil.objects.all().delete()
    periods = change_period_scheme(actor=world.head, school_year=world.year, kind="semester")
    assert len(periods) == 2


def test_time_travel_sanity(world):
    with time_machine.travel(dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)):
        a = _create(world, publication="at", publish_at=dt.datetime(2026, 10, 2, 8, tzinfo=dt.UTC))
    assert a.published_at == dt.datetime(2026, 10, 2, 8, tzinfo=dt.UTC)
