"""What the read-only marks pages read, in a constant number of queries: the classes and groups whose
marks a person reads, with their subjects (the entry page), and the read-only grids of a council's
subjects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.urls import reverse

from carnet.grades import policies
from carnet.grades.web.teacher.data import current_period
from carnet.school.models import Period, TeachingAssignment, TeachingGroup


def grid_url(assignment: TeachingAssignment, period: Period) -> str:
    return reverse("grades:consult_grid", args=[assignment.public_id, period.public_id])


def _audience_key(assignment: TeachingAssignment) -> tuple[int | None, int | None]:
    return (assignment.school_class_id, assignment.group_id)


# --- the entry page -----------------------------------------------------------------------------
@dataclass
class SubjectLink:
    """A subject taught to an audience: co-taught assignments (same subject, same class or group)
    share one grid, opened through the first of them."""

    assignment: TeachingAssignment
    teachers: list[str]
    url: str | None


@dataclass
class AudienceRow:
    audience: Any  # SchoolClass or TeachingGroup
    is_group: bool
    subjects: list[SubjectLink] = field(default_factory=list)


@dataclass
class OverviewBlock:
    """One establishment's classes and groups for the selected period."""

    establishment: Any
    periods: list[Period]
    period: Period | None
    rows: list[AudienceRow] = field(default_factory=list)


def overview(actor, selected_period_id: str | None = None) -> list[OverviewBlock]:
    """The current-year classes (then groups) whose marks the actor reads, by establishment, each with
    its subjects linked to their read-only grid for the selected period (by default the current
    one). Two queries."""
    assignments = list(
        policies.assignments_readable_by(actor).select_related(
            "establishment", "school_class__level", "group", "subject", "teacher"
        )
    )
    periods_by_year: dict[int, list[Period]] = {}
    for period in Period.objects.filter(school_year_id__in={a.school_year_id for a in assignments}).order_by(
        "number"
    ):
        periods_by_year.setdefault(period.school_year_id, []).append(period)

    def order(a: TeachingAssignment):
        school_class, group = a.school_class, a.group
        if school_class is not None:
            level = school_class.level
            audience = (0, level.rank if level else 0, school_class.normalized_name)
        else:
            audience = (1, 0, group.normalized_name if group is not None else "")
        return (a.establishment.name, a.establishment_id, audience, a.subject.name.lower(), a.pk)

    blocks: dict[int, OverviewBlock] = {}
    rows: dict[tuple[int | None, int | None], AudienceRow] = {}
    subjects: dict[tuple[int | None, int | None, int], SubjectLink] = {}
    for a in sorted(assignments, key=order):
        block = blocks.get(a.establishment_id)
        if block is None:
            periods = periods_by_year.get(a.school_year_id, [])
            chosen = next((p for p in periods if str(p.public_id) == (selected_period_id or "")), None)
            block = blocks[a.establishment_id] = OverviewBlock(
                a.establishment, periods, chosen or current_period(periods)
            )
        key = _audience_key(a)
        row = rows.get(key)
        if row is None:
            row = rows[key] = AudienceRow(a.audience, is_group=a.group_id is not None)
            block.rows.append(row)
        link = subjects.get((*key, a.subject_id))
        if link is None:
            url = grid_url(a, block.period) if block.period is not None else None
            link = subjects[(*key, a.subject_id)] = SubjectLink(a, [], url)
            row.subjects.append(link)
        if a.teacher.full_name not in link.teachers:
            link.teachers.append(a.teacher.full_name)
    return list(blocks.values())


# --- from the class council ---------------------------------------------------------------------
@dataclass(frozen=True)
class GridLink:
    label: str  # the audience's name (the class, or a group)
    url: str
    group_id: int | None  # None: the whole class


def council_grid_links(actor, results, period: Period) -> dict[str, list[GridLink]]:
    """For each subject of a class's period results (by subject key), the read-only grids the actor
    may open for the period: the class's first, then each group's; co-taught assignments of one
    audience give one grid. Subjects the actor may not read have none. One query."""
    subject_of = {assignment_id: s.key for s in results.subjects for assignment_id in s.assignment_ids}
    if not subject_of:
        return {}
    readable = (
        policies.assignments_readable_by(actor)
        .filter(id__in=list(subject_of))
        .select_related("school_class", "group")
        .order_by(F("group__name").asc(nulls_first=True), "id")
    )
    links: dict[str, list[GridLink]] = {}
    seen: set[tuple[str, int | None, int | None]] = set()
    for assignment in readable:
        key = subject_of[assignment.pk]
        if (key, *_audience_key(assignment)) in seen:
            continue
        seen.add((key, *_audience_key(assignment)))
        links.setdefault(key, []).append(
            GridLink(assignment.audience.name, grid_url(assignment, period), assignment.group_id)
        )
    return links


def student_grid_links(links: dict[str, list[GridLink]], student) -> dict[str, GridLink]:
    """The grid of each subject that shows `student`: the class's, else the group's they belong to.
    One query when a subject is taught only in groups, none otherwise."""
    chosen: dict[str, GridLink] = {}
    by_group: dict[str, list[GridLink]] = {}
    for key, options in links.items():
        whole = next((link for link in options if link.group_id is None), None)
        if whole is not None:
            chosen[key] = whole
        else:
            by_group[key] = options
    if by_group:
        group_ids = {
            link.group_id for options in by_group.values() for link in options if link.group_id is not None
        }
        member_of = set(
            TeachingGroup.students.through.objects.filter(
                user_id=student.pk, teachinggroup_id__in=group_ids
            ).values_list("teachinggroup_id", flat=True)
        )
        for key, options in by_group.items():
            mine = next((link for link in options if link.group_id in member_of), None)
            if mine is not None:
                chosen[key] = mine
    return chosen
