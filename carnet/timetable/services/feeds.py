"""The private iCalendar feed of a person: a secret URL, shown once, that calendar applications
poll. Only the secret's SHA-256 digest is stored; creating a new one replaces (revokes) the old one,
revoking deletes it."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from carnet.audit import services as audit
from carnet.core.errors import PermissionDenied
from carnet.timetable.models import CalendarFeedToken

#: The secret: 32 random bytes, URL-safe (43 characters).
SECRET_BYTES = 32


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_feed_token(*, actor) -> tuple[CalendarFeedToken, str]:
    """A new secret for `actor`'s feed (the previous URL stops working). Returns the token and the
    secret, which is never stored and cannot be shown again."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        replaced = CalendarFeedToken.objects.filter(user=actor).delete()[0] > 0
        token = CalendarFeedToken.objects.create(
            user=actor, digest=digest_of(secret), created_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="timetable.feed_regenerated" if replaced else "timetable.feed_created",
            obj=token,
            object_repr=actor.full_name,
        )
    return token, secret


def revoke_feed_token(*, actor) -> bool:
    """Stop `actor`'s feed URL from working. Returns whether there was one."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    with transaction.atomic():
        token = CalendarFeedToken.objects.filter(user=actor).first()
        if token is None:
            return False
        audit.record(actor=actor, action="timetable.feed_revoked", obj=token, object_repr=actor.full_name)
        token.delete()
    return True


def token_for_secret(secret: str) -> CalendarFeedToken | None:
    """The active token of this secret (with its active user), or None."""
    if not secret or len(secret) > 100:
        return None
    return (
        CalendarFeedToken.objects.select_related("user")
        .filter(digest=digest_of(secret), user__is_active=True)
        .first()
    )
