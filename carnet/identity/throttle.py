"""Counting failures in the cache and blocking for a while after too many.

Works the same on the local-memory cache (one process) and on Redis (several): counters use
`add` + `incr`, which both backends perform atomically. A block starts short and grows gently with
each new block of the same key (1, 2, 4, 8 then 15 minutes by default), so that a stranger typing
wrong passwords cannot keep a real person out for long, while guessing stays hopeless.

Callers check `blocked_for()` BEFORE computing any password hash, and call `fail()` only for
attempts that were actually verified."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

#: How long a key remembers its past blocks (for the gentle growth of the next one).
STRIKE_MEMORY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Throttle:
    """At most `limit` failures per `window` seconds for one key, then a block of
    `lock_base * 2**(n-1)` seconds (capped at `lock_max`) for the n-th block in a day."""

    scope: str
    limit: int
    window: int
    lock_base: int = 60
    lock_max: int = 15 * 60

    def _key(self, kind: str, key: str) -> str:
        hashed = hashlib.sha256(str(key).encode()).hexdigest()[:32]
        return f"carnet:throttle:{self.scope}:{kind}:{hashed}"

    def blocked_for(self, key: str | None) -> int:
        """Seconds this key must still wait (0 when free)."""
        if not key:
            return 0
        until = cache.get(self._key("lock", key))
        if until is None:
            return 0
        remaining = until - time.time()
        return math.ceil(remaining) if remaining > 0 else 0

    def fail(self, key: str | None) -> int:
        """Count one failure; returns the length of the block it started (0 if none)."""
        if not key:
            return 0
        counter = self._key("fail", key)
        cache.add(counter, 0, timeout=self.window)
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, timeout=self.window)
            count = 1
        if count < self.limit:
            return 0
        strikes_key = self._key("strikes", key)
        cache.add(strikes_key, 0, timeout=STRIKE_MEMORY_SECONDS)
        try:
            strikes = cache.incr(strikes_key)
        except ValueError:
            cache.set(strikes_key, 1, timeout=STRIKE_MEMORY_SECONDS)
            strikes = 1
        duration = min(self.lock_base * 2 ** (strikes - 1), self.lock_max)
        cache.set(self._key("lock", key), time.time() + duration, timeout=duration)
        cache.delete(counter)
        return duration

    def hit(self, key: str | None) -> int:
        """For rate limits on requests rather than failures: the wait if this key is blocked
        (the request is then not counted), else 0 after counting the request."""
        wait = self.blocked_for(key)
        if wait:
            return wait
        self.fail(key)
        return 0

    def reset(self, key: str | None) -> None:
        """Forget the failures and past blocks of this key (after a success)."""
        if key:
            cache.delete_many([self._key(kind, key) for kind in ("fail", "strikes", "lock")])


def _login_settings() -> dict:
    return settings.CARNET_LOGIN_THROTTLE


def login_account() -> Throttle:
    conf = _login_settings()
    return Throttle("login-account", conf["per_account"], conf["window_seconds"])


def login_address() -> Throttle:
    conf = _login_settings()
    return Throttle("login-address", conf["per_address"], conf["window_seconds"])


def login_device() -> Throttle:
    """A trusted browser (device cookie) gets its own small counter for its own account."""
    conf = _login_settings()
    return Throttle("login-device", conf["per_account"], conf["window_seconds"])


def second_factor() -> Throttle:
    conf = _login_settings()
    return Throttle("totp", conf["per_account"], conf["window_seconds"])


def activation_account() -> Throttle:
    conf = _login_settings()
    return Throttle("activation-account", conf["per_account"], conf["window_seconds"])


def activation_address() -> Throttle:
    conf = _login_settings()
    return Throttle("activation-address", conf["per_address"], conf["window_seconds"])


def recovery_address() -> Throttle:
    """Recovery requests from one address: 10 an hour, then 15 minutes, growing to an hour."""
    return Throttle("recovery-address", 10, 3600, lock_base=15 * 60, lock_max=3600)


def recovery_target() -> Throttle:
    """Recovery requests for one e-mail address or phone number: 3 an hour, then a pause, so
    nobody can flood a person's phone or mailbox."""
    return Throttle("recovery-target", 3, 3600, lock_base=15 * 60, lock_max=3600)


def recovery_code_address() -> Throttle:
    conf = _login_settings()
    return Throttle("recovery-code-address", conf["per_address"], conf["window_seconds"])
