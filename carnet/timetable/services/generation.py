"""Bringing the coming sessions up to date, for a person: after the holidays or the week A/B setting
changed, or slots were imported. The generation itself is `carnet.timetable.calendar`."""

from __future__ import annotations

import datetime as dt

from carnet.audit import services as audit
from carnet.timetable import policies
from carnet.timetable.calendar import GenerationResult, current_year, generate_sessions
from carnet.timetable.weeks import local_today


def regenerate_sessions(*, actor, establishment, start: dt.date | None = None) -> GenerationResult:
    """Make the sessions of the current year from `start` (default: today) match the slots and the
    calendar. Sessions a person changed, or holding a register, are kept. Audited."""
    policies.ensure_can_manage_timetable(actor, establishment)
    year = current_year(establishment)
    if year is None:
        return GenerationResult()
    today = local_today(establishment)
    result = generate_sessions(
        establishment=establishment, school_year=year, start=start or today, today=today
    )
    audit.record(
        actor=actor,
        action="timetable.sessions_generated",
        obj=year,
        establishment=establishment,
        object_repr=year.name,
        changes={name: (None, value) for name, value in result.as_dict().items() if value},
    )
    return result
