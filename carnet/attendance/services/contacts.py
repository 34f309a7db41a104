"""The log of contacts with a family about attendance (call, SMS, letter, meeting, e-mail), kept by
the school-life managers. A contact is about a student, and optionally about one absence."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.attendance import policies
from carnet.attendance.models import Absence, FamilyContact
from carnet.core.errors import NotFound, ValidationFailed
from carnet.school.models import Enrollment

MAX_SUMMARY = 500
#: A contact may be logged a little "in the future" (clocks differ), never more.
CLOCK_SLACK = dt.timedelta(minutes=5)


def record_contact(
    *,
    actor,
    establishment,
    student,
    channel: str,
    summary: str,
    contacted_at: dt.datetime | None = None,
    absence: Absence | None = None,
) -> FamilyContact:
    """Log a contact with the family of `student`.

    Raises PermissionDenied (not a manager of the establishment), NotFound (the student was never
    enrolled there, an absence of someone else), ValidationFailed (unknown channel, empty or too
    long summary, a moment in the future)."""
    policies.ensure_can_manage_attendance(actor, establishment)
    if not Enrollment.objects.filter(establishment=establishment, student=student).exists():
        raise NotFound()
    if absence is not None and (
        absence.establishment_id != establishment.pk or absence.student_id != student.pk
    ):
        raise NotFound()
    errors: dict[str, str] = {}
    if channel not in FamilyContact.Channel.values:
        errors["channel"] = _("Choisissez le moyen : appel, SMS, courrier, rencontre ou e-mail.")
    text = (summary or "").strip()
    if not text:
        errors["summary"] = _("Résumez l'échange en quelques mots.")
    elif len(text) > MAX_SUMMARY:
        errors["summary"] = _("Le résumé dépasse %(max)s caractères.") % {"max": MAX_SUMMARY}
    moment = contacted_at or timezone.now()
    if moment > timezone.now() + CLOCK_SLACK:
        errors["contacted_at"] = _("Ce moment est dans le futur.")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), details=errors)
    with transaction.atomic():
        return FamilyContact.objects.create(
            establishment=establishment,
            student=student,
            absence=absence,
            channel=channel,
            contacted_at=moment,
            summary=text,
            recorded_by=actor,
        )
