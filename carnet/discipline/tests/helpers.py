"""Helpers of the discipline tests: incidents and measures made through the services (so that every
row is one a person could make)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from carnet.discipline.models import MeasureType
from carnet.discipline.services import catalogue, incidents, measures

PARIS = ZoneInfo("Europe/Paris")
#: A Monday of the 2026-2027 school year of both world establishments.
TODAY = dt.date(2026, 11, 30)


def types_of(establishment) -> dict[str, MeasureType]:
    """The establishment's catalogue (created on first use) by name."""
    return {t.name: t for t in catalogue.catalogue_of(establishment)}


def report(actor, establishment, *, participants=(), when: dt.datetime | None = None, **values):
    values.setdefault("place", "Cour")
    values.setdefault("description", "Bousculade à la récréation.")
    values.setdefault("seriousness", 2)
    return incidents.report_incident(
        actor=actor,
        establishment=establishment,
        occurred_at=when or dt.datetime(2026, 11, 27, 10, 15, tzinfo=PARIS),
        participants=list(participants),
        **values,
    )


def decide(actor, student, type_name: str, establishment, **values):
    values.setdefault("reason", "Insolence envers un surveillant.")
    return measures.decide_measure(
        actor=actor, student=student, measure_type=types_of(establishment)[type_name], **values
    )
