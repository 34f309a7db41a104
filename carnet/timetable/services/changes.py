"""Changes to dated sessions: cancel, restore, move, change room, replacement teacher, extra session.

Staff who manage the timetable only. Every change:

- locks the session and compares its `version` with the one the person read (`expected_version`):
  a different one raises `SessionConflict` (nothing is saved) — two people never silently
  overwrite each other;
- refuses a time outside the school year, on a holiday or closed day, or that clashes with another
  session of the teacher, the class or group, or the room (or a booking of the room);
- edits the session in place, raises its `version`, writes a `SessionChange` (what it was, what it
  becomes, the message) and an audit event;
- after the commit, tells the people concerned (`carnet.timetable.notifying.notify_change`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.audit import services as audit
from carnet.core.errors import NotFound, ValidationFailed
from carnet.school.models import TeachingAssignment
from carnet.timetable import notifying, policies, signals
from carnet.timetable.calendar import is_closed
from carnet.timetable.errors import SessionConflict, TimetableClash
from carnet.timetable.models import Resource, Session, SessionChange
from carnet.timetable.selectors import establishment_teachers
from carnet.timetable.services.clashes import session_clashes
from carnet.timetable.weeks import day_label, hhmm, short_day

User = get_user_model()

MESSAGE_MAX = 200

AUDIT_ACTIONS: dict[str, str] = {
    SessionChange.Kind.CANCELLED: "timetable.session_cancelled",
    SessionChange.Kind.RESTORED: "timetable.session_restored",
    SessionChange.Kind.MOVED: "timetable.session_moved",
    SessionChange.Kind.ROOM: "timetable.session_room_changed",
    SessionChange.Kind.REPLACEMENT: "timetable.session_replacement",
    SessionChange.Kind.EXTRA: "timetable.session_extra_added",
}


def describe_session(session: Session) -> str:
    """ "Mathématiques — 2nde A — 30/11/2026 08:00–09:00"."""
    assignment = session.assignment
    audience_row = assignment.school_class or assignment.group
    audience = audience_row.name if audience_row is not None else ""
    return (
        f"{assignment.subject.name} — {audience} — {short_day(session.held_on)} "
        f"{hhmm(session.start_time)}–{hhmm(session.end_time)}"
    )


def _when(session: Session) -> dict[str, Any]:
    return {
        "held_on": session.held_on.isoformat(),
        "start_time": hhmm(session.start_time),
        "end_time": hhmm(session.end_time),
        "label": f"{day_label(session.held_on)} {hhmm(session.start_time)}–{hhmm(session.end_time)}",
    }


def _message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationFailed(
            _("Le message fait %(length)d caractères : %(max)d au plus.")
            % {"length": len(message), "max": MESSAGE_MAX},
            details={"message": "too_long"},
        )
    return message


def _locked(session: Session, expected_version: int | None) -> Session:
    current = (
        Session.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__subject",
            "assignment__school_class",
            "assignment__group",
            "assignment__teacher",
            "establishment",
            "school_year",
            "room",
            "teacher",
        )
        .filter(pk=session.pk)
        .first()
    )
    if current is None:
        raise NotFound()
    if expected_version is not None and current.version != expected_version:
        last = (
            SessionChange.objects.filter(session=current)
            .select_related("actor")
            .order_by("-created_at", "-id")
            .first()
        )
        raise SessionConflict(
            details={
                "version": current.version,
                "by": last.actor.full_name if last and last.actor else None,
                "at": (last.created_at if last else current.updated_at).isoformat(),
            }
        )
    return current


def _check_day(session_year, establishment, day: dt.date, start_time: dt.time, end_time: dt.time) -> None:
    errors: dict[str, str] = {}
    if end_time <= start_time:
        errors["end_time"] = _("L'heure de fin (%(end)s) doit être après l'heure de début (%(start)s).") % {
            "end": hhmm(end_time),
            "start": hhmm(start_time),
        }
    if not (session_year.starts_on <= day <= session_year.ends_on):
        errors["held_on"] = _(
            "Le %(day)s est hors de l'année scolaire %(year)s (du %(start)s au %(end)s)."
        ) % {
            "day": short_day(day),
            "year": session_year.name,
            "start": short_day(session_year.starts_on),
            "end": short_day(session_year.ends_on),
        }
    else:
        closed = is_closed(establishment, day)
        if closed:
            errors["held_on"] = _("Le %(day)s, l'établissement est fermé (%(name)s).") % {
                "day": short_day(day),
                "name": closed,
            }
    if errors:
        raise ValidationFailed(next(iter(errors.values())), details=errors)


def _check_clashes(
    session: Session, *, held_on, start_time, end_time, teacher_id, room_id, exclude_id
) -> None:
    clashes = session_clashes(
        establishment_id=session.establishment_id,
        held_on=held_on,
        start_time=start_time,
        end_time=end_time,
        teacher_id=teacher_id,
        class_id=session.assignment.school_class_id,
        group_id=session.assignment.group_id,
        room_id=room_id,
        exclude_id=exclude_id,
    )
    if clashes:
        raise TimetableClash(clashes[0].message, details=[c.as_dict() for c in clashes])


def _record(
    *, actor, session: Session, kind: str, before: dict, after: dict, note: str, fields: list[str]
) -> SessionChange:
    session.version += 1
    session.updated_at = timezone.now()
    session.save(update_fields=[*fields, "version", "updated_at"])
    change = SessionChange.objects.create(
        establishment_id=session.establishment_id,
        session=session,
        kind=kind,
        before=before,
        after=after,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    changes = {
        name: (before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if name != "label"
    }
    if note:
        changes["message"] = (None, note)
    audit.record(
        actor=actor,
        action=AUDIT_ACTIONS[kind],
        obj=session,
        establishment=session.establishment,
        object_repr=describe_session(session),
        changes=changes,
    )
    change_id = change.pk
    signals.session_changed.send(sender=Session, session=session, kind=kind, actor=actor)
    transaction.on_commit(lambda: notifying.notify_change(change_id))
    return change


def _authorize(actor, session: Session) -> None:
    policies.ensure_can_change_session(actor, session)


# --- the changes ----------------------------------------------------------------------------------
def cancel_session(*, actor, session: Session, expected_version: int | None, message: str = "") -> Session:
    """Cancel a scheduled session, with an optional message for the people concerned."""
    _authorize(actor, session)
    note = _message(message)
    with transaction.atomic():
        current = _locked(session, expected_version)
        if current.is_cancelled:
            raise ValidationFailed(
                _("Cette séance est déjà annulée."), details={"status": "already_cancelled"}
            )
        current.status = Session.Status.CANCELLED
        current.note = note
        _record(
            actor=actor,
            session=current,
            kind=SessionChange.Kind.CANCELLED,
            before={"status": Session.Status.SCHEDULED.value},
            after={"status": Session.Status.CANCELLED.value},
            note=note,
            fields=["status", "note"],
        )
    return current


def restore_session(*, actor, session: Session, expected_version: int | None, message: str = "") -> Session:
    """Put a cancelled session back, if its time, teacher, class and room are still free."""
    _authorize(actor, session)
    note = _message(message)
    with transaction.atomic():
        current = _locked(session, expected_version)
        if not current.is_cancelled:
            raise ValidationFailed(_("Cette séance n'est pas annulée."), details={"status": "not_cancelled"})
        _check_clashes(
            current,
            held_on=current.held_on,
            start_time=current.start_time,
            end_time=current.end_time,
            teacher_id=current.teacher_id,
            room_id=current.room_id,
            exclude_id=current.pk,
        )
        current.status = Session.Status.SCHEDULED
        current.note = note
        _record(
            actor=actor,
            session=current,
            kind=SessionChange.Kind.RESTORED,
            before={"status": Session.Status.CANCELLED.value},
            after={"status": Session.Status.SCHEDULED.value},
            note=note,
            fields=["status", "note"],
        )
    return current


def move_session(
    *,
    actor,
    session: Session,
    expected_version: int | None,
    held_on: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    message: str = "",
) -> Session:
    """Move a session to another day and/or time (same teacher, class and room), inside the
    school year, on a day the establishment is open, where nobody concerned is busy."""
    _authorize(actor, session)
    note = _message(message)
    with transaction.atomic():
        current = _locked(session, expected_version)
        if (held_on, start_time, end_time) == (current.held_on, current.start_time, current.end_time):
            raise ValidationFailed(
                _("La séance a déjà lieu à ce moment : rien ne change."), details={"held_on": "unchanged"}
            )
        _check_day(current.school_year, current.establishment, held_on, start_time, end_time)
        if not current.is_cancelled:
            _check_clashes(
                current,
                held_on=held_on,
                start_time=start_time,
                end_time=end_time,
                teacher_id=current.teacher_id,
                room_id=current.room_id,
                exclude_id=current.pk,
            )
        before = _when(current)
        current.held_on, current.start_time, current.end_time = held_on, start_time, end_time
        _record(
            actor=actor,
            session=current,
            kind=SessionChange.Kind.MOVED,
            before=before,
            after=_when(current),
            note=note,
            fields=["held_on", "start_time", "end_time"],
        )
    return current


def change_room(
    *, actor, session: Session, expected_version: int | None, room: Resource | None, message: str = ""
) -> Session:
    """Hold a session in another room (or in none), if that room is free then."""
    _authorize(actor, session)
    note = _message(message)
    if room is not None and (
        room.establishment_id != session.establishment_id or room.kind != Resource.Kind.ROOM
    ):
        raise ValidationFailed(
            _("Cette salle n'existe pas dans l'établissement."), details={"room": "unknown"}
        )
    with transaction.atomic():
        current = _locked(session, expected_version)
        if (room.pk if room else None) == current.room_id:
            raise ValidationFailed(
                _("La séance a déjà lieu dans cette salle."), details={"room": "unchanged"}
            )
        if room is not None and not current.is_cancelled:
            clashes = [
                c
                for c in session_clashes(
                    establishment_id=current.establishment_id,
                    held_on=current.held_on,
                    start_time=current.start_time,
                    end_time=current.end_time,
                    teacher_id=current.teacher_id,
                    class_id=current.assignment.school_class_id,
                    group_id=current.assignment.group_id,
                    room_id=room.pk,
                    exclude_id=current.pk,
                )
                if c.what == "room"
            ]
            if clashes:
                raise TimetableClash(clashes[0].message, details=[c.as_dict() for c in clashes])
        before = {"room_id": current.room_id, "room": current.room.name if current.room else None}
        current.room = room
        after = {"room_id": room.pk if room else None, "room": room.name if room else None}
        _record(
            actor=actor,
            session=current,
            kind=SessionChange.Kind.ROOM,
            before=before,
            after=after,
            note=note,
            fields=["room"],
        )
    return current


def replace_teacher(
    *, actor, session: Session, expected_version: int | None, teacher, message: str = ""
) -> Session:
    """Give a session to a replacement teacher of the establishment (or back to the assignment's
    teacher with `teacher=None`), if that teacher is free then."""
    _authorize(actor, session)
    note = _message(message)
    teacher = teacher or session.assignment.teacher
    if not establishment_teachers(session.establishment).filter(pk=teacher.pk).exists():
        raise ValidationFailed(
            _("%(name)s n'enseigne pas dans l'établissement.") % {"name": teacher.full_name},
            details={"teacher": "unknown"},
        )
    with transaction.atomic():
        current = _locked(session, expected_version)
        if teacher.pk == current.teacher_id:
            raise ValidationFailed(
                _("%(name)s assure déjà cette séance.") % {"name": teacher.full_name},
                details={"teacher": "unchanged"},
            )
        if not current.is_cancelled:
            clashes = [
                c
                for c in session_clashes(
                    establishment_id=current.establishment_id,
                    held_on=current.held_on,
                    start_time=current.start_time,
                    end_time=current.end_time,
                    teacher_id=teacher.pk,
                    class_id=current.assignment.school_class_id,
                    group_id=current.assignment.group_id,
                    room_id=None,
                    exclude_id=current.pk,
                )
                if c.what == "teacher"
            ]
            if clashes:
                raise TimetableClash(clashes[0].message, details=[c.as_dict() for c in clashes])
        before = {"teacher_id": current.teacher_id, "teacher": current.teacher.full_name}
        current.teacher = teacher
        after = {"teacher_id": teacher.pk, "teacher": teacher.full_name}
        _record(
            actor=actor,
            session=current,
            kind=SessionChange.Kind.REPLACEMENT,
            before=before,
            after=after,
            note=note,
            fields=["teacher"],
        )
    return current


def add_extra_session(
    *,
    actor,
    assignment: TeachingAssignment,
    held_on: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    room: Resource | None = None,
    message: str = "",
) -> Session:
    """An extra session of `assignment` (not from a slot), on an open day of its school year, when
    its teacher, class or group and room are free."""
    policies.ensure_can_manage_timetable(actor, assignment.establishment)
    note = _message(message)
    if room is not None and (
        room.establishment_id != assignment.establishment_id or room.kind != Resource.Kind.ROOM
    ):
        raise ValidationFailed(
            _("Cette salle n'existe pas dans l'établissement."), details={"room": "unknown"}
        )
    with transaction.atomic():
        _check_day(assignment.school_year, assignment.establishment, held_on, start_time, end_time)
        session = Session(
            establishment_id=assignment.establishment_id,
            school_year_id=assignment.school_year_id,
            assignment=assignment,
            held_on=held_on,
            start_time=start_time,
            end_time=end_time,
            room=room,
            teacher_id=assignment.teacher_id,
            is_extra=True,
            note=note,
            version=0,  # _record raises it to 1
        )
        _check_clashes(
            session,
            held_on=held_on,
            start_time=start_time,
            end_time=end_time,
            teacher_id=assignment.teacher_id,
            room_id=room.pk if room else None,
            exclude_id=None,
        )
        session.save()
        _record(
            actor=actor,
            session=session,
            kind=SessionChange.Kind.EXTRA,
            before={},
            after={**_when(session), "room": room.name if room else None},
            note=note,
            fields=[],
        )
    return session
