"""What a person changes on their own notifications: read marks, preferences, quiet hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.core.errors import NotFound, ValidationFailed
from carnet.notifications import kinds
from carnet.notifications.models import Notification, NotificationPreference, UserQuietHours


def mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (idempotent: the first reading time stays)."""
    if notification.recipient_id != actor.pk:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())


def set_preferences(*, actor, modes: Mapping[tuple[str, str], str]) -> int:
    """Set the actor's mode for (kind code, channel) pairs. A mode equal to the kind's default
    is stored as no row, so a later change of default reaches the person.

    All pairs are checked before any is written: an unknown kind, a channel the kind does not
    use or a mode the channel does not offer raises ValidationFailed with details per pair.
    Returns how many pairs changed."""
    errors: dict[str, str] = {}
    for (code, channel), mode in modes.items():
        kind = kinds.find(code)
        key = f"{code}.{channel}"
        if kind is None:
            errors[key] = _("Type de notification inconnu.")
        elif channel not in kind.channels:
            errors[key] = _("Ce type de notification n'utilise pas ce canal.")
        elif mode not in kind.allowed_modes(channel):
            errors[key] = _("Ce choix n'est pas possible pour ce canal.")
    if errors:
        raise ValidationFailed(details=errors)

    existing = {
        (p.kind, p.channel): p for p in NotificationPreference.objects.filter(user_id=actor.pk, kind__in={code for code, _channel in modes})
    }
    changed = 0
    with transaction.atomic():
        for (code, channel), mode in modes.items():
            row = existing.get((code, channel))
            current = row.mode if row is not None else kinds.get(code).default_mode(channel)
            if mode == current:
                continue
            changed += 1
            if row is None:
                NotificationPreference.objects.create(user_id=actor.pk, kind=code, channel=channel, mode=mode)
            elif mode == kinds.get(code).default_mode(channel):
                row.delete()
            else:
                row.mode = mode
                row.save(update_fields=["mode", "updated_at"])
    return changed


def set_quiet_hours(
    *,
    actor,
    follow_establishment: bool,
    start: dt.time | None = None,
    end: dt.time | None = None,
    weekends: bool = True,
) -> UserQuietHours | None:
    """Give the actor their own quiet hours, or (`follow_establishment`) go back to those of
    their establishment. Equal start and end mean no quiet hours at night."""
    if follow_establishment:
        UserQuietHours.objects.filter(user_id=actor.pk).delete()
        return None
    if start is None or end is None:
        raise ValidationFailed(details={"quiet_hours": _("Indiquez le début et la fin des heures calmes.")})
    row, _created = UserQuietHours.objects.update_or_create(
        user_id=actor.pk, defaults={"quiet_start": start, "quiet_end": end, "quiet_weekends": weekends}
    )
    return row


@dataclass(frozen=True)
class QuietChoice:
    """A person's choice of quiet hours: the establishment's, or their own window."""

    follow_establishment: bool
    start: dt.time | None = None
    end: dt.time | None = None
    weekends: bool = True


def save_preferences(*, actor, modes: Mapping[tuple[str, str], str], quiet: QuietChoice | None = None) -> int:
    """Modes and quiet hours together: both change or neither does. Returns how many modes changed."""
    with transaction.atomic():
        changed = set_preferences(actor=actor, modes=modes)
        if quiet is not None:
            set_quiet_hours(
                actor=actor, follow_establishment=quiet.follow_establishment, start=quiet.start, end=quiet.end,
                weekends=quiet.weekends,
            )
    return changed
