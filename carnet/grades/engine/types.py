"""The engine's vocabulary: plain frozen dataclasses, no database. The contract every other part of
Carnet codes against (grid, families' pages, council, report cards, exports, demo, bench)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")

# Mark statuses (same strings as grades.models.Mark.Status)
MARKED = "marked"
ABSENT = "absent"
EXEMPT = "exempt"
NOT_HANDED_IN = "not_handed_in"
NOT_MARKED = "not_marked"

# Roles in a formula (same strings as grades.models.Role)
INTERROGATION = "interrogation"
DEVOIR = "devoir"
OTHER = "other"


@dataclass(frozen=True)
class MarkIn:
    """One assessment as seen by one student. `value` is on `scale` (None unless status MARKED)."""

    assessment: str  # a stable key (the assessment's public id as text)
    title: str
    role: str  # INTERROGATION | DEVOIR | OTHER
    status: str  # MARKED | ABSENT | EXEMPT | NOT_HANDED_IN | NOT_MARKED
    value: Decimal | None
    scale: Decimal = Decimal("20")
    coefficient: Decimal = Decimal("1")
    is_bonus: bool = False
    held_on: dt.date | None = None


@dataclass(frozen=True)
class Component:
    """A part of a custom formula: the marks of `role`, as one mean ("mean") or one term per mark
    ("each"), weighted by `weight`."""

    role: str
    mode: str  # "mean" | "each"
    weight: Decimal = Decimal("1")


@dataclass(frozen=True)
class Band:
    minimum: Decimal
    label: str


@dataclass(frozen=True)
class Rules:
    """A grading profile read into plain values (see grades.models.GradingProfile)."""

    formula: str = "weighted"  # "weighted" | "benin" | "custom"
    components: tuple[Component, ...] = ()
    missing: str = "skip"  # "skip" | "zero" | "block"
    not_handed_in: str = "zero"  # "zero" | "skip"
    ranks: bool = False
    annual_weights: tuple[Decimal, ...] = ()  # empty: plain mean
    decision_bands: tuple[Band, ...] = ()
    conduct_coefficient: Decimal = Decimal("1")


@dataclass(frozen=True)
class Step:
    """One line of an explanation, in the reader's language (gettext at the time of computing),
    with the number it produced when there is one."""

    text: str
    value: Decimal | None = None


@dataclass(frozen=True)
class SubjectResult:
    """A student's average in one subject for one period.

    `value` is None when nothing counts or when blocked (then `blocked_reason` says why).
    `interrogation_mean` and `devoirs` are filled for the Beninese formula (bulletin columns)."""

    value: Decimal | None
    steps: tuple[Step, ...]
    counted: tuple[str, ...] = ()  # assessment keys that entered the average
    blocked_reason: str | None = None
    interrogation_mean: Decimal | None = None
    devoirs: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class SubjectLine:
    """A subject entering a general average."""

    key: str  # subject public id as text, or "conduct"
    name: str
    coefficient: Decimal
    average: Decimal | None
    is_bonus: bool = False  # optional subject: only points above 10 count
    blocked_reason: str | None = None  # the subject's average is blocked (rules.missing == "block")


@dataclass(frozen=True)
class GeneralResult:
    value: Decimal | None
    steps: tuple[Step, ...]
    blocked_reason: str | None = None


@dataclass(frozen=True)
class Stats:
    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    # (label, count) for the bands [0,5), [5,8), [8,10), [10,12), [12,14), [14,16), [16,20]
    distribution: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    scale: Decimal = Decimal("20")  # the values' scale (an assessment's own scale; 20 for averages)


def built(cls: type[T], values: dict[str, Any]) -> T:
    """`cls(**values)` for a frozen dataclass of this module, without running its __init__ (which
    sets each field through object.__setattr__, the slow part of making a whole establishment's
    results): `values` must name every field, in any order. Equal, and hashing equal, to the
    instance __init__ makes (see `field_names`; tests check the callers)."""
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


def field_names(cls: type) -> frozenset[str]:
    """The names of the fields of a dataclass (what `built` must be given)."""
    return frozenset(f.name for f in fields(cls))
