"""E-mail through Django's mail framework (file backend in the demo, locmem in tests, SMTP in
production through CARNET_EMAIL_* settings)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from carnet.notifications.backends import ChannelBackend, OutgoingMessage, SendResult
from carnet.notifications.kinds import Channel

log = logging.getLogger(__name__)


class EmailChannel(ChannelBackend):
    channel = Channel.EMAIL

    def address(self, user) -> str:
        return (user.email or "").strip()

    def send(self, *, user, message: OutgoingMessage) -> SendResult:
        to = self.address(user)
        if not to:
            return SendResult(ok=False, error="no e-mail address")
        email = EmailMultiAlternatives(
            subject=message.subject, body=message.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any transport failure is a failed delivery
            log.warning("E-mail to user %s failed: %s", user.pk, exc)
            return SendResult(ok=False, error=str(exc)[:300])
        return SendResult(ok=True)
