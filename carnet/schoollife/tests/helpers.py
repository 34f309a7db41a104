"""Builders for the school-life tests: what the record reads (absences, lateness, exemptions,
measures, incidents, watch entries), at a fixed moment inside the first trimester."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from carnet.attendance.models import Absence, AlertRule, Exemption, Lateness, WatchEntry
from carnet.discipline.models import Incident, IncidentParticipant, Measure, MeasureType

PARIS = ZoneInfo("Europe/Paris")
#: A Tuesday of the first trimester, during school hours.
NOW = dt.datetime(2026, 11, 17, 10, 0, tzinfo=PARIS)


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def absence(
    student,
    world,
    *,
    on: dt.date,
    half_days: int = 1,
    state: str = "to_justify",
    until: dt.date | None = None,
    session=None,
) -> Absence:
    item = Absence.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        student=student,
        starts_at=at(on, 8),
        ends_at=at(until or on, 12 if half_days == 1 else 17),
        half_days=half_days,
        source=Absence.Source.STAFF,
        state=state,
    )
    if session is not None:
        item.sessions.add(session)
    return item


def lateness(
    student, world, *, on: dt.date, minutes: int = 10, state: str = "to_justify", session=None
) -> Lateness:
    return Lateness.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        student=student,
        session=session,
        occurred_at=at(on, 8, 10),
        minutes=minutes,
        state=state,
    )


def measure_type(world, name: str, category: str, points: str) -> MeasureType:
    return MeasureType.objects.create(
        establishment=world.lycee,
        category=category,
        name=name,
        conduct_points=Decimal(points),
    )


def measure(
    student,
    world,
    kind: MeasureType,
    *,
    on: dt.date,
    status: str = "decided",
    reason: str = "Motif",
    incident=None,
    expires_on=None,
) -> Measure:
    return Measure.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        student=student,
        measure_type=kind,
        incident=incident,
        reason=reason,
        decided_on=on,
        decided_by=world.cpe,
        status=status,
        expires_on=expires_on,
    )


def incident(
    world, *, on: dt.date, description: str, parts: list[tuple[object, str]], place: str = "Cour"
) -> Incident:
    item = Incident.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        occurred_at=at(on, 10),
        place=place,
        description=description,
        reported_by=world.cpe,
    )
    for student, role in parts:
        IncidentParticipant.objects.create(incident=item, student=student, role=role)
    return item


def exemption(
    student, world, subject, *, starts_on: dt.date, ends_on: dt.date, must_attend: bool = True
) -> Exemption:
    return Exemption.objects.create(
        establishment=world.lycee,
        student=student,
        subject=subject,
        starts_on=starts_on,
        ends_on=ends_on,
        must_attend=must_attend,
        reason="Certificat médical",
    )


def watch(student, world, reason: str = "4 demi-journées non justifiées en 30 jours") -> WatchEntry:
    rule = AlertRule.objects.create(
        establishment=world.lycee, kind=AlertRule.Kind.UNJUSTIFIED_HALF_DAYS, threshold=4
    )
    return WatchEntry.objects.create(establishment=world.lycee, student=student, rule=rule, reason=reason)
