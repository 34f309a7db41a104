"""What the marks page shows, computed once per request with a constant number of queries.

Permissions: the marks listed come from `policies.marks_visible_to(user)`, narrowed to the viewer's
audience (a student: `published_at <= now`; a guardian: `guardians_published_at <= now`), so a
teacher-parent never sees an unpublished mark of their child here. The averages come from the
computation layer with the same audience, so both agree. Class statistics appear only when the
establishment's profile shows them to families."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.grades import computation, policies
from carnet.grades.engine import general_average, statistics, subject_average
from carnet.grades.engine.types import GeneralResult, Stats, SubjectLine
from carnet.grades.marks import format_mark
from carnet.grades.models import Mark
from carnet.grades.profiles import profile_for
from carnet.grades.web.family.people import GUARDIAN, Viewer

NEW_FOR = dt.timedelta(days=7)


def visible_marks(viewer: Viewer, *, now=None) -> QuerySet[Mark]:
    """The viewer's student's marks that this audience may read now."""
    now = now or timezone.now()
    marks = policies.marks_visible_to(viewer.user, now=now).filter(student=viewer.student)
    if viewer.audience == GUARDIAN:
        return marks.filter(assessment__guardians_published_at__lte=now)
    return marks.filter(assessment__published_at__lte=now)


def published_moment(viewer: Viewer, assessment) -> dt.datetime | None:
    return assessment.guardians_published_at if viewer.audience == GUARDIAN else assessment.published_at


def assessment_stats(assessment_ids: list[int], scales: dict[int, Decimal]) -> dict[int, Stats]:
    """Class statistics of each assessment (on its own scale), in one query."""
    values: dict[int, list[Decimal | None]] = defaultdict(list)
    for assessment_id, value in Mark.objects.filter(
        assessment_id__in=assessment_ids, status=Mark.Status.MARKED, value__isnull=False
    ).values_list("assessment_id", "value"):
        values[assessment_id].append(value)
    return {a: statistics(values.get(a, ()), scales[a]) for a in assessment_ids}


@dataclass
class MarkRow:
    mark: Mark
    assessment: Any
    text: str
    is_new: bool
    stats: Stats | None

    @property
    def class_mean(self) -> Decimal | None:
        return self.stats.mean if self.stats else None


@dataclass
class SubjectCard:
    info: Any  # computation.SubjectInfo
    result: Any  # SubjectResult | None
    stats: Stats | None
    rank: int | None
    marks: list[MarkRow] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        return self.result.value if self.result else None


def mark_rows(viewer: Viewer, marks: list[Mark], *, stats_visible: bool, now) -> list[MarkRow]:
    stats: dict[int, Stats] = {}
    if stats_visible and marks:
        stats = assessment_stats([m.assessment_id for m in marks], {m.assessment_id: m.assessment.scale for m in marks})
    rows = []
    for mark in marks:
        published = published_moment(viewer, mark.assessment)
        rows.append(
            MarkRow(
                mark=mark,
                assessment=mark.assessment,
                text=format_mark(mark),
                is_new=bool(published and now - published <= NEW_FOR),
                stats=stats.get(mark.assessment_id),
            )
        )
    return rows


def period_marks(viewer: Viewer, period, *, now) -> list[Mark]:
    return list(
        visible_marks(viewer, now=now)
        .filter(assessment__period=period)
        .select_related("assessment", "assessment__custom_kind", "assessment__assignment")
        .order_by("assessment__held_on", "assessment__created_at", "assessment_id")
    )


def running_general(results, student_id: int) -> list[tuple[dt.date, Decimal | None]]:
    """The general average as it stood after each day with a mark in the period (pure computation
    on the marks already loaded: no query). Numbers only: the chart shows no explanation (the
    numbers-only path gives the explained values, see engine.subject)."""
    rules = results.rules
    marks_of = {info.key: results.marks(student_id, info.key) for info in results.subjects}
    finals = [(info, results.subject_result(student_id, info.key, explain=False)) for info in results.subjects]
    dates = sorted(
        {m.held_on for marks in marks_of.values() for m in marks if m.held_on is not None and m.status != "not_marked"}
    )
    points = []
    for day in dates:
        lines = []
        for info, final in finals:
            if final is None:
                continue
            if info.is_conduct:
                average, blocked = final.value, None
            else:
                marks = [m for m in marks_of[info.key] if m.held_on is None or m.held_on <= day]
                result = subject_average(marks, rules, explain=False)
                average, blocked = result.value, result.blocked_reason
            lines.append(
                SubjectLine(
                    key=info.key, name=info.name, coefficient=info.coefficient, average=average,
                    is_bonus=info.is_bonus, blocked_reason=blocked,
                )
            )
        points.append((day, general_average(lines, rules, explain=False).value))
    return points


@dataclass
class MarksPage:
    results: Any
    stats_visible: bool
    subjects: list[SubjectCard]
    general: GeneralResult
    general_stats: Stats | None
    rank: int | None
    class_size: int
    radar: dict | None
    evolution: list[tuple[str, Decimal | None]]
    evolution_reference: list[Decimal | None] | None
    running: list[tuple[dt.date, Decimal | None]]


def marks_page(viewer: Viewer, period, periods: list, *, now=None) -> MarksPage | None:
    """Everything the marks page shows for `period`; None when the student has no class this year."""
    now = now or timezone.now()
    results = computation.student_period_results(student=viewer.student, period=period, audience=viewer.audience, now=now)
    if results is None:
        return None
    sid = viewer.student.pk
    stats_visible = profile_for(results.establishment).stats_visible_to_families
    marks = period_marks(viewer, period, now=now)
    rows = mark_rows(viewer, marks, stats_visible=stats_visible, now=now)
    by_assignment: dict[int, list[MarkRow]] = defaultdict(list)
    for row in rows:
        by_assignment[row.assessment.assignment_id].append(row)

    cards = []
    for info in results.subjects:
        result = results.subject_result(sid, info.key)
        subject_marks = [row for assignment_id in info.assignment_ids for row in by_assignment.get(assignment_id, ())]
        subject_marks.sort(key=lambda r: (r.assessment.held_on, r.assessment.created_at))
        if result is None and not subject_marks:
            continue  # a group subject the student does not take
        cards.append(
            SubjectCard(
                info=info,
                result=result,
                stats=results.subject_stats(info.key) if stats_visible else None,
                rank=results.subject_rank(sid, info.key),
                marks=subject_marks,
            )
        )

    radar = None
    with_average = [c for c in cards if c.average is not None]
    if len(with_average) >= 3:
        series = [(viewer.student.first_name or viewer.student.full_name, [c.average for c in with_average])]
        if stats_visible:
            series.append((_("Moyenne de la classe"), [c.stats.mean if c.stats else None for c in with_average]))
        radar = {"axes": [c.info.short_name or c.info.name for c in with_average], "series": series}

    evolution, reference = _evolution(viewer, period, periods, results, stats_visible=stats_visible, now=now)
    return MarksPage(
        results=results,
        stats_visible=stats_visible,
        subjects=cards,
        general=results.general(sid),
        general_stats=results.general_stats if stats_visible else None,
        rank=results.rank(sid),
        class_size=results.class_size,
        radar=radar,
        evolution=evolution,
        evolution_reference=reference,
        running=running_general(results, sid),
    )


def _evolution(viewer: Viewer, period, periods, results, *, stats_visible: bool, now):
    """The general average of each period of the year that has started (and its class mean)."""
    sid = viewer.student.pk
    today = timezone.localdate()
    points: list[tuple[str, Decimal | None]] = []
    reference: list[Decimal | None] = []
    for other in periods:
        if other.starts_on > today and other.pk != period.pk:
            continue
        other_results = results if other.pk == period.pk else _other_period_results(viewer, other, results, now=now)
        if other_results is None:
            points.append((other.name, None))
            reference.append(None)
            continue
        points.append((other.name, other_results.general(sid).value))
        reference.append(other_results.general_stats.mean)
    return points, (reference if stats_visible else None)


def _other_period_results(viewer: Viewer, period, results, *, now):
    """`computation.student_period_results` for another period of the chart, reusing the
    establishment already read for `results` when the class is of the same one (its grading
    profile is then not read again)."""
    school_class = computation.student_class(viewer.student, period)
    if school_class is None:
        return None
    if school_class.establishment_id == results.establishment.pk:
        school_class.establishment = results.establishment
    return computation.period_results(school_class=school_class, period=period, audience=viewer.audience, now=now)
