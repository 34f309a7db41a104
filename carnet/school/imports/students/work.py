"""What applying a students file will do, as validation leaves it for `writing.apply`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from carnet.school.imports import people
from carnet.school.models import (
    Enrollment,
    Guardianship,
    Level,
    SchoolClass,
    SchoolYear,
    Series,
    StaffFunction,
)


@dataclass
class NewClass:
    key: str
    name: str
    line: int
    level: str
    series: str
    level_given: bool


@dataclass
class EnrollmentWork:
    """What to do with the student's enrollment in the current year."""

    action: str  # "none", "create", "update" (same row), "move" (close it, open another)
    enrollment_id: int | None = None
    class_key: str = ""
    national_id: str = ""
    is_repeating: bool = False
    starts_on: dt.date | None = None
    closes_on: dt.date | None = None
    updates: dict[str, Any] = field(default_factory=dict)


@dataclass
class StudentWork:
    line: int
    existing: dict | None
    create: dict[str, Any]
    updates: dict[str, tuple[Any, Any]]
    enrollment: EnrollmentWork
    user_id: int = 0  # known once the people are written


@dataclass
class GuardianWork:
    existing: dict | None
    values: dict[str, Any]
    lines: list[int]
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    user_id: int = 0  # known once the people are written


@dataclass
class StudentsWork:
    year: SchoolYear
    class_ids: dict[str, int]
    level_ids: dict[str, int]
    series_ids: dict[str, int]
    new_levels: list[tuple[str, str, int]] = field(default_factory=list)  # key, name, rank
    new_series: list[tuple[str, str]] = field(default_factory=list)  # key, name
    new_classes: list[NewClass] = field(default_factory=list)
    students: list[StudentWork] = field(default_factory=list)
    guardians: list[GuardianWork] = field(default_factory=list)
    new_links: list[tuple[int, int, str]] = field(default_factory=list)  # student index, guardian index, relationship
    link_updates: list[tuple[int, str]] = field(default_factory=list)  # guardianship id, relationship


@dataclass
class Known:
    """What the establishment already holds, read in a fixed number of queries."""

    classes: list[dict]
    levels: list[dict]
    series: list[dict]
    enrollments: list[dict]
    students: dict[int, dict]
    guardianships: list[dict]
    adults: dict[int, dict]
    protected: set[int]

    @classmethod
    def load(cls, establishment, year, actor) -> Known:
        from django.contrib.auth import get_user_model

        User = get_user_model()
        in_establishment = Enrollment.objects.filter(establishment=establishment)
        guardians_here = Guardianship.objects.filter(establishment=establishment)
        staff_here = StaffFunction.objects.filter(establishment=establishment)
        functions = people.rows(staff_here, "user_id", "kind", "ends_on")
        return cls(
            classes=people.rows(SchoolClass.objects.filter(school_year=year), "id", "name", "normalized_name"),
            levels=people.rows(Level.objects.filter(establishment=establishment), "id", "name"),
            series=people.rows(Series.objects.filter(establishment=establishment), "id", "name"),
            enrollments=people.rows(
                in_establishment,
                "id", "student_id", "school_year_id", "school_class_id", "national_id", "is_repeating", "starts_on",
                "ends_on",
            ),
            students=people.snapshot(User.objects.filter(id__in=in_establishment.values("student_id"))),
            guardianships=people.rows(guardians_here, "id", "student_id", "guardian_id", "relationship"),
            adults=people.snapshot(
                User.objects.filter(Q(id__in=guardians_here.values("guardian_id")) | Q(id__in=staff_here.values("user_id")))
            ),
            protected=people.protected_ids(functions, head_actor=people.acts_as_head(actor, establishment)),
        )
