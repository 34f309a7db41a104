"""Outgoing channels behind one interface: `address(user)` says whether and where a person can be
reached (`reachable(users)` for many at once), `send(user=, message=)` hands one message to the
transport and says how it went.

E-mail goes through Django's mail (EMAIL_BACKEND), SMS through `carnet.core.sms`
(CARNET_SMS_BACKEND), web push through the backend named by CARNET_PUSH_BACKEND. The in-app
channel needs no backend: it is the Notification row itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from carnet.notifications.kinds import Channel


@dataclass(frozen=True)
class OutgoingMessage:
    """One message in every form a channel may need: `subject` (e-mail subject, push title),
    `text` and `html` (e-mail bodies), `short` (push body), `sms` (fitted to one GSM-7 SMS) and
    `url` (absolute link to open)."""

    subject: str
    text: str
    html: str = ""
    short: str = ""
    sms: str = ""
    url: str = ""


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str = ""
    provider_id: str = ""


class ChannelBackend:
    channel: str = ""

    def address(self, user) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def send(self, *, user, message: OutgoingMessage) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError

    def reachable(self, users: Iterable) -> set[int]:
        """The ids of the `users` this channel can reach; backends that look addresses up in the
        database answer for everyone in one query."""
        return {user.pk for user in users if self.address(user)}


def get_channel(channel: str) -> ChannelBackend:
    from carnet.notifications.backends.email import EmailChannel
    from carnet.notifications.backends.push import PushChannel
    from carnet.notifications.backends.sms import SmsChannel

    channels: dict[str, type[ChannelBackend]] = {
        Channel.EMAIL: EmailChannel,
        Channel.SMS: SmsChannel,
        Channel.PUSH: PushChannel,
    }
    try:
        return channels[channel]()
    except KeyError:
        raise ValueError(f"No outgoing backend for channel {channel!r}") from None
