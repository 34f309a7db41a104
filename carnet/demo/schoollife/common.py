"""The people of a demo establishment as the school-life seed needs them, what the seed reports,
and how it keeps what a service refused."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from carnet.core.errors import DomainError
from carnet.demo.models import DemoAccount
from carnet.school import models as school

User = get_user_model()
log = logging.getLogger("carnet.demo")

SEED = "carnet-demo-2026-schoollife"
#: Absences are "recent" (still to justify) for this long.
RECENT = dt.timedelta(days=3)
ABSENT, LATE_STATUS = "absent", "late"
K = school.StaffFunction.Kind


@dataclass
class SchoolLife:
    """What the seed made in one establishment (for the printed summary)."""

    registers: int = 0
    missing: int = 0
    absences: int = 0
    half_days: int = 0
    latenesses: int = 0
    justified: int = 0
    contacts: int = 0
    pending_declarations: int = 0
    declarations: int = 0
    exemptions: int = 0
    incidents: int = 0
    measures: int = 0
    changes: int = 0
    watched: int = 0
    refused: list[str] = field(default_factory=list)


@dataclass
class Cast:
    """The people of one establishment, read once."""

    establishment: school.Establishment
    year: school.SchoolYear
    zone: ZoneInfo
    head: Any
    deputy: Any
    cpe: Any
    surveillant: Any
    students: list[Any]
    class_of: dict[int, int]
    class_students: dict[int, list[int]]
    group_students: dict[int, set[int]]
    guardians: dict[int, list[Any]]
    teachers: dict[int, Any]
    printed: dict[str, Any]
    printed_teacher_ids: set[int]

    def local(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.zone)

    def student(self, pk: int) -> Any:
        return self._by_id[pk]

    def __post_init__(self) -> None:
        self._by_id = {s.pk: s for s in self.students}


def load_cast(establishment: school.Establishment, year: school.SchoolYear) -> Cast:
    functions: dict[str, list[Any]] = defaultdict(list)
    for function in (
        school.StaffFunction.objects.filter(establishment=establishment).select_related("user").order_by("id")
    ):
        functions[function.kind].append(function.user)
    enrollments = list(
        school.Enrollment.objects.filter(school_year=year)
        .order_by("student_id")
        .values_list("student_id", "school_class_id")
    )
    class_of = dict(enrollments)
    class_students: dict[int, list[int]] = defaultdict(list)
    for student_id, class_id in enrollments:
        class_students[class_id].append(student_id)
    group_students: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in school.TeachingGroup.students.through.objects.filter(
        teachinggroup__school_year=year
    ).values_list("teachinggroup_id", "user_id"):
        group_students[group_id].add(user_id)
    students = list(User.objects.filter(id__in=class_of.keys()).order_by("id"))
    guardians: dict[int, list[Any]] = defaultdict(list)
    for guardianship in (
        school.Guardianship.objects.filter(establishment=establishment)
        .select_related("guardian")
        .order_by("id")
    ):
        guardians[guardianship.student_id].append(guardianship.guardian)
    teacher_ids = set(
        school.TeachingAssignment.objects.filter(school_year=year).values_list("teacher_id", flat=True)
    )
    teachers = {u.pk: u for u in User.objects.filter(id__in=teacher_ids)}
    printed = {
        account.role: account.user
        for account in DemoAccount.objects.filter(establishment=establishment)
        .select_related("user")
        .order_by("position")
    }
    printed_teachers = {printed[r].pk for r in ("teacher", "main_teacher", "teacher_parent") if r in printed}
    school_life = functions[K.SCHOOL_LIFE] or functions[K.HEAD]
    return Cast(
        establishment=establishment,
        year=year,
        zone=ZoneInfo(establishment.time_zone),
        head=functions[K.HEAD][0],
        deputy=(functions[K.DEPUTY] or functions[K.HEAD])[0],
        cpe=school_life[0],
        surveillant=school_life[-1],
        students=students,
        class_of=class_of,
        class_students=dict(class_students),
        group_students=dict(group_students),
        guardians=dict(guardians),
        teachers=teachers,
        printed=printed,
        printed_teacher_ids=printed_teachers,
    )


def refuse(result: SchoolLife, service: str, error: DomainError) -> None:
    """Keep what a service refused: the seed goes on without it, and says so in the log."""
    note(result, f"{service}: {error.message} {error.details or ''}".strip())


def note(result: SchoolLife, text: str) -> None:
    result.refused.append(text)
    log.warning("Demo school life, refused: %s", text)
