"""What the teacher's pages read. Every function here runs a constant number of queries, whatever
the number of students, assessments or marks (the grid of 40 students × 25 assessments included)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from carnet.grades import policies
from carnet.grades.engine import statistics
from carnet.grades.engine.numbers import fmt
from carnet.grades.engine.subject import subject_numbers, with_mark
from carnet.grades.engine.types import MarkIn, Stats
from carnet.grades.marks import format_mark
from carnet.grades.models import Assessment, ClassCouncil, Mark
from carnet.grades.profiles import profile_for, rules_from
from carnet.grades.services import marks as mark_services
from carnet.school.models import Enrollment, Period, TeachingAssignment, TeachingGroup
from carnet.school.roles import current_enrollment_q

ENTERED = ~Q(status=Mark.Status.NOT_MARKED)


# --- periods ------------------------------------------------------------------------------------
def current_period(periods: list[Period], today: dt.date | None = None) -> Period | None:
    """The period that contains today; else the last one started; else the first one."""
    today = today or timezone.localdate()
    if not periods:
        return None
    for period in periods:
        if period.starts_on <= today <= period.ends_on:
            return period
    started = [p for p in periods if p.starts_on <= today]
    return started[-1] if started else periods[0]


def local_zone(establishment) -> ZoneInfo:
    try:
        return ZoneInfo(establishment.time_zone)
    except Exception:  # a wrong zone name must not break a page
        return ZoneInfo("UTC")


def local_time(moment: dt.datetime | None, establishment) -> dt.datetime | None:
    if moment is None:
        return None
    return timezone.localtime(moment, local_zone(establishment))


# --- the teaching list ------------------------------------------------------------------------
def audience_sizes(prefix: str = "") -> tuple[Subquery, Subquery]:
    """Sub-queries giving the current size of an assignment's class and of its group (`prefix`
    "assignment__" from an assessment)."""
    class_sizes = (
        Enrollment.objects.filter(current_enrollment_q(), school_class_id=OuterRef(f"{prefix}school_class_id"))
        .values("school_class_id")
        .annotate(n=Count("student_id", distinct=True))
        .values("n")
    )
    group_sizes = (
        TeachingGroup.students.through.objects.filter(teachinggroup_id=OuterRef(f"{prefix}group_id"))
        .values("teachinggroup_id")
        .annotate(n=Count("user_id", distinct=True))
        .values("n")  # type: ignore[misc]
    )
    return Subquery(class_sizes, output_field=IntegerField()), Subquery(group_sizes, output_field=IntegerField())


@dataclass
class TeachingRow:
    assignment: TeachingAssignment
    period: Period | None
    students: int
    assessments: int
    to_enter: int


@dataclass
class TeachingBlock:
    """One establishment's teaching for the selected period."""

    establishment: Any
    periods: list[Period]
    period: Period | None
    rows: list[TeachingRow] = field(default_factory=list)


def teaching(actor, selected_period_id: str | None = None) -> list[TeachingBlock]:
    """The actor's current-year assignments, by establishment, with the number of assessments and of
    marks still to enter in the selected period (by default the current one). Four queries."""
    class_size, group_size = audience_sizes()
    assignments = list(
        policies.assignments_editable_by(actor)
        .select_related("school_class", "group", "subject", "establishment", "school_year")
        .annotate(class_size=Coalesce(class_size, Value(0)), group_size=Coalesce(group_size, Value(0)))
        .order_by("establishment__name", "school_class__name", "group__name", "subject__name")
    )
    year_ids = {a.school_year_id for a in assignments}
    periods_by_year: dict[int, list[Period]] = {}
    for period in Period.objects.filter(school_year_id__in=year_ids).order_by("school_year_id", "number"):
        periods_by_year.setdefault(period.school_year_id, []).append(period)

    blocks: dict[int, TeachingBlock] = {}
    for a in assignments:
        if a.establishment_id in blocks:
            continue
        periods = periods_by_year.get(a.school_year_id, [])
        chosen = next((p for p in periods if str(p.public_id) == (selected_period_id or "")), None)
        blocks[a.establishment_id] = TeachingBlock(a.establishment, periods, chosen or current_period(periods))

    period_ids = [b.period.pk for b in blocks.values() if b.period is not None]
    per_assignment: dict[int, int] = dict(
        Assessment.objects.filter(assignment__in=[a.pk for a in assignments], period_id__in=period_ids)
        .values("assignment_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("assignment_id", "n")
    )
    entered = dict(
        Mark.objects.filter(ENTERED, assessment__assignment__in=[a.pk for a in assignments], assessment__period_id__in=period_ids)
        .values("assessment__assignment_id")
        .annotate(n=Count("id"))
        .values_list("assessment__assignment_id", "n")
    )
    for a in assignments:
        block = blocks[a.establishment_id]
        size = a.group_size if a.group_id else a.class_size
        count = per_assignment.get(a.pk, 0)
        block.rows.append(
            TeachingRow(
                assignment=a,
                period=block.period,
                students=size,
                assessments=count,
                to_enter=max(0, count * size - entered.get(a.pk, 0)),
            )
        )
    return list(blocks.values())


def assessments_to_complete(actor, *, limit: int = 6) -> list[dict]:
    """For the home widget: the actor's assessments already held whose marks are not all entered,
    oldest first. Two queries."""
    class_size, group_size = audience_sizes("assignment__")
    entered = (
        Mark.objects.filter(ENTERED, assessment_id=OuterRef("pk"))
        .values("assessment_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    today = timezone.localdate()
    rows = list(
        Assessment.objects.filter(
            assignment__in=policies.assignments_editable_by(actor), held_on__lte=today, period__ends_on__gte=today - dt.timedelta(days=60)
        )
        .select_related("assignment__school_class", "assignment__group", "assignment__subject", "period")
        .annotate(
            entered=Coalesce(Subquery(entered, output_field=IntegerField()), Value(0)),
            class_size=Coalesce(class_size, Value(0)),
            group_size=Coalesce(group_size, Value(0)),
        )
        .order_by("held_on", "created_at")[:200]
    )
    result = []
    for a in rows:
        size = a.group_size if a.assignment.group_id else a.class_size
        missing = size - a.entered
        if missing > 0:
            result.append({"assessment": a, "missing": missing, "students": size})
    return result[:limit]


# --- the grid -----------------------------------------------------------------------------------
@dataclass
class Cell:
    assessment: Assessment
    text: str = ""
    version: int | None = None
    comment: str = ""


@dataclass
class Row:
    student: Any
    cells: list[Cell]
    average: str = ""
    average_note: str = ""
    locked: bool = False


@dataclass
class Column:
    assessment: Assessment
    stats: Stats
    publication: str  # "published" | "scheduled" | "hidden"
    published_at: dt.datetime | None  # local time

    @property
    def mean(self) -> str:
        return fmt(self.stats.mean) if self.stats.mean is not None else ""

    @property
    def minimum(self) -> str:
        return fmt(self.stats.minimum) if self.stats.minimum is not None else ""

    @property
    def maximum(self) -> str:
        return fmt(self.stats.maximum) if self.stats.maximum is not None else ""


@dataclass
class Grid:
    assignment: TeachingAssignment
    period: Period
    periods: list[Period]
    columns: list[Column]
    rows: list[Row]
    locked: bool  # every row is locked: the page is read-only
    some_locked: bool


def grid_assessments(actor, assignment: TeachingAssignment, period: Period, *, editable: bool = True) -> QuerySet[Assessment]:
    """The period's assessments of the assignment's subject and audience that the actor edits: their
    own and a co-teacher's (same subject, same class or group); with `editable=False`, those the
    actor reads (`policies.assessments_readable_by`: the read-only grid of the staff)."""
    audience = Q(assignment__school_class_id=assignment.school_class_id) if assignment.school_class_id else Q(
        assignment__group_id=assignment.group_id
    )
    scope = policies.assessments_editable_by if editable else policies.assessments_readable_by
    return (
        scope(actor)
        .filter(audience, period=period, assignment__subject_id=assignment.subject_id)
        .select_related("custom_kind")
        .order_by("held_on", "created_at", "id")
    )


def _template(assessment: Assessment) -> MarkIn:
    """The assessment as the engine reads it (the student's status and value come beside it)."""
    return MarkIn(
        assessment=str(assessment.public_id),
        title=assessment.title,
        role=assessment.role,
        status=Mark.Status.NOT_MARKED,
        value=None,
        scale=assessment.scale,
        coefficient=assessment.coefficient,
        is_bonus=assessment.is_bonus,
        held_on=assessment.held_on,
    )


def _mark_in(assessment: Assessment, mark: Mark | None) -> MarkIn:
    return with_mark(_template(assessment), *(_NO_MARK if mark is None else (mark.status, mark.value)))


_NO_MARK: tuple[str, Decimal | None] = (Mark.Status.NOT_MARKED, None)


def column_stats(assessment: Assessment, marks: list[Mark]) -> Stats:
    """Mean, min, max and count of the marked values, on the assessment's own scale."""
    return statistics([m.value for m in marks if m.status == Mark.Status.MARKED and m.value is not None], assessment.scale)


def _average_text(rules, templates: list[tuple[int, MarkIn]], own: dict[int, tuple[str, Decimal | None]]) -> tuple[str, str]:
    """(the average on /20 as text, why there is none when blocked) from the assessments as
    (id, MarkIn) and the student's (status, value) by assessment id. Numbers only: a grid row shows
    no explanation."""
    if not templates:
        return "", ""
    result = subject_numbers([(template, *own.get(pk, _NO_MARK)) for pk, template in templates], rules)
    if result.value is None:
        return "", result.blocked_reason or ""
    return fmt(result.value), ""


def row_average(rules, assessments: list[Assessment], marks_of_student: dict[int, Mark]) -> tuple[str, str]:
    """(the average on /20 as text, why there is none when blocked)."""
    own = {pk: (m.status, m.value) for pk, m in marks_of_student.items()}
    return _average_text(rules, [(a.pk, _template(a)) for a in assessments], own)


def locked_student_ids(assignment: TeachingAssignment, period: Period, student_ids: list[int]) -> set[int]:
    """Students whose class has a closed council for the period (their marks are locked). Two
    queries at most."""
    closed = ClassCouncil.objects.filter(period=period, status=ClassCouncil.Status.CLOSED)
    if assignment.school_class_id:
        return set(student_ids) if closed.filter(school_class_id=assignment.school_class_id).exists() else set()
    rows = Enrollment.objects.filter(
        current_enrollment_q(), student_id__in=student_ids, school_class_id__in=closed.values("school_class_id")
    ).values_list("student_id", flat=True)
    return set(rows)


def publication_state(assessment: Assessment, now: dt.datetime) -> str:
    if assessment.published_at is None:
        return "hidden"
    return "published" if assessment.published_at <= now else "scheduled"


def build_grid(
    *, actor, assignment: TeachingAssignment, period: Period, periods: list[Period], editable: bool = True
) -> Grid:
    """Students (rows) × the period's assessments (columns), with each cell's text and version, each
    row's subject average and each column's statistics. Six queries whatever the size.
    `editable=False`: the assessments the actor reads rather than edits (see `grid_assessments`)."""
    assessments = list(grid_assessments(actor, assignment, period, editable=editable))
    students = list(policies.students_of_assignment(assignment).only("id", "public_id", "first_name", "last_name"))
    rows_of_marks = list(
        Mark.objects.filter(assessment__in=[a.pk for a in assessments]).values_list(
            "assessment_id", "student_id", "status", "value", "version", "comment"
        )
    ) if assessments else []
    # student -> assessment -> (status, value, version, comment); column -> marked values
    by_student: dict[int, dict[int, tuple]] = {}
    values_of: dict[int, list[Decimal]] = {}
    student_ids = {s.pk for s in students}
    marked = Mark.Status.MARKED
    for assessment_id, student_id, status, value, version, comment in rows_of_marks:
        by_student.setdefault(student_id, {})[assessment_id] = (status, value, version, comment)
        if student_id in student_ids and status == marked and value is not None:
            values_of.setdefault(assessment_id, []).append(value)
    rules = rules_from(profile_for(assignment.establishment))
    locked_ids = locked_student_ids(assignment, period, list(student_ids)) if students else set()
    now = timezone.now()
    columns = [
        Column(
            assessment=a,
            stats=statistics(values_of.get(a.pk, []), a.scale),
            publication=publication_state(a, now),
            published_at=local_time(a.published_at, assignment.establishment),
        )
        for a in assessments
    ]
    templates = [(a.pk, _template(a)) for a in assessments]
    texts: dict[tuple[str, Decimal | None], str] = {}  # (status, value) -> cell text
    rows = []
    for student in students:
        own = by_student.get(student.pk, {})
        cells = []
        for a in assessments:
            found = own.get(a.pk)
            if found is None:
                cells.append(Cell(a, "", None, ""))
                continue
            status, value, version, comment = found
            text = texts.get((status, value))
            if text is None:
                text = texts[(status, value)] = format_mark(status, value)
            cells.append(Cell(a, text, version, comment))
        average, note = _average_text(rules, templates, {pk: (m[0], m[1]) for pk, m in own.items()})
        rows.append(Row(student, cells, average, note, student.pk in locked_ids))
    locked = bool(students) and len(locked_ids) >= len(student_ids)
    return Grid(assignment, period, periods, columns, rows, locked, bool(locked_ids))


def row_averages(actor, assignment: TeachingAssignment, period: Period, students: list) -> dict[int, str]:
    """After a save: the students' subject averages in the grid, by student id. Three queries."""
    assessments = list(grid_assessments(actor, assignment, period))
    marks: dict[int, dict[int, tuple[str, Decimal | None]]] = {}
    for assessment_id, student_id, status, value in Mark.objects.filter(
        assessment__in=[a.pk for a in assessments], student__in=[s.pk for s in students]
    ).values_list("assessment_id", "student_id", "status", "value"):
        marks.setdefault(student_id, {})[assessment_id] = (status, value)
    rules = rules_from(profile_for(assignment.establishment))
    templates = [(a.pk, _template(a)) for a in assessments]
    return {s.pk: _average_text(rules, templates, marks.get(s.pk, {}))[0] for s in students}


@dataclass
class HistoryLine:
    """One change of a mark as the cell dialog lists it."""

    who: str
    at: dt.datetime | None  # local time
    action: str
    old: str | None  # None when the mark's value did not change (a comment only)
    new: str | None
    comment: str | None
    comment_changed: bool


def _history_text(value) -> str:
    return str(value) if value not in (None, "") else "—"


def cell_history(actor, assessment: Assessment, student, establishment) -> tuple[Mark | None, list[HistoryLine]]:
    """The student's mark in the assessment and its changes, newest first (`mark_history` decides
    who may read them: NotFound / PermissionDenied otherwise). Three queries."""
    mark = Mark.objects.filter(assessment=assessment, student=student).first()
    lines = []
    for event in mark_services.mark_history(actor=actor, assessment=assessment, student=student):
        changes = event.changes or {}
        value = changes.get("mark")
        comment = changes.get("comment")
        lines.append(
            HistoryLine(
                who=event.actor_name,
                at=local_time(event.at, establishment),
                action=event.action,
                old=_history_text(value[0]) if value else None,
                new=_history_text(value[1]) if value else None,
                comment=comment[1] if comment else None,
                comment_changed=bool(comment),
            )
        )
    return mark, lines


def assessment_column_stats(assessment: Assessment) -> dict:
    """After a save: the column footer (same numbers as the grid). Two queries."""
    students = policies.students_of_assignment(assessment.assignment).values("id")
    marks = list(Mark.objects.filter(assessment=assessment, student_id__in=students).only("status", "value"))
    stats = column_stats(assessment, marks)
    return stats_json(stats)


def stats_json(stats: Stats) -> dict:
    def text(value: Decimal | None) -> str:
        return fmt(value) if value is not None else ""

    return {"mean": text(stats.mean), "min": text(stats.minimum), "max": text(stats.maximum), "count": stats.count}
