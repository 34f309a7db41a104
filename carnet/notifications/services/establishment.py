"""An establishment's notification settings: quiet hours, digest hour, urgent alerts, SMS budget."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from carnet.audit import services as audit
from carnet.core.errors import Conflict, ValidationFailed
from carnet.notifications.models import EstablishmentNotificationSettings
from carnet.notifications.policies import ensure_can_manage_settings

#: An alphanumeric SMS sender id: 11 characters at most, letters, digits and spaces, one letter at least.
SENDER_NAME = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")

FIELDS = [
    "quiet_start",
    "quiet_end",
    "quiet_weekends",
    "digest_hour",
    "allow_urgent_in_quiet_hours",
    "sms_monthly_budget",
    "sms_sender_name",
]


def settings_version(row: EstablishmentNotificationSettings) -> str:
    """What a form carries to detect a concurrent change: the moment of the last save."""
    return row.updated_at.isoformat() if row.pk and row.updated_at else ""


def update_establishment_settings(
    *,
    actor,
    establishment,
    quiet_start: dt.time,
    quiet_end: dt.time,
    quiet_weekends: bool,
    digest_hour: dt.time,
    allow_urgent_in_quiet_hours: bool,
    sms_monthly_budget: int,
    sms_sender_name: str = "",
    seen_version: str | None = None,
) -> EstablishmentNotificationSettings:
    """Change an establishment's notification settings (administrative staff only); audited.
    Deliveries already scheduled keep their time; new ones follow the new settings."""
    ensure_can_manage_settings(actor, establishment)
    sms_sender_name = sms_sender_name.strip()
    errors = {}
    if sms_sender_name and not SENDER_NAME.match(sms_sender_name):
        errors["sms_sender_name"] = _("11 caractères au plus : lettres sans accent, chiffres et espaces, dont une lettre.")
    if sms_monthly_budget < 0:
        errors["sms_monthly_budget"] = _("Le budget ne peut pas être négatif.")
    if errors:
        raise ValidationFailed(details=errors)
    values = {
        "quiet_start": quiet_start.replace(second=0, microsecond=0),
        "quiet_end": quiet_end.replace(second=0, microsecond=0),
        "quiet_weekends": quiet_weekends,
        "digest_hour": digest_hour.replace(second=0, microsecond=0),
        "allow_urgent_in_quiet_hours": allow_urgent_in_quiet_hours,
        "sms_monthly_budget": sms_monthly_budget,
        "sms_sender_name": sms_sender_name,
    }
    with transaction.atomic():
        row, created = EstablishmentNotificationSettings.objects.select_for_update().get_or_create(establishment=establishment)
        if seen_version is not None and not created and seen_version != settings_version(row):
            who = str(row.updated_by) if row.updated_by else _("quelqu'un d'autre")
            raise Conflict(
                _("%(who)s a modifié ces réglages pendant que vous les changiez. Voici les valeurs actuelles : refaites vos changements si besoin.")
                % {"who": who}
            )
        changes: dict[str, Any] = audit.diff(row, FIELDS, values)
        if changes:
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_by = actor
            row.save(update_fields=[*FIELDS, "updated_by", "updated_at"])
            audit.record(
                actor=actor, action="notifications.settings_changed", obj=row, establishment=establishment,
                object_repr=str(establishment), changes=changes,
            )
    return row
