"""Who may see and do what with the school's objects: predicates (`can_*`), their raising twins
(`ensure_can_*`) and scopes (`*_visible_to(actor)` -> QuerySet).

Pages and API endpoints fetch through a scope, so an object outside it answers 404 exactly like a
missing one. Every scope filters on establishment first. Scopes are built from sub-queries, so
their cost does not grow with the number of classes or children a person has."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from carnet.core.errors import PermissionDenied
from carnet.school.models import (
    Enrollment,
    Establishment,
    Guardianship,
    SchoolClass,
    StaffFunction,
    TeachingAssignment,
    TeachingGroup,
)
from carnet.school.roles import active_function_q, current_enrollment_q, roles_of

User = get_user_model()

#: Functions allowed to import the year's data, print activation sheets and reset accounts.
ACCOUNT_MANAGERS = frozenset(
    {StaffFunction.Kind.HEAD, StaffFunction.Kind.DEPUTY, StaffFunction.Kind.SECRETARY, StaffFunction.Kind.IT_ADMIN}
)


# --- establishments -----------------------------------------------------------------------------
def establishments_visible_to(actor) -> QuerySet[Establishment]:
    roles = roles_of(actor)
    if roles.is_superuser:
        return Establishment.objects.all()
    return Establishment.objects.filter(id__in=roles.establishment_ids)


def administered_establishments(actor) -> QuerySet[Establishment]:
    roles = roles_of(actor)
    return Establishment.objects.filter(id__in=roles.administrative_establishment_ids)


def can_manage_accounts(actor, establishment) -> bool:
    roles = roles_of(actor)
    return roles.has_function(establishment.pk, *ACCOUNT_MANAGERS)


def ensure_can_manage_accounts(actor, establishment) -> None:
    if not can_manage_accounts(actor, establishment):
        raise PermissionDenied()


def can_import(actor, establishment) -> bool:
    return can_manage_accounts(actor, establishment)


def ensure_can_import(actor, establishment) -> None:
    ensure_can_manage_accounts(actor, establishment)


def can_set_security_rules(actor, establishment) -> bool:
    """The head and the IT administrator decide the establishment's sign-in rules."""
    return roles_of(actor).has_function(establishment.pk, StaffFunction.Kind.HEAD, StaffFunction.Kind.IT_ADMIN)


def ensure_can_set_security_rules(actor, establishment) -> None:
    if not can_set_security_rules(actor, establishment):
        raise PermissionDenied()


def can_read_audit(actor, establishment) -> bool:
    return roles_of(actor).is_administrative_in(establishment.pk)


def ensure_can_read_audit(actor, establishment) -> None:
    if not can_read_audit(actor, establishment):
        raise PermissionDenied()


# --- classes ------------------------------------------------------------------------------------
def classes_visible_to(actor) -> QuerySet[SchoolClass]:
    """Classes of the current year: all of them for administrative staff, the taught ones for a
    teacher (directly or through a group), one's own class for a student, the children's classes for
    a guardian."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return SchoolClass.objects.none()
    taught_through_groups = TeachingGroup.classes.through.objects.filter(
        teachinggroup_id__in=roles.taught_group_ids
    ).values("schoolclass_id")
    children_classes = Enrollment.objects.filter(current_enrollment_q(), student_id__in=roles.child_ids).values(
        "school_class_id"
    )
    return SchoolClass.objects.filter(school_year__is_current=True).filter(
        Q(establishment_id__in=roles.administrative_establishment_ids)
        | Q(id__in=roles.taught_class_ids)
        | Q(id__in=taught_through_groups)
        | Q(id__in=roles.student_class_ids)
        | Q(id__in=children_classes)
    )


def classes_taught_by(actor) -> QuerySet[SchoolClass]:
    roles = roles_of(actor)
    through_groups = TeachingGroup.classes.through.objects.filter(teachinggroup_id__in=roles.taught_group_ids).values(
        "schoolclass_id"
    )
    return SchoolClass.objects.filter(Q(id__in=roles.taught_class_ids) | Q(id__in=through_groups))


def assignments_of_teacher(actor) -> QuerySet[TeachingAssignment]:
    return TeachingAssignment.objects.filter(teacher=actor, school_year__is_current=True).select_related(
        "school_class", "group", "subject", "establishment"
    )


# --- people -------------------------------------------------------------------------------------
def _students_taught_by(roles) -> QuerySet:
    in_classes = Enrollment.objects.filter(current_enrollment_q(), school_class_id__in=roles.taught_class_ids).values(
        "student_id"
    )
    in_groups = TeachingGroup.students.through.objects.filter(teachinggroup_id__in=roles.taught_group_ids).values(
        "user_id"
    )
    return User.objects.filter(Q(id__in=in_classes) | Q(id__in=in_groups)).values("id")


def _staff_of(establishment_ids) -> QuerySet:
    return (
        StaffFunction.objects.filter(active_function_q(), establishment_id__in=establishment_ids)
        .exclude(kind=StaffFunction.Kind.GUEST)
        .values("user_id")
    )


def students_visible_to(actor) -> QuerySet:
    """Students whose follow-up this person may see: all current students of an establishment for
    its administrative staff, the taught ones for a teacher, the children for a guardian, oneself
    for a student."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return User.objects.none()
    administered = Enrollment.objects.filter(
        current_enrollment_q(), establishment_id__in=roles.administrative_establishment_ids
    ).values("student_id")
    own = {roles.user_id} if roles.is_student else set()
    return User.objects.filter(is_active=True).filter(
        Q(id__in=administered) | Q(id__in=_students_taught_by(roles)) | Q(id__in=roles.child_ids) | Q(id__in=own)
    )


def children_of(actor) -> QuerySet:
    roles = roles_of(actor)
    return User.objects.filter(id__in=roles.child_ids, is_active=True).order_by("first_name", "last_name")


def people_visible_to(actor) -> QuerySet:
    """The directory (annuaire): people this person may find by name.

    - administrative staff: everyone with a role in their establishment;
    - teachers: the staff of their establishment, the students they teach and those students' guardians;
    - students: the staff of their establishment and their classmates;
    - guardians: their children, the staff of their children's establishments.
    Nobody sees anyone of another establishment through this scope."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return User.objects.none()
    admin_ids = roles.administrative_establishment_ids
    conditions = Q(id=roles.user_id)
    if admin_ids:
        conditions |= Q(
            id__in=Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=admin_ids).values("student_id")
        )
        conditions |= Q(id__in=Guardianship.objects.filter(establishment_id__in=admin_ids).values("guardian_id"))
        conditions |= Q(id__in=_staff_of(admin_ids))
    if roles.is_teacher:
        taught = _students_taught_by(roles)
        conditions |= Q(id__in=taught)
        conditions |= Q(id__in=Guardianship.objects.filter(student_id__in=taught).values("guardian_id"))
        conditions |= Q(id__in=_staff_of(roles.staff_establishment_ids))
    if roles.is_student:
        conditions |= Q(id__in=_staff_of(roles.student_establishment_ids))
        conditions |= Q(
            id__in=Enrollment.objects.filter(current_enrollment_q(), school_class_id__in=roles.student_class_ids).values(
                "student_id"
            )
        )
    if roles.is_guardian:
        conditions |= Q(id__in=roles.child_ids)
        conditions |= Q(id__in=_staff_of(roles.child_establishment_ids))
    return User.objects.filter(is_active=True).filter(conditions)


def can_view_student(actor, student) -> bool:
    return students_visible_to(actor).filter(pk=student.pk).exists()


def can_reset_account(actor, target) -> bool:
    """Account managers may reset the accounts of people of their establishment (not their peers
    with more power: a secretary does not reset the head)."""
    roles = roles_of(actor)
    managed = [e for e, kinds in roles.functions.items() if kinds & ACCOUNT_MANAGERS]
    if not managed or target.pk == actor.pk or target.is_superuser:
        return False
    actor_is_head = any(StaffFunction.Kind.HEAD in roles.functions.get(e, frozenset()) for e in managed)
    if not actor_is_head and StaffFunction.objects.filter(user=target, kind=StaffFunction.Kind.HEAD).exists():
        return False
    member = (
        Enrollment.objects.filter(student=target, establishment_id__in=managed).exists()
        or Guardianship.objects.filter(guardian=target, establishment_id__in=managed).exists()
        or StaffFunction.objects.filter(user=target, establishment_id__in=managed).exists()
    )
    return member


def ensure_can_reset_account(actor, target) -> None:
    if not can_reset_account(actor, target):
        raise PermissionDenied()


def establishments_of_person(user) -> QuerySet[Establishment]:
    """Establishments in which a person has any role (used to scope audit and notifications)."""
    return Establishment.objects.filter(
        Q(id__in=Enrollment.objects.filter(student=user).values("establishment_id"))
        | Q(id__in=Guardianship.objects.filter(guardian=user).values("establishment_id"))
        | Q(id__in=StaffFunction.objects.filter(user=user).values("establishment_id"))
    )
