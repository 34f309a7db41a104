"""Device cookies (OWASP "Slow down online guessing attacks with device cookies").

A successful sign-in leaves a signed, long-lived cookie in the browser naming the account and a
random nonce. Later attempts on THAT account from a browser holding it are trusted: they are not
blocked by the lockout that strangers cause on the account or on a shared address (a school or a
family behind one public address), and they have their own small counter keyed by the nonce.

The cookie is signed with SECRET_KEY, so it cannot be forged; a stolen one only spares its thief
the lockout for one account, never the password. A browser keeps cookies for a few accounts (a
family computer)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing

COOKIE_NAME = "carnet_device"
COOKIE_AGE = 180 * 24 * 60 * 60
SALT = "carnet.identity.device"
MAX_ACCOUNTS = 5


def _entries(request) -> list[list[str]]:
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=SALT, max_age=COOKIE_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, list) and len(e) == 2 and all(isinstance(p, str) for p in e)]


def trusted_nonce(request, user) -> str | None:
    """The nonce of this browser's valid device cookie for `user`, or None."""
    if user is None:
        return None
    account = user.public_id.hex
    for owner, nonce in _entries(request):
        if owner == account:
            return nonce
    return None


def remember(request, response, user) -> None:
    """Put (or refresh) the device cookie for `user` on `response`."""
    account = user.public_id.hex
    entries = [e for e in _entries(request) if e[0] != account]
    nonce = trusted_nonce(request, user) or secrets.token_urlsafe(16)
    entries = [[account, nonce], *entries][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(entries, salt=SALT, compress=True),
        max_age=COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
