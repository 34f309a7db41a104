"""Reads of the school-life record, always starting from what the viewer may see.

`student_record(actor, student_id, week_of=...)` builds the whole record page in a constant number
of queries (about fifteen whatever the amount of data): the student and their current class, this
week's sessions of their class and groups (cancelled, moved, changed; absences, lateness and
exemptions marked), the year's absences and lateness with their counts and a month-by-month chart,
exemptions in force, the measures and incidents the viewer may see, the open watch-list entries and,
for school-life staff, the conduct-mark suggestion of the current period.

`students_page(actor, ...)`: the staff entry page (search by name or class) with each student's
counts, in a constant number of queries per page.

The attendance, discipline and timetable models are read directly (aggregate queries), never
written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone

from carnet.attendance.models import Absence, Exemption, Lateness, Regularisation, WatchEntry
from carnet.core.errors import NotFound
from carnet.discipline.models import DisciplineSettings, IncidentParticipant, Measure, MeasureType
from carnet.grades.models import ConductMark
from carnet.grades.profiles import profile_for
from carnet.identity.search import filter_by_name
from carnet.notifications.quiet import zone
from carnet.school.models import Enrollment, Guardianship, Period, SchoolClass, TeachingGroup
from carnet.school.roles import current_enrollment_q, roles_of
from carnet.schoollife import policies
from carnet.schoollife.counting import AttendanceCounts, attendance_counts
from carnet.schoollife.services.conduct import Suggestion, suggest_conduct
from carnet.timetable.models import Session, SessionChange

User = get_user_model()


def optional_url(name: str, *args) -> str:
    """The URL of a page of another part, or "" while that part does not declare it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def current_enrollment(student) -> Enrollment | None:
    return (
        Enrollment.objects.filter(current_enrollment_q(), student=student)
        .select_related("school_class", "establishment", "school_year")
        .order_by("-starts_on")
        .first()
    )


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def current_period(school_year_id: int, today: dt.date) -> Period | None:
    """The period holding `today`, else the last one started, else the first one."""
    periods = list(
        Period.objects.filter(school_year_id=school_year_id)
        .select_related("establishment")
        .order_by("starts_on")
    )
    for period in periods:
        if period.starts_on <= today <= period.ends_on:
            return period
    started = [p for p in periods if p.starts_on <= today]
    return started[-1] if started else (periods[0] if periods else None)


# --- the record ---------------------------------------------------------------------------------
@dataclass
class SessionLine:
    session: Session
    moved: bool = False
    replaced: bool = False
    room_changed: bool = False
    absent: bool = False
    late_minutes: int | None = None
    exemption: Exemption | None = None

    @property
    def cancelled(self) -> bool:
        return self.session.is_cancelled


@dataclass
class Day:
    day: dt.date
    sessions: list[SessionLine]
    is_today: bool = False


@dataclass
class Week:
    monday: dt.date
    days: list[Day]
    previous: dt.date
    next: dt.date

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def session_count(self) -> int:
        return sum(len(d.sessions) for d in self.days)


@dataclass
class AbsenceLine:
    absence: Absence
    starts: dt.datetime
    ends: dt.datetime

    @property
    def same_day(self) -> bool:
        return self.starts.date() == self.ends.date()


@dataclass
class MeasureLine:
    measure: Measure
    show_reason: bool

    @property
    def is_sanction(self) -> bool:
        return self.measure.measure_type.category == MeasureType.Category.SANCTION


@dataclass
class ConductBlock:
    period: Period
    suggestion: Suggestion
    mark: ConductMark | None
    enabled: bool
    class_url: str


@dataclass
class Record:
    student: Any
    enrollment: Enrollment | None
    access: policies.RecordAccess
    today: dt.date
    week: Week | None
    absences: list[AbsenceLine]
    lateness: list[Lateness]
    counts: AttendanceCounts
    months: list[tuple[str, int]]
    exemptions: list[Exemption]
    measures: list[MeasureLine]
    incidents: list[IncidentParticipant]
    watch: list[WatchEntry]
    conduct: ConductBlock | None
    children: list = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)

    @property
    def establishment(self):
        return self.enrollment.establishment if self.enrollment else None

    @property
    def has_absences(self) -> bool:
        return bool(self.absences or self.lateness)


def _week(student, enrollment: Enrollment, monday: dt.date, today: dt.date, lateness, exemptions) -> Week:
    sunday = monday + dt.timedelta(days=6)
    group_ids = TeachingGroup.students.through.objects.filter(
        user_id=student.pk, teachinggroup__school_year_id=enrollment.school_year_id
    ).values("teachinggroup_id")

    def change(kind):
        return Exists(SessionChange.objects.filter(session=OuterRef("pk"), kind=kind))

    sessions = list(
        Session.objects.filter(
            establishment_id=enrollment.establishment_id, held_on__gte=monday, held_on__lte=sunday
        )
        .filter(
            Q(assignment__school_class_id=enrollment.school_class_id) | Q(assignment__group_id__in=group_ids)
        )
        .select_related("assignment__subject", "room", "teacher")
        .annotate(
            was_moved=change(SessionChange.Kind.MOVED),
            was_replaced=change(SessionChange.Kind.REPLACEMENT),
            room_was_changed=change(SessionChange.Kind.ROOM),
        )
        .order_by("held_on", "start_time", "id")
    )
    absent_ids = (
        set(
            Absence.sessions.through.objects.filter(
                session_id__in=[s.pk for s in sessions], absence__student_id=student.pk
            ).values_list("session_id", flat=True)
        )
        if sessions
        else set()
    )
    late = {item.session_id: item.minutes for item in lateness if item.session_id}
    by_day: dict[dt.date, list[SessionLine]] = defaultdict(list)
    for session in sessions:
        exemption = next(
            (
                e
                for e in exemptions
                if e.subject_id == session.assignment.subject_id and e.covers(session.held_on)
            ),
            None,
        )
        by_day[session.held_on].append(
            SessionLine(
                session=session,
                moved=session.was_moved,
                replaced=session.was_replaced,
                room_changed=session.room_was_changed,
                absent=session.pk in absent_ids,
                late_minutes=late.get(session.pk),
                exemption=exemption,
            )
        )
    shown = 7 if by_day.get(sunday) else 6
    days = [
        Day(
            day=monday + dt.timedelta(days=i),
            sessions=by_day.get(monday + dt.timedelta(days=i), []),
            is_today=monday + dt.timedelta(days=i) == today,
        )
        for i in range(shown)
    ]
    return Week(
        monday=monday, days=days, previous=monday - dt.timedelta(days=7), next=monday + dt.timedelta(days=7)
    )


def _months(absences: list[AbsenceLine], school_year, today: dt.date) -> list[tuple[str, int]]:
    """(month label, half-days) from the start of the school year to this month (or the year's end)."""
    end = min(today, school_year.ends_on)
    cursor = school_year.starts_on.replace(day=1)
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for line in absences:
        totals[(line.starts.year, line.starts.month)] += line.absence.half_days
    months = []
    while cursor <= end:
        months.append((formats.date_format(cursor, "N"), totals.get((cursor.year, cursor.month), 0)))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def _counts(absences: list[AbsenceLine], lateness: list[Lateness]) -> AttendanceCounts:
    counts = AttendanceCounts()
    for line in absences:
        absence = line.absence
        counts.absences += 1
        counts.half_days += absence.half_days
        if absence.state == Regularisation.JUSTIFIED:
            counts.justified += absence.half_days
        elif absence.state == Regularisation.UNJUSTIFIED:
            counts.unjustified += absence.half_days
        else:
            counts.to_justify += absence.half_days
    for item in lateness:
        counts.lateness += 1
        counts.lateness_minutes += item.minutes
        if item.state == Regularisation.JUSTIFIED:
            counts.lateness_justified += 1
    return counts


def _measures(
    student, enrollment: Enrollment, access: policies.RecordAccess, today: dt.date
) -> list[MeasureLine]:
    if not access.measures:
        return []
    measures = (
        Measure.objects.filter(establishment_id=enrollment.establishment_id, student=student)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .filter(measure_type__category__in=access.measures)
        .select_related("measure_type", "decided_by")
        .order_by("-decided_on", "-created_at")
    )
    if not access.cancelled_measures:
        measures = measures.exclude(status=Measure.Status.CANCELLED)
    return [
        MeasureLine(measure=m, show_reason=m.measure_type.category in access.measure_reasons)
        for m in measures
    ]


def _incidents(
    student, enrollment: Enrollment, access: policies.RecordAccess, measures: list[MeasureLine]
) -> list:
    if not access.incidents:
        return []
    parts = IncidentParticipant.objects.filter(
        student=student, incident__establishment_id=enrollment.establishment_id
    )
    if not access.is_staff:
        parts = parts.filter(
            incident_id__in=[m.measure.incident_id for m in measures if m.measure.incident_id]
        )
    return list(parts.select_related("incident").order_by("-incident__occurred_at"))


def _conduct(student, enrollment: Enrollment, today: dt.date) -> ConductBlock | None:
    period = current_period(enrollment.school_year_id, today)
    if period is None:
        return None
    return ConductBlock(
        period=period,
        suggestion=suggest_conduct(student, period),
        mark=ConductMark.objects.filter(period=period, student=student).first(),
        enabled=profile_for(enrollment.establishment).conduct_enabled,
        class_url=reverse(
            "schoollife:conduct_class", args=[enrollment.school_class.public_id, period.public_id]
        ),
    )


def _staff_links(student, enrollment: Enrollment) -> dict[str, str]:
    """Pages of the attendance and discipline parts about this student (those that exist)."""
    links = {
        "absence_new": optional_url("attendance:absence_new"),
        "class_absences": optional_url("attendance:absences"),
        "exemptions": optional_url("attendance:student_exemptions", student.public_id),
        "discipline": optional_url("discipline:student", student.public_id),
        "statistics": optional_url("attendance:statistics"),
    }
    if links["absence_new"]:
        links["absence_new"] += f"?eleve={student.public_id}"
    if links["class_absences"]:
        links["class_absences"] += f"?classe={enrollment.school_class.public_id}"
    return {key: url for key, url in links.items() if url}


def student_record(
    actor, student_id, *, week_of: dt.date | None = None, today: dt.date | None = None
) -> Record:
    """The record of the student whose public id is `student_id`, as `actor` may see it.
    Raises NotFound outside the scope (see `policies`)."""
    student = policies.record_students_visible_to(actor).filter(public_id=student_id).first()
    if student is None:
        raise NotFound()
    enrollment = current_enrollment(student)
    if enrollment is None:
        raise NotFound()
    establishment = enrollment.establishment
    settings = DisciplineSettings.objects.filter(establishment=establishment).first()
    access = policies.record_access(actor, student, enrollment, settings)
    tz = zone(establishment.time_zone)
    today = today or timezone.localdate(timezone=tz)
    year = enrollment.school_year

    absences = [
        AbsenceLine(absence=a, starts=a.starts_at.astimezone(tz), ends=a.ends_at.astimezone(tz))
        for a in Absence.objects.filter(
            establishment=establishment, school_year=year, student=student
        ).select_related("reason")
    ]
    lateness = list(
        Lateness.objects.filter(
            establishment=establishment, school_year=year, student=student
        ).select_related("reason", "session__assignment__subject")
    )
    exemptions = list(
        Exemption.objects.filter(
            establishment=establishment, student=student, ends_on__gte=min(today, week_of or today)
        )
        .select_related("subject")
        .order_by("starts_on")
    )
    monday = monday_of(week_of or today)
    week = _week(student, enrollment, monday, today, lateness, exemptions)
    measures = _measures(student, enrollment, access, today)
    children = []
    if access.is_guardian:
        children = [
            link.student
            for link in Guardianship.objects.filter(guardian=actor, student__is_active=True)
            .select_related("student")
            .order_by("student__first_name", "student__last_name")
        ]
    return Record(
        student=student,
        enrollment=enrollment,
        access=access,
        today=today,
        week=week,
        absences=absences,
        lateness=lateness,
        counts=_counts(absences, lateness),
        months=_months(absences, year, today),
        exemptions=[e for e in exemptions if e.ends_on >= today],
        measures=measures,
        incidents=_incidents(student, enrollment, access, measures),
        watch=list(
            WatchEntry.objects.filter(
                establishment=establishment, student=student, cleared_at__isnull=True
            ).select_related("rule")
        )
        if access.watch_list
        else [],
        conduct=_conduct(student, enrollment, today) if access.conduct else None,
        children=children,
        links=_staff_links(student, enrollment) if access.is_staff else {},
    )


# --- the staff entry page -----------------------------------------------------------------------
@dataclass
class StudentRow:
    enrollment: Enrollment
    counts: AttendanceCounts
    watched: bool


def classes_for_search(actor):
    roles = roles_of(actor)
    return (
        SchoolClass.objects.filter(school_year__is_current=True)
        .filter(
            Q(establishment_id__in=policies.staff_establishment_ids(actor))
            | Q(id__in=roles.main_teacher_class_ids)
        )
        .select_related("establishment", "level")
        .order_by("establishment__name", "level__rank", "normalized_name")
    )


def students_page(
    actor,
    *,
    query: str = "",
    school_class: SchoolClass | None = None,
    watched_only: bool = False,
    page: int | str = 1,
    per_page: int = 50,
):
    """A page of the students whose record `actor` may open, by class then name, narrowed by a
    name search, a class and the watch list. Returns (Page, rows)."""
    roles = roles_of(actor)
    # The school's side only: a member of staff who is also a parent finds their children here as
    # pupils of the school, not through the family link.
    enrollments = (
        Enrollment.objects.filter(current_enrollment_q(), student__is_active=True)
        .filter(
            Q(establishment_id__in=policies.staff_establishment_ids(actor))
            | Q(school_class_id__in=roles.main_teacher_class_ids)
        )
        .select_related("student", "school_class", "establishment", "school_year")
        .order_by(
            "establishment__name",
            "school_class__normalized_name",
            "student__last_name",
            "student__first_name",
            "id",
        )
    )
    if query.strip():
        enrollments = enrollments.filter(student__in=filter_by_name(User.objects.all(), query))
    if school_class is not None:
        enrollments = enrollments.filter(school_class=school_class)
    if watched_only:
        enrollments = enrollments.filter(
            Exists(
                WatchEntry.objects.filter(
                    student_id=OuterRef("student_id"),
                    establishment_id=OuterRef("establishment_id"),
                    cleared_at__isnull=True,
                )
            )
        )
    paginator = Paginator(enrollments, per_page)
    current = paginator.get_page(page)
    items = list(current.object_list)
    counts: dict[int, AttendanceCounts] = {}
    by_establishment: dict[int, list[Enrollment]] = defaultdict(list)
    for enrollment in items:
        by_establishment[enrollment.establishment_id].append(enrollment)
    for group in by_establishment.values():
        first = group[0]
        counts.update(
            attendance_counts(
                [e.student_id for e in group],
                establishment=first.establishment,
                since=first.school_year.starts_on,
                until=first.school_year.ends_on,
            )
        )
    watched = (
        set(
            WatchEntry.objects.filter(
                student_id__in=[e.student_id for e in items], cleared_at__isnull=True
            ).values_list("student_id", flat=True)
        )
        if items
        else set()
    )
    rows = [
        StudentRow(
            enrollment=e,
            counts=counts.get(e.student_id) or AttendanceCounts(),
            watched=e.student_id in watched,
        )
        for e in items
    ]
    return current, rows
