"""Handing deliveries to the channels: immediate ones one by one, waiting ones as digests.

Delivery is at most once: a delivery is claimed (marked sent) in a short transaction before its
message leaves, so two workers never send it twice; a failure then marks it failed with the
transport's error. An SMS costs one unit of the governing establishment's monthly budget, taken
with a conditional UPDATE, so concurrent workers never overspend; a failed SMS gives it back."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from carnet.notifications.backends import OutgoingMessage, SendResult, get_channel
from carnet.notifications.composing import digest_message, single_message
from carnet.notifications.kinds import Channel
from carnet.notifications.models import Delivery, Notification, SmsUsage
from carnet.notifications.scheduling import Governance, governance

log = logging.getLogger(__name__)
User = get_user_model()

#: An immediate delivery still pending after this long lost its task (a crash, a lost enqueue):
#: the digest run sends it.
STALE_AFTER = timedelta(minutes=10)

Status = Delivery.Status


def reserve_sms(establishment, *, budget: int, now: dt.datetime) -> bool:
    """Take one SMS from the establishment's budget for the month of `now`; False when spent."""
    if establishment is None or budget <= 0:
        return False
    month = SmsUsage.month_of(now, establishment.time_zone)
    SmsUsage.objects.get_or_create(establishment=establishment, month=month)
    taken = SmsUsage.objects.filter(establishment=establishment, month=month, count__lt=budget).update(
        count=F("count") + 1
    )
    return taken == 1


def release_sms(establishment, *, now: dt.datetime) -> None:
    month = SmsUsage.month_of(now, establishment.time_zone)
    SmsUsage.objects.filter(establishment=establishment, month=month, count__gt=0).update(count=F("count") - 1)


def _claim(ids: Sequence[int], now: dt.datetime) -> list[int]:
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(id__in=ids, status__in=Delivery.WAITING)
            .values_list("id", flat=True)
        )
        Delivery.objects.filter(id__in=claimed).update(status=Status.SENT, sent_at=now, error="")
    return claimed


def _dispatch(
    ids: Sequence[int],
    *,
    user,
    channel: str,
    establishment,
    rules: Governance,
    compose: Callable[[list[int]], OutgoingMessage],
    now: dt.datetime,
) -> tuple[str, int]:
    """Send one message standing for the deliveries `ids` (all for `user` on `channel`).
    Returns the final status and how many deliveries it covers."""
    claimed = _claim(ids, now)
    if not claimed:
        return "", 0
    backend = get_channel(channel)

    def finish(status: str, error: str = "") -> tuple[str, int]:
        if status != Status.SENT:
            Delivery.objects.filter(id__in=claimed).update(status=status, sent_at=None, error=error[:300])
        return status, len(claimed)

    if not user.is_active:
        return finish(Status.SKIPPED_NO_ADDRESS, "account deactivated")
    if not backend.address(user):
        return finish(Status.SKIPPED_NO_ADDRESS)
    establishment_id = establishment.pk if establishment is not None else None
    if channel == Channel.SMS and not reserve_sms(establishment, budget=rules.sms_budget(establishment_id), now=now):
        return finish(Status.SKIPPED_BUDGET, "monthly SMS budget spent")
    try:
        result = backend.send(user=user, message=compose(claimed))
    except Exception as exc:  # noqa: BLE001 - a broken message must not stop the others
        log.exception("Delivery %s to user %s failed", channel, user.pk)
        result = SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
    if not result.ok:
        if channel == Channel.SMS:
            release_sms(establishment, now=now)
        return finish(Status.FAILED, result.error or "failed")
    return finish(Status.SENT)


def deliver_now(delivery_ids: Sequence[int]) -> dict[str, int]:
    """Send the given immediate deliveries that are still pending; one message each.
    Returns how many ended in each status."""
    now = timezone.now()
    deliveries = list(
        Delivery.objects.filter(id__in=delivery_ids, status=Status.PENDING, in_digest=False).select_related(
            "notification", "recipient", "establishment"
        )
    )
    rules = governance(
        user_ids={d.recipient_id for d in deliveries}, establishment_ids={d.establishment_id for d in deliveries}
    )
    outcome: Counter[str] = Counter()
    for delivery in deliveries:

        def compose(claimed, delivery=delivery):
            return single_message(delivery.notification, user=delivery.recipient, establishment=delivery.establishment)

        status, count = _dispatch(
            [delivery.pk], user=delivery.recipient, channel=delivery.channel, establishment=delivery.establishment,
            rules=rules, compose=compose, now=now,
        )
        if status:
            outcome[status] += count
    return dict(outcome)


def send_digests(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every digest that is due: per person, channel and governing establishment, ONE
    message covering all their waiting deliveries (held by quiet hours or set to digest) whose
    time has come. A group whose person is in quiet hours now (their settings changed since) is
    moved to the end of those quiet hours. Immediate deliveries that lost their task are sent too.

    Safe to run every few minutes and from several workers. Returns the count per status."""
    now = now or timezone.now()
    outcome: Counter[str] = Counter()

    stale = list(
        Delivery.objects.filter(status=Status.PENDING, in_digest=False, scheduled_for__lte=now - STALE_AFTER)
        .values_list("id", flat=True)[:1000]
    )
    if stale:
        outcome.update(deliver_now(stale))

    due = list(
        Delivery.objects.filter(status__in=Delivery.WAITING, in_digest=True, scheduled_for__lte=now)
        .order_by("recipient_id", "channel", "establishment_id", "notification__created_at", "id")
        .values_list("id", "recipient_id", "channel", "establishment_id", "notification_id")
    )
    if not due:
        return dict(outcome)
    groups: dict[tuple[int, str, Any], list[tuple[int, int]]] = {}
    for delivery_id, user_id, channel, establishment_id, notification_id in due:
        groups.setdefault((user_id, channel, establishment_id), []).append((delivery_id, notification_id))

    users = User.objects.in_bulk({key[0] for key in groups})
    rules = governance(user_ids=users.keys(), establishment_ids={key[2] for key in groups})
    for (user_id, channel, establishment_id), rows in groups.items():
        user = users[user_id]
        schedule = rules.schedule(user_id, establishment_id)
        ids = [delivery_id for delivery_id, _ in rows]
        if schedule.is_quiet(now):
            Delivery.objects.filter(id__in=ids).update(scheduled_for=schedule.next_open(now))
            continue
        row = rules.settings_of(establishment_id)
        establishment = row.establishment if row is not None else None
        notification_of = dict(rows)

        def compose(claimed, user=user, establishment=establishment, row=row, notification_of=notification_of):
            notifications = list(
                Notification.objects.filter(id__in=[notification_of[i] for i in claimed]).order_by("created_at", "id")
            )
            return digest_message(
                notifications, user=user, establishment=establishment, sms_prefix=row.sms_prefix if row else "Carnet"
            )

        status, count = _dispatch(
            ids, user=user, channel=channel, establishment=establishment, rules=rules, compose=compose, now=now
        )
        if status:
            outcome[status] += count
    return dict(outcome)
