"""Who is already somewhere at a given time: the clash checks of slots and of dated sessions.

Two lessons clash when they overlap in time (half-open: 08:00–09:00 and 09:00–10:00 do not) and
share a teacher, a room or students:

- a class clashes with itself and with every group attached to it or holding one of its students;
- two groups clash when they share a student; a group without a member list (who is in it is not
  known) clashes with the groups and classes it shares a class with.

Slots also need overlapping weeks (A and B never meet; "every" meets both) and overlapping validity
dates. Sessions need the same day; cancelled sessions occupy nothing; a room's pending or approved
bookings occupy it like a session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from carnet.school.models import Enrollment, TeachingGroup
from carnet.school.roles import current_enrollment_q
from carnet.timetable.models import Booking, Session, Slot, WeekPattern
from carnet.timetable.weeks import compatible_patterns, day_label, hhmm, weekday_label

TEACHER, AUDIENCE, ROOM = "teacher", "class", "room"


@dataclass(frozen=True)
class Clash:
    what: str  # TEACHER, AUDIENCE or ROOM
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"what": self.what, "message": self.message}


def audience_reach(class_id: int | None, group_id: int | None) -> tuple[set[int], set[int]]:
    """(class ids, group ids) whose lessons share students with the class or the group given."""
    through_classes = TeachingGroup.classes.through.objects
    through_members = TeachingGroup.students.through.objects
    if class_id is not None:
        members = Enrollment.objects.filter(current_enrollment_q(), school_class_id=class_id).values(
            "student_id"
        )
        groups = set(
            through_classes.filter(schoolclass_id=class_id).values_list("teachinggroup_id", flat=True)
        )
        groups |= set(through_members.filter(user_id__in=members).values_list("teachinggroup_id", flat=True))
        return {class_id}, groups
    assert group_id is not None
    member_ids = set(through_members.filter(teachinggroup_id=group_id).values_list("user_id", flat=True))
    attached = set(through_classes.filter(teachinggroup_id=group_id).values_list("schoolclass_id", flat=True))
    classes = attached | set(
        Enrollment.objects.filter(current_enrollment_q(), student_id__in=member_ids).values_list(
            "school_class_id", flat=True
        )
    )
    groups = {group_id}
    groups |= set(through_members.filter(user_id__in=member_ids).values_list("teachinggroup_id", flat=True))
    with_members = through_members.values("teachinggroup_id")
    sharing_a_class = set(
        through_classes.filter(schoolclass_id__in=attached).values_list("teachinggroup_id", flat=True)
    )
    if member_ids:
        # Groups of the same classes that have no member list: who is in them is not known.
        groups |= set(
            through_classes.filter(teachinggroup_id__in=sharing_a_class)
            .exclude(teachinggroup_id__in=with_members)
            .values_list("teachinggroup_id", flat=True)
        )
    else:
        groups |= sharing_a_class
    return classes, groups


@dataclass
class AudienceMaps:
    """Who is in which class and group for a whole school year, loaded in three queries: the same
    answers as `audience_reach` for many lessons at once (the import checks a whole file)."""

    class_students: dict[int, set[int]]
    group_students: dict[int, set[int]]
    group_classes: dict[int, set[int]]

    @classmethod
    def load(cls, school_year) -> AudienceMaps:
        class_students: dict[int, set[int]] = {}
        for class_id, student_id in Enrollment.objects.filter(
            current_enrollment_q(), school_year=school_year
        ).values_list("school_class_id", "student_id"):
            class_students.setdefault(class_id, set()).add(student_id)
        group_students: dict[int, set[int]] = {}
        for group_id, user_id in TeachingGroup.students.through.objects.filter(
            teachinggroup__school_year=school_year
        ).values_list("teachinggroup_id", "user_id"):
            group_students.setdefault(group_id, set()).add(user_id)
        group_classes: dict[int, set[int]] = {}
        for group_id, class_id in TeachingGroup.classes.through.objects.filter(
            teachinggroup__school_year=school_year
        ).values_list("teachinggroup_id", "schoolclass_id"):
            group_classes.setdefault(group_id, set()).add(class_id)
        return cls(class_students, group_students, group_classes)

    def _students_of_class(self, class_id: int) -> set[int]:
        return self.class_students.get(class_id, set())

    def meet(self, a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> bool:
        """Whether two audiences (class id, group id) share students (see the module docstring)."""
        (class_a, group_a), (class_b, group_b) = a, b
        if class_a is not None and class_b is not None:
            return class_a == class_b
        if class_a is not None:
            assert group_b is not None  # a lesson is given to a class or to a group
            return self._class_meets_group(class_a, group_b)
        if class_b is not None:
            assert group_a is not None
            return self._class_meets_group(class_b, group_a)
        assert group_a is not None and group_b is not None
        if group_a == group_b:
            return True
        members_a = self.group_students.get(group_a, set())
        members_b = self.group_students.get(group_b, set())
        if members_a and members_b:
            return bool(members_a & members_b)
        return bool(self.group_classes.get(group_a, set()) & self.group_classes.get(group_b, set()))

    def _class_meets_group(self, class_id: int, group_id: int) -> bool:
        if class_id in self.group_classes.get(group_id, set()):
            return True
        return bool(self.group_students.get(group_id, set()) & self._students_of_class(class_id))


def _audience_name(assignment) -> str:
    if assignment.school_class_id:
        return _("la classe %(name)s") % {"name": assignment.school_class.name}
    return _("le groupe %(name)s") % {"name": assignment.group.name}


def _lesson(assignment, *, teacher=None, with_teacher: bool = True, with_audience: bool = True) -> str:
    """ "Mathématiques, 2nde A, avec Marc Maths": what a lesson is, for a clash message."""
    parts = [assignment.subject.name]
    if with_audience:
        parts.append((assignment.school_class or assignment.group).name)
    text = ", ".join(parts)
    if with_teacher:
        text = _("%(lesson)s avec %(teacher)s") % {
            "lesson": text,
            "teacher": (teacher or assignment.teacher).full_name,
        }
    return text


def _week_suffix(pattern: str) -> str:
    if pattern == WeekPattern.WEEK_A:
        return " " + _("(semaine A)")
    if pattern == WeekPattern.WEEK_B:
        return " " + _("(semaine B)")
    return ""


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- slots ----------------------------------------------------------------------------------------
def slot_clashes(
    *,
    school_year_id: int,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    week_pattern: str,
    teacher_id: int,
    class_id: int | None,
    group_id: int | None,
    room_id: int | None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    exclude_id: int | None = None,
) -> list[Clash]:
    """The slots of the same year that a new or changed slot would clash with, as messages naming
    what occupies the time. Four queries."""
    classes, groups = audience_reach(class_id, group_id)
    who = (
        Q(assignment__teacher_id=teacher_id)
        | Q(assignment__school_class_id__in=classes)
        | Q(assignment__group_id__in=groups)
    )
    if room_id is not None:
        who |= Q(room_id=room_id)
    queryset = Slot.objects.filter(
        school_year_id=school_year_id,
        weekday=weekday,
        start_time__lt=end_time,
        end_time__gt=start_time,
        week_pattern__in=compatible_patterns(week_pattern),
    ).filter(who)
    if valid_from is not None:
        queryset = queryset.exclude(valid_until__lt=valid_from)
    if valid_until is not None:
        queryset = queryset.exclude(valid_from__gt=valid_until)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    found = queryset.select_related(
        "assignment__subject", "assignment__school_class", "assignment__group", "assignment__teacher", "room"
    ).order_by("start_time", "id")
    clashes: list[Clash] = []
    for other in found:
        assignment = other.assignment
        when = {
            "day": weekday_label(other.weekday),
            "start": hhmm(other.start_time),
            "end": hhmm(other.end_time),
        }
        suffix = _week_suffix(other.week_pattern)
        if assignment.teacher_id == teacher_id:
            clashes.append(
                Clash(
                    TEACHER,
                    _("%(teacher)s a déjà cours le %(day)s de %(start)s à %(end)s (%(lesson)s)%(week)s.")
                    % {
                        **when,
                        "teacher": assignment.teacher.full_name,
                        "week": suffix,
                        "lesson": _lesson(assignment, with_teacher=False),
                    },
                )
            )
        if assignment.school_class_id in classes or assignment.group_id in groups:
            clashes.append(
                Clash(
                    AUDIENCE,
                    _("%(audience)s a déjà cours le %(day)s de %(start)s à %(end)s (%(lesson)s)%(week)s.")
                    % {
                        **when,
                        "audience": _capitalized(_audience_name(assignment)),
                        "week": suffix,
                        "lesson": _lesson(assignment, with_audience=False),
                    },
                )
            )
        if room_id is not None and other.room_id == room_id:
            clashes.append(
                Clash(
                    ROOM,
                    _(
                        "La salle %(room)s est déjà occupée le %(day)s de %(start)s à %(end)s (%(lesson)s)%(week)s."
                    )
                    % {
                        **when,
                        "room": other.room.name if other.room else "",
                        "week": suffix,
                        "lesson": _lesson(assignment),
                    },
                )
            )
    return clashes


# --- sessions -------------------------------------------------------------------------------------
def session_clashes(
    *,
    establishment_id: int,
    held_on: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    teacher_id: int,
    class_id: int | None,
    group_id: int | None,
    room_id: int | None,
    exclude_id: int | None = None,
) -> list[Clash]:
    """The scheduled sessions of that day (and the room's bookings) that a session at this time
    would clash with. Five queries."""
    classes, groups = audience_reach(class_id, group_id)
    who = (
        Q(teacher_id=teacher_id)
        | Q(assignment__school_class_id__in=classes)
        | Q(assignment__group_id__in=groups)
    )
    if room_id is not None:
        who |= Q(room_id=room_id)
    queryset = (
        Session.objects.filter(
            establishment_id=establishment_id,
            held_on=held_on,
            status=Session.Status.SCHEDULED,
            start_time__lt=end_time,
            end_time__gt=start_time,
        )
        .filter(who)
        .select_related(
            "assignment__subject", "assignment__school_class", "assignment__group", "teacher", "room"
        )
        .order_by("start_time", "id")
    )
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    day = day_label(held_on)
    clashes: list[Clash] = []
    for other in queryset:
        assignment = other.assignment
        when = {"day": day, "start": hhmm(other.start_time), "end": hhmm(other.end_time)}
        if other.teacher_id == teacher_id:
            clashes.append(
                Clash(
                    TEACHER,
                    _("%(teacher)s a déjà cours le %(day)s de %(start)s à %(end)s (%(lesson)s).")
                    % {
                        **when,
                        "teacher": other.teacher.full_name,
                        "lesson": _lesson(assignment, with_teacher=False),
                    },
                )
            )
        if assignment.school_class_id in classes or assignment.group_id in groups:
            clashes.append(
                Clash(
                    AUDIENCE,
                    _("%(audience)s a déjà cours le %(day)s de %(start)s à %(end)s (%(lesson)s).")
                    % {
                        **when,
                        "audience": _capitalized(_audience_name(assignment)),
                        "lesson": _lesson(assignment, teacher=other.teacher, with_audience=False),
                    },
                )
            )
        if room_id is not None and other.room_id == room_id:
            clashes.append(
                Clash(
                    ROOM,
                    _("La salle %(room)s est déjà occupée le %(day)s de %(start)s à %(end)s (%(lesson)s).")
                    % {
                        **when,
                        "room": other.room.name if other.room else "",
                        "lesson": _lesson(assignment, teacher=other.teacher),
                    },
                )
            )
    if room_id is not None:
        bookings = (
            Booking.objects.filter(
                resource_id=room_id,
                booked_on=held_on,
                status__in=Booking.HOLDING,
                start_time__lt=end_time,
                end_time__gt=start_time,
            )
            .select_related("resource", "booked_by")
            .order_by("start_time", "id")
        )
        for booking in bookings:
            clashes.append(
                Clash(
                    ROOM,
                    _(
                        "La salle %(room)s est réservée le %(day)s de %(start)s à %(end)s par %(who)s (%(purpose)s)."
                    )
                    % {
                        "room": booking.resource.name,
                        "day": day,
                        "start": hhmm(booking.start_time),
                        "end": hhmm(booking.end_time),
                        "who": booking.booked_by.full_name,
                        "purpose": booking.purpose,
                    },
                )
            )
    return clashes
