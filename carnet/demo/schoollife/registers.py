"""Taking the registers of the last weeks with the attendance service, absences and lateness
drawn per student and per day; re-dating what the service stamped with the seed's clock."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from django.db.models import F

from carnet.attendance.models import (
    Absence,
    AttendanceSettings,
    Exemption,
    Lateness,
    Register,
)
from carnet.attendance.services.registers import save_register
from carnet.core.errors import DomainError
from carnet.demo.schoollife.common import ABSENT, LATE_STATUS, Cast, refuse
from carnet.timetable.models import Session

#: Weeks of registers up to today, at most. Each register is one service call (10 to 15 ms), and
#: the seed of 1,500 students per establishment must stay well under a minute: going back from
#: today, days are added while their lessons fit in REGISTER_BUDGET, but never fewer than
#: MIN_PAST_DAYS school days before today (the watched student's three days).
REGISTER_WEEKS = 3
REGISTER_BUDGET = 1000
MIN_PAST_DAYS = 3
#: Share of past sessions left without a register ("appels non faits").
MISSING_RATE = 0.05
#: Share of the registers of past days taken by the CPE rather than the teacher.
CATCH_UP_RATE = 0.03
#: Day-level draws for a student of propensity 1 (a whole day of illness goes on for a day or two
#: more a third of the time, which brings whole days to about 1.5%), and lateness per lesson.
WHOLE_DAY, MORNING, ONE_SESSION, LATE = 0.011, 0.01, 0.01, 0.02


def school_days(establishment, year, today: dt.date) -> list[dt.date]:
    """The school days (days with lessons) of the registers, up to today included, oldest first:
    see REGISTER_WEEKS, REGISTER_BUDGET and MIN_PAST_DAYS. One query."""
    since = max(year.starts_on, today - dt.timedelta(days=7 * REGISTER_WEEKS + 35))
    lessons = Counter(
        Session.objects.filter(
            establishment=establishment, school_year=year, held_on__gte=since, held_on__lte=today
        )
        .order_by()
        .values_list("held_on", flat=True)
    )
    kept: list[dt.date] = []
    total = 0
    for day in sorted(lessons, reverse=True)[: 5 * REGISTER_WEEKS]:
        past = sum(1 for d in kept if d < today)
        if past >= MIN_PAST_DAYS and total + lessons[day] > REGISTER_BUDGET:
            break
        kept.append(day)
        total += lessons[day]
    return kept[::-1]


def propensities(cast: Cast, rng: random.Random) -> dict[int, float]:
    """Most students are rarely absent, some now and then, a few often."""
    result = {}
    for student in cast.students:
        draw = rng.random()
        result[student.pk] = 0.3 if draw < 0.70 else 1.5 if draw < 0.93 else 5.0
    return result


def take_registers(cast, settings_row, rng, days, now, watching, exemptions, propensity, result) -> None:
    """Take the registers of `days` up to now (see the package docstring), counted in `result`.
    `watching`: the student absent all day on the given days."""
    watched, watched_days = watching
    afternoon = settings_row.afternoon_starts_at
    sessions_by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for session in (
        Session.objects.filter(
            establishment=cast.establishment,
            school_year=cast.year,
            held_on__in=days,
            status=Session.Status.SCHEDULED,
        )
        .select_related(
            "establishment",
            "school_year",
            "assignment__subject",
            "assignment__school_class",
            "assignment__group",
        )
        .order_by("held_on", "start_time", "id")
    ):
        sessions_by_day[session.held_on].append(session)

    same_day_only = settings_row.correction_same_day_only
    if same_day_only:
        AttendanceSettings.objects.filter(pk=settings_row.pk).update(correction_same_day_only=False)
    taken: list[tuple[int, dt.datetime]] = []
    today = now.astimezone(cast.zone).date()
    carry: dict[int, int] = {}  # student -> days of illness left after today
    for day in days:
        sessions = sessions_by_day.get(day, [])
        plan = _day_plan(cast, rng, propensity, carry, day in watched_days, watched)
        chosen = _one_session(cast, plan, sessions)
        for session in sessions:
            audience = (
                cast.class_students.get(session.assignment.school_class_id, [])
                if session.assignment.school_class_id
                else sorted(cast.group_students.get(session.assignment.group_id, ()))
            )
            start, end = cast.local(day, session.start_time), cast.local(day, session.end_time)
            skip = rng.random() < MISSING_RATE
            catch_up = rng.random() < CATCH_UP_RATE and day < today
            entries = {}
            for student_id in audience:
                if _exempt(exemptions, student_id, session):
                    continue
                planned = plan.get(student_id)
                absent = planned is not None and (
                    planned[0] == "day"
                    or (planned[0] == "morning" and session.start_time < afternoon)
                    or (planned[0] == "one" and chosen.get(student_id) == session.pk)
                )
                if absent:
                    entries[cast.student(student_id)] = (ABSENT, None)
                elif rng.random() < LATE * _lateness_factor(propensity[student_id]):
                    entries[cast.student(student_id)] = (LATE_STATUS, rng.choice((5, 5, 5, 10, 10, 15, 20)))
            if end > now:
                continue  # not over yet: no register
            if day == today and session.teacher_id in cast.printed_teacher_ids:
                continue  # left for the printed teacher to take
            if skip:
                result.missing += 1
                continue
            actor = cast.cpe if catch_up else cast.teachers[session.teacher_id]
            try:
                register = save_register(actor=actor, session=session, entries=entries, version=None)
            except DomainError as error:
                refuse(result, "save_register", error)
                continue
            if catch_up:
                moment = min(now, end + dt.timedelta(minutes=rng.randint(30, 240)))
            else:
                moment = start + dt.timedelta(minutes=rng.randint(2, 12))
            taken.append((register.pk, moment))
    if same_day_only:
        AttendanceSettings.objects.filter(pk=settings_row.pk).update(correction_same_day_only=True)
    Register.objects.bulk_update(
        [Register(pk=pk, taken_at=moment, updated_at=moment) for pk, moment in taken],
        ["taken_at", "updated_at"],
        batch_size=500,
    )
    result.registers = len(taken)


def _day_plan(cast, rng, propensity, carry, watched_day: bool, watched) -> dict[int, tuple[str, float]]:
    """student id -> ("day" | "morning" | "one", where) for the students absent that day. A whole
    day of illness goes on for a day or two more now and then (`carry`)."""
    plan: dict[int, tuple[str, float]] = {}
    for student in cast.students:
        factor = propensity[student.pk]
        draw = rng.random()
        where = rng.random()
        left = carry.get(student.pk, 0)
        if left:
            carry[student.pk] = left - 1
            plan[student.pk] = ("day", where)
        elif draw < WHOLE_DAY * factor:
            plan[student.pk] = ("day", where)
            if where < 0.35:
                carry[student.pk] = 1 if where < 0.25 else 2
        elif draw < (WHOLE_DAY + MORNING) * factor:
            plan[student.pk] = ("morning", where)
        elif draw < (WHOLE_DAY + MORNING + ONE_SESSION) * factor:
            plan[student.pk] = ("one", where)
    if watched_day:
        plan[watched.pk] = ("day", 0.0)
    return plan


def _lateness_factor(propensity: float) -> float:
    """Students often absent are also late more often (about 2% of lessons on average)."""
    return 0.8 if propensity < 1 else 1.4 if propensity < 2 else 2.0


def _one_session(cast: Cast, plan: dict[int, tuple[str, float]], sessions: list[Session]) -> dict[int, int]:
    """student id -> the session they miss, for the students absent from one session that day."""
    result = {}
    for student_id, (kind, where) in plan.items():
        if kind != "one":
            continue
        class_id = cast.class_of.get(student_id)
        mine = [
            s
            for s in sessions
            if s.assignment.school_class_id == class_id
            or (s.assignment.group_id and student_id in cast.group_students.get(s.assignment.group_id, ()))
        ]
        if mine:
            result[student_id] = mine[min(len(mine) - 1, int(where * len(mine)))].pk
    return result


def _exempt(exemptions: list[Exemption], student_id: int, session: Session) -> bool:
    """An exempted student who need not attend is not in the room: the register leaves them be."""
    return any(
        e.student_id == student_id
        and not e.must_attend
        and e.subject_id == session.assignment.subject_id
        and e.covers(session.held_on)
        for e in exemptions
    )


def redate(cast: Cast) -> None:
    """The absences and lateness the registers made, as recorded during the lessons and already
    announced to the guardians (two bulk updates)."""
    minutes = dt.timedelta(minutes=8)
    Absence.objects.filter(establishment=cast.establishment, source=Absence.Source.REGISTER).update(
        created_at=F("starts_at") + minutes,
        updated_at=F("starts_at") + minutes,
        guardians_notified_at=F("starts_at") + 2 * minutes,
    )
    Lateness.objects.filter(establishment=cast.establishment).update(
        created_at=F("occurred_at") + minutes,
        guardians_notified_at=F("occurred_at") + 2 * minutes,
    )
