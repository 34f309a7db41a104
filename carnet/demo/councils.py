"""What follows the marks in the demo: grading profiles, the Beninese subject coefficients, conduct
marks, the first period's appraisals (per subject, main teacher, council with its mention) and its
closed class councils.

The appraisals are chosen from the band of a rough average the demo computes itself from the marks
it drew (the engine computes the real one); the texts are in `phrases`. Bulk inserts only."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from carnet.demo import phrases
from carnet.demo.grades import SEED, Counted, SchoolMarks, insert
from carnet.grades.models import Appraisal, ClassCouncil, ConductMark, SubjectCoefficient
from carnet.grades.profiles import profile_for
from carnet.school import models as school

BATCH = 2000


@dataclass
class CouncilCounts:
    appraisals: int = 0
    councils: int = 0
    conduct_marks: int = 0
    coefficients: int = 0


def seed_councils(marks: SchoolMarks, users: dict[int, object], classes: dict[int, school.SchoolClass]) -> CouncilCounts:
    """Profile, coefficients (Benin), and for the first period: conduct (Benin), appraisals and a
    closed council for every class. Nothing for a period that has not started."""
    plan, establishment = marks.plan, marks.establishment
    profile_for(establishment)
    counts = CouncilCounts()
    if plan.spec.country == "BJ":
        counts.coefficients = _coefficients(marks, classes)
    if not marks.started_periods:
        return counts
    period = marks.periods[0]
    rng = random.Random(f"{SEED}-{plan.spec.key}-councils")
    head = _staff(marks, users, "head")
    school_life = _staff(marks, users, "school_life")

    # Who teaches each student each subject, with the subject's coefficient.
    teaching: dict[int, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    main_teacher: dict[int, int] = {}
    for assignment in sorted(plan.assignments, key=lambda a: a.school_class is None):
        audience = assignment.school_class.students if assignment.school_class else assignment.group.students  # type: ignore[union-attr]
        teacher = users[id(assignment.teacher)].pk  # type: ignore[attr-defined]
        for person in audience:
            teaching[users[id(person)].pk].setdefault(assignment.subject, (teacher, assignment.coefficient))  # type: ignore[attr-defined]
        if assignment.is_main_teacher and assignment.school_class is not None:
            main_teacher[id(assignment.school_class)] = teacher

    conduct: dict[int, float] = {}
    conduct_rows = []
    if plan.spec.country == "BJ":
        for enrollment in plan.enrollments:
            student = users[id(enrollment.student)].pk  # type: ignore[attr-defined]
            level = marks.levels[student]
            value = min(19.0, max(8.0, rng.gauss(13.5 + 0.25 * (level - 10), 1.4)))
            conduct[student] = round(value * 2) / 2
            conduct_rows.append(
                ConductMark(
                    establishment=establishment, period=period, student_id=student, value=Decimal(f"{conduct[student]:.2f}"),
                    set_by_id=school_life, updated_at=_council_moment(marks, period, 0),
                )
            )
        ConductMark.objects.bulk_create(conduct_rows, batch_size=BATCH)
        counts.conduct_marks = len(conduct_rows)

    wording = phrases.semester_wording if period.kind == school.Period.Kind.SEMESTER else (lambda text: text)
    appraisals: list[tuple] = []
    subjects = {
        s.name: s for s in school.Subject.objects.filter(establishment=establishment)
    }
    class_index = {id(c): i for i, c in enumerate(plan.classes)}
    for enrollment in plan.enrollments:
        student = users[id(enrollment.student)].pk  # type: ignore[attr-defined]
        moment = _council_moment(marks, period, class_index[id(enrollment.school_class)])
        lines: list[tuple[float, float]] = []
        for subject, (teacher, coefficient) in sorted(teaching[student].items()):
            average = _average(marks.marks.get((student, subject, period.number), []), plan.spec.country)
            if average is None:
                continue
            lines.append((average, float(coefficient)))
            if rng.random() < 0.9:
                text = rng.choice(phrases.SUBJECT_APPRAISALS[phrases.band(Decimal(f"{average:.2f}"))])
                appraisals.append((
                    uuid.uuid4(), student, Appraisal.Kind.SUBJECT,
                    subjects[subject].pk, wording(text), "", teacher, moment - dt.timedelta(days=rng.randint(1, 4)),
                ))
        if student in conduct:
            lines.append((conduct[student], 1.0))
        if not lines:
            continue
        general = Decimal(f"{sum(a * c for a, c in lines) / sum(c for _, c in lines):.2f}")
        band = phrases.band(general)
        appraisals.append((
            uuid.uuid4(), student, Appraisal.Kind.MAIN_TEACHER, None,
            wording(rng.choice(phrases.MAIN_TEACHER_APPRAISALS[band])), "", main_teacher.get(id(enrollment.school_class)),
            moment - dt.timedelta(hours=20),
        ))
        appraisals.append((
            uuid.uuid4(), student, Appraisal.Kind.COUNCIL, None,
            wording(rng.choice(phrases.COUNCIL_APPRAISALS[band])), phrases.mention_for(plan.spec.country, general), head,
            moment,
        ))
    insert(
        Appraisal,
        ("establishment", "period", "public_id", "student", "kind", "subject", "text", "mention", "author", "updated_at",
         "decision", "version"),
        [(establishment.pk, period.pk, *row, "", 1) for row in appraisals],
    )
    counts.appraisals = len(appraisals)

    # A period that has not ended yet keeps its councils open, so that its teachers can still enter
    # marks in the demo (its report cards are then early versions, re-issued after the council).
    ended = period.ends_on < marks.today
    councils = [
        ClassCouncil(
            establishment=establishment, period=period, school_class=classes[id(c)],
            status=ClassCouncil.Status.CLOSED if ended else ClassCouncil.Status.OPEN,
            held_on=_council_day(marks, period, i) if ended else None,
            closed_at=_council_moment(marks, period, i) if ended else None, closed_by_id=head if ended else None,
        )
        for i, c in enumerate(plan.classes)
    ]
    ClassCouncil.objects.bulk_create(councils, batch_size=BATCH)
    counts.councils = len(councils)
    return counts


def _average(counted: list[Counted], country: str) -> float | None:
    """The demo's rough subject average on /20: France a weighted mean, Benin (MI + devoirs)/(1 + n)."""
    values = [(c.on_twenty, c) for c in counted if c.on_twenty is not None]
    if not values:
        return None
    if country == "BJ":
        interrogations = [v for v, c in values if c.role != "devoir"]
        devoirs = [v for v, c in values if c.role == "devoir"]
        terms = ([sum(interrogations) / len(interrogations)] if interrogations else []) + devoirs
        return sum(terms) / len(terms)
    return sum(v * c.coefficient for v, c in values) / sum(c.coefficient for _, c in values)


def _council_day(marks: SchoolMarks, period: school.Period, index: int) -> dt.date:
    """Councils follow the period's end over two weeks, never after today."""
    day = period.ends_on + dt.timedelta(days=1 + index % 10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return min(day, marks.today)


def _council_moment(marks: SchoolMarks, period: school.Period, index: int) -> dt.datetime:
    moment = marks.local(_council_day(marks, period, index), 17, 30 + index % 25)
    return min(moment, marks.now - dt.timedelta(minutes=5))


def _staff(marks: SchoolMarks, users: dict[int, object], kind: str) -> int | None:
    person = next((f.person for f in marks.plan.functions if f.kind == kind), None)
    return users[id(person)].pk if person is not None else None  # type: ignore[attr-defined]


def _coefficients(marks: SchoolMarks, classes: dict[int, school.SchoolClass]) -> int:
    """The coefficients of the Beninese curriculum as reference data: one row per level (first
    cycle) or per level and series (second cycle) and subject."""
    plan = marks.plan
    rows: dict[tuple[int, int | None, str], Decimal] = {}
    for school_class in plan.classes:
        row = classes[id(school_class)]
        for lesson in school_class.lessons:
            rows.setdefault((row.level_id, row.series_id, lesson.subject), lesson.coefficient)  # type: ignore[arg-type]
        if school_class.second_language is not None:
            for language, _ in plan.spec.second_languages:
                rows.setdefault((row.level_id, row.series_id, language), school_class.second_language.coefficient)  # type: ignore[arg-type]
    subjects = {s.name: s for s in school.Subject.objects.filter(establishment=marks.establishment)}
    year_id = classes[id(plan.classes[0])].school_year_id
    objects = [
        SubjectCoefficient(
            establishment=marks.establishment, school_year_id=year_id, level_id=level, series_id=series,
            subject=subjects[subject], coefficient=coefficient,
        )
        for (level, series, subject), coefficient in rows.items()
    ]
    SubjectCoefficient.objects.bulk_create(objects, batch_size=BATCH)
    return len(objects)
