"""Who may see and change the timetable.

Predicates (`can_*`), their raising twins (`ensure_can_*`) and scopes (`*_visible_to(actor)` ->
QuerySet). Scopes are built from sub-queries and every branch filters on establishment first.

- The administrative staff (head, deputy, school life, secretary, IT administrator) read every slot
  and session of their establishment; all but the secretary manage them (slots, changes, imports).
- A teacher reads the sessions they teach (their own, or as the replacement teacher), those of the
  assignments they hold (even when replaced) and the timetable of the classes and groups they teach.
- A student reads the sessions of their class, of the groups given to their class and of the groups
  they belong to; a guardian the same for each child (in the establishment of the guardianship).
- Outside the scope is answered 404, like a missing object."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from carnet.core.errors import NotFound, PermissionDenied
from carnet.school.models import (
    Enrollment,
    Guardianship,
    SchoolClass,
    StaffFunction,
    TeachingAssignment,
    TeachingGroup,
)
from carnet.school.roles import Roles, active_function_q, current_enrollment_q, roles_of
from carnet.timetable.models import Resource, Session, Slot

User = get_user_model()
K = StaffFunction.Kind

#: Functions that create, change and import the timetable of their establishment.
TIMETABLE_MANAGERS = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE, K.IT_ADMIN})
#: Functions that read the whole timetable of their establishment.
TIMETABLE_READERS = TIMETABLE_MANAGERS | {K.SECRETARY}


def reader_establishment_ids(roles: Roles) -> frozenset[int]:
    return frozenset(e for e, kinds in roles.functions.items() if kinds & TIMETABLE_READERS)


def manager_establishment_ids(roles: Roles) -> frozenset[int]:
    return frozenset(e for e, kinds in roles.functions.items() if kinds & TIMETABLE_MANAGERS)


# --- establishment-wide rights ------------------------------------------------------------------
def can_manage_timetable(actor, establishment) -> bool:
    """Head, deputies, school life and the IT administrator manage slots, sessions and imports."""
    return roles_of(actor).has_function(establishment.pk, *TIMETABLE_MANAGERS)


def ensure_can_manage_timetable(actor, establishment) -> None:
    if not can_manage_timetable(actor, establishment):
        raise PermissionDenied()


def can_read_timetable(actor, establishment) -> bool:
    """The administrative staff read any class's, teacher's or room's timetable."""
    return roles_of(actor).has_function(establishment.pk, *TIMETABLE_READERS)


# --- building blocks ----------------------------------------------------------------------------
def assignments_q(condition: Q, prefix: str = "assignment__") -> Q:
    """Rows whose assignment matches `condition` (on TeachingAssignment), written as
    `assignment_id IN (SELECT id …)` so that the database uses the (assignment, day) index of the
    sessions instead of joining every session to its assignment. `prefix=""` for assignments
    themselves."""
    return Q(**{f"{prefix}id__in": TeachingAssignment.objects.filter(condition).values("id")})


def class_audience_q(class_ids, prefix: str = "assignment__") -> Q:
    """Rows whose assignment is given to one of `class_ids` (a list or a sub-query), directly or
    through a group attached to the class."""
    groups = TeachingGroup.classes.through.objects.filter(schoolclass_id__in=class_ids).values(
        "teachinggroup_id"
    )
    return assignments_q(Q(school_class_id__in=class_ids) | Q(group_id__in=groups), prefix)


def student_audience_q(student_ids, prefix: str = "assignment__") -> Q:
    """Rows whose assignment concerns one of `student_ids` (a list or a sub-query): their current
    class, groups attached to it without a member list, and the groups they belong to."""
    classes = Enrollment.objects.filter(current_enrollment_q(), student_id__in=student_ids).values(
        "school_class_id"
    )
    own_groups = TeachingGroup.students.through.objects.filter(user_id__in=student_ids).values(
        "teachinggroup_id"
    )
    class_wide_groups = (
        TeachingGroup.classes.through.objects.filter(schoolclass_id__in=classes)
        .exclude(teachinggroup_id__in=TeachingGroup.students.through.objects.values("teachinggroup_id"))
        .values("teachinggroup_id")
    )
    return assignments_q(
        Q(school_class_id__in=classes) | Q(group_id__in=own_groups) | Q(group_id__in=class_wide_groups),
        prefix,
    )


def teacher_q(teacher_id: int) -> Q:
    """Sessions `teacher_id` teaches, or whose assignment is theirs (even when replaced)."""
    return Q(teacher_id=teacher_id) | assignments_q(Q(teacher_id=teacher_id))


def _teacher_establishment_ids(roles: Roles):
    return TeachingAssignment.objects.filter(teacher_id=roles.user_id).values("establishment_id")


def _scope_q(roles: Roles, prefix: str = "") -> Q | None:
    """The condition shared by sessions and slots (prefix "" for both: both carry `assignment`)."""
    if roles.user_id is None:
        return None
    conditions = Q(establishment_id__in=reader_establishment_ids(roles))
    if roles.is_teacher:
        in_my_establishments = Q(establishment_id__in=set(roles.functions)) | Q(
            establishment_id__in=_teacher_establishment_ids(roles)
        )
        taught_classes = list(roles.taught_class_ids)
        groups_of_taught_classes = TeachingGroup.classes.through.objects.filter(
            schoolclass_id__in=taught_classes
        ).values("teachinggroup_id")
        taught = assignments_q(
            Q(teacher_id=roles.user_id)
            | Q(school_class_id__in=taught_classes)
            | Q(group_id__in=groups_of_taught_classes)
            | Q(group_id__in=roles.taught_group_ids)
        )
        conditions |= in_my_establishments & taught
    if roles.is_student:
        conditions |= Q(establishment_id__in=roles.student_establishment_ids) & student_audience_q(
            [roles.user_id]
        )
    if roles.is_guardian:
        conditions |= Q(establishment_id__in=roles.child_establishment_ids) & student_audience_q(
            Guardianship.objects.filter(guardian_id=roles.user_id).values("student_id")
        )
    return conditions


# --- scopes -------------------------------------------------------------------------------------
def sessions_visible_to(actor) -> QuerySet[Session]:
    """Sessions this person may see (see the module docstring). A replacement teacher sees the
    sessions they teach."""
    roles = roles_of(actor)
    conditions = _scope_q(roles)
    if conditions is None:
        return Session.objects.none()
    if roles.user_id is not None:
        conditions |= Q(teacher_id=roles.user_id)
    return Session.objects.filter(conditions)


def slots_visible_to(actor) -> QuerySet[Slot]:
    roles = roles_of(actor)
    conditions = _scope_q(roles)
    if conditions is None:
        return Slot.objects.none()
    return Slot.objects.filter(conditions)


def sessions_managed_by(actor) -> QuerySet[Session]:
    """Sessions the actor may change (cancel, move, room, replacement, extra)."""
    roles = roles_of(actor)
    return Session.objects.filter(establishment_id__in=manager_establishment_ids(roles))


def slots_managed_by(actor) -> QuerySet[Slot]:
    roles = roles_of(actor)
    return Slot.objects.filter(establishment_id__in=manager_establishment_ids(roles))


def classes_with_timetable_visible_to(actor) -> QuerySet[SchoolClass]:
    """Classes whose whole timetable the actor may open: every current class of the establishments
    they read, the classes they teach (directly or through a group), their own, their children's."""
    from carnet.school.policies import classes_visible_to

    return classes_visible_to(actor)


def teachers_visible_to(actor) -> QuerySet:
    """Teachers whose timetable the actor may open: the teachers of an establishment the actor
    reads (anyone with an assignment or a teacher function there), and oneself."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return User.objects.none()
    readers = reader_establishment_ids(roles)
    with_assignment = TeachingAssignment.objects.filter(
        establishment_id__in=readers, school_year__is_current=True
    ).values("teacher_id")
    with_function = StaffFunction.objects.filter(
        active_function_q(), establishment_id__in=readers, kind=K.TEACHER
    ).values("user_id")
    return User.objects.filter(is_active=True).filter(
        Q(id__in=with_assignment) | Q(id__in=with_function) | Q(id=roles.user_id)
    )


def rooms_visible_to(actor) -> QuerySet[Resource]:
    """Rooms whose timetable the actor may open: those of the establishments they read."""
    roles = roles_of(actor)
    return Resource.objects.filter(
        establishment_id__in=reader_establishment_ids(roles), kind=Resource.Kind.ROOM
    )


def ensure_can_change_session(actor, session: Session) -> None:
    """NotFound when the actor cannot even see the session, PermissionDenied when they see it but
    may not change it."""
    if can_manage_timetable(actor, session.establishment):
        return
    if sessions_visible_to(actor).filter(pk=session.pk).exists():
        raise PermissionDenied()
    raise NotFound()
