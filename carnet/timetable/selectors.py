"""Reads of the timetable for people, always starting from `policies.sessions_visible_to(actor)`.

The hot read is `week_for(actor, *, student|teacher|school_class|room, monday)`: the sessions of one
week for one person, class or room, with what changed in them and the calendar of those days, in
five queries whatever the number of sessions (`day_for` is the same for one day).

- `own_sessions(user)`: a person's own timetable (taught sessions, their class's, their children's)
  — the iCalendar feed and the "Aujourd'hui" widget read it;
- `establishment_teachers(establishment)`: who may teach or replace there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from carnet.school.models import CalendarEvent, Guardianship, StaffFunction, TeachingAssignment
from carnet.school.roles import active_function_q, roles_of
from carnet.timetable import policies
from carnet.timetable.models import Session, SessionChange, Slot, TimetableSettings, WeekPattern
from carnet.timetable.weeks import day_label, hhmm, monday_of

User = get_user_model()

#: The grid of the week view shows at least these hours (it grows to fit earlier or later lessons).
GRID_START = dt.time(8, 0)
GRID_END = dt.time(17, 0)

SESSION_RELATED = (
    "assignment__subject",
    "assignment__school_class",
    "assignment__group",
    "assignment__teacher",
    "room",
    "teacher",
    "slot",
)


# --- scopes for one target ------------------------------------------------------------------------
def _target_q(*, student=None, teacher=None, school_class=None, room=None) -> Q:
    if student is not None:
        return policies.student_audience_q([student.pk])
    if teacher is not None:
        return policies.teacher_q(teacher.pk)
    if school_class is not None:
        return Q(establishment_id=school_class.establishment_id) & policies.class_audience_q(
            [school_class.pk]
        )
    if room is not None:
        return Q(establishment_id=room.establishment_id, room_id=room.pk)
    raise TypeError("week_for needs one of student, teacher, school_class or room")


def sessions_for(actor, *, student=None, teacher=None, school_class=None, room=None) -> QuerySet[Session]:
    """The sessions of one target that `actor` may see (no date filter, no ordering)."""
    return policies.sessions_visible_to(actor).filter(
        _target_q(student=student, teacher=teacher, school_class=school_class, room=room)
    )


def own_sessions_q(user) -> Q | None:
    """A person's own timetable: sessions they teach or whose assignment is theirs, their class's
    and groups' as a student, their children's as a guardian (in the guardianship's establishment)."""
    roles = roles_of(user)
    if roles.user_id is None:
        return None
    conditions = policies.teacher_q(roles.user_id)
    if roles.is_student:
        conditions |= Q(establishment_id__in=roles.student_establishment_ids) & policies.student_audience_q(
            [roles.user_id]
        )
    if roles.is_guardian:
        conditions |= Q(establishment_id__in=roles.child_establishment_ids) & policies.student_audience_q(
            Guardianship.objects.filter(guardian_id=roles.user_id).values("student_id")
        )
    return conditions


def own_sessions(user) -> QuerySet[Session]:
    conditions = own_sessions_q(user)
    if conditions is None:
        return Session.objects.none()
    return Session.objects.filter(conditions)


def establishment_teachers(establishment) -> QuerySet:
    """Active people who teach in `establishment`: a current teacher function or an assignment of
    the current year."""
    with_function = StaffFunction.objects.filter(
        active_function_q(), establishment=establishment, kind=StaffFunction.Kind.TEACHER
    ).values("user_id")
    with_assignment = TeachingAssignment.objects.filter(
        establishment=establishment, school_year__is_current=True
    ).values("teacher_id")
    return User.objects.filter(is_active=True).filter(Q(id__in=with_function) | Q(id__in=with_assignment))


# --- the week -------------------------------------------------------------------------------------
@dataclass
class SessionView:
    """A session as a view shows it, with what changed in it, said in words (never by colour only)."""

    session: Session
    moved_from: str = ""  # "lundi 30 novembre 08:00–09:00" when moved
    room_before: str | None = None  # the room it had before a room change ("" for none)
    replaced_teacher: Any = None  # the assignment's teacher, when someone replaces them
    changes: list[SessionChange] = field(default_factory=list)
    lane: int = 0  # side by side in the grid when sessions of the same day overlap
    lanes: int = 1

    @property
    def is_cancelled(self) -> bool:
        return self.session.is_cancelled

    @property
    def is_moved(self) -> bool:
        return bool(self.moved_from)

    @property
    def is_room_changed(self) -> bool:
        return self.room_before is not None

    @property
    def is_replaced(self) -> bool:
        return self.replaced_teacher is not None

    @property
    def is_extra(self) -> bool:
        return self.session.is_extra

    @property
    def is_changed(self) -> bool:
        return self.is_cancelled or self.is_moved or self.is_room_changed or self.is_replaced or self.is_extra

    @property
    def audience(self):
        assignment = self.session.assignment
        return assignment.school_class or assignment.group

    @property
    def start_minutes(self) -> int:
        return self.session.start_time.hour * 60 + self.session.start_time.minute

    @property
    def end_minutes(self) -> int:
        return self.session.end_time.hour * 60 + self.session.end_time.minute

    @property
    def time_label(self) -> str:
        return f"{hhmm(self.session.start_time)}–{hhmm(self.session.end_time)}"


@dataclass
class DayView:
    day: dt.date
    sessions: list[SessionView]
    closed: str = ""  # the holiday's or closed day's name
    exceptional: str = ""  # the exceptional day's name
    is_today: bool = False


@dataclass
class WeekView:
    monday: dt.date
    days: list[DayView]
    week_letter: str = ""  # "A" or "B" when the establishment alternates weeks
    grid_start: int = GRID_START.hour * 60  # minutes since midnight
    grid_end: int = GRID_END.hour * 60

    @property
    def previous_monday(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next_monday(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def session_count(self) -> int:
        return sum(len(d.sessions) for d in self.days)

    @property
    def hours(self) -> list[int]:
        """The full hours of the grid, for its time ruler."""
        return list(range(self.grid_start // 60, (self.grid_end + 59) // 60 + 1))


def session_view(session: Session, changes: list[SessionChange] | None = None) -> SessionView:
    """`session` with what changed in it; `changes` newest first (default: the prefetched ones)."""
    if changes is None:
        changes = list(session.changes.all())  # type: ignore[attr-defined]
    view = SessionView(session=session, changes=changes)
    for change in reversed(view.changes):  # oldest first: the first "before" is the original
        if change.kind == SessionChange.Kind.MOVED and not view.moved_from:
            view.moved_from = change.before.get("label", "")
        elif change.kind == SessionChange.Kind.ROOM and view.room_before is None:
            view.room_before = change.before.get("room") or ""
    if view.moved_from and view.moved_from == f"{day_label(session.held_on)} {view.time_label}":
        view.moved_from = ""  # moved back to where it was
    if view.room_before is not None and view.room_before == (session.room.name if session.room else ""):
        view.room_before = None  # moved back to where it was
    if session.teacher_id != session.assignment.teacher_id:
        view.replaced_teacher = session.assignment.teacher
    return view


def place_in_lanes(views: list[SessionView]) -> None:
    """Give overlapping sessions of one day side-by-side lanes (each group of sessions that overlap
    one another shares its number of lanes). `views` are in time order."""
    cluster: list[SessionView] = []
    cluster_end = -1
    lane_ends: list[int] = []

    def close() -> None:
        for member in cluster:
            member.lanes = len(lane_ends)

    for view in views:
        if cluster and view.start_minutes >= cluster_end:
            close()
            cluster, lane_ends = [], []
        lane = next((i for i, end in enumerate(lane_ends) if end <= view.start_minutes), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(view.end_minutes)
        else:
            lane_ends[lane] = view.end_minutes
        view.lane = lane
        cluster.append(view)
        cluster_end = max(cluster_end, view.end_minutes)
    if cluster:
        close()


def sessions_between(
    actor,
    *,
    start: dt.date,
    end: dt.date,
    student=None,
    teacher=None,
    school_class=None,
    room=None,
    own: bool = False,
) -> list[SessionView]:
    """The sessions of one target (or, with `own`, the actor's own timetable) from `start` to
    `end`, in time order, each with its changes. Two queries."""
    if own:
        conditions = own_sessions_q(actor)
        base = (
            Session.objects.none()
            if conditions is None
            else policies.sessions_visible_to(actor).filter(conditions)
        )
    else:
        base = sessions_for(actor, student=student, teacher=teacher, school_class=school_class, room=room)
    sessions = (
        base.filter(held_on__gte=start, held_on__lte=end)
        .select_related(*SESSION_RELATED)
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=SessionChange.objects.select_related("actor").order_by("-created_at", "-id"),
            )
        )
        .order_by("held_on", "start_time", "end_time", "id")
    )
    return [session_view(s) for s in sessions]


def week_for(
    actor,
    *,
    student=None,
    teacher=None,
    school_class=None,
    room=None,
    own: bool = False,
    monday: dt.date,
    establishment=None,
    today: dt.date | None = None,
    days: int = 7,
) -> WeekView:
    """The week starting on the Monday of `monday` for one target (student, teacher, class, room,
    or the actor's own timetable with `own=True`), as `actor` may see it: each day with its sessions
    (cancelled, moved, room changed, replaced, extra ones marked) and its calendar (holiday, closed
    or exceptional day). Saturday and Sunday are left out when nothing happens on them. Five
    queries whatever the number of sessions."""
    monday = monday_of(monday)
    last = monday + dt.timedelta(days=days - 1)
    views = sessions_between(
        actor,
        start=monday,
        end=last,
        student=student,
        teacher=teacher,
        school_class=school_class,
        room=room,
        own=own,
    )
    establishment_ids = {v.session.establishment_id for v in views}
    for target in (establishment, school_class, room):
        if target is not None:
            establishment_ids.add(getattr(target, "establishment_id", None) or target.pk)
    events: list[tuple[str, dt.date, dt.date, str]] = []
    letter = ""
    if establishment_ids:
        events = list(
            CalendarEvent.objects.filter(
                establishment_id__in=establishment_ids, starts_on__lte=last, ends_on__gte=monday
            ).values_list("kind", "starts_on", "ends_on", "name")
        )
        settings_rows = list(TimetableSettings.objects.filter(establishment_id__in=establishment_ids))
        alternating = Slot.objects.filter(establishment_id__in=establishment_ids).exclude(
            week_pattern=WeekPattern.EVERY
        )
        if len(establishment_ids) == 1 and alternating.exists():
            row = settings_rows[0] if settings_rows else TimetableSettings()
            letter = row.week_of(monday)
    by_day: dict[dt.date, list[SessionView]] = {}
    for view in views:
        by_day.setdefault(view.session.held_on, []).append(view)
    for same_day in by_day.values():
        place_in_lanes(same_day)
    day_views = []
    for offset in range(days):
        day = monday + dt.timedelta(days=offset)
        closed = next(
            (
                name
                for kind, first, end, name in events
                if kind != CalendarEvent.Kind.EXCEPTIONAL and first <= day <= end
            ),
            "",
        )
        exceptional = next(
            (
                name
                for kind, first, end, name in events
                if kind == CalendarEvent.Kind.EXCEPTIONAL and first <= day <= end
            ),
            "",
        )
        day_views.append(
            DayView(
                day=day,
                sessions=by_day.get(day, []),
                closed=closed,
                exceptional=exceptional,
                is_today=day == today,
            )
        )
    if days == 7:
        day_views = [d for d in day_views if d.day.weekday() < 5 or d.sessions]
    week = WeekView(monday=monday, days=day_views, week_letter=letter)
    if views:
        week.grid_start = min(week.grid_start, min(v.start_minutes for v in views) // 60 * 60)
        week.grid_end = max(week.grid_end, max(v.end_minutes for v in views))
    return week


def day_for(actor, *, day: dt.date, today: dt.date | None = None, establishment=None, **target) -> DayView:
    """One day of `week_for` (same targets, `day` instead of `monday`). Three queries."""
    views = sessions_between(actor, start=day, end=day, **target)
    establishment_ids = {v.session.establishment_id for v in views}
    for value in (establishment, target.get("school_class"), target.get("room")):
        if value is not None:
            establishment_ids.add(getattr(value, "establishment_id", None) or value.pk)
    closed = exceptional = ""
    if establishment_ids:
        for kind, name in CalendarEvent.objects.filter(
            establishment_id__in=establishment_ids, starts_on__lte=day, ends_on__gte=day
        ).values_list("kind", "name"):
            if kind == CalendarEvent.Kind.EXCEPTIONAL:
                exceptional = exceptional or name
            else:
                closed = closed or name
    return DayView(day=day, sessions=views, closed=closed, exceptional=exceptional, is_today=day == today)


__all__ = [
    "DayView",
    "SessionView",
    "WeekView",
    "day_for",
    "establishment_teachers",
    "own_sessions",
    "own_sessions_q",
    "session_view",
    "sessions_between",
    "sessions_for",
    "week_for",
]
