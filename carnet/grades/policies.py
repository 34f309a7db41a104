"""Who may see and change assessments and marks.

Predicates (`can_*`), their raising twins (`ensure_can_*`) and scopes (`*_visible_to(actor)` ->
QuerySet). Scopes are built from sub-queries (no Python lists of ids that grow with the data) and
every branch filters on establishment first.

- A teacher edits the assessments of their current-year assignments, and those of a colleague who
  teaches the same subject to the same class or the same group (co-teaching).
- The administrative staff (head, deputy, school life, secretary) read every assessment and mark of
  their establishment; the IT administrator does not.
- The main teacher of a class reads the assessments of the class (for the council).
- "Readable" (`assignments_readable_by`, `assessments_readable_by`) is what a person reads in the
  read-only grid with each mark's history: the editable ones, the main teacher's classes' and, for
  the administrative staff, every one of their establishment — never a student's or a guardian's.
- A student reads their own marks once published to students (`published_at <= now`); a guardian
  their children's once published to guardians (`guardians_published_at <= now`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from carnet.core.errors import NotFound, PermissionDenied
from carnet.grades.models import Assessment, Mark
from carnet.school.models import (
    Enrollment,
    Guardianship,
    SchoolClass,
    StaffFunction,
    TeachingAssignment,
    TeachingGroup,
)
from carnet.school.roles import Roles, current_enrollment_q, roles_of

User = get_user_model()
K = StaffFunction.Kind

#: Functions that read every mark of their establishment.
GRADES_READERS = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE, K.SECRETARY})
#: Functions that set the grading profile, coefficients, exports and unlock closed periods.
GRADES_MANAGERS = frozenset({K.HEAD, K.DEPUTY})
#: Functions that set conduct marks.
CONDUCT_SETTERS = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE})


def _reader_establishment_ids(roles: Roles) -> frozenset[int]:
    return frozenset(e for e, kinds in roles.functions.items() if kinds & GRADES_READERS)


# --- assignments --------------------------------------------------------------------------------
def assignments_editable_by(actor) -> QuerySet[TeachingAssignment]:
    """The actor's own teaching assignments of the current year."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return TeachingAssignment.objects.none()
    return TeachingAssignment.objects.filter(teacher_id=roles.user_id, school_year__is_current=True)


def assignments_readable_by(actor) -> QuerySet[TeachingAssignment]:
    """Current-year assignments whose marks, with each mark's history, the actor reads in the
    read-only grid: every one of an establishment for its administrative staff; those given to the
    classes of which the actor is the main teacher; their own and co-taught ones."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return TeachingAssignment.objects.none()
    conditions = Q(establishment_id__in=_reader_establishment_ids(roles))
    if roles.is_teacher:
        conditions |= Q(id__in=_co_taught_assignments(roles.user_id).values("id"))
    if roles.main_teacher_class_ids:
        main = TeachingAssignment.objects.filter(
            teacher_id=roles.user_id, school_year__is_current=True, is_main_teacher=True, school_class__isnull=False
        )
        conditions |= Q(establishment_id__in=main.values("establishment_id")) & Q(
            school_class_id__in=main.values("school_class_id")
        )
    return TeachingAssignment.objects.filter(conditions, school_year__is_current=True)


def _co_taught_assignments(user_id: int) -> QuerySet[TeachingAssignment]:
    """Current-year assignments (the actor's and colleagues') that share a subject and a class, or a
    subject and a group, with one of the actor's assignments."""
    mine = TeachingAssignment.objects.filter(teacher_id=user_id, school_year__is_current=True)
    same_class = mine.filter(subject_id=OuterRef("subject_id"), school_class_id=OuterRef("school_class_id"))
    same_group = mine.filter(subject_id=OuterRef("subject_id"), group_id=OuterRef("group_id"))
    return TeachingAssignment.objects.filter(
        establishment_id__in=mine.values("establishment_id"), school_year__is_current=True
    ).filter(Exists(same_class) | Exists(same_group))


def _editable_q(roles: Roles, prefix: str = "") -> Q:
    """Assessments (or, with prefix "assessment__", marks) the actor edits."""
    mine = TeachingAssignment.objects.filter(teacher_id=roles.user_id, school_year__is_current=True)
    return Q(**{f"{prefix}establishment_id__in": mine.values("establishment_id")}) & Q(
        **{f"{prefix}assignment_id__in": _co_taught_assignments(roles.user_id).values("id")}  # type: ignore[arg-type]
    )


def _main_teacher_q(roles: Roles, prefix: str = "") -> Q:
    """Assessments given to the classes of which the actor is the main teacher (current year)."""
    main = TeachingAssignment.objects.filter(
        teacher_id=roles.user_id, school_year__is_current=True, is_main_teacher=True, school_class__isnull=False
    )
    return Q(**{f"{prefix}establishment_id__in": main.values("establishment_id")}) & Q(
        **{f"{prefix}assignment__school_class_id__in": main.values("school_class_id")}
    )


# --- assessments --------------------------------------------------------------------------------
def assessments_editable_by(actor) -> QuerySet[Assessment]:
    """Assessments of the current year whose assignment is the actor's or is co-taught with one of
    the actor's (same subject, same class or group)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Assessment.objects.none()
    return Assessment.objects.filter(_editable_q(roles))


def assessments_readable_by(actor) -> QuerySet[Assessment]:
    """Assessments whose marks and their history the actor reads (see `assignments_readable_by`):
    editable ones, the main teacher's classes', every one of an establishment for its
    administrative staff. Students and guardians read none here (their marks pages show only what
    is published to them)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Assessment.objects.none()
    conditions = Q(establishment_id__in=_reader_establishment_ids(roles))
    if roles.is_teacher:
        conditions |= _editable_q(roles)
    if roles.main_teacher_class_ids:
        conditions |= _main_teacher_q(roles)
    return Assessment.objects.filter(conditions)


def assessments_visible_to(actor, *, now=None) -> QuerySet[Assessment]:
    """Editable ones; the main teacher's classes'; every one of an establishment for its
    administrative staff; for a student, the published ones of their class and groups (and any
    they hold a mark in); for a guardian, those published to guardians of their children's."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Assessment.objects.none()
    now = now or timezone.now()
    conditions = Q(establishment_id__in=_reader_establishment_ids(roles))
    if roles.is_teacher:
        conditions |= _editable_q(roles)
    if roles.main_teacher_class_ids:
        conditions |= _main_teacher_q(roles)
    if roles.is_student:
        own_groups = TeachingGroup.students.through.objects.filter(user_id=roles.user_id).values("teachinggroup_id")
        own_marks = Mark.objects.filter(student_id=roles.user_id).values("assessment_id")
        conditions |= (
            Q(establishment_id__in=roles.student_establishment_ids, published_at__lte=now)
            & (
                Q(assignment__school_class_id__in=roles.student_class_ids)
                | Q(assignment__group_id__in=own_groups)
                | Q(id__in=own_marks)
            )
        )
    if roles.is_guardian:
        children = Guardianship.objects.filter(guardian_id=roles.user_id).values("student_id")
        children_classes = Enrollment.objects.filter(current_enrollment_q(), student_id__in=children).values(
            "school_class_id"
        )
        children_groups = TeachingGroup.students.through.objects.filter(user_id__in=children).values("teachinggroup_id")
        children_marks = Mark.objects.filter(student_id__in=children).values("assessment_id")
        conditions |= (
            Q(establishment_id__in=roles.child_establishment_ids, guardians_published_at__lte=now)
            & (
                Q(assignment__school_class_id__in=children_classes)
                | Q(assignment__group_id__in=children_groups)
                | Q(id__in=children_marks)
            )
        )
    return Assessment.objects.filter(conditions)


def students_of_assignment(assignment: TeachingAssignment) -> QuerySet:
    """The students currently enrolled in the assignment's class, or members of its group,
    ordered by last then first name."""
    if assignment.school_class_id:
        ids: QuerySet = Enrollment.objects.filter(
            current_enrollment_q(), school_class_id=assignment.school_class_id
        ).values("student_id")
    else:
        group_id: int = assignment.group_id  # type: ignore[assignment]  # class xor group
        ids = TeachingGroup.students.through.objects.filter(teachinggroup_id=group_id).values("user_id")
    return User.objects.filter(id__in=ids, is_active=True).order_by("last_name", "first_name", "id")


def students_of_assessment(assessment: Assessment) -> QuerySet:
    return students_of_assignment(assessment.assignment)


def can_edit_assessment(actor, assessment: Assessment) -> bool:
    return assessments_editable_by(actor).filter(pk=assessment.pk).exists()


def ensure_can_edit_assessment(actor, assessment: Assessment) -> None:
    """NotFound when the actor cannot even see the assessment, PermissionDenied when they see it
    but may not change it (a head, a main teacher, a student)."""
    if can_edit_assessment(actor, assessment):
        return
    if assessments_visible_to(actor).filter(pk=assessment.pk).exists():
        raise PermissionDenied()
    raise NotFound()


def can_edit_assignment(actor, assignment: TeachingAssignment) -> bool:
    """The actor may create assessments for `assignment`: their own, or co-taught."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return False
    return _co_taught_assignments(roles.user_id).filter(pk=assignment.pk).exists()


# --- marks --------------------------------------------------------------------------------------
def marks_visible_to(actor, *, now=None) -> QuerySet[Mark]:
    """Marks of editable assessments; of the main teacher's classes; every mark of an establishment
    for its administrative staff; a student's own published marks; a guardian's children's marks
    published to guardians (in the establishment where the guardianship is recorded)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Mark.objects.none()
    now = now or timezone.now()
    conditions = Q(establishment_id__in=_reader_establishment_ids(roles))
    if roles.is_teacher:
        conditions |= _editable_q(roles, "assessment__")
    if roles.main_teacher_class_ids:
        conditions |= _main_teacher_q(roles, "assessment__")
    if roles.is_student:
        conditions |= Q(
            establishment_id__in=roles.student_establishment_ids,
            student_id=roles.user_id,
            assessment__published_at__lte=now,
        )
    if roles.is_guardian:
        guarded = Guardianship.objects.filter(
            guardian_id=roles.user_id, student_id=OuterRef("student_id"), establishment_id=OuterRef("establishment_id")
        )
        conditions |= Q(establishment_id__in=roles.child_establishment_ids, assessment__guardians_published_at__lte=now) & Q(
            Exists(guarded)
        )
    return Mark.objects.filter(conditions)


def students_visible_for_marks(actor) -> QuerySet:
    """Students whose marks this person may read: oneself (a student), one's children, the students
    one teaches, every current student of an establishment for its administrative staff."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return User.objects.none()
    conditions = Q(id__in=roles.child_ids)
    if roles.is_student:
        conditions |= Q(id=roles.user_id)
    readers = _reader_establishment_ids(roles)
    if readers:
        conditions |= Q(
            id__in=Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=readers).values("student_id")
        )
    if roles.taught_class_ids or roles.taught_group_ids:
        conditions |= Q(
            id__in=Enrollment.objects.filter(current_enrollment_q(), school_class_id__in=roles.taught_class_ids).values(
                "student_id"
            )
        ) | Q(
            id__in=TeachingGroup.students.through.objects.filter(teachinggroup_id__in=roles.taught_group_ids).values(
                "user_id"
            )
        )
    return User.objects.filter(is_active=True).filter(conditions)


# --- establishment-wide rights ------------------------------------------------------------------
def can_manage_grading(actor, establishment) -> bool:
    """Head and deputies: grading profile, subject coefficients, exports, unlocking a period."""
    return roles_of(actor).has_function(establishment.pk, *GRADES_MANAGERS)


def ensure_can_manage_grading(actor, establishment) -> None:
    if not can_manage_grading(actor, establishment):
        raise PermissionDenied()


def can_view_class_results(actor, school_class: SchoolClass) -> bool:
    """The administrative staff of the establishment, the class's teachers (directly or through a
    group of the class) and its main teacher."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return False
    if roles.has_function(school_class.establishment_id, *GRADES_READERS):
        return True
    if school_class.pk in roles.taught_class_ids or school_class.pk in roles.main_teacher_class_ids:
        return True
    if roles.taught_group_ids:
        return TeachingGroup.classes.through.objects.filter(
            teachinggroup_id__in=roles.taught_group_ids, schoolclass_id=school_class.pk
        ).exists()
    return False


def can_run_council(actor, school_class: SchoolClass) -> bool:
    """The main teacher of the class, the head and the deputies."""
    roles = roles_of(actor)
    return school_class.pk in roles.main_teacher_class_ids or roles.has_function(
        school_class.establishment_id, *GRADES_MANAGERS
    )


def ensure_can_run_council(actor, school_class: SchoolClass) -> None:
    if not can_run_council(actor, school_class):
        raise PermissionDenied()


def can_set_conduct(actor, establishment) -> bool:
    """Head, deputies and school-life staff set conduct marks."""
    return roles_of(actor).has_function(establishment.pk, *CONDUCT_SETTERS)


def ensure_can_set_conduct(actor, establishment) -> None:
    if not can_set_conduct(actor, establishment):
        raise PermissionDenied()
