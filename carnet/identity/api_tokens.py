"""Personal API tokens: issue, revoke, list, and recognise one presented to the API.

A token reads `crt_` + an 8-character prefix + a 32-character secret, lower-case letters and
digits (about 165 bits of randomness in the secret). Only its digest and its prefix are stored:
the full text is shown once, at creation, and cannot be shown again."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.audit.services import record
from carnet.core.errors import NotFound, ValidationFailed
from carnet.identity.models import ApiToken, digest

TOKEN_PREFIX = "crt_"
TOKEN_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
SECRET_LENGTH = 32
TOKEN_LENGTH = len(TOKEN_PREFIX) + PREFIX_LENGTH + SECRET_LENGTH
NAME_MAX_LENGTH = 80
MAX_LIFETIME_DAYS = 365
#: Live (neither revoked nor expired) tokens a person may hold at once.
MAX_ACTIVE_TOKENS = 20
#: `last_used_at` is written at most this often per token, so reading costs no write in the common case.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A token just created, with its full text: the only moment that text exists."""

    token: ApiToken
    secret: str


def _random(length: int) -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(length))


def tokens_of(actor) -> QuerySet[ApiToken]:
    """The person's own tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user_id=actor.pk).order_by("-created_at", "-id")


def active_tokens_of(actor, now=None) -> QuerySet[ApiToken]:
    now = now or timezone.now()
    return tokens_of(actor).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True
    )


def _field_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(
        message,
        details=[{"loc": ["body", field], "field": field, "type": "invalid", "message": str(message)}],
    )


def create_token(
    *, actor, name: str, expires_in_days: int | None, ip_address: str | None = None
) -> IssuedToken:
    """Issue a token for `actor` (the only person a token is ever issued for). `expires_in_days`
    None means the token lives until revoked. Raises ValidationFailed on a blank or too long name,
    a lifetime outside 1..365 days, or when the person already holds MAX_ACTIVE_TOKENS live tokens."""
    name = (name or "").strip()
    if not name:
        raise _field_error("name", _("Donnez un nom au jeton (par exemple l'outil qui l'utilisera)."))
    if len(name) > NAME_MAX_LENGTH:
        raise _field_error("name", _("Le nom du jeton ne doit pas dépasser 80 caractères."))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        raise _field_error(
            "expires_in_days", _("La durée de validité doit être comprise entre 1 et 365 jours.")
        )
    now = timezone.now()
    with transaction.atomic():
        if active_tokens_of(actor, now).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationFailed(
                _("Vous avez déjà %(count)s jetons actifs : révoquez-en un avant d'en créer un autre.")
                % {"count": MAX_ACTIVE_TOKENS},
                details={"max_active_tokens": MAX_ACTIVE_TOKENS},
            )
        prefix = _random(PREFIX_LENGTH)
        secret = TOKEN_PREFIX + prefix + _random(SECRET_LENGTH)
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=prefix,
            token_digest=digest(secret),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        record(
            actor=actor,
            action="api_token.create",
            obj=token,
            object_repr=f"{name} ({TOKEN_PREFIX}{prefix}…)",
            changes={"name": (None, name), "expires_at": (None, token.expires_at)},
            ip_address=ip_address,
        )
    return IssuedToken(token=token, secret=secret)


def revoke_token(*, actor, token: ApiToken, ip_address: str | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens; at once, for every later request. Someone else's token
    answers NotFound, like a missing one. Revoking a revoked token changes nothing."""
    if token.user_id != actor.pk:
        raise NotFound()
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            object_repr=f"{token.name} ({TOKEN_PREFIX}{token.prefix}…)",
            changes={"revoked_at": (None, token.revoked_at)},
            ip_address=ip_address,
        )
    return token


def authenticate_token(raw: str) -> ApiToken | None:
    """The usable token whose full text is `raw`, with its user loaded, or None: unknown, malformed,
    revoked or expired token, or inactive user. Records the use (at most once per TOUCH_EVERY)."""
    raw = (raw or "").strip()
    if len(raw) != TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_digest=digest(raw)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
