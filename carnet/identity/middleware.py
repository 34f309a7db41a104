"""Keep a row per signed-in browser so that its owner can list and end it.

`last_seen_at` is written at most once every five minutes per session, so reading a page costs
no write in the common case."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from carnet.identity.models import UserSession

TOUCH_EVERY = timedelta(minutes=5)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class SessionTrackingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.session_key:
            self._touch(request, user)
        return self.get_response(request)

    @staticmethod
    def _touch(request, user) -> None:
        now = timezone.now()
        key = request.session.session_key
        seen = request.session.get("_carnet_seen")
        if seen and now.timestamp() - seen < TOUCH_EVERY.total_seconds():
            return
        updated = UserSession.objects.filter(session_key=key, user=user).update(last_seen_at=now)
        if not updated:
            UserSession.objects.create(
                user=user,
                session_key=key,
                public_id=uuid.uuid4(),
                created_at=now,
                last_seen_at=now,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        request.session["_carnet_seen"] = now.timestamp()
