"""From registers to absence episodes and lateness rows.

`sync_session(session=..., actor=...)` is called by `save_register` in the same transaction, after
the register's entries are written. It recomputes, from the registers of the session's day, the
attendance of every student whose outcome this session may change, and brings the `Absence` and
`Lateness` rows in line:

- **Episodes.** Among the sessions of the day that have a register and whose audience holds the
  student, a run of sessions where the student is absent, with no session between them where the
  register shows the student present (or late), is ONE `Absence` (source "register", state "to
  justify"): from the first session's start to the last one's end, its `sessions` the absent ones,
  its `half_days` counted by `carnet.attendance.counting.half_days`. A session whose register is
  not taken yet neither breaks nor extends a run. A correction that marks the student present
  again shrinks, splits or deletes the episode; a new absence next to an episode extends it.
  An episode keeps its identity (public id, `guardians_notified_at`) while it changes: the one
  among the new runs that shares most sessions with it takes it over; the other runs are new rows
  (so guardians hear about them).
- **Regularised episodes are kept.** An episode staff have already worked on (state no longer "to
  justify", or a reason set) is never shrunk, split or deleted by a register correction: its
  sessions stay claimed by it, and when the register now shows the student present at some of
  them, a note is appended to its comment ("Appel corrigé après régularisation : présent à
  10:00"), once. School-life staff decide what to do with it.
- **Absences entered by staff or declared by guardians** (source not "register") that cover a
  whole absent session take that session (it is linked to them and no register episode is made
  for it), so a declared morning is not counted twice; a correction to present unlinks it.
- **Lateness.** A student marked late gets one `Lateness` for the session (occurred at the
  session's start, the minutes given). A correction changes its minutes, or deletes it when the
  student is no longer late (a regularised one is kept, with a note). When the establishment sets
  `late_as_absence_minutes`, a lateness of more minutes counts as an absence from that session
  instead (no `Lateness` row).

Guardians are not told here: A2's periodic job notifies them of rows whose `guardians_notified_at`
is null. The number of queries does not depend on the number of students."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.attendance.counting import half_days
from carnet.attendance.models import (
    Absence,
    AttendanceSettings,
    Lateness,
    Register,
    RegisterEntry,
    Regularisation,
)
from carnet.school.models import Enrollment, TeachingGroup
from carnet.timetable.models import Session

ABSENT = RegisterEntry.Status.ABSENT
LATE = RegisterEntry.Status.LATE
PRESENT = "present"
COMMENT_MAX = 300


# --- time and settings helpers (shared with services/registers.py) ---------------------------------
def zone_of(establishment) -> ZoneInfo:
    return ZoneInfo(establishment.time_zone)


def local_today(establishment, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(zone_of(establishment)).date()


def session_bounds(session: Session, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The session's start and end as aware moments (its times are read in `zone`)."""
    return (
        dt.datetime.combine(session.held_on, session.start_time, tzinfo=zone),
        dt.datetime.combine(session.held_on, session.end_time, tzinfo=zone),
    )


def attendance_settings(establishment_id: int) -> AttendanceSettings:
    """The establishment's settings, or the defaults (unsaved) when it has none."""
    found = AttendanceSettings.objects.filter(establishment_id=establishment_id).first()
    return found or AttendanceSettings(establishment_id=establishment_id)


def is_regularised(row: Absence | Lateness) -> bool:
    """Staff worked on it: a register correction no longer changes it by itself."""
    return row.state != Regularisation.TO_JUSTIFY or row.reason_id is not None


def _append_note(comment: str, note: str) -> str | None:
    """The comment with `note` added, or None when it is already there."""
    if note in comment:
        return None
    joined = f"{comment} {note}".strip() if comment else note
    return joined[:COMMENT_MAX]


def audience_ids(session: Session) -> QuerySet:
    """Ids of the session's students on its day: enrolled in its class that day, or members of its
    group who are enrolled in the year that day (a subquery)."""
    day = session.held_on
    open_that_day = Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    assignment = session.assignment
    if assignment.school_class_id:
        return (
            Enrollment.objects.filter(open_that_day, school_class_id=assignment.school_class_id)
            .order_by()
            .values_list("student_id", flat=True)
        )
    enrolled = (
        Enrollment.objects.filter(open_that_day, school_year_id=session.school_year_id)
        .order_by()
        .values("student_id")
    )
    group_id: int = assignment.group_id  # type: ignore[assignment]  # class xor group
    return TeachingGroup.students.through.objects.filter(
        teachinggroup_id=group_id, user_id__in=enrolled
    ).values_list("user_id", flat=True)


# --- what the day looks like ----------------------------------------------------------------------
@dataclass(frozen=True)
class _DaySession:
    id: int
    start: dt.datetime
    end: dt.datetime
    class_id: int | None
    group_id: int | None
    register_id: int


@dataclass
class SyncResult:
    """What `sync_session` changed (public ids are not needed by callers; counts are)."""

    created: list[Absence] = field(default_factory=list)
    updated: list[Absence] = field(default_factory=list)
    deleted: int = 0
    noted: list[Absence] = field(default_factory=list)
    latenesses_created: int = 0
    latenesses_updated: int = 0
    latenesses_deleted: int = 0


def _around(session: Session, start, end) -> set[int]:
    """Students of the session with a register episode of the day around it, or with an absence
    linked to it."""
    return set(
        Absence.objects.filter(establishment_id=session.establishment_id)
        .filter(
            Q(sessions=session)
            | Q(
                source=Absence.Source.REGISTER,
                starts_at__lt=end,
                ends_at__gt=start,
                student_id__in=audience_ids(session),
            )
        )
        .order_by()
        .values_list("student_id", flat=True)
    )


def _audiences(
    day: dt.date, school_year_id: int, student_ids: set[int]
) -> tuple[dict[int, int], dict[int, set[int]]]:
    """student -> class on `day`; student -> groups (for students enrolled that day)."""
    classes = dict(
        Enrollment.objects.filter(
            school_year_id=school_year_id, student_id__in=student_ids, starts_on__lte=day
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by()
        .values_list("student_id", "school_class_id")
    )
    groups: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in TeachingGroup.students.through.objects.filter(
        user_id__in=classes.keys(), teachinggroup__school_year_id=school_year_id
    ).values_list("user_id", "teachinggroup_id"):
        groups[user_id].add(group_id)
    return classes, groups


def _day_sessions(session: Session, zone, class_ids: set[int], group_ids: set[int]) -> list[_DaySession]:
    """The day's scheduled sessions with a register, of the given classes and groups, by start."""
    rows = (
        Session.objects.filter(
            establishment_id=session.establishment_id,
            held_on=session.held_on,
            status=Session.Status.SCHEDULED,
            register__isnull=False,
        )
        .filter(Q(assignment__school_class_id__in=class_ids) | Q(assignment__group_id__in=group_ids))
        .order_by()
        .values_list(
            "id",
            "held_on",
            "start_time",
            "end_time",
            "assignment__school_class_id",
            "assignment__group_id",
            "register__id",
        )
    )
    result = [
        _DaySession(
            pk,
            dt.datetime.combine(day, start, tzinfo=zone),
            dt.datetime.combine(day, end, tzinfo=zone),
            class_id,
            group_id,
            register_id,
        )
        for pk, day, start, end, class_id, group_id, register_id in rows
    ]
    result.sort(key=lambda s: (s.start, s.end, s.id))
    return result


def _effective(status: str, minutes: int | None, threshold: int) -> str:
    if status == LATE and threshold and (minutes or 0) > threshold:
        return ABSENT
    return status


# --- the sync -------------------------------------------------------------------------------------
def sync_session(
    *,
    session: Session,
    actor,
    settings: AttendanceSettings | None = None,
    register_id: int | None = None,
    entries: dict[int, tuple[str, int | None]] | None = None,
) -> SyncResult:
    """Bring the absence episodes and lateness rows of the students concerned by `session`'s
    register in line with the registers of its day (see the module docstring).

    Preconditions: called inside the transaction that wrote the register (or after); `session`
    may be cancelled or have no register (then its effects are removed). Authorisation is the
    caller's: this function writes what the registers say. `settings`, `register_id` and
    `entries` (student id -> (status, minutes) of this session's register) spare queries to a
    caller that has them (`save_register`); they are read when not given."""
    result = SyncResult()
    establishment = session.establishment
    zone = zone_of(establishment)
    settings = settings or attendance_settings(session.establishment_id)
    threshold = settings.late_as_absence_minutes or 0
    start, end = session_bounds(session, zone)
    if session.status != Session.Status.SCHEDULED:
        register_id, entries = None, {}
    elif entries is None or register_id is None:
        register_id = Register.objects.filter(session=session).values_list("id", flat=True).first()
        entries = (
            {
                student_id: (status, minutes)
                for student_id, status, minutes in RegisterEntry.objects.filter(
                    register_id=register_id
                ).values_list("student_id", "status", "late_minutes")
            }
            if register_id is not None
            else {}
        )
    latenesses = list(Lateness.objects.filter(session=session).order_by())
    student_ids = set(entries) | _around(session, start, end) | {row.student_id for row in latenesses}
    if not student_ids:
        return result

    classes, groups = _audiences(session.held_on, session.school_year_id, student_ids)
    day_sessions = _day_sessions(
        session, zone, set(classes.values()), {g for gs in groups.values() for g in gs}
    )
    day_entries: dict[tuple[int, int], tuple[str, int | None]] = {
        (register, student): (status, minutes)
        for register, student, status, minutes in RegisterEntry.objects.filter(
            register_id__in=[s.register_id for s in day_sessions], student_id__in=student_ids
        ).values_list("register_id", "student_id", "status", "late_minutes")
    }
    day_start = dt.datetime.combine(session.held_on, dt.time(0), tzinfo=zone)
    day_end = day_start + dt.timedelta(days=1)
    absences = list(
        Absence.objects.filter(
            establishment_id=session.establishment_id,
            student_id__in=student_ids,
            starts_at__lt=day_end,
            ends_at__gt=day_start,
        )
    )
    links: dict[int, set[int]] = defaultdict(set)
    for absence_id, session_id in Absence.sessions.through.objects.filter(
        absence_id__in=[a.pk for a in absences]
    ).values_list("absence_id", "session_id"):
        links[absence_id].add(session_id)
    domain = {s.id for s in day_sessions} | {session.pk}
    times = {s.id: s.start for s in day_sessions}

    plan = _Plan()
    absences_by_student: dict[int, list[Absence]] = defaultdict(list)
    for absence in absences:
        absences_by_student[absence.student_id].append(absence)
    for student_id in student_ids:
        timeline = [
            (s, _effective(*day_entries.get((s.register_id, student_id), (PRESENT, None)), threshold))
            for s in day_sessions
            if s.class_id == classes.get(student_id) or s.group_id in groups.get(student_id, ())
        ]
        _plan_student(
            plan,
            student_id=student_id,
            timeline=timeline,
            absences=absences_by_student.get(student_id, []),
            links=links,
            domain=domain,
            times=times,
            zone=zone,
        )
    _apply(plan, session=session, actor=actor, settings=settings, zone=zone, result=result)
    _sync_latenesses(
        session=session,
        actor=actor,
        entries=entries,
        start=start,
        threshold=threshold,
        existing=latenesses,
        result=result,
    )
    return result


@dataclass
class _Plan:
    create: list[tuple[Absence, list[_DaySession]]] = field(default_factory=list)
    update: list[tuple[Absence, list[_DaySession], set[int]]] = field(
        default_factory=list
    )  # with current links
    delete: list[int] = field(default_factory=list)
    link: list[tuple[int, int]] = field(default_factory=list)
    unlink: list[tuple[int, int]] = field(default_factory=list)
    notes: list[tuple[Absence, str]] = field(default_factory=list)


def _runs(timeline, claimed: set[int]) -> list[list[_DaySession]]:
    """Runs of absent sessions; present ones and claimed ones (taken by another absence) cut them."""
    runs: list[list[_DaySession]] = []
    current: list[_DaySession] = []
    for day_session, status in timeline:
        if status == ABSENT and day_session.id not in claimed:
            current.append(day_session)
            continue
        if current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _plan_student(plan: _Plan, *, student_id, timeline, absences, links, domain, times, zone) -> None:
    absent_ids = {s.id for s, status in timeline if status == ABSENT}
    by_id = {s.id: s for s, _status in timeline}
    claimed: set[int] = set()

    # Absences staff entered or guardians declared take the absent sessions they wholly cover.
    for absence in absences:
        if absence.source == Absence.Source.REGISTER:
            continue
        wanted = {
            s.id
            for s, status in timeline
            if status == ABSENT and absence.starts_at <= s.start and absence.ends_at >= s.end
        }
        current = links[absence.pk] & domain
        plan.link += [(absence.pk, sid) for sid in wanted - current]
        plan.unlink += [(absence.pk, sid) for sid in current - wanted]
        claimed |= wanted

    # Regularised register episodes keep their sessions; a note says which are present now.
    free: list[Absence] = []
    for absence in absences:
        if absence.source != Absence.Source.REGISTER:
            continue
        if not is_regularised(absence):
            free.append(absence)
            continue
        mine = links[absence.pk] & domain
        claimed |= mine
        present_now = sorted(
            (sid for sid in mine if sid in by_id and sid not in absent_ids), key=lambda sid: times[sid]
        )
        if present_now:
            when = ", ".join(times[sid].astimezone(zone).strftime("%H:%M") for sid in present_now)
            plan.notes.append(
                (absence, _("Appel corrigé après régularisation : présent à %(times)s.") % {"times": when})
            )

    # The remaining runs take over the free episodes sharing most sessions with them.
    runs = _runs(timeline, claimed)
    taken: set[int] = set()
    for run in sorted(runs, key=len, reverse=True):
        run_ids = {s.id for s in run}
        best, best_overlap = None, 0
        for absence in free:
            if absence.pk in taken:
                continue
            overlap = len(run_ids & links[absence.pk])
            if overlap > best_overlap:
                best, best_overlap = absence, overlap
        if best is None:
            plan.create.append((Absence(student_id=student_id), run))
            continue
        taken.add(best.pk)
        plan.update.append((best, run, links[best.pk]))
    plan.delete += [a.pk for a in free if a.pk not in taken]


def _apply(plan: _Plan, *, session: Session, actor, settings, zone, result: SyncResult) -> None:
    now = timezone.now()
    through = Absence.sessions.through
    afternoon = settings.afternoon_starts_at

    def shape(absence: Absence, run: list[_DaySession]) -> bool:
        starts_at, ends_at = run[0].start, max(s.end for s in run)
        count = half_days([(s.start, s.end) for s in run], afternoon, zone)
        changed = (absence.starts_at, absence.ends_at, absence.half_days) != (starts_at, ends_at, count)
        absence.starts_at, absence.ends_at, absence.half_days = starts_at, ends_at, count
        return changed

    if plan.delete:
        Absence.objects.filter(pk__in=plan.delete).delete()
        result.deleted = len(plan.delete)

    new_rows = []
    for absence, run in plan.create:
        shape(absence, run)
        absence.establishment_id = session.establishment_id
        absence.school_year_id = session.school_year_id
        absence.source = Absence.Source.REGISTER
        absence.state = Regularisation.TO_JUSTIFY
        absence.created_by = actor if getattr(actor, "pk", None) else None
        absence.created_at = absence.updated_at = now
        new_rows.append(absence)
    if new_rows:
        Absence.objects.bulk_create(new_rows)
        result.created = new_rows
    link_rows = [(absence.pk, s.id) for absence, run in plan.create for s in run]

    changed_rows = []
    relinked: list[int] = []
    for absence, run, linked in plan.update:
        run_ids = {s.id for s in run}
        moved = shape(absence, run)
        if moved:
            absence.updated_at = now
            changed_rows.append(absence)
        if run_ids != linked:
            relinked.append(absence.pk)
            link_rows += [(absence.pk, sid) for sid in run_ids]
    for absence, note in plan.notes:
        comment = _append_note(absence.comment, note)
        if comment is not None:
            absence.comment, absence.updated_at = comment, now
            changed_rows.append(absence)
            result.noted.append(absence)
    if changed_rows:
        Absence.objects.bulk_update(
            list({a.pk: a for a in changed_rows}.values()),
            ["starts_at", "ends_at", "half_days", "comment", "updated_at"],
        )
        result.updated = [a for a, _run, _linked in plan.update if a in changed_rows]

    # Links: an episode whose sessions changed is relinked wholesale; a covering absence gains or
    # loses one session.
    if relinked:
        through.objects.filter(absence_id__in=relinked).delete()
    for absence_id, session_id in plan.unlink:
        through.objects.filter(absence_id=absence_id, session_id=session_id).delete()
    link_rows += plan.link
    if link_rows:
        through.objects.bulk_create(
            [through(absence_id=a, session_id=s) for a, s in link_rows], ignore_conflicts=True
        )


def _sync_latenesses(
    *, session: Session, actor, entries, start, threshold, existing, result: SyncResult
) -> None:
    wanted: dict[int, int] = {
        student_id: minutes
        for student_id, (status, minutes) in entries.items()
        if status == LATE and _effective(LATE, minutes, threshold) == LATE
    }
    current = {row.student_id: row for row in existing}
    to_update, to_delete = [], []
    for student_id, row in current.items():
        minutes = wanted.get(student_id)
        if minutes is None:
            if is_regularised(row):
                comment = _append_note(row.comment, _("Appel corrigé après régularisation : plus en retard."))
                if comment is not None:
                    row.comment = comment
                    to_update.append(row)
            else:
                to_delete.append(row.pk)
        elif row.minutes != minutes or row.occurred_at != start:
            row.minutes, row.occurred_at = minutes, start
            to_update.append(row)
    if to_delete:
        Lateness.objects.filter(pk__in=to_delete).delete()
        result.latenesses_deleted = len(to_delete)
    if to_update:
        Lateness.objects.bulk_update(to_update, ["minutes", "occurred_at", "comment"])
        result.latenesses_updated = len(to_update)
    new = [
        Lateness(
            establishment_id=session.establishment_id,
            school_year_id=session.school_year_id,
            student_id=student_id,
            session=session,
            occurred_at=start,
            minutes=minutes,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for student_id, minutes in wanted.items()
        if student_id not in current
    ]
    if new:
        Lateness.objects.bulk_create(new)
        result.latenesses_created = len(new)
