"""Test helpers for marks: an assessment of an assignment in a period, and marks on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from carnet.grades.models import Assessment, Mark


def assessment(assignment, period, *, title: str = "Contrôle", kind: str = "devoir", scale: str = "20",
               coefficient: str = "1", held_on: dt.date | None = None, published: bool = True,
               is_bonus: bool = False, created_by=None) -> Assessment:
    now = timezone.now()
    return Assessment.objects.create(
        establishment=assignment.establishment,
        assignment=assignment,
        period=period,
        title=title,
        kind=kind,
        scale=Decimal(scale),
        coefficient=Decimal(coefficient),
        held_on=held_on or period.starts_on + dt.timedelta(days=14),
        is_bonus=is_bonus,
        publication=Assessment.Publication.NOW if published else Assessment.Publication.HIDDEN,
        published_at=now if published else None,
        guardians_published_at=now if published else None,
        notified_at=now if published else None,
        guardians_notified_at=now if published else None,
        created_by=created_by or assignment.teacher,
    )


def mark(assessment: Assessment, student, value, *, comment: str = "") -> Mark:
    """`value`: a number (as str/int/Decimal) or a status ("absent", "exempt", "not_handed_in", "not_marked")."""
    if isinstance(value, str) and value in {s for s, _ in Mark.Status.choices}:
        status, number = value, None
    else:
        status, number = Mark.Status.MARKED, Decimal(str(value))
    return Mark.objects.create(
        establishment=assessment.establishment,
        assessment=assessment,
        student=student,
        status=status,
        value=number,
        comment=comment,
        updated_by=assessment.assignment.teacher,
    )
