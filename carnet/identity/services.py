"""Writes on people and their secrets. Views and imports call these; nothing else writes users."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from carnet.identity.activation import issue_activation_codes
from carnet.identity.names import identifier_stem
from carnet.identity.sessions import end_all_sessions

User = get_user_model()


def unique_usernames(names: Iterable[tuple[str, str]], *, taken: set[str] | None = None) -> list[str]:
    """Readable unique identifiers for (first_name, last_name) pairs: 'jean.dupont', then
    'jean.dupont2', 'jean.dupont3'… One query whatever the number of names, so imports of a
    whole establishment stay fast. `taken` may carry identifiers already reserved by the caller."""
    pairs = list(names)
    stems = [identifier_stem(first, last) for first, last in pairs]
    reserved = set(taken or ())
    if stems:
        existing = User.objects.filter(username__regex=r"^(" + "|".join(_regex_escape(s) for s in set(stems)) + r")[0-9]*$")
        reserved |= set(existing.values_list("username", flat=True))
    result = []
    for stem in stems:
        candidate, n = stem, 1
        while candidate in reserved:
            n += 1
            candidate = f"{stem}{n}"
        reserved.add(candidate)
        result.append(candidate)
    return result


def unique_username(first_name: str, last_name: str) -> str:
    return unique_usernames([(first_name, last_name)])[0]


def _regex_escape(text: str) -> str:
    return "".join("\\" + c if c in ".^$*+?{}[]\\|()-" else c for c in text)


# --- Account state (the school layer authorises and audits; see carnet.school.services.accounts) --
__all__ = ["deactivate_user", "issue_activation_codes", "reactivate_user", "unique_username", "unique_usernames"]


def deactivate_user(*, user) -> int:
    """Close the account and end all its sessions at once; returns how many sessions ended.
    The browsers are signed out at their next request (an inactive user is never authenticated)."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return end_all_sessions(user=user)


def reactivate_user(*, user) -> None:
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
