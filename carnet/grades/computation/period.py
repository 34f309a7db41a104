"""A class's results for a period, loaded with a constant number of queries and computed by the
engine.

Queries, whatever the number of students and assessments (about 8): the profile, the class's
enrollments with their users, group memberships, the assignments, the period's assessments, their
marks, the subject coefficients, the conduct marks (when conduct counts).

Who is in the class: the enrollments of the class open on the reference day — today while the
period runs or before it, the period's last day once it is over (so a past period keeps the students
it had).
Which assessments: those of the period of every assignment of the class, and of every group
assignment whose group includes the class or one of its students; a group's assessments count only
for the group's members. The audience filters them: "staff"/"teacher" see every one, "student" those
with `published_at <= now`, "guardian" those with `guardians_published_at <= now`.
A student without a mark row for an assessment that concerns them has a NOT_MARKED mark (missing).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.grades import profiles
from carnet.grades.computation.results import (
    CONDUCT,
    AssessmentInfo,
    ClassPeriodResults,
    StudentInfo,
    SubjectInfo,
)
from carnet.grades.engine import general_average, round2
from carnet.grades.engine.subject import Cell, SubjectPlan, marked_cell, with_mark
from carnet.grades.engine.types import (
    ABSENT,
    EXEMPT,
    MARKED,
    NOT_HANDED_IN,
    NOT_MARKED,
    MarkIn,
    SubjectLine,
    SubjectResult,
    built,
)
from carnet.grades.models import BUILTIN_KIND_ROLES, Assessment, ConductMark, Mark, Role, SubjectCoefficient
from carnet.school.models import Enrollment, TeachingAssignment, TeachingGroup

AUDIENCES = ("staff", "teacher", "student", "guardian")


def reference_day(period: Any, today: dt.date | None = None) -> dt.date:
    """The day whose enrollments make the class for `period`: today, or the period's last day once
    the period is over."""
    today = today or timezone.localdate()
    return min(today, period.ends_on)


def enrollments_on(day: dt.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def audience_filter(audience: str, now: dt.datetime | None) -> Q:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    now = now or timezone.now()
    if audience == "student":
        return Q(published_at__isnull=False, published_at__lte=now)
    if audience == "guardian":
        return Q(guardians_published_at__isnull=False, guardians_published_at__lte=now)
    return Q()


def load_students(school_class: Any, period: Any) -> list[StudentInfo]:
    day = reference_day(period)
    rows = (
        Enrollment.objects.filter(school_class=school_class)
        .filter(enrollments_on(day))
        .select_related("student")
        .only("student_id", "national_id", "is_repeating", "student")  # the whole user, three enrollment fields
        .order_by("student__last_name", "student__first_name", "student_id")
    )
    seen: set[int] = set()
    students = []
    for enrollment in rows:
        if enrollment.student_id in seen:
            continue
        seen.add(enrollment.student_id)
        user = enrollment.student
        students.append(
            StudentInfo(
                user=user,
                national_id=enrollment.national_id,
                is_repeating=enrollment.is_repeating,
                birth_date=user.birth_date,
                birth_place=user.birth_place,
            )
        )
    return students


def _subject_infos(school_class: Any, assignments: list[TeachingAssignment]) -> dict[int, SubjectInfo]:
    """One SubjectInfo per subject id; co-taught assignments merged."""
    by_subject: dict[int, list[TeachingAssignment]] = defaultdict(list)
    for assignment in assignments:
        by_subject[assignment.subject_id].append(assignment)
    coefficient_rows: dict[int, tuple[Decimal, bool]] = {}
    if by_subject and school_class.level_id:
        rows = SubjectCoefficient.objects.filter(
            school_year_id=school_class.school_year_id,
            level_id=school_class.level_id,
            subject_id__in=list(by_subject),
        ).filter(Q(series__isnull=True) | Q(series_id=school_class.series_id))
        # A series row wins over the level row: read level rows first, series rows overwrite them.
        for row in sorted(
            rows.values("subject_id", "series_id", "coefficient", "is_bonus"), key=lambda r: r["series_id"] is not None
        ):
            coefficient_rows[row["subject_id"]] = (row["coefficient"], row["is_bonus"])
    infos = {}
    for subject_id, group in by_subject.items():
        subject = group[0].subject
        if subject_id in coefficient_rows:
            coefficient, is_bonus = coefficient_rows[subject_id]
        else:
            coefficient, is_bonus = max(a.coefficient for a in group), False
        teachers = sorted({a.teacher.full_name for a in group})
        infos[subject_id] = SubjectInfo(
            key=str(subject.public_id),
            subject=subject,
            name=subject.name,
            short_name=subject.short_name or subject.name[:12],
            coefficient=coefficient,
            is_bonus=is_bonus,
            teacher_names=tuple(teachers),
            assignment_ids=tuple(sorted(a.id for a in group)),
            color=subject.color,
        )
    return infos


def _role(kind: str, custom_role: str | None) -> str:
    if custom_role:
        return custom_role
    return BUILTIN_KIND_ROLES.get(kind, Role.OTHER)


def period_results(*, school_class: Any, period: Any, audience: str = "staff", now: dt.datetime | None = None) -> ClassPeriodResults:
    """Every average of `school_class` for `period` as `audience` may see them (see the module
    docstring). The explanations are in the active language."""
    establishment = school_class.establishment
    profile = profiles.profile_for(establishment)
    rules = profiles.rules_from(profile)
    visible = audience_filter(audience, now)
    students = load_students(school_class, period)
    student_ids = [s.id for s in students]

    memberships: dict[int, set[int]] = defaultdict(set)  # group id -> member ids in this class
    if student_ids:
        through = TeachingGroup.students.through
        for group_id, user_id in through.objects.filter(
            user_id__in=student_ids, teachinggroup__school_year_id=school_class.school_year_id
        ).values_list("teachinggroup_id", "user_id"):
            memberships[group_id].add(user_id)

    assignments = list(
        TeachingAssignment.objects.filter(school_year_id=school_class.school_year_id)
        .filter(Q(school_class=school_class) | Q(group__classes=school_class) | Q(group_id__in=list(memberships)))
        .select_related("subject", "teacher")
        # What the results read of an assignment: the whole subject, the teacher's name.
        .only("id", "coefficient", "group_id", "subject", "teacher__first_name", "teacher__last_name")
        .distinct()
    )
    subject_infos = _subject_infos(school_class, assignments)
    assignment_by_id = {a.id: a for a in assignments}

    assessments: list[AssessmentInfo] = []
    if assignments:
        rows = (
            Assessment.objects.filter(period=period, assignment_id__in=list(assignment_by_id))
            .filter(visible)
            .order_by("held_on", "created_at", "id")
            .values(
                "id", "public_id", "assignment_id", "title", "kind", "custom_kind__role", "scale", "coefficient", "is_bonus", "held_on"
            )
        )
        for row in rows:
            assignment = assignment_by_id[row["assignment_id"]]
            assessments.append(
                built(  # AssessmentInfo(...) without its __init__ (see engine.types.built)
                    AssessmentInfo,
                    {
                        "id": row["id"],
                        "key": str(row["public_id"]),
                        "subject_key": subject_infos[assignment.subject_id].key,
                        "assignment_id": assignment.id,
                        "title": row["title"],
                        "role": _role(row["kind"], row["custom_kind__role"]),
                        "scale": row["scale"],
                        "coefficient": row["coefficient"],
                        "is_bonus": row["is_bonus"],
                        "held_on": row["held_on"],
                        "group_id": assignment.group_id,
                    },
                )
            )

    # Each assessment as a MarkIn (status NOT_MARKED), and each student's marks as a row of cells
    # (engine.subject.Cell), one per assessment of the class, in the order of `assessments`; a MarkIn
    # per mark is made only when one is asked for (`ClassPeriodResults.marks`, explanations).
    templates = [_template(info) for info in assessments]
    width = len(assessments)
    student_rows: dict[int, list[Cell]] = {sid: [None] * width for sid in student_ids}
    if assessments and student_ids:
        # The cells of a scale, shared: a class has few distinct values, each made Decimal and
        # brought to /20 once (SQLite's decimal converter, through float, was a fifth of the time).
        cells_of_scale: dict[Decimal, dict[str | None, Cell]] = {}
        where: dict[int, tuple[int, dict[str | None, Cell], Decimal]] = {}
        for position, info in enumerate(assessments):
            cells = cells_of_scale.get(info.scale)
            if cells is None:
                cells = cells_of_scale[info.scale] = dict(_STATUS_CELLS)
            where[info.id] = (position, cells, info.scale)
        # By the assessments' ids only (already read, audience applied): one index range per
        # assessment, without joining the assessments again; the marks of students who are not in
        # the class (left it, or in a group with other classes) are skipped here.
        mark_rows = Mark.objects.filter(assessment_id__in=list(where)).values_list("assessment_id", "student_id", _CELL_TEXT)
        rows_get = student_rows.get
        for assessment_id, student_id, text in mark_rows:
            student_row = rows_get(student_id)
            if student_row is None:
                continue
            position, cells, scale = where[assessment_id]
            cell = cells.get(text)
            if cell is None:
                cell = cells[text] = _cell(text, scale)
            student_row[position] = cell

    subjects = sorted(subject_infos.values(), key=lambda s: (s.name.lower(), s.key))
    conduct: dict[int, Decimal] = {}
    if profile.conduct_enabled and rules.conduct_coefficient > 0:
        subjects.append(
            SubjectInfo(key=CONDUCT, subject=None, name=_("Conduite"), short_name=_("Conduite"), coefficient=rules.conduct_coefficient)
        )
        if student_ids:
            conduct = dict(
                ConductMark.objects.filter(period=period, student_id__in=student_ids).values_list("student_id", "value")
            )

    results = ClassPeriodResults(
        establishment=establishment,
        period=period,
        school_class=school_class,
        rules=rules,
        audience=audience,
        students=students,
        subjects=subjects,
        assessments=assessments,
    )
    results._conduct = conduct
    concerned = _concerned(students, subject_infos, assignment_by_id, memberships)
    # subject key -> its assessments: (position in a row, MarkIn, group members or None)
    by_subject: dict[str, list[tuple[int, MarkIn, set[int] | None]]] = defaultdict(list)
    for position, info in enumerate(assessments):
        members = None if info.group_id is None else memberships.get(info.group_id, set())
        by_subject[info.subject_key].append((position, templates[position], members))
    # Subjects whose assessments all concern the whole class: one plan for every student.
    whole_class = {
        key: SubjectPlan([t for _p, t, _m in items], [p for p, _t, _m in items], rules)
        for key, items in by_subject.items()
        if all(members is None for _p, _t, members in items)
    }
    empty_plan = SubjectPlan((), (), rules)
    group_plans: dict[tuple[str, tuple[int, ...]], SubjectPlan] = {}  # by the student's positions
    # The hot loop of a whole establishment (1,500 students × 12 subjects × 10 marks): locals only.
    subject_results = results._subject_results
    plans = results._plans
    results._rows = student_rows
    for student in students:
        sid = student.id
        student_row = student_rows[sid]
        lines = []
        for subject in subjects:
            key = subject.key
            pair = (sid, key)
            if key == CONDUCT:
                value = conduct.get(sid)
                result = SubjectResult(value=None if value is None else round2(value), steps=())
            elif pair not in concerned:
                continue
            else:
                plan = whole_class.get(key)
                if plan is None:
                    plan = _group_plan(group_plans, key, by_subject.get(key, ()), sid, rules) or empty_plan
                plans[pair] = plan
                result = plan.numbers(student_row)
            subject_results[pair] = result
            lines.append(_line(subject, result))
        results._lines[sid] = lines
        results._general[sid] = general_average(lines, rules, explain=False)
    return results


def _group_plan(
    plans: dict[tuple[str, tuple[int, ...]], SubjectPlan],
    key: str,
    items: Any,
    student_id: int,
    rules: Any,
) -> SubjectPlan | None:
    """The plan of a subject with group assessments for one student: the assessments of the whole
    class and those of the student's groups; one plan per distinct set, shared."""
    mine = [(position, template) for position, template, members in items if members is None or student_id in members]
    if not mine:
        return None
    positions = tuple(position for position, _template in mine)
    plan = plans.get((key, positions))
    if plan is None:
        plan = plans[(key, positions)] = SubjectPlan([template for _position, template in mine], positions, rules)
    return plan


#: A mark row read as one text: the value (MARKED with a value), else the status (MARKED without a
#: value is NOT_MARKED). One column instead of two: a fifth less to fetch.
_CELL_TEXT = Case(
    When(status=MARKED, value__isnull=False, then=Cast("value", CharField())),
    When(status=MARKED, then=Value(NOT_MARKED)),
    default=F("status"),
    output_field=CharField(),
)

#: The cells of the statuses without a value (the engine's own strings), and of no text.
_STATUS_CELLS: dict[str | None, Cell] = {None: NOT_MARKED, ABSENT: ABSENT, EXEMPT: EXEMPT, NOT_HANDED_IN: NOT_HANDED_IN, NOT_MARKED: NOT_MARKED}


def _cell(text: str, scale: Decimal) -> Cell:
    """The cell of a mark read as text (`_CELL_TEXT`): a value, else a status this code does not
    know (the engine counts it as a missing mark, like `subject_numbers`)."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return text
    if not value.is_finite():
        return text
    return marked_cell(value, scale)


def _concerned(students, subject_infos, assignment_by_id, memberships) -> set[tuple[int, str]]:
    """(student id, subject key) pairs: a class assignment concerns every student, a group
    assignment its members."""
    pairs: set[tuple[int, str]] = set()
    all_ids = [s.id for s in students]
    for assignment in assignment_by_id.values():
        key = subject_infos[assignment.subject_id].key
        members = all_ids if assignment.group_id is None else memberships.get(assignment.group_id, ())
        pairs.update((student_id, key) for student_id in members)
    return pairs



def _template(info: AssessmentInfo) -> MarkIn:
    """The assessment as a MarkIn of status NOT_MARKED (made without its __init__: see
    `engine.types.built`)."""
    return built(
        MarkIn,
        {
            "assessment": info.key,
            "title": info.title,
            "role": info.role,
            "status": NOT_MARKED,
            "value": None,
            "scale": info.scale,
            "coefficient": info.coefficient,
            "is_bonus": info.is_bonus,
            "held_on": info.held_on,
        },
    )


def _mark_in(template: MarkIn, mark: tuple[str, Decimal | None]) -> MarkIn:
    """The template (the assessment's fields) with the student's (status, value): see
    `engine.subject.with_mark`, which the results use to make MarkIns on demand."""
    return with_mark(template, *mark)


def _line(subject: SubjectInfo, result: SubjectResult) -> SubjectLine:
    """The subject's line in the student's general average (made without its __init__: see
    `engine.types.built`; one per student and subject)."""
    return built(
        SubjectLine,
        {
            "key": subject.key,
            "name": subject.name,
            "coefficient": subject.coefficient,
            "average": result.value,
            "is_bonus": subject.is_bonus,
            "blocked_reason": result.blocked_reason,
        },
    )
