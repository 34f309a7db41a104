"""SMS through the transport of `carnet.core.sms` (CARNET_SMS_BACKEND). The text arrives here
already fitted to one GSM-7 message; the budget is counted by the caller."""

from __future__ import annotations

from carnet.core import sms
from carnet.notifications.backends import ChannelBackend, OutgoingMessage, SendResult
from carnet.notifications.kinds import Channel


class SmsChannel(ChannelBackend):
    channel = Channel.SMS

    def address(self, user) -> str:
        return (getattr(user, "phone", "") or "").strip()

    def send(self, *, user, message: OutgoingMessage) -> SendResult:
        to = self.address(user)
        if not to:
            return SendResult(ok=False, error="no phone number")
        text = message.sms or sms.truncate_sms(" ".join(message.subject.split()))
        result = sms.send_sms(to=to, text=text)
        return SendResult(ok=result.ok, error=result.error[:300], provider_id=result.provider_id)
