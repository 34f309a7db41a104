"""What the computation layer hands to pages, report cards, council and exports: a class's results
for a period (`ClassPeriodResults`) and for a year (`AnnualResults`). Student ids are `User.id`
(int); subject keys are the subject's public id as text, or "conduct"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carnet.grades.engine import fmt, general_average, ranks, round2, statistics, subject_average
from carnet.grades.engine.subject import Cell, SubjectPlan, with_mark
from carnet.grades.engine.types import GeneralResult, MarkIn, Rules, Stats, Step, SubjectLine, SubjectResult

CONDUCT = "conduct"
GENERAL = "\x00general"  # cache key of the general average's explanation (never a subject key)


@dataclass(frozen=True)
class StudentInfo:
    """A student of the class, with the report card's header fields."""

    user: Any  # identity.User
    national_id: str = ""
    is_repeating: bool = False
    birth_date: dt.date | None = None
    birth_place: str = ""

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def full_name(self) -> str:
        return self.user.full_name


@dataclass(frozen=True)
class SubjectInfo:
    """A subject of the class's report card (co-taught assignments of one subject are merged).

    `coefficient`: the SubjectCoefficient row of the class's level and series (a series row wins over
    a level row), else the highest coefficient of the subject's assignments for the class; for
    conduct, the profile's conduct coefficient."""

    key: str
    subject: Any  # school.Subject, or None for conduct
    name: str
    short_name: str
    coefficient: Decimal
    is_bonus: bool = False
    teacher_names: tuple[str, ...] = ()
    assignment_ids: tuple[int, ...] = ()
    color: str = ""

    @property
    def is_conduct(self) -> bool:
        return self.key == CONDUCT


@dataclass(frozen=True)
class AssessmentInfo:
    """An assessment that enters the period's averages of the class (already filtered by audience)."""

    id: int
    key: str  # public id as text (MarkIn.assessment)
    subject_key: str
    assignment_id: int
    title: str
    role: str
    scale: Decimal
    coefficient: Decimal
    is_bonus: bool
    held_on: dt.date
    group_id: int | None = None


@dataclass
class ClassPeriodResults:
    """Every average of a class for a period under the establishment's rules, computed once.

    `subject_result(student_id, key)` is None when the subject does not concern the student (a group
    subject they do not take). Ranks are None when the establishment does not use ranks.

    Numbers are computed at once without explanations; an explanation (`steps`) is written the first
    time a result is asked for with `explain=True` (the default), in the language active then. Pass
    `explain=False` when only the numbers matter (grids, exports, report cards' columns)."""

    establishment: Any
    period: Any
    school_class: Any
    rules: Rules
    audience: str
    students: list[StudentInfo]
    subjects: list[SubjectInfo]
    assessments: list[AssessmentInfo] = field(default_factory=list)
    # student -> their marks as cells (engine.subject.Cell), one per assessment of the class, and
    # (student, subject key) -> the plan that reads the subject's cells of the row; made MarkIns only
    # when asked for (`marks`, explanations).
    _rows: dict[int, list[Cell]] = field(default_factory=dict, repr=False)
    _plans: dict[tuple[int, str], SubjectPlan] = field(default_factory=dict, repr=False)
    _subject_results: dict[tuple[int, str], SubjectResult] = field(default_factory=dict, repr=False)
    _general: dict[int, GeneralResult] = field(default_factory=dict, repr=False)
    _lines: dict[int, list[SubjectLine]] = field(default_factory=dict, repr=False)
    _conduct: dict[int, Decimal] = field(default_factory=dict, repr=False)
    _explained: dict[tuple[int, str, str], Any] = field(default_factory=dict, repr=False)

    # --- lookups -------------------------------------------------------------------------------

    @property
    def class_size(self) -> int:
        return len(self.students)

    @cached_property
    def _students_by_id(self) -> dict[int, StudentInfo]:
        return {s.id: s for s in self.students}

    @cached_property
    def _subjects_by_key(self) -> dict[str, SubjectInfo]:
        return {s.key: s for s in self.subjects}

    def student(self, student_id: int) -> StudentInfo | None:
        return self._students_by_id.get(student_id)

    def subject(self, key: str) -> SubjectInfo | None:
        return self._subjects_by_key.get(key)

    def marks(self, student_id: int, key: str) -> list[MarkIn]:
        """The student's marks in the subject (missing ones as NOT_MARKED), by date."""
        plan = self._plans.get((student_id, key))
        if plan is None:
            return []
        return [with_mark(*entry) for entry in plan.entries(self._rows[student_id])]

    def subject_result(self, student_id: int, key: str, *, explain: bool = True) -> SubjectResult | None:
        fast = self._subject_results.get((student_id, key))
        if fast is None or not explain:
            return fast
        cache_key = (student_id, key, get_language())
        if cache_key not in self._explained:
            if key == CONDUCT:
                self._explained[cache_key] = conduct_result(self._conduct.get(student_id))
            else:
                self._explained[cache_key] = subject_average(self.marks(student_id, key), self.rules)
        return self._explained[cache_key]

    def subject_average(self, student_id: int, key: str) -> Decimal | None:
        result = self._subject_results.get((student_id, key))
        return result.value if result else None

    def general(self, student_id: int, *, explain: bool = True) -> GeneralResult:
        fast = self._general.get(student_id)
        if fast is None:
            return GeneralResult(value=None, steps=())
        if not explain:
            return fast
        cache_key = (student_id, GENERAL, get_language())
        if cache_key not in self._explained:
            self._explained[cache_key] = general_average(self._lines.get(student_id, []), self.rules)
        return self._explained[cache_key]

    def general_average(self, student_id: int) -> Decimal | None:
        fast = self._general.get(student_id)
        return fast.value if fast else None

    def assessments_of(self, key: str) -> list[AssessmentInfo]:
        return [a for a in self.assessments if a.subject_key == key]

    # --- ranks and statistics -------------------------------------------------------------------

    @cached_property
    def _general_ranks(self) -> dict[int, int | None]:
        return ranks({s.id: self.general_average(s.id) for s in self.students})

    @cached_property
    def _subject_values(self) -> dict[str, dict[int, Decimal | None]]:
        """subject key -> student id -> the subject average (None: none, or not concerned), in
        the order of the students."""
        results = self._subject_results
        ids = [s.id for s in self.students]
        values: dict[str, dict[int, Decimal | None]] = {}
        for subject in self.subjects:
            key = subject.key
            of_subject = values[key] = {}
            for student_id in ids:
                result = results.get((student_id, key))
                of_subject[student_id] = None if result is None else result.value
        return values

    @cached_property
    def _subject_ranks(self) -> dict[str, dict[int, int | None]]:
        return {key: ranks(values) for key, values in self._subject_values.items()}

    def rank(self, student_id: int) -> int | None:
        if not self.rules.ranks:
            return None
        return self._general_ranks.get(student_id)

    def subject_rank(self, student_id: int, key: str) -> int | None:
        if not self.rules.ranks:
            return None
        of_subject = self._subject_ranks.get(key)
        return None if of_subject is None else of_subject.get(student_id)

    @cached_property
    def _subject_stats(self) -> dict[str, Stats]:
        return {key: statistics(values.values()) for key, values in self._subject_values.items()}

    def subject_stats(self, key: str) -> Stats:
        return self._subject_stats.get(key) or statistics(())

    @cached_property
    def general_stats(self) -> Stats:
        return statistics(self.general_average(s.id) for s in self.students)


def conduct_result(value: Decimal | None) -> SubjectResult:
    """The conduct line: the mark the staff set (on /20), or none yet."""
    if value is None:
        return SubjectResult(value=None, steps=(Step(_("La note de conduite n'est pas encore fixée.")),))
    value = round2(value)
    text = _("Note de conduite fixée par l'établissement : %(value)s sur 20") % {"value": fmt(value)}
    return SubjectResult(value=value, steps=(Step(text, value),))


@dataclass
class AnnualResults:
    """A class's annual averages: each period's general average, weighted by the profile's rule."""

    school_class: Any
    school_year: Any
    rules: Rules
    periods: list[Any]
    students: list[StudentInfo]
    period_results: list[ClassPeriodResults]
    _results: dict[int, GeneralResult] = field(default_factory=dict, repr=False)
    _decisions: dict[int, str | None] = field(default_factory=dict, repr=False)

    def result(self, student_id: int) -> GeneralResult:
        return self._results.get(student_id) or GeneralResult(value=None, steps=())

    def average(self, student_id: int) -> Decimal | None:
        return self.result(student_id).value

    def steps(self, student_id: int) -> tuple[Step, ...]:
        return self.result(student_id).steps

    def decision(self, student_id: int) -> str | None:
        return self._decisions.get(student_id)

    def per_period(self, student_id: int) -> list[tuple[Any, Decimal | None]]:
        return [(results.period, results.general_average(student_id)) for results in self.period_results]

    @cached_property
    def _ranks(self) -> dict[int, int | None]:
        return ranks({s.id: self.average(s.id) for s in self.students})

    def rank(self, student_id: int) -> int | None:
        return self._ranks.get(student_id) if self.rules.ranks else None

    @cached_property
    def stats(self) -> Stats:
        return statistics(self.average(s.id) for s in self.students)
