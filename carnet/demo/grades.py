"""The demo's assessments and marks: a full first period and the second period up to today.

Dates come from the establishment's periods and calendar in the database and from today in the
establishment's time zone, so the demo looks alive whenever it is seeded: no assessment is dated
after today, every one is published (most a few days after it was held, the latest ones in the last
hours, so the "new" badges show). The first period always gets its full set; when it is still
running, its assessments are spread from its start to today.

Marks are drawn per student from a level (a normal draw per student), a per-subject offset, the
assessment's difficulty and noise, rounded to 0.25 or 0.5 and clipped to the scale; about 3% are
absent, 1% exempt and 1% not handed in. Each assignment and period draws from its own seeded
`random.Random`: the same plan on the same day gives the same marks.

Everything is written with `bulk_create` (no query per row)."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.utils import timezone

from carnet.demo import phrases
from carnet.demo.plan import AssignmentPlan, EstablishmentPlan, Person
from carnet.grades.models import BUILTIN_KIND_ROLES, Assessment, AssessmentKind, Mark
from carnet.school import models as school

SEED = "carnet-demo-2026-marks"
BATCH = 2000
K = AssessmentKind

#: Each assessment as drawn before it is written: (kind, scale, coefficient, is_bonus, title).
Draft = tuple[str, int, int, bool, str]


@dataclass
class Counted:
    """A student's mark as the demo's own rough averages see it (to choose appraisals)."""

    on_twenty: float | None  # None: not counted (absent, exempt)
    coefficient: float
    role: str  # "interrogation" | "devoir" | "other"


@dataclass
class SchoolMarks:
    """What the marks of one establishment left for the councils: the periods, today, and every
    counted mark by (student user id, subject name, period number)."""

    plan: EstablishmentPlan
    establishment: school.Establishment
    periods: list[school.Period]
    today: dt.date
    now: dt.datetime
    tz: ZoneInfo
    levels: dict[int, float]  # student user id -> level /20
    marks: dict[tuple[int, str, int], list[Counted]] = field(default_factory=lambda: defaultdict(list))
    assessments: int = 0
    mark_rows: int = 0

    def local(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    @property
    def started_periods(self) -> list[school.Period]:
        return [p for p in self.periods if p.starts_on <= self.today]


def today_in(establishment: school.Establishment) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(establishment.time_zone))


def seed_marks(
    plan: EstablishmentPlan,
    establishment: school.Establishment,
    users: dict[int, object],
    assignments: dict[int, school.TeachingAssignment],
    *,
    now: dt.datetime | None = None,
) -> SchoolMarks:
    """Assessments and marks for every teaching assignment of `plan` (written), and what the
    councils need (returned)."""
    now = now or timezone.now()
    tz = ZoneInfo(establishment.time_zone)
    periods = list(school.Period.objects.filter(establishment=establishment, school_year__is_current=True).order_by("number"))
    closed = tuple(
        school.CalendarEvent.objects.filter(establishment=establishment, kind__in=["holiday", "closed"]).values_list("starts_on", "ends_on")
    )
    levels_rng = random.Random(f"{SEED}-{plan.spec.key}-levels")
    mean, spread = (11.6, 2.9) if plan.spec.country == "FR" else (10.4, 3.0)
    levels = {users[id(e.student)].pk: min(18.5, max(3.0, levels_rng.gauss(mean, spread))) for e in plan.enrollments}  # type: ignore[attr-defined]
    result = SchoolMarks(plan, establishment, periods, now.astimezone(tz).date(), now, tz, levels)
    if not result.started_periods:
        return result
    offsets_rng = random.Random(f"{SEED}-{plan.spec.key}-offsets")
    offsets: dict[tuple[int, str], float] = {}
    for enrollment in plan.enrollments:
        student = users[id(enrollment.student)].pk  # type: ignore[attr-defined]
        for subject, _, _ in plan.spec.subjects:
            offsets[(student, subject)] = offsets_rng.gauss(0, 1.7)

    drafted: list[tuple[Assessment, list[object], str, str]] = []
    for index, assignment_plan in enumerate(plan.assignments):
        assignment = assignments[id(assignment_plan)]
        students = [users[id(p)] for p in _students_of(assignment_plan)]
        for period in result.started_periods:
            rng = random.Random(f"{SEED}-{plan.spec.key}-{index}-{period.number}")
            for number, (draft, held_on) in enumerate(_schedule(result, assignment_plan, period, closed, rng)):
                row = _assessment(result, assignment, period, draft, held_on, rng)
                if row is not None:
                    drafted.append((row, students, assignment_plan.subject, f"{index}-{period.number}-{number}"))
    Assessment.objects.bulk_create([row for row, _, _, _ in drafted], batch_size=BATCH)
    result.assessments = len(drafted)

    rows: list[tuple] = []
    for row, students, subject, key in drafted:
        rng = random.Random(f"{SEED}-{plan.spec.key}-{key}")
        difficulty = rng.gauss(0, 1.3)
        typed_at = (row.published_at or now) - dt.timedelta(minutes=rng.randint(5, 90))
        for student in students:
            rows.append(_mark(result, row, student, subject, offsets, difficulty, rng) + (typed_at,))
    insert(Mark, MARK_COLUMNS, rows)
    result.mark_rows = len(rows)
    return result


def _students_of(assignment: AssignmentPlan) -> list[Person]:
    if assignment.school_class is not None:
        return list(assignment.school_class.students)
    assert assignment.group is not None
    return list(assignment.group.students)


# --- what and when ---------------------------------------------------------------------------------


def _schedule(
    marks: SchoolMarks, assignment: AssignmentPlan, period: school.Period, closed: tuple, rng: random.Random
) -> list[tuple[Draft, dt.date]]:
    """The assessments of an assignment in a period, with their dates, none after today. The first
    period is complete (squeezed before today when it is still running); later ones are cut at today."""
    first = period.number == marks.periods[0].number
    # A running first period is squeezed before today: assessments held later today would be dropped.
    end = min(period.ends_on, marks.today - dt.timedelta(days=1)) if first else period.ends_on
    days = _school_days(period.starts_on, end, closed)
    if marks.plan.spec.country == "FR":
        drafts = _french_drafts(assignment, rng, period.number)
    else:
        drafts = _benin_drafts(assignment, rng, period.number)
    if not days:
        return []
    count = len(drafts)
    chosen: list[dt.date] = []
    for i in range(count):
        position = int((i + 0.5 + rng.uniform(-0.3, 0.3)) * len(days) / count)
        chosen.append(days[min(len(days) - 1, max(0, position))])
    return [(draft, day) for draft, day in zip(drafts, chosen, strict=True) if day <= marks.today]


@functools.cache
def _school_days(start: dt.date, end: dt.date, closed: tuple[tuple[dt.date, dt.date], ...]) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and not any(a <= day <= b for a, b in closed):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _topic(subject: str, rng: random.Random) -> tuple[str, ...]:
    topics = list(phrases.TOPICS.get(subject, ("Chapitre 1", "Chapitre 2", "Chapitre 3", "Chapitre 4")))
    start = rng.randrange(len(topics))
    return tuple(topics[start:] + topics[:start])


def _french_drafts(assignment: AssignmentPlan, rng: random.Random, period_number: int) -> list[Draft]:
    subject = assignment.subject
    topics = _topic(subject, rng)
    practical_group = assignment.group is not None and "TP" in assignment.group.name
    if practical_group:
        return [(K.PRACTICAL, 20, 1, False, f"Compte rendu de TP : {topics[i % len(topics)]}") for i in range(2)]
    if subject == "EPS":
        count = rng.randint(2, 3)
        return [(K.PRACTICAL, 20, 1, False, f"Évaluation : {topics[i % len(topics)]}") for i in range(count)]
    if subject == "EMC":
        return [(K.ORAL, 20, 1, False, f"Oral : {topics[0]}"), (K.DEVOIR, 20, 1, False, f"Devoir : {topics[1 % len(topics)]}")]
    languages = ("Anglais", "Espagnol", "Allemand")
    count = rng.randint(4, 7)
    if subject.startswith(languages):
        kinds = [K.ORAL, K.INTERROGATION, K.DEVOIR, K.HOMEWORK, K.DEVOIR, K.INTERROGATION, K.ORAL][:count]
    else:
        kinds = [K.INTERROGATION, K.DEVOIR, K.HOMEWORK, K.DEVOIR, K.INTERROGATION, K.DEVOIR, K.ORAL][:count]
    rng.shuffle(kinds)
    drafts: list[Draft] = []
    for i, kind in enumerate(kinds):
        topic = topics[i % len(topics)]
        if kind == K.INTERROGATION:
            drafts.append((kind, 10 if rng.random() < 0.6 else 20, 1, False, f"Interrogation : {topic}"))
        elif kind == K.DEVOIR:
            if rng.random() < 0.12:
                drafts.append((kind, 40, 3, False, f"Devoir commun : {topic}"))
            else:
                drafts.append((kind, 20, 2, False, f"Devoir surveillé : {topic}"))
        elif kind == K.HOMEWORK:
            drafts.append((kind, 20, 1, False, f"DM : {topic}"))
        else:
            drafts.append((kind, 20, 1, False, f"Oral : {topic}"))
    if rng.random() < 0.1:
        drafts.insert(rng.randrange(1, len(drafts) + 1), (K.ORAL, 20, 1, True, "Exposé facultatif (bonus)"))
    return drafts


def _benin_drafts(assignment: AssignmentPlan, rng: random.Random, period_number: int) -> list[Draft]:
    """Three interrogations and two devoirs per semester, all /20, in the usual order."""
    return [
        (K.INTERROGATION, 20, 1, False, "Interrogation écrite n°1"),
        (K.INTERROGATION, 20, 1, False, "Interrogation écrite n°2"),
        (K.DEVOIR, 20, 1, False, "Devoir n°1"),
        (K.INTERROGATION, 20, 1, False, "Interrogation écrite n°3"),
        (K.DEVOIR, 20, 1, False, "Devoir n°2"),
    ]


def _assessment(
    marks: SchoolMarks, assignment: school.TeachingAssignment, period: school.Period, draft: Draft, held_on: dt.date,
    rng: random.Random,
) -> Assessment | None:
    """The row of an assessment, published a few days after it was held, or in the last hours when
    that moment is not past yet. None when it would be held later today."""
    kind, scale, coefficient, is_bonus, title = draft
    held_at = marks.local(held_on, rng.choice((8, 9, 10, 11, 14, 15)))
    if held_at > marks.now:
        return None
    published_at = marks.local(held_on + dt.timedelta(days=rng.randint(2, 9)), rng.randint(17, 21), rng.randrange(60))
    if published_at > marks.now:
        published_at = max(held_at + dt.timedelta(hours=2), marks.now - dt.timedelta(minutes=rng.randint(20, 36 * 60)))
        published_at = min(published_at, marks.now)
    created_at = min(published_at, marks.local(held_on - dt.timedelta(days=rng.randint(2, 12)), 19, 30))
    return Assessment(
        establishment_id=assignment.establishment_id,
        assignment=assignment,
        period=period,
        title=title,
        held_on=held_on,
        kind=kind,
        scale=Decimal(scale),
        coefficient=Decimal(coefficient),
        is_bonus=is_bonus,
        publication=Assessment.Publication.NOW,
        published_at=published_at,
        guardians_published_at=published_at,
        notified_at=published_at,  # no notification flood when the demo is seeded
        guardians_notified_at=published_at,
        created_by_id=assignment.teacher_id,
        created_at=created_at,
    )


# --- the marks -------------------------------------------------------------------------------------


MARK_COLUMNS = ("establishment", "assessment", "student", "value", "status", "comment", "version", "updated_by", "updated_at")


def insert(model: type[models.Model], names: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows of plain Python values for the fields `names` of `model`, inserted with one
    `executemany` per 20,000 rows: a fraction of what building objects for `bulk_create` costs at
    100,000 rows. Values are adapted for the database like the ORM does (dates, decimals, UUIDs);
    defaults are not applied: every column without a database default must be named."""
    fields = [model._meta.get_field(name) for name in names]
    adapters = [_adapter(field) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)  # type: ignore[union-attr]
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10 * BATCH):
            chunk = rows[start : start + 10 * BATCH]
            cursor.executemany(sql, [tuple(a(v) if a else v for a, v in zip(adapters, row, strict=True)) for row in chunk])


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        adapted: dict[dt.datetime, object] = {}  # a mark column repeats its assessment's moment

        def adapt(value):
            if value not in adapted:
                adapted[value] = connection.ops.adapt_datetimefield_value(value)
            return adapted[value]

        return adapt
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.UUIDField):
        return lambda value: field.get_db_prep_value(value, connection)
    return None


def _mark(
    marks: SchoolMarks, row: Assessment, student, subject: str, offsets: dict, difficulty: float, rng: random.Random
) -> tuple:
    """One student's mark (MARK_COLUMNS but the last): absent 3%, exempt 1%, not handed in 1%, else
    a value from the student's level, their offset in the subject, the assessment's difficulty and noise."""
    scale = float(row.scale)
    draw = rng.random()
    comment = ""
    status = Mark.Status.MARKED
    value: Decimal | None = None
    counted = Counted(on_twenty=None, coefficient=float(row.coefficient), role=BUILTIN_KIND_ROLES.get(row.kind, "other"))
    if draw < 0.03:
        status = Mark.Status.ABSENT
        if rng.random() < 0.3:
            comment = rng.choice(phrases.ABSENT_COMMENTS)
    elif draw < 0.04:
        status = Mark.Status.EXEMPT
    elif draw < 0.05:
        status = Mark.Status.NOT_HANDED_IN
        counted.on_twenty = 0.0
    else:
        level = marks.levels[student.pk]
        if subject == "EPS":
            level = 12.5 + 0.35 * (level - 11)
        spread = 2.6 if row.kind == K.INTERROGATION else 2.0
        on_twenty = level + offsets[(student.pk, subject)] + difficulty + rng.gauss(0, spread)
        on_twenty = min(20.0, max(0.0, on_twenty))
        step = 0.25 if (marks.plan.spec.country == "BJ" or scale <= 10) else 0.5
        raw = round(on_twenty * scale / 20 / step) * step
        value = Decimal(f"{min(scale, max(0.0, raw)):.2f}")
        counted.on_twenty = float(value) * 20 / scale
        if rng.random() < 0.03:
            band = 0 if counted.on_twenty < 8 else 1 if counted.on_twenty < 14 else 2
            comment = rng.choice(phrases.MARK_COMMENTS[band])
    if not row.is_bonus:
        marks.marks[(student.pk, subject, row.period.number)].append(counted)
    return (row.establishment_id, row.pk, student.pk, value, str(status), comment, 1, row.created_by_id)
