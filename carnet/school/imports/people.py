"""People as imports see them: plain dicts read in one query, compared with what a file says, then
created or updated in bulk.

A person created by an import gets a generated identifier (one query for the whole file) and an
unusable password: they sign in for the first time with an activation code printed by the school."""

from __future__ import annotations

import secrets
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from carnet.identity.names import fold
from carnet.identity.services import unique_usernames
from carnet.school.models import StaffFunction
from carnet.school.roles import roles_of

User = get_user_model()

#: The fields of a person an import reads and may write.
SNAPSHOT_FIELDS = ("id", "username", "first_name", "last_name", "sex", "birth_date", "birth_place", "email", "phone")
BATCH = 500


def full_name(last_name: str, first_name: str) -> str:
    return f"{last_name.upper()} {first_name}".strip()


def name_key(last_name: str, first_name: str) -> tuple[str, str]:
    return fold(last_name), fold(first_name)


def rows(queryset: Any, *fields: str) -> list[dict[str, Any]]:
    """`queryset.values(*fields)` as plain dicts, the shape the validators work on."""
    return list(queryset.values(*fields))


def snapshot(queryset: Any) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in rows(queryset, *SNAPSHOT_FIELDS)}


def diff(existing: dict[str, Any], wanted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """(old, new) for each field the file fills and that differs. An empty cell (None) never erases
    what Carnet knows. Texts compare without case: "MARTIN" in an export does not rewrite "Martin"."""
    changes = {}
    for name, value in wanted.items():
        if value is None:
            continue
        old = existing.get(name)
        if isinstance(value, str) and isinstance(old, str) and old.casefold() == value.casefold():
            continue
        if old != value:
            changes[name] = (old, value)
    return changes


def acts_as_head(actor, establishment) -> bool:
    """The command line (no actor) is trusted like the head."""
    return actor is None or roles_of(actor).has_function(establishment.pk, StaffFunction.Kind.HEAD)


def protected_ids(functions: list[dict], *, head_actor: bool) -> set[int]:
    """People whose record only the head may change: the heads themselves. Mirrors
    `policies.can_reset_account`: a secretary does not rewrite the head's telephone, the way back
    into an account. `functions` are the establishment's StaffFunction rows as dicts."""
    if head_actor:
        return set()
    return {f["user_id"] for f in functions if f["kind"] == StaffFunction.Kind.HEAD and f["ends_on"] is None}


def create_people(specs: list[dict[str, Any]]) -> list:
    """Saved users, in the order of `specs` (dicts of user fields with first and last names)."""
    if not specs:
        return []
    usernames = unique_usernames([(s["first_name"], s["last_name"]) for s in specs])
    users = []
    for spec, username in zip(specs, usernames, strict=True):
        user = User(username=username, **{k: v for k, v in spec.items() if v is not None})
        # What set_unusable_password() writes, without its slow character-by-character random string.
        user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
        user.search_name = fold(f"{user.last_name} {user.first_name} {username}")
        users.append(user)
    User.objects.bulk_create(users, batch_size=BATCH)
    return users


def update_people(updates: list[tuple[dict[str, Any], dict[str, tuple[Any, Any]]]]) -> None:
    """Write the changes of `diff` on existing people, grouped so that each group is one bulk update."""
    groups: dict[frozenset[str], list] = defaultdict(list)
    for existing, changes in updates:
        if not changes:
            continue
        user = User(pk=existing["id"])
        fields = set(changes)
        for name, (_old, new) in changes.items():
            setattr(user, name, new)
        if fields & {"first_name", "last_name"}:
            last = changes.get("last_name", (None, existing["last_name"]))[1]
            first = changes.get("first_name", (None, existing["first_name"]))[1]
            user.search_name = fold(f"{last} {first} {existing['username']}")
            fields.add("search_name")
        groups[frozenset(fields)].append(user)
    for group, users in groups.items():
        User.objects.bulk_update(users, sorted(group), batch_size=BATCH)
