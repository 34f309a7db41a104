"""Questions identity asks of the layers above without importing them.

An upper app registers an answer in its AppConfig.ready(); identity calls every registered answer.
(The architecture's rule: a lower app declares, an upper app plugs in.)"""

from __future__ import annotations

from collections.abc import Callable

#: `check(user) -> bool`: must this person use a TOTP second factor? (school: staff of an
#: establishment that requires it)
totp_required_checks: list[Callable[[object], bool]] = []


def totp_required(user) -> bool:
    return any(check(user) for check in totp_required_checks)


#: `listener(user, event, details)`: something happened to the security of an account
#: ("new_device": a sign-in from a browser never seen for this account; "password_changed").
#: notifications listens and tells the person. Called after the transaction commits.
security_event_listeners: list[Callable[[object, str, dict], None]] = []


def security_event(user, event: str, **details) -> None:
    from django.db import transaction

    def fire() -> None:
        for listener in security_event_listeners:
            listener(user, event, details)

    transaction.on_commit(fire)
