"""The staff home widget "Vie scolaire : à traiter"."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from carnet.attendance import policies
from carnet.attendance.models import AbsenceDeclaration, Regularisation, WatchEntry
from carnet.attendance.services.settings import days_range, zone_of


def staff_todo(request, scope) -> dict | None:
    """Declarations to handle, absences still to justify over the last seven days and students on
    the watch list, in the first establishment (by name) where the person manages attendance. Four
    queries; None for someone who manages attendance nowhere."""
    establishment = policies.managed_establishments(request.user).first()
    if establishment is None:
        return None
    today = timezone.localtime(timezone.now(), zone_of(establishment)).date()
    start, end = days_range(establishment, today - dt.timedelta(days=6), today)
    declarations = AbsenceDeclaration.objects.filter(
        establishment=establishment, status=AbsenceDeclaration.Status.PENDING
    ).count()
    to_justify = (
        policies.absences_visible_to(request.user)
        .filter(
            establishment=establishment,
            state=Regularisation.TO_JUSTIFY,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .count()
    )
    watch = WatchEntry.objects.filter(establishment=establishment, cleared_at__isnull=True).count()
    return {
        "attendance_establishment": establishment,
        "attendance_declarations": declarations,
        "attendance_to_justify": to_justify,
        "attendance_watch": watch,
        "attendance_urls": {
            "declarations": reverse("attendance:declarations"),
            "absences": reverse("attendance:absences"),
            "watch": reverse("attendance:watch"),
        },
    }
