"""A student's results, a class's annual results, an assessment's statistics and the what-if."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from carnet.grades import profiles
from carnet.grades.computation.period import enrollments_on, period_results, reference_day
from carnet.grades.computation.results import AnnualResults, ClassPeriodResults
from carnet.grades.engine import annual_average, decision, general_average, statistics, subject_average
from carnet.grades.engine.types import MARKED, GeneralResult, MarkIn, Stats, SubjectLine, SubjectResult
from carnet.grades.models import Mark
from carnet.school.models import Enrollment, Period


def student_class(student: Any, period: Any) -> Any | None:
    """The student's class for the period: their enrollment of the period's year open on the
    reference day (today, or the period's last day once it is over), else their latest enrollment
    of that year."""
    enrollments = Enrollment.objects.filter(student=student, school_year_id=period.school_year_id).select_related(
        "school_class__establishment"
    )
    enrollment = enrollments.filter(enrollments_on(reference_day(period))).order_by("-starts_on").first()
    if enrollment is None:
        enrollment = enrollments.order_by("-starts_on").first()
    return enrollment.school_class if enrollment else None


def student_period_results(
    *, student: Any, period: Any, audience: str = "student", now: dt.datetime | None = None
) -> ClassPeriodResults | None:
    """`period_results` of the student's class for the period (see `student_class`); None when the
    student has no class that year."""
    school_class = student_class(student, period)
    if school_class is None:
        return None
    return period_results(school_class=school_class, period=period, audience=audience, now=now)


def annual_results(*, school_class: Any, school_year: Any, audience: str = "staff", now: dt.datetime | None = None) -> AnnualResults:
    """Each period's general averages of the class, then the annual average by the profile's rule,
    its explanation and the decision. The students are those of the latest period begun (the first
    period before the year starts)."""
    rules = profiles.rules_for(school_class.establishment)
    periods = list(Period.objects.filter(school_year=school_year).order_by("number"))
    per_period = [period_results(school_class=school_class, period=p, audience=audience, now=now) for p in periods]
    today = timezone.localdate()
    begun = [r for r in per_period if r.period.starts_on <= today] or per_period[:1]
    students = begun[-1].students if begun else []
    results = AnnualResults(
        school_class=school_class, school_year=school_year, rules=rules, periods=periods, students=students, period_results=per_period
    )
    names = [p.name for p in periods]
    for student in students:
        values = [r.general_average(student.id) for r in per_period]
        result = annual_average(values, rules, names)
        results._results[student.id] = result
        results._decisions[student.id] = decision(result.value, rules)
    return results


def assessment_stats(assessment: Any) -> Stats:
    """Statistics of an assessment's marks (status MARKED only), on the assessment's own scale; the
    distribution is by bands of /20."""
    values = Mark.objects.filter(assessment=assessment, status=MARKED, value__isnull=False).values_list("value", flat=True)
    return statistics(list(values), scale=assessment.scale)


def what_if(
    *, student: Any, period: Any, subject: Any, extra: MarkIn, audience: str = "student", now: dt.datetime | None = None
) -> tuple[SubjectResult, SubjectResult, GeneralResult, GeneralResult]:
    """The student's subject and general averages now and with `extra` added to the subject's
    marks (a simulated mark, never saved). `subject` is a Subject or its key (public id as text)."""
    results = student_period_results(student=student, period=period, audience=audience, now=now)
    empty_subject = SubjectResult(value=None, steps=())
    empty_general = GeneralResult(value=None, steps=())
    if results is None:
        return empty_subject, empty_subject, empty_general, empty_general
    key = subject if isinstance(subject, str) else str(subject.public_id)
    rules = results.rules
    before = results.subject_result(student.id, key) or empty_subject
    after = subject_average([*results.marks(student.id, key), extra], rules)
    general_before = results.general(student.id)
    lines = []
    for info in results.subjects:
        result = after if info.key == key else results.subject_result(student.id, info.key, explain=False)
        if result is None:
            continue
        lines.append(
            SubjectLine(
                key=info.key,
                name=info.name,
                coefficient=info.coefficient,
                average=result.value,
                is_bonus=info.is_bonus,
                blocked_reason=result.blocked_reason,
            )
        )
    general_after = general_average(lines, rules)
    return before, after, general_before, general_after
