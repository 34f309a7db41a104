"""The demo as plain Python objects: what `builder.build_plan` draws and `services.seed_demo` writes.

Every object is compared by identity (two students may share a name), so they can key dicts."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from carnet.demo.data import Cell, EstablishmentSpec, Lesson


@dataclass(eq=False)
class Person:
    first_name: str
    last_name: str
    sex: str
    birth_date: dt.date | None = None
    birth_place: str = ""
    phone: str = ""
    wants_email: bool = False


@dataclass(eq=False)
class ClassPlan:
    name: str
    cell: Cell
    lessons: tuple[Lesson, ...]
    second_language: Lesson | None
    size: int
    students: list[Person] = field(default_factory=list)


@dataclass(eq=False)
class GroupPlan:
    name: str
    classes: list[ClassPlan]
    students: list[Person] = field(default_factory=list)
    seats: list[Any] = field(default_factory=list, repr=False)  # _Slot, while families are drawn


@dataclass(eq=False)
class AssignmentPlan:
    teacher: Person
    subject: str
    hours: Decimal
    coefficient: Decimal
    school_class: ClassPlan | None = None
    group: GroupPlan | None = None
    is_main_teacher: bool = False


@dataclass(eq=False)
class EnrollmentPlan:
    student: Person
    school_class: ClassPlan
    national_id: str
    is_repeating: bool


@dataclass(eq=False)
class GuardianshipPlan:
    guardian: Person
    student: Person
    relationship: str
    has_legal_responsibility: bool = True


@dataclass(eq=False)
class FunctionPlan:
    person: Person
    kind: str
    note: str
    starts_on: dt.date
    ends_on: dt.date | None = None


@dataclass(eq=False)
class AccountPlan:
    key: str
    role: str
    person: Person
    detail: str
    spec: EstablishmentSpec | None  # None: the parent with a child in each establishment


@dataclass(eq=False)
class EstablishmentPlan:
    spec: EstablishmentSpec
    classes: list[ClassPlan] = field(default_factory=list)
    groups: list[GroupPlan] = field(default_factory=list)
    assignments: list[AssignmentPlan] = field(default_factory=list)
    enrollments: list[EnrollmentPlan] = field(default_factory=list)
    guardianships: list[GuardianshipPlan] = field(default_factory=list)
    functions: list[FunctionPlan] = field(default_factory=list)
    accounts: list[AccountPlan] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    teachers: list[Person] = field(default_factory=list)


@dataclass
class DemoPlan:
    establishments: list[EstablishmentPlan]
    accounts: list[AccountPlan]

    def people(self) -> list[Person]:
        """Everyone once, in creation order (a parent of two establishments appears once)."""
        seen: set[int] = set()
        result = []
        for establishment in self.establishments:
            for person in establishment.people:
                if id(person) not in seen:
                    seen.add(id(person))
                    result.append(person)
        return result


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` by `weights` (largest remainder), each part at least `minimum`."""
    rest = total - minimum * len(weights)
    quotas = [rest * w / sum(weights) for w in weights]
    parts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in by_remainder[: rest - sum(parts)]:
        parts[i] += 1
    return [minimum + p for p in parts]
