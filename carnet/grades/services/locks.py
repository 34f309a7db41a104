"""Closed councils lock marks: once the class council of a period is closed for a class, no mark of
that period may change for the students of that class (until a staff unlock reopens the council)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from carnet.grades.errors import PeriodLocked
from carnet.grades.models import Assessment, ClassCouncil
from carnet.school.models import Enrollment, Period, SchoolClass, TeachingGroup
from carnet.school.roles import current_enrollment_q


def is_locked(period: Period, school_class: SchoolClass) -> bool:
    return ClassCouncil.objects.filter(
        period=period, school_class=school_class, status=ClassCouncil.Status.CLOSED
    ).exists()


def locked_class_ids(period: Period, class_ids: Iterable[int]) -> set[int]:
    """Among `class_ids`, those whose council of `period` is closed (one query)."""
    ids = set(class_ids)
    if not ids:
        return set()
    return set(
        ClassCouncil.objects.filter(period=period, school_class_id__in=ids, status=ClassCouncil.Status.CLOSED).values_list(
            "school_class_id", flat=True
        )
    )


def ensure_unlocked(period: Period, class_ids: Iterable[int]) -> None:
    """Raise PeriodLocked (details {period, classes}) when the council of `period` is closed for
    one of `class_ids`."""
    locked = locked_class_ids(period, class_ids)
    if not locked:
        return
    names = sorted(SchoolClass.objects.filter(id__in=locked).values_list("name", flat=True))
    raise PeriodLocked(
        _("Le conseil de classe de « %(period)s » est clos pour %(classes)s : les notes de cette période ne "
          "peuvent plus être modifiées sans déverrouillage par la direction.")
        % {"period": period.name, "classes": ", ".join(names)},
        details={"period": str(period.public_id), "classes": names},
    )


def class_ids_of_assessment(assessment: Assessment) -> set[int]:
    """The classes whose council governs the assessment: its class, or for a group the current
    classes of the group's students (and the classes the group is attached to)."""
    assignment = assessment.assignment
    if assignment.school_class_id:
        return {assignment.school_class_id}
    group_id: int = assignment.group_id  # type: ignore[assignment]  # class xor group
    students = TeachingGroup.students.through.objects.filter(teachinggroup_id=group_id).values("user_id")
    ids = set(
        Enrollment.objects.filter(current_enrollment_q(), student_id__in=students).values_list("school_class_id", flat=True)
    )
    ids |= set(
        TeachingGroup.classes.through.objects.filter(teachinggroup_id=group_id).values_list(
            "schoolclass_id", flat=True
        )
    )
    return ids


def class_ids_of_students(assessment: Assessment, student_ids: Iterable[int]) -> set[int]:
    """The classes to check when marks of these students change: the assessment's class, or for a
    group each student's current class."""
    assignment = assessment.assignment
    if assignment.school_class_id:
        return {assignment.school_class_id}
    return set(
        Enrollment.objects.filter(current_enrollment_q(), student_id__in=set(student_ids)).values_list(
            "school_class_id", flat=True
        )
    )


def ensure_assessment_unlocked(assessment: Assessment) -> None:
    ensure_unlocked(assessment.period, class_ids_of_assessment(assessment))
