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
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Q
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
from carnet.grades.engine.subject import MarkEntry, subject_numbers, with_mark
from carnet.grades.engine.types import NOT_MARKED, MarkIn, SubjectLine, SubjectResult
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
                AssessmentInfo(
                    id=row["id"],
                    key=str(row["public_id"]),
                    subject_key=subject_infos[assignment.subject_id].key,
                    assignment_id=assignment.id,
                    title=row["title"],
                    role=_role(row["kind"], row["custom_kind__role"]),
                    scale=row["scale"],
                    coefficient=row["coefficient"],
                    is_bonus=row["is_bonus"],
                    held_on=row["held_on"],
                    group_id=assignment.group_id,
                )
            )

    # Each assessment as a MarkIn (status NOT_MARKED): the marks are read as (that, status, value)
    # entries (engine.subject.MarkEntry), a MarkIn per mark is made only when one is asked for.
    templates = {info.id: _template(info) for info in assessments}
    marks: dict[int, dict[int, MarkEntry]] = {sid: {} for sid in student_ids}  # student -> assessment -> entry
    if assessments and student_ids:
        # By the assessments' ids only (already read, audience applied): one index range per
        # assessment, without joining the assessments again; the marks of students who are not in
        # the class (left it, or in a group with other classes) are skipped here.
        mark_rows = Mark.objects.filter(assessment_id__in=list(templates)).values_list(
            "assessment_id", "student_id", "status", Cast("value", CharField())
        )
        # The value comes as text, made Decimal once per distinct value: SQLite's decimal converter
        # (through float) was a fifth of the time of a class.
        decimals: dict[str, Decimal] = {}
        for assessment_id, student_id, status, text in mark_rows:
            own = marks.get(student_id)
            if own is None:
                continue
            value = None
            if text is not None:
                value = decimals.get(text)
                if value is None:
                    value = decimals[text] = Decimal(text)
            own[assessment_id] = (templates[assessment_id], status, value)

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
    by_subject: dict[str, list[tuple[int, MarkEntry, set[int] | None]]] = defaultdict(list)
    for info in assessments:
        members = None if info.group_id is None else memberships.get(info.group_id, set())
        by_subject[info.subject_key].append((info.id, (templates[info.id], NOT_MARKED, None), members))
    # Subjects whose assessments all concern the whole class: no membership test per mark.
    whole_class = {
        key: [(info_id, not_marked) for info_id, not_marked, _members in entries]
        for key, entries in by_subject.items()
        if all(members is None for _id, _entry, members in entries)
    }
    # The hot loop of a whole establishment (1,500 students × 12 subjects × 10 marks): locals only.
    subject_results = results._subject_results
    entries_of = results._marks
    for student in students:
        sid = student.id
        mark_of = marks[sid].get
        lines = []
        for subject in subjects:
            key = subject.key
            if key == CONDUCT:
                value = conduct.get(sid)
                result = SubjectResult(value=None if value is None else round2(value), steps=())
            elif (sid, key) not in concerned:
                continue
            else:
                if key in whole_class:
                    entries = [mark_of(info_id, not_marked) for info_id, not_marked in whole_class[key]]
                else:
                    entries = [
                        mark_of(info_id, not_marked)
                        for info_id, not_marked, members in by_subject.get(key, ())
                        if members is None or sid in members
                    ]
                entries_of[(sid, key)] = entries
                result = subject_numbers(entries, rules)
            subject_results[(sid, key)] = result
            lines.append(_line(subject, result))
        results._lines[sid] = lines
        results._general[sid] = general_average(lines, rules, explain=False)
    return results


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
    return MarkIn(
        assessment=info.key,
        title=info.title,
        role=info.role,
        status=NOT_MARKED,
        value=None,
        scale=info.scale,
        coefficient=info.coefficient,
        is_bonus=info.is_bonus,
        held_on=info.held_on,
    )


def _mark_in(template: MarkIn, mark: tuple[str, Decimal | None]) -> MarkIn:
    """The template (the assessment's fields) with the student's (status, value): see
    `engine.subject.with_mark`, which the results use to make MarkIns on demand."""
    return with_mark(template, *mark)


def _line(subject: SubjectInfo, result: SubjectResult) -> SubjectLine:
    return SubjectLine(
        key=subject.key,
        name=subject.name,
        coefficient=subject.coefficient,
        average=result.value,
        is_bonus=subject.is_bonus,
        blocked_reason=result.blocked_reason,
    )
