"""Test helpers of the absences part: a frozen Monday, absences and lateness written directly (as
the registers would), the establishment's default reasons by label, small PDF/PNG files.

Import what a module needs: `from carnet.attendance.tests.absences_helpers import frozen, absence`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from carnet.attendance.models import Absence, AbsenceReason, Lateness, Regularisation
from carnet.attendance.services.settings import reasons_of

PARIS = ZoneInfo("Europe/Paris")
#: Monday 30 November 2026, 10:00 in Paris (the registers part freezes the same moment).
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=PARIS)
TODAY = dt.date(2026, 11, 30)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(day: dt.date, clock: str, zone=PARIS) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=zone)


def absence(
    student,
    establishment,
    day: dt.date,
    start: str = "08:00",
    end: str = "10:00",
    *,
    until: dt.date | None = None,
    half_days: int = 1,
    state: str = Regularisation.TO_JUSTIFY,
    source: str = Absence.Source.REGISTER,
    reason=None,
    created_at: dt.datetime | None = None,
    notified: bool = True,
    year=None,
) -> Absence:
    """An absence of `student` on `day` from `start` to `end` (or to `end` on `until`). `notified`
    marks it as already announced, so the same-day job leaves it alone unless a test wants it."""
    zone = ZoneInfo(establishment.time_zone)
    year = year or establishment.years.get(is_current=True)
    created = created_at or timezone.now()
    return Absence.objects.create(
        establishment=establishment,
        school_year=year,
        student=student,
        starts_at=at(day, start, zone),
        ends_at=at(until or day, end, zone),
        half_days=half_days,
        source=source,
        state=state,
        reason=reason,
        created_at=created,
        updated_at=created,
        guardians_notified_at=created if notified else None,
    )


def lateness(
    student,
    establishment,
    day: dt.date,
    clock: str = "08:10",
    minutes: int = 10,
    *,
    state=Regularisation.TO_JUSTIFY,
    created_at: dt.datetime | None = None,
    notified: bool = True,
) -> Lateness:
    zone = ZoneInfo(establishment.time_zone)
    created = created_at or timezone.now()
    return Lateness.objects.create(
        establishment=establishment,
        school_year=establishment.years.get(is_current=True),
        student=student,
        occurred_at=at(day, clock, zone),
        minutes=minutes,
        state=state,
        created_at=created,
        guardians_notified_at=created if notified else None,
    )


def reason(establishment, label: str = "Maladie") -> AbsenceReason:
    reasons_of(establishment)
    return AbsenceReason.objects.get(establishment=establishment, label=label)


def png(name: str = "mot.png", size: int | None = None) -> SimpleUploadedFile:
    content = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, content, content_type="image/png")


def pdf(name: str = "certificat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
