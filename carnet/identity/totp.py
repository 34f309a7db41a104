"""The optional TOTP second factor (RFC 6238: 6 digits, 30 seconds, any authenticator app)."""

from __future__ import annotations

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from carnet.identity.signin import verify_totp

ISSUER = "Carnet"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG of the QR code (no file, no external service)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")


def grouped(secret: str) -> str:
    """'JBSWY3DPEHPK3PXP' -> 'JBSW Y3DP EHPK 3PXP', easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_setup(*, user, secret: str, code: str) -> bool:
    """Turn the second factor on if `code` comes from an authenticator holding `secret`."""
    code = "".join(c for c in (code or "") if c.isdigit())
    if len(code) != 6 or not pyotp.TOTP(secret).verify(code, valid_window=1):
        return False
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    # The code just used may not serve again to sign in.
    verify_totp(user, code)
    return True


def disable(*, user) -> None:
    """Turn the second factor off. Callers check the password (or the staff policy) first."""
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
