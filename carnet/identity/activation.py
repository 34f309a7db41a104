"""Activation codes: the printed one-time code with which a person signs in the first time (or
again, after losing a password) and chooses a personal password.

Only the SHA-256 digest of a code is stored. A new code revokes the person's previous unused one."""

from __future__ import annotations

from datetime import timedelta
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from carnet.audit import services as audit
from carnet.identity.models import ActivationCode, digest, new_code


def issue_activation_codes(*, actor, users, establishment) -> list[tuple[Any, str]]:
    """New codes for `users`, in the given order, as (user, code in clear) pairs: the only time
    the codes exist in clear. Revokes their previous unused codes; codes expire after
    settings.CARNET_ACTIVATION_CODE_DAYS days. One audit event for the batch.

    Precondition: the caller has checked that `actor` may reset these accounts (school policy)."""
    users = list(users)
    if not users:
        return []
    now = timezone.now()
    expires_at = now + timedelta(days=settings.CARNET_ACTIVATION_CODE_DAYS)
    with transaction.atomic():
        ActivationCode.objects.filter(
            user__in=users, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        issued = [(user, new_code()) for user in users]
        try:
            with transaction.atomic():
                ActivationCode.objects.bulk_create(
                    [
                        ActivationCode(user=user, code_digest=digest(code), created_at=now, expires_at=expires_at, created_by=actor)
                        for user, code in issued
                    ]
                )
        except IntegrityError:  # a digest collision (1 in 10^16): draw again once
            issued = [(user, new_code()) for user in users]
            ActivationCode.objects.bulk_create(
                [
                    ActivationCode(user=user, code_digest=digest(code), created_at=now, expires_at=expires_at, created_by=actor)
                    for user, code in issued
                ]
            )
        if len(users) == 1:
            audit.record(
                actor=actor, action="identity.activation_code_issued", obj=users[0], establishment=establishment,
                changes={"expires_at": (None, expires_at.isoformat())},
            )
        else:
            audit.record(
                actor=actor, action="identity.activation_codes_issued", establishment=establishment,
                object_type="identity.user", object_repr=f"{len(users)} comptes",
                changes={"accounts": (None, [u.username for u in users]), "expires_at": (None, expires_at.isoformat())},
            )
    return issued


class CodeProblem(Enum):
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    REPLACED = "replaced"


def check_code(user, code: str) -> tuple[ActivationCode | None, CodeProblem | None]:
    """The usable code of `user` matching `code`, or the reason it cannot be used."""
    if user is None or not code:
        return None, CodeProblem.WRONG
    row = ActivationCode.objects.filter(user=user, code_digest=digest(code)).first()
    if row is None:
        return None, CodeProblem.WRONG
    if row.used_at is not None:
        return None, CodeProblem.USED
    if row.revoked_at is not None:
        return None, CodeProblem.REPLACED
    if row.expires_at <= timezone.now():
        return None, CodeProblem.EXPIRED
    return row, None


def redeem(*, code_id: int, user, password: str) -> bool:
    """Use the code once and set the chosen password. False if the code was used or revoked in
    the meantime (another browser was faster)."""
    now = timezone.now()
    with transaction.atomic():
        taken = ActivationCode.objects.filter(
            pk=code_id, user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not taken:
            return False
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    return True
