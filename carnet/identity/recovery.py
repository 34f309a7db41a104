"""Recovering an account without revealing whether it exists.

The page answers the same way whatever was typed; the lookup and the sending happen in a
background task (`carnet.identity.tasks`), so the answer time does not depend on the result
either. Two ways:
- an e-mail address: a link carrying Django's password-reset token (one hour, dead once used);
- a phone number: a 6-digit code by SMS, 15 minutes, 5 tries, stored as a keyed digest."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from carnet.core.sms import send_sms, truncate_sms
from carnet.identity import hooks
from carnet.identity.models import RecoveryCode

User = get_user_model()

CODE_MINUTES = 15
CODE_MAX_ATTEMPTS = 5
MIN_PHONE_DIGITS = 8


@dataclass(frozen=True)
class Target:
    kind: str  # "email" | "phone"
    value: str  # lower-cased address, or the identifying digits of the number


def parse_target(raw: str) -> Target | None:
    """What a person typed: an e-mail address or a phone number, or None if it is neither."""
    raw = (raw or "").strip()
    if "@" in raw:
        try:
            validate_email(raw)
        except Exception:  # noqa: BLE001 - any refusal means "not an address"
            return None
        return Target("email", raw.lower())
    if not re.fullmatch(r"[+0-9 ().\-/]{8,25}", raw) or len(_core(raw)) < MIN_PHONE_DIGITS:
        return None
    return Target("phone", _core(raw))


def users_for_email(address: str):
    return User.objects.filter(is_active=True, email__iexact=address).order_by("pk")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _core(number: str) -> str:
    """The digits that identify a number however it was written: no separators, no international
    prefix "00", no trunk "0" ('+229 97 00 00 01' -> '22997000001', '06 12…' -> '612…')."""
    digits = _digits(number)
    digits = digits[2:] if digits.startswith("00") else digits
    return digits.lstrip("0")


def same_number(a: str, b: str) -> bool:
    """'0612345678' and '+33 6 12 34 56 78' are the same number: one's digits end the other's.
    A false match could only text the account's OWN phone, never the person who asked."""
    first, second = sorted((_core(a), _core(b)), key=len)
    return len(first) >= MIN_PHONE_DIGITS and second.endswith(first)


def users_for_phone(number: str) -> list:
    """Active accounts whose phone is this number, however either was written."""
    tail = _core(number)[-MIN_PHONE_DIGITS:]
    if len(tail) < MIN_PHONE_DIGITS:
        return []
    pattern = r"[^0-9]*".join(tail) + r"[^0-9]*$"
    candidates = User.objects.filter(is_active=True, phone__regex=pattern).order_by("pk")
    return [user for user in candidates if same_number(user.phone, number)]


# --- by e-mail ----------------------------------------------------------------------------------
def reset_link(user) -> str:
    token = default_token_generator.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("identity:recover_link", args=[user.public_id, token])


def send_reset_email(address: str) -> int:
    """E-mail a reset link for every active account with this address (one message). Returns the
    number of accounts (0: nothing is sent)."""
    users = list(users_for_email(address))
    if not users:
        return 0
    lines = [
        _("Bonjour,"),
        "",
        _("Quelqu'un (probablement vous) a demandé à changer le mot de passe de Carnet lié à cette adresse."),
        _("Ouvrez le lien ci-dessous pour choisir un nouveau mot de passe. Il reste valable une heure et ne sert qu'une fois."),
        "",
    ]
    for user in users:
        lines.append(_("Compte %(username)s (%(name)s) :") % {"username": user.username, "name": user.full_name})
        lines.append(reset_link(user))
        lines.append("")
    lines += [
        _("Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas."),
        "",
        _("Carnet"),
    ]
    send_mail(
        subject=_("Carnet : choisir un nouveau mot de passe"),
        message="\n".join(lines),
        from_email=None,
        recipient_list=[users[0].email],
    )
    return len(users)


def check_link(user_id, token: str):
    """The active account this link is for, or None (wrong, expired or already used)."""
    user = User.objects.filter(public_id=user_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


# --- by SMS -------------------------------------------------------------------------------------
def _code_digest(user_id: int, code: str) -> str:
    return salted_hmac("carnet.identity.recovery", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def _live_codes(users):
    now = timezone.now()
    return RecoveryCode.objects.filter(
        user__in=users, used_at__isnull=True, expires_at__gt=now, attempts__lt=CODE_MAX_ATTEMPTS
    )


def send_reset_sms(number: str) -> int:
    """Text a fresh 6-digit code to every active account with this phone number (one SMS each,
    naming the identifier). Earlier codes of these accounts stop working."""
    users = users_for_phone(number)
    sent = 0
    for user in users:
        code = f"{secrets.randbelow(10**6):06d}"
        now = timezone.now()
        with transaction.atomic():
            _live_codes([user]).update(attempts=CODE_MAX_ATTEMPTS)
            RecoveryCode.objects.create(
                user=user, code_digest=_code_digest(user.pk, code), created_at=now,
                expires_at=now + timedelta(minutes=CODE_MINUTES),
            )
        text = truncate_sms(
            _("Carnet : code %(code)s pour changer le mot de passe du compte %(username)s. Valable %(minutes)s min. Ne le donnez à personne.")
            % {"code": code, "username": user.username, "minutes": CODE_MINUTES}
        )
        send_sms(to=user.phone, text=text)  # the code is committed: it works when the SMS arrives
        sent += 1
    return sent


def check_sms_code(number: str, code: str) -> RecoveryCode | None:
    """The live code for this phone number matching `code`, or None. A wrong code costs one try
    to every live code of the number's accounts (5 tries in all)."""
    code = _digits(code)
    users = users_for_phone(number) if number else []
    if not users or len(code) != 6:
        if users:
            _live_codes(users).update(attempts=F("attempts") + 1)
        return None
    for row in _live_codes(users).select_related("user"):
        if constant_time_compare(row.code_digest, _code_digest(row.user_id, code)):
            return row
    _live_codes(users).update(attempts=F("attempts") + 1)
    return None


def use_sms_code(*, code_id: int, user, password: str) -> bool:
    """Spend the code and set the new password; False if the code died in the meantime."""
    now = timezone.now()
    with transaction.atomic():
        taken = _live_codes([user]).filter(pk=code_id).update(used_at=now)
        if not taken:
            return False
        _set_password(user, password)
    return True


def use_link(*, user, token: str, password: str) -> bool:
    with transaction.atomic():
        if not default_token_generator.check_token(user, token):
            return False
        _set_password(user, password)
    return True


def _set_password(user, password: str) -> None:
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    hooks.security_event(user, "password_changed")
