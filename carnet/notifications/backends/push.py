"""Web push behind a small interface, chosen by CARNET_PUSH_BACKEND.

- `WebPushBackend`: the real thing. Sends to every browser the person subscribed
  (`PushSubscription`), encrypted for that browser and signed with the server's VAPID key, through
  pywebpush; see its docstring and `carnet.notifications.vapid` for the settings.
- `FilePushBackend` (demo: one JSON line per message in var/outbox/push.log), `ConsolePushBackend`
  and `MemoryPushBackend` (tests: `outbox`) reach every person, subscribed or not.

A backend implements `address(user)` (where this person is reached, "" when nowhere),
`reachable(users)` (the ids of those reached, in one go) and `send(user=, title=, body=, url=)`."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path

import pywebpush
import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from carnet.notifications import vapid
from carnet.notifications.backends import ChannelBackend, OutgoingMessage, SendResult
from carnet.notifications.kinds import Channel
from carnet.notifications.models import PushSubscription

log = logging.getLogger(__name__)


class BasePushBackend:
    def address(self, user) -> str:
        """Where this person's devices are reached, or "" when they have none."""
        return f"user:{user.public_id}"

    def reachable(self, users: Iterable) -> set[int]:
        return {user.pk for user in users if self.address(user)}

    def send(self, *, user, title: str, body: str, url: str) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError


outbox: list[dict] = []


class MemoryPushBackend(BasePushBackend):
    """Tests: messages land in `carnet.notifications.backends.push.outbox`."""

    def send(self, *, user, title: str, body: str, url: str) -> SendResult:
        outbox.append({"user_id": user.pk, "title": title, "body": body, "url": url, "at": timezone.now()})
        return SendResult(ok=True, provider_id=f"mem-{len(outbox)}")


class ConsolePushBackend(BasePushBackend):
    def send(self, *, user, title: str, body: str, url: str) -> SendResult:
        sys.stdout.write(f"[push to {user.username}] {title} — {body} {url}\n")
        sys.stdout.flush()
        return SendResult(ok=True, provider_id="console")


class FilePushBackend(BasePushBackend):
    """Demo: one JSON line per message in CARNET_PUSH_FILE_PATH (var/outbox/push.log)."""

    def send(self, *, user, title: str, body: str, url: str) -> SendResult:
        path = Path(getattr(settings, "CARNET_PUSH_FILE_PATH", "var/outbox/push.log"))
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"at": timezone.now().isoformat(), "to": user.username, "title": title, "body": body, "url": url}
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return SendResult(ok=True, provider_id="file")


class WebPushBackend(BasePushBackend):
    """Web Push (RFC 8030) to every browser the person subscribed, each message encrypted for
    that browser (RFC 8291, aes128gcm) and signed with the VAPID key (RFC 8292).

    The payload is the JSON `{"title", "body", "url"}` that the service worker (/sw.js) shows. A
    push service answering 404 or 410 says the browser dropped the subscription: the row is
    deleted. Any other failure (refusal, timeout, network) adds one to the subscription's
    `failure_count`, keeps the error and is logged; the next message that gets through resets it.
    The send succeeds when at least one browser accepted the message.

    Settings: CARNET_VAPID_PRIVATE_KEY, CARNET_VAPID_PUBLIC_KEY, CARNET_VAPID_SUBJECT (checked at
    start-up by `carnet check`); CARNET_PUSH_SERVICE_HOSTS lists the push services browsers may
    name as endpoints."""

    #: How long a push service keeps a message for a browser that is offline: a phone switched off
    #: at night still shows the day's news next morning; after a day the digest has said it.
    ttl = 24 * 60 * 60
    #: RFC 8030 §5.3 "normal": delivered on battery and mobile data, held only on a low battery.
    urgency = "normal"
    #: Seconds to wait for a push service, connecting and answering.
    timeout = 10

    def address(self, user) -> str:
        return PushSubscription.objects.filter(user_id=user.pk).values_list("endpoint", flat=True).first() or ""

    def reachable(self, users: Iterable) -> set[int]:
        ids = {user.pk for user in users}
        return set(PushSubscription.objects.filter(user_id__in=ids).values_list("user_id", flat=True).distinct())

    def send(self, *, user, title: str, body: str, url: str) -> SendResult:
        subscriptions = list(PushSubscription.objects.filter(user_id=user.pk).order_by("id"))
        if not subscriptions:
            return SendResult(ok=False, error="no push subscription")
        try:
            keys = vapid.config()
        except vapid.VapidError as exc:
            log.error("Web push is not configured: %s", exc)
            return SendResult(ok=False, error=str(exc)[:300])
        payload = json.dumps({"title": title, "body": body, "url": url}, ensure_ascii=False)
        delivered, errors = 0, []
        with requests.Session() as session:
            for subscription in subscriptions:
                error = self._send_one(subscription, payload, keys, session)
                if error:
                    errors.append(error)
                else:
                    delivered += 1
        if delivered:
            return SendResult(ok=True, provider_id=f"webpush {delivered}/{len(subscriptions)}")
        return SendResult(ok=False, error="; ".join(errors)[:300])

    def _send_one(self, subscription: PushSubscription, payload: str, keys: vapid.VapidConfig, session) -> str:
        """Send to one browser and keep the subscription's books; returns the error, "" when sent."""
        try:
            pywebpush.webpush(
                subscription_info=subscription.info,
                data=payload,
                vapid_private_key=keys.signer,
                vapid_claims={"sub": keys.subject},
                ttl=self.ttl,
                headers={"Urgency": self.urgency},
                timeout=self.timeout,
                requests_session=session,
            )
        except pywebpush.WebPushException as exc:
            response = exc.response
            status = getattr(response, "status_code", None)
            if status in (404, 410):
                PushSubscription.objects.filter(pk=subscription.pk).delete()
                log.info("Push subscription %s of user %s is gone (%s): deleted", subscription.pk, subscription.user_id, status)
                return f"subscription gone ({status})"
            detail = f"{status} {getattr(response, 'reason', '')} {getattr(response, 'text', '')[:100]}".strip()
            error = f"push service refused: {detail}" if status else f"push failed: {exc.message}"
        except Exception as exc:  # noqa: BLE001 - a network error or a broken subscription must not stop the others
            error = f"{type(exc).__name__}: {exc}"
        else:
            PushSubscription.objects.filter(pk=subscription.pk).update(
                last_success_at=timezone.now(), failure_count=0, last_error=""
            )
            return ""
        error = " ".join(error.split())[:300]
        PushSubscription.objects.filter(pk=subscription.pk).update(failure_count=F("failure_count") + 1, last_error=error)
        log.warning("Web push to subscription %s of user %s failed: %s", subscription.pk, subscription.user_id, error)
        return error


def get_push_backend() -> BasePushBackend:
    return import_string(settings.CARNET_PUSH_BACKEND)()


class PushChannel(ChannelBackend):
    channel = Channel.PUSH

    def __init__(self) -> None:
        self.backend = get_push_backend()

    def address(self, user) -> str:
        return self.backend.address(user)

    def reachable(self, users: Iterable) -> set[int]:
        return self.backend.reachable(users)

    def send(self, *, user, message: OutgoingMessage) -> SendResult:
        try:
            return self.backend.send(user=user, title=message.subject, body=message.short[:240], url=message.url)
        except Exception as exc:  # noqa: BLE001 - any transport failure is a failed delivery
            return SendResult(ok=False, error=str(exc)[:300])
