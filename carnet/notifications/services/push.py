"""A person's browsers that receive web push: registering one (or refreshing it), removing one."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from carnet.core.errors import NotFound, ValidationFailed
from carnet.notifications.models import PushSubscription
from carnet.notifications.vapid import b64url, b64url_decode

log = logging.getLogger(__name__)

#: Browsers kept per person; registering one more drops the one that has been silent longest.
MAX_DEVICES = 20
#: The session remembers the endpoint its browser registered, so that signing out stops it.
SESSION_ENDPOINT = "_carnet_push_endpoint"


def push_service_allowed(endpoint: str) -> bool:
    """Is `endpoint` an https address on one of the push services of CARNET_PUSH_SERVICE_HOSTS?
    Carnet posts to the endpoint a person gives it, so it must never be a host of our own network."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password or port not in (None, 443):
        return False
    return any(host == known or host.endswith("." + known) for known in settings.CARNET_PUSH_SERVICE_HOSTS)


def _clean_keys(p256dh: str, auth: str, errors: dict[str, str]) -> tuple[str, str]:
    try:
        point = b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError("not an uncompressed point")
    except ValueError:
        errors["p256dh"] = _("La clé du navigateur n'est pas valide.")
        point = b""
    try:
        secret = b64url_decode(auth)
        if len(secret) != 16:
            raise ValueError("not 16 bytes")
    except ValueError:
        errors["auth"] = _("Le secret du navigateur n'est pas valide.")
        secret = b""
    return b64url(point), b64url(secret)


def register_push_subscription(
    *, actor, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """Register the subscription a browser's Push API gave (`subscription.toJSON()`), or refresh
    it when its endpoint is known: keys and browser updated, failures forgotten. Returns the row
    and whether it is new.

    An endpoint known for another person moves to the actor: a browser reaches only the last
    person who subscribed on it (a shared family phone). A person keeps MAX_DEVICES browsers at
    most; one more drops the one silent longest.

    Refuses with ValidationFailed (details per field, nothing written) an endpoint that is not an
    https address on a known push service, and keys that are not a P-256 point and a 16-byte secret."""
    endpoint = (endpoint or "").strip()
    errors: dict[str, str] = {}
    if len(endpoint) > 1000 or not push_service_allowed(endpoint):
        errors["endpoint"] = _("Ce navigateur utilise un service de notification que Carnet ne connaît pas.")
    p256dh, auth = _clean_keys(p256dh or "", auth or "", errors)
    if errors:
        raise ValidationFailed(details=errors)
    with transaction.atomic():
        previous = PushSubscription.objects.filter(endpoint=endpoint).values_list("user_id", flat=True).first()
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": actor,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": (user_agent or "")[:300],
                "failure_count": 0,
                "last_error": "",
            },
        )
        if previous is not None and previous != actor.pk:
            log.info("Push subscription %s moved from user %s to user %s", subscription.pk, previous, actor.pk)
        surplus = list(
            PushSubscription.objects.filter(user_id=actor.pk)
            .exclude(pk=subscription.pk)
            .order_by(F("last_success_at").desc(nulls_last=True), "-created_at", "-id")
            .values_list("pk", flat=True)[MAX_DEVICES - 1 :]
        )
        if surplus:
            PushSubscription.objects.filter(pk__in=surplus).delete()
    return subscription, created


def remove_push_subscription(*, actor, subscription: PushSubscription) -> None:
    """Stop sending to one of the actor's browsers. Another person's subscription is NotFound."""
    if subscription.user_id != actor.pk:
        raise NotFound()
    subscription.delete()


def forget_browser_at_sign_out(*, user, session) -> int:
    """Signing out of a browser stops its web push: on a shared family phone, the next person must
    not see the previous one's notifications. Returns how many subscriptions went (0 or 1)."""
    endpoint = session.get(SESSION_ENDPOINT) if session is not None else None
    if not endpoint or user is None:
        return 0
    deleted, _by_model = PushSubscription.objects.filter(user_id=user.pk, endpoint=endpoint).delete()
    return deleted
