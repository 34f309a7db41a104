"""Weekly slots: create, change, delete. Staff who manage the timetable only (`can_manage_timetable`).

Each write validates the slot (end after start, weekday, week pattern, validity dates inside the
school year, a room of the establishment), refuses a clash with another slot of the same teacher,
class or group, or room (`TimetableClash`, whose message names what occupies the time), is audited
with old and new values, and brings the slot's sessions from today on up to date (see
`carnet.timetable.calendar`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from carnet.audit import services as audit
from carnet.core.errors import NotFound, ValidationFailed
from carnet.school.models import TeachingAssignment
from carnet.timetable import policies
from carnet.timetable.calendar import generate_sessions, remove_future_sessions
from carnet.timetable.errors import TimetableClash
from carnet.timetable.models import Resource, Slot, Weekday, WeekPattern
from carnet.timetable.services.clashes import slot_clashes
from carnet.timetable.weeks import hhmm, local_today, short_day

AUDITED = ["weekday", "start_time", "end_time", "room", "week_pattern", "valid_from", "valid_until"]


def describe_slot(slot: Slot) -> str:
    """ "Mathématiques — 2nde A — lundi 08:00–09:00": a slot as the audit journal names it."""
    assignment = slot.assignment
    audience_row = assignment.school_class or assignment.group
    audience = audience_row.name if audience_row is not None else ""
    return f"{assignment.subject.name} — {audience} — {Weekday(slot.weekday).label} {hhmm(slot.start_time)}–{hhmm(slot.end_time)}"


def _audit_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "weekday":
        return str(Weekday(value).label)
    if name == "week_pattern":
        return str(WeekPattern(value).label)
    if isinstance(value, dt.time):
        return hhmm(value)
    if isinstance(value, dt.date):
        return short_day(value)
    if isinstance(value, Resource):
        return value.name
    return value


def validate_slot_values(
    *,
    assignment: TeachingAssignment,
    weekday: int,
    start_time: dt.time | None,
    end_time: dt.time | None,
    room: Resource | None,
    week_pattern: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> dict[str, str]:
    """Field -> French message for each value that is wrong (empty when all are right)."""
    errors: dict[str, str] = {}
    if weekday not in Weekday.values:
        errors["weekday"] = _("Choisissez un jour de la semaine.")
    if start_time is None:
        errors["start_time"] = _("Indiquez l'heure de début.")
    if end_time is None:
        errors["end_time"] = _("Indiquez l'heure de fin.")
    if start_time is not None and end_time is not None and end_time <= start_time:
        errors["end_time"] = _("L'heure de fin (%(end)s) doit être après l'heure de début (%(start)s).") % {
            "end": hhmm(end_time),
            "start": hhmm(start_time),
        }
    if week_pattern not in WeekPattern.values:
        errors["week_pattern"] = _("Choisissez toutes les semaines, la semaine A ou la semaine B.")
    year = assignment.school_year
    inside = _("doit se situer dans l'année scolaire %(year)s, du %(start)s au %(end)s.") % {
        "year": year.name,
        "start": short_day(year.starts_on),
        "end": short_day(year.ends_on),
    }
    for name, value, label in (
        ("valid_from", valid_from, _("La date de début")),
        ("valid_until", valid_until, _("La date de fin")),
    ):
        if value is not None and not (year.starts_on <= value <= year.ends_on):
            errors[name] = f"{label} {inside}"
    if valid_from and valid_until and valid_until < valid_from and "valid_until" not in errors:
        errors["valid_until"] = _("La date de fin doit être après la date de début.")
    if room is not None and (
        room.establishment_id != assignment.establishment_id or room.kind != Resource.Kind.ROOM
    ):
        errors["room"] = _("Cette salle n'existe pas dans l'établissement.")
    return errors


def _check(
    *,
    assignment: TeachingAssignment,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    room: Resource | None,
    week_pattern: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    exclude_id: int | None = None,
) -> None:
    errors = validate_slot_values(
        assignment=assignment,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        room=room,
        week_pattern=week_pattern,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if errors:
        raise ValidationFailed(next(iter(errors.values())), details=errors)
    clashes = slot_clashes(
        school_year_id=assignment.school_year_id,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        week_pattern=week_pattern,
        teacher_id=assignment.teacher_id,
        class_id=assignment.school_class_id,
        group_id=assignment.group_id,
        room_id=room.pk if room else None,
        valid_from=valid_from,
        valid_until=valid_until,
        exclude_id=exclude_id,
    )
    if clashes:
        raise TimetableClash(clashes[0].message, details=[c.as_dict() for c in clashes])


def _regenerate(slot: Slot) -> None:
    today = local_today(slot.establishment)
    generate_sessions(
        establishment=slot.establishment, school_year=slot.school_year, start=today, slots=[slot], today=today
    )


def create_slot(
    *,
    actor,
    assignment: TeachingAssignment,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    room: Resource | None = None,
    week_pattern: str = WeekPattern.EVERY,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Slot:
    """A new weekly slot of `assignment`; its sessions from today to the end of the year are
    generated. Raises PermissionDenied, ValidationFailed (details: field -> message) or
    TimetableClash (details: one {what, message} per clash)."""
    policies.ensure_can_manage_timetable(actor, assignment.establishment)
    with transaction.atomic():
        _check(
            assignment=assignment,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            room=room,
            week_pattern=week_pattern,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        slot = Slot.objects.create(
            establishment=assignment.establishment,
            school_year=assignment.school_year,
            assignment=assignment,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            room=room,
            week_pattern=week_pattern,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        audit.record(
            actor=actor,
            action="timetable.slot_created",
            obj=slot,
            establishment=slot.establishment,
            object_repr=describe_slot(slot),
            changes={
                name: (None, _audit_value(name, getattr(slot, name)))
                for name in AUDITED
                if getattr(slot, name) is not None
            },
        )
        _regenerate(slot)
    return slot


def update_slot(
    *,
    actor,
    slot: Slot,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    room: Resource | None,
    week_pattern: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Slot:
    """Change a slot (everything but its assignment). Its future sessions that nobody changed follow
    it; the ones a person changed keep their change. Same refusals as `create_slot`."""
    policies.ensure_can_manage_timetable(actor, slot.establishment)
    with transaction.atomic():
        current = (
            Slot.objects.select_for_update(of=("self",))
            .select_related(
                "assignment__subject",
                "assignment__school_class",
                "assignment__group",
                "assignment__school_year",
                "establishment",
                "school_year",
                "room",
            )
            .filter(pk=slot.pk)
            .first()
        )
        if current is None:
            raise NotFound()
        _check(
            assignment=current.assignment,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            room=room,
            week_pattern=week_pattern,
            valid_from=valid_from,
            valid_until=valid_until,
            exclude_id=current.pk,
        )
        values = {
            "weekday": weekday,
            "start_time": start_time,
            "end_time": end_time,
            "room": room,
            "week_pattern": week_pattern,
            "valid_from": valid_from,
            "valid_until": valid_until,
        }
        changes = audit.diff(current, AUDITED, values)
        if not changes:
            return current
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=list(values))
        audit.record(
            actor=actor,
            action="timetable.slot_updated",
            obj=current,
            establishment=current.establishment,
            object_repr=describe_slot(current),
            changes={
                name: (_audit_value(name, old), _audit_value(name, new))
                for name, (old, new) in changes.items()
            },
        )
        _regenerate(current)
    return current


def delete_slot(*, actor, slot: Slot) -> int:
    """Remove a slot and its future sessions that nobody changed (past sessions and changed ones
    stay, without a slot). Returns the number of sessions removed."""
    policies.ensure_can_manage_timetable(actor, slot.establishment)
    with transaction.atomic():
        result = remove_future_sessions(slot)
        audit.record(
            actor=actor,
            action="timetable.slot_deleted",
            obj=slot,
            establishment=slot.establishment,
            object_repr=describe_slot(slot),
            changes={"sessions_removed": (None, result.deleted)},
        )
        slot.delete()
    return result.deleted
