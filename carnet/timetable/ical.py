"""A person's sessions as an iCalendar feed (RFC 5545).

- lines end with CRLF and are folded at 75 octets (continuation lines start with a space; a UTF-8
  character is never cut);
- TEXT values escape backslash, semicolon, comma and new lines;
- times are written in UTC ("…Z"): each session's local time in its establishment's time zone,
  converted, so no VTIMEZONE block is needed;
- each session keeps the same UID for its whole life (moves and changes included), SEQUENCE is its
  `version` and a cancelled session stays in the feed with STATUS:CANCELLED, so calendar
  applications update or strike it instead of duplicating it.

`feed_for(user, now=...)` reads the window (30 days back, 90 days ahead) of the person's own
timetable (`selectors.own_sessions`) in three queries and returns the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.school.models import Enrollment, Guardianship, TeachingGroup
from carnet.school.roles import current_enrollment_q, roles_of
from carnet.timetable.models import Session
from carnet.timetable.selectors import SESSION_RELATED, own_sessions
from carnet.timetable.weeks import local_today, zone_of

DAYS_BEFORE = 30
DAYS_AFTER = 90
LINE_OCTETS = 75
PRODID = "-//Carnet//Emploi du temps//FR"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 §3.1), CRLF-terminated."""
    encoded = line.encode()
    if len(encoded) <= LINE_OCTETS:
        return line + "\r\n"
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # continuation lines start with one space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local_moment(day: dt.date, clock: dt.time, zone) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=zone)


def _children_by_session(user, sessions: list[Session]) -> dict[int, list[str]]:
    """For a guardian: session id -> the first names of the children it concerns."""
    roles = roles_of(user)
    if not roles.is_guardian or not sessions:
        return {}
    children = {
        g.student_id: (g.student.first_name, g.establishment_id)
        for g in Guardianship.objects.filter(guardian=user, student__is_active=True).select_related("student")
    }
    child_classes: dict[int, set[int]] = {}
    for student_id, class_id in Enrollment.objects.filter(
        current_enrollment_q(), student_id__in=children
    ).values_list("student_id", "school_class_id"):
        child_classes.setdefault(student_id, set()).add(class_id)
    child_groups: dict[int, set[int]] = {}
    for student_id, group_id in TeachingGroup.students.through.objects.filter(
        user_id__in=children
    ).values_list("user_id", "teachinggroup_id"):
        child_groups.setdefault(student_id, set()).add(group_id)
    result: dict[int, list[str]] = {}
    for session in sessions:
        assignment = session.assignment
        names = [
            name
            for student_id, (name, establishment_id) in sorted(children.items(), key=lambda item: item[1][0])
            if establishment_id == session.establishment_id
            and (
                (
                    assignment.school_class_id
                    and assignment.school_class_id in child_classes.get(student_id, ())
                )
                or (assignment.group_id and assignment.group_id in child_groups.get(student_id, ()))
            )
        ]
        if names:
            result[session.pk] = names
    return result


def event_lines(session: Session, *, for_children: Iterable[str] = (), teaching: bool = False) -> list[str]:
    """The VEVENT of one session, as unfolded content lines."""
    assignment = session.assignment
    zone = zone_of(session.establishment)
    audience = assignment.school_class or assignment.group
    summary = assignment.subject.name
    if teaching and audience is not None:
        summary = f"{summary} — {audience.name}"
    children = list(for_children)
    if children:
        summary = f"{', '.join(children)} : {summary}"
    if session.is_cancelled:
        summary = _("Annulé : %(summary)s") % {"summary": summary}
    description = [
        _("Classe ou groupe : %(name)s") % {"name": audience.name if audience else ""},
        _("Enseignant : %(name)s") % {"name": session.teacher.full_name},
    ]
    if session.teacher_id != assignment.teacher_id:
        description.append(_("Remplace %(name)s") % {"name": assignment.teacher.full_name})
    if session.is_extra:
        description.append(_("Séance supplémentaire"))
    if session.note:
        description.append(session.note)
    lines = [
        "BEGIN:VEVENT",
        f"UID:session-{session.public_id}@carnet",
        f"DTSTAMP:{utc_stamp(session.updated_at)}",
        f"LAST-MODIFIED:{utc_stamp(session.updated_at)}",
        f"SEQUENCE:{session.version}",
        f"DTSTART:{utc_stamp(_local_moment(session.held_on, session.start_time, zone))}",
        f"DTEND:{utc_stamp(_local_moment(session.held_on, session.end_time, zone))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"STATUS:{'CANCELLED' if session.is_cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    if session.room_id:
        lines.append(f"LOCATION:{escape_text(session.room.name)}")  # type: ignore[union-attr]
    lines.append("END:VEVENT")
    return lines


def window_sessions(user, *, now: dt.datetime | None = None) -> list[Session]:
    now = now or timezone.now()
    today = local_today(None, now)
    return list(
        own_sessions(user)
        .filter(
            held_on__gte=today - dt.timedelta(days=DAYS_BEFORE),
            held_on__lte=today + dt.timedelta(days=DAYS_AFTER),
        )
        .select_related(*SESSION_RELATED, "establishment")
        .order_by("held_on", "start_time", "id")
    )


def feed_for(user, *, now: dt.datetime | None = None) -> str:
    """The whole VCALENDAR text of `user`'s own timetable around `now`."""
    sessions = window_sessions(user, now=now)
    children = _children_by_session(user, sessions)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(_('Emploi du temps — %(name)s') % {'name': user.full_name})}",
        "X-PUBLISHED-TTL:PT1H",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    ]
    for session in sessions:
        teaching = session.teacher_id == user.pk or session.assignment.teacher_id == user.pk
        lines += event_lines(session, for_children=children.get(session.pk, ()), teaching=teaching)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
