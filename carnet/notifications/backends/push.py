"""Web push behind a small interface, chosen by CARNET_PUSH_BACKEND.

`FilePushBackend` (demo: one JSON line per message in var/outbox/push.log), `ConsolePushBackend`
and `MemoryPushBackend` (tests: `outbox`) reach every person. A real Web Push sender (VAPID keys,
browser subscriptions, encrypted payloads) is not part of Carnet yet: it would implement the same
two methods, `address(user)` returning the person's subscription (or "" when they have none) and
`send(...)` posting to the push service."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from carnet.notifications.backends import ChannelBackend, OutgoingMessage, SendResult
from carnet.notifications.kinds import Channel


class BasePushBackend:
    def address(self, user) -> str:
        """Where this person's devices are reached, or "" when they have none."""
        return f"user:{user.public_id}"

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


def get_push_backend() -> BasePushBackend:
    return import_string(settings.CARNET_PUSH_BACKEND)()


class PushChannel(ChannelBackend):
    channel = Channel.PUSH

    def __init__(self) -> None:
        self.backend = get_push_backend()

    def address(self, user) -> str:
        return self.backend.address(user)

    def send(self, *, user, message: OutgoingMessage) -> SendResult:
        try:
            return self.backend.send(user=user, title=message.subject, body=message.short[:240], url=message.url)
        except Exception as exc:  # noqa: BLE001 - any transport failure is a failed delivery
            return SendResult(ok=False, error=str(exc)[:300])
