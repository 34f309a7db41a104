"""Signing in: finding the account, throttling, checking the password, the second step.

The order matters: the throttles are consulted BEFORE any password hash is computed, so a blocked
attacker costs the server nothing and learns nothing. An unknown identifier costs one hash as well
(like Django's ModelBackend), so the answer time does not tell whether an account exists."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp
from django.contrib.auth import get_user_model, login
from django.contrib.auth.hashers import make_password
from django.core.cache import cache

from carnet.identity import devices, hooks, throttle
from carnet.identity.sessions import client_ip, describe_user_agent, record_session

User = get_user_model()

BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING_KEY = "_carnet_pending_2fa"
PENDING_SECONDS = 5 * 60


def find_account(identifier: str):
    """The active or inactive account named by an identifier or an e-mail address, or None.

    An e-mail address shared by several accounts names none of them (the identifier must be used)."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    found = list(User.objects.filter(username__iexact=identifier)[:2])
    if not found and "@" in identifier:
        found = list(User.objects.filter(email__iexact=identifier)[:2])
    return found[0] if len(found) == 1 else None


def account_key(identifier: str, user) -> str:
    """The per-account throttle key: the account when it exists, else what was typed, so that an
    unknown identifier is throttled exactly like a real one (no tell)."""
    return f"user:{user.pk}" if user is not None else "name:" + (identifier or "").strip().lower()


@dataclass(frozen=True)
class Attempt:
    """The outcome of one sign-in attempt. `user` is set only when the password was right and
    the account is active; `wait` is the number of seconds to wait when blocked."""

    user: object = None
    wait: int = 0

    @property
    def blocked(self) -> bool:
        return self.wait > 0


def attempt_password(request, identifier: str, password: str) -> Attempt:
    user = find_account(identifier)
    address = client_ip(request)
    nonce = devices.trusted_nonce(request, user)
    if nonce:
        wait = throttle.login_device().blocked_for(nonce)
    else:
        wait = max(
            throttle.login_account().blocked_for(account_key(identifier, user)),
            throttle.login_address().blocked_for(address),
        )
    if wait:
        return Attempt(wait=wait)

    if user is None:
        make_password(password)  # same cost as a real check
        ok = False
    else:
        ok = user.check_password(password) and user.is_active

    if ok:
        if nonce:
            throttle.login_device().reset(nonce)
        else:
            throttle.login_account().reset(account_key(identifier, user))
        return Attempt(user=user)
    if nonce:
        throttle.login_device().fail(nonce)
    else:
        throttle.login_account().fail(account_key(identifier, user))
        throttle.login_address().fail(address)
    return Attempt()


# --- Completing the sign-in ---------------------------------------------------------------------
def start_session(request, user) -> None:
    """Log `user` in (Django rotates the session key) and record the browser."""
    request.session.pop(PENDING_KEY, None)
    known_browser = bool(devices.trusted_nonce(request, user)) or user.last_login is None
    login(request, user, backend=BACKEND)
    record_session(request, user)
    if not known_browser:
        hooks.security_event(
            user, "new_device",
            device=describe_user_agent(request.META.get("HTTP_USER_AGENT", "")), address=client_ip(request) or "",
        )


def begin_second_step(request, user, *, next_url: str = "") -> None:
    """The password was right and a second factor is on: remember who is half-way (in a fresh
    session key) without authenticating the session."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"uid": user.pk, "at": time.time(), "next": next_url}


def pending_user(request):
    """The account waiting for its second factor in this session, or None (expired, gone)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("uid"), is_active=True).first()


def pending_next(request) -> str:
    pending = request.session.get(PENDING_KEY) or {}
    return pending.get("next", "") if isinstance(pending, dict) else ""


def verify_totp(user, code: str) -> bool:
    """A code of the user's authenticator, ±30 s; each code counts once (no replay)."""
    code = "".join(c for c in (code or "") if c.isdigit())
    if not user.has_totp or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time()
    for offset in (0, -30, 30):
        at = now + offset
        if totp.at(at) == code:
            step = int(at // 30)
            return cache.add(f"carnet:totp-used:{user.pk}:{step}", True, timeout=120)
    return False


def attempt_second_factor(request, user, code: str) -> Attempt:
    key = f"user:{user.pk}"
    wait = throttle.second_factor().blocked_for(key)
    if wait:
        return Attempt(wait=wait)
    if verify_totp(user, code):
        throttle.second_factor().reset(key)
        return Attempt(user=user)
    throttle.second_factor().fail(key)
    return Attempt()
