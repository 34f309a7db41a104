"""Reads of the notifications app, each starting from what the person may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from carnet.notifications import kinds
from carnet.notifications.models import (
    Delivery,
    EstablishmentNotificationSettings,
    Notification,
    NotificationPreference,
    PushSubscription,
    SmsUsage,
    UserQuietHours,
)
from carnet.notifications.policies import notifications_visible_to, push_subscriptions_visible_to
from carnet.notifications.quiet import zone
from carnet.notifications.scheduling import default_settings, governance, governing_establishments


def notifications_for(actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's notifications, unread first, newest first within each."""
    queryset = notifications_visible_to(actor)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return queryset.order_by(unread.desc(), "-created_at", "-id")


def unread_count(actor) -> int:
    return notifications_visible_to(actor).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class PreferenceCell:
    channel: str
    channel_label: str
    mode: str
    choices: list[tuple[str, str]]
    is_default: bool


@dataclass(frozen=True)
class PreferenceRow:
    kind: kinds.Kind
    cells: list[PreferenceCell]


def preference_grid(actor) -> list[PreferenceRow]:
    """Every declared kind with the actor's mode on each channel (one query). A channel the kind
    does not use has no cell choices."""
    chosen = {
        (kind, channel): mode
        for kind, channel, mode in NotificationPreference.objects.filter(user_id=actor.pk).values_list("kind", "channel", "mode")
    }
    labels = dict(kinds.Mode.choices)
    rows = []
    for kind in kinds.all_kinds():
        cells = []
        for channel, channel_label in kinds.Channel.choices:
            allowed = kind.allowed_modes(channel)
            default = kind.default_mode(channel)
            mode = chosen.get((kind.code, channel), default)
            if mode not in allowed:
                mode = default
            cells.append(
                PreferenceCell(channel, str(channel_label), mode, [(m, str(labels[m])) for m in allowed], mode == default)
            )
        rows.append(PreferenceRow(kind, cells))
    return rows


def push_devices_for(actor) -> list[PushSubscription]:
    """The actor's browsers that receive web push, newest first (one query)."""
    return list(push_subscriptions_visible_to(actor).order_by("-created_at", "-id"))


def own_quiet_hours(actor) -> UserQuietHours | None:
    return UserQuietHours.objects.filter(user_id=actor.pk).first()


def governing_settings(actor) -> EstablishmentNotificationSettings | None:
    """The settings of the establishment that governs the actor's notifications, if any."""
    establishment_id = governing_establishments([actor.pk]).get(actor.pk)
    if establishment_id is None:
        return None
    return governance(user_ids=[], establishment_ids=[establishment_id]).settings_of(establishment_id)


def settings_for(establishment) -> EstablishmentNotificationSettings:
    """The establishment's settings, or the defaults it has until someone saves them."""
    row = EstablishmentNotificationSettings.objects.filter(establishment=establishment).first()
    if row is None:
        return default_settings(establishment)
    row.establishment = establishment
    return row


def sms_used_this_month(establishment) -> int:
    month = SmsUsage.month_of(timezone.now(), establishment.time_zone)
    return SmsUsage.objects.filter(establishment=establishment, month=month).values_list("count", flat=True).first() or 0


def _month_start(establishment) -> dt.datetime:
    month = SmsUsage.month_of(timezone.now(), establishment.time_zone)
    return dt.datetime.combine(month, dt.time(0, 0), tzinfo=zone(establishment.time_zone))


def sms_usage_history(establishment, months: int = 6) -> list[SmsUsage]:
    return list(SmsUsage.objects.filter(establishment=establishment).order_by("-month")[:months])


def delivery_counts_this_month(establishment) -> list[dict]:
    """Per outgoing channel, this month's deliveries governed by the establishment: sent, waiting
    (for a digest or the end of quiet hours), failed, and skipped (no address, SMS budget spent)."""
    rows = (
        Delivery.objects.filter(establishment=establishment, created_at__gte=_month_start(establishment))
        .values("channel", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[str, str], int] = {(row["channel"], row["status"]): row["n"] for row in rows}
    S = Delivery.Status
    result = []
    for channel in kinds.OUTGOING_CHANNELS:
        def n(*statuses, channel=channel):
            return sum(counts.get((channel.value, status.value), 0) for status in statuses)

        result.append(
            {
                "channel": channel.value,
                "label": str(channel.label),
                "sent": n(S.SENT),
                "waiting": n(S.PENDING, S.HELD_QUIET),
                "failed": n(S.FAILED),
                "skipped": n(S.SKIPPED_NO_ADDRESS, S.SKIPPED_BUDGET),
            }
        )
    return result


def unreachable_by_sms(establishment, limit: int = 20) -> list[dict]:
    """People whose SMS failed or who have no number, most recent first: the list of numbers to
    check with families."""
    rows = (
        Delivery.objects.filter(
            establishment=establishment,
            channel=kinds.Channel.SMS,
            status__in=[Delivery.Status.FAILED, Delivery.Status.SKIPPED_NO_ADDRESS],
        )
        .values("recipient__public_id", "recipient__first_name", "recipient__last_name", "recipient__phone", "status", "error")
        .order_by("-created_at", "-id")[:500]
    )
    people: dict = {}
    for row in rows:
        people.setdefault(row["recipient__public_id"], row)
        if len(people) >= limit:
            break
    return list(people.values())
