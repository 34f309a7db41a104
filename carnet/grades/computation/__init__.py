"""From the database to the engine: a class's averages for a period or a year, a student's, an
assessment's statistics and a what-if. Every function reads with a constant number of queries per
class and returns plain results (see `results`); the engine (carnet.grades.engine) does the
arithmetic and writes the explanations.

    period_results(*, school_class, period, audience="staff", now=None) -> ClassPeriodResults
    student_period_results(*, student, period, audience="student", now=None) -> ClassPeriodResults | None
    annual_results(*, school_class, school_year, audience="staff", now=None) -> AnnualResults
    assessment_stats(assessment) -> Stats
    what_if(*, student, period, subject, extra, audience="student", now=None)
        -> (SubjectResult before, SubjectResult after, GeneralResult before, GeneralResult after)

These functions do not check permissions: callers pass what the person may see (policies) and the
audience that matches them.
"""

from carnet.grades.computation.period import period_results
from carnet.grades.computation.queries import (
    annual_results,
    assessment_stats,
    student_class,
    student_period_results,
    what_if,
)
from carnet.grades.computation.results import (
    CONDUCT,
    AnnualResults,
    AssessmentInfo,
    ClassPeriodResults,
    StudentInfo,
    SubjectInfo,
)

__all__ = [
    "CONDUCT",
    "AnnualResults",
    "AssessmentInfo",
    "ClassPeriodResults",
    "StudentInfo",
    "SubjectInfo",
    "annual_results",
    "assessment_stats",
    "period_results",
    "student_class",
    "student_period_results",
    "what_if",
]
