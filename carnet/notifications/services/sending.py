"""`notify(...)`: the one call every module makes to tell people something."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from carnet.notifications import kinds
from carnet.notifications.backends import get_channel
from carnet.notifications.composing import default_sms_text, fit_sms
from carnet.notifications.kinds import Channel, Kind, Mode
from carnet.notifications.models import Delivery, Notification, NotificationPreference
from carnet.notifications.quiet import Schedule
from carnet.notifications.scheduling import governance, governing_establishments

#: Deliveries handed to one background task; keeps a task short and a retry cheap.
TASK_BATCH = 100


def effective_modes(user_ids: Iterable[int], kind: Kind) -> dict[tuple[int, str], str]:
    """(user id, channel) -> mode for one kind: the person's choice, else the kind's default."""
    ids = list(user_ids)
    modes = {(user_id, channel): kind.default_mode(channel) for user_id in ids for channel in Channel.values}
    chosen = NotificationPreference.objects.filter(user_id__in=ids, kind=kind.code).values_list("user_id", "channel", "mode")
    for user_id, channel, mode in chosen:
        if mode in kind.allowed_modes(channel):
            modes[(user_id, channel)] = mode
    return modes


def _check_url(url: str) -> None:
    if url and not (
        (url.startswith("/") and not url.startswith("//")) or url.startswith(("https://", "http://"))
    ):
        raise ValueError(f"A notification links to a local path or an http(s) address, not {url!r}")


def _plan(*, notification, kind: Kind, channel: str, mode: str, reachable: bool, schedule: Schedule,
          establishment_id, now: dt.datetime) -> Delivery:
    delivery = Delivery(
        notification=notification,
        recipient_id=notification.recipient_id,
        establishment_id=establishment_id,
        channel=channel,
        scheduled_for=now,
        created_at=now,
    )
    if not reachable:
        delivery.status = Delivery.Status.SKIPPED_NO_ADDRESS
    elif mode == Mode.DIGEST:
        delivery.in_digest = True
        delivery.scheduled_for = schedule.next_digest(now)
    elif not schedule.may_push(now, urgent=kind.urgent):
        delivery.status = Delivery.Status.HELD_QUIET
        delivery.in_digest = True
        delivery.scheduled_for = schedule.next_digest(now)
    return delivery


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    from carnet.notifications.tasks import deliver

    for start in range(0, len(delivery_ids), TASK_BATCH):
        deliver.enqueue(delivery_ids[start : start + TASK_BATCH])


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    establishment=None,
    data: Mapping | None = None,
    sms_text: str | None = None,
) -> list[Notification]:
    """Tell each recipient something, in-app at once and on the other channels as each chose.

    Preconditions: `kind` is declared (`kinds.register`); `url` is a local path or an http(s)
    address; `data` is JSON-serialisable. Inactive and repeated recipients are skipped.

    Guarantees: one Notification per recipient (filed as already read when the person turned the
    in-app channel off for this kind) and one Delivery per outgoing channel not set to "never":
    immediate ones are handed to background tasks after the commit, unless the recipient is in
    quiet hours (then held for the next digest, except urgent kinds where the establishment
    allows it); digest ones wait for the recipient's next digest. SMS only for kinds that allow
    it, fitted to one 160-character GSM-7 message. A person without an address on a channel gets a
    `skipped_no_address` delivery there. About ten queries whatever the number of recipients."""
    spec = kinds.get(kind)
    _check_url(url)
    users = []
    seen: set[int] = set()
    for user in recipients:
        if user.is_active and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    if not users:
        return []

    now = timezone.now()
    user_ids = [user.pk for user in users]
    if establishment is not None:
        governing = dict.fromkeys(user_ids, establishment.pk)
    else:
        governing = governing_establishments(user_ids)
    rules = governance(user_ids=user_ids, establishment_ids=governing.values())
    modes = effective_modes(user_ids, spec)
    backends = {channel: get_channel(channel) for channel in kinds.OUTGOING_CHANNELS if channel in spec.channels}
    reachable: dict[str, set[int]] = {channel: backend.reachable(users) for channel, backend in backends.items()}
    fitted_sms = fit_sms(sms_text) if sms_text else None

    rows = []
    for user in users:
        wants_sms = Channel.SMS in backends and modes[(user.pk, Channel.SMS)] != Mode.NEVER
        rows.append(
            Notification(
                recipient=user,
                establishment=establishment,
                kind=spec.code,
                title=title[:200],
                body=body,
                url=url,
                data=dict(data or {}),
                sms_text=(
                    fitted_sms or default_sms_text(prefix=rules.sms_prefix(governing.get(user.pk)), title=title, body=body)
                )
                if wants_sms
                else "",
                created_at=now,
                read_at=now if modes[(user.pk, Channel.IN_APP)] == Mode.NEVER else None,
            )
        )

    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        deliveries = []
        for notification in created:
            user_id = notification.recipient_id
            establishment_id = governing.get(user_id)
            schedule = rules.schedule(user_id, establishment_id)
            for channel in backends:
                mode = modes[(user_id, channel)]
                if mode == Mode.NEVER:
                    continue
                deliveries.append(
                    _plan(
                        notification=notification, kind=spec, channel=channel, mode=mode,
                        reachable=user_id in reachable[channel],
                        schedule=schedule, establishment_id=establishment_id, now=now,
                    )
                )
        Delivery.objects.bulk_create(deliveries)
        due_now = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING and not d.in_digest]
        if due_now:
            transaction.on_commit(lambda: enqueue_deliveries(due_now))
    return created
