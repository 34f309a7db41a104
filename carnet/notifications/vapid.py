"""VAPID keys (RFC 8292): the key pair by which push services know that Carnet sent a message.

The private key signs each push; browsers subscribe with the public key (the
"applicationServerKey"), so a subscription only accepts messages signed by the matching private key.
Settings: CARNET_VAPID_PRIVATE_KEY (a PEM, or the raw 32-byte key in base64url as printed by
`carnet vapid-keys`), CARNET_VAPID_PUBLIC_KEY (the raw 65-byte point in base64url; derived from the
private key when empty) and CARNET_VAPID_SUBJECT (mailto: or https: contact for the push services)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid, VapidException


class VapidError(ValueError):
    """The VAPID settings are missing or do not hold a usable key."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raises ValueError on anything else."""
    text = text.strip()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not base64url: {exc}") from None


def load_private_key(text: str) -> Vapid:
    """A Vapid signer from a PEM (newlines may be written as literal `\\n`, as in a one-line
    environment variable), a base64 DER key, or the raw 32-byte key in base64url."""
    text = (text or "").strip()
    if not text:
        raise VapidError("CARNET_VAPID_PRIVATE_KEY is empty; `carnet vapid-keys` prints a key pair.")
    try:
        if text.startswith("-----BEGIN"):
            return Vapid.from_pem(text.replace("\\n", "\n").encode("ascii"))
        return Vapid.from_string(text)
    except Exception as exc:  # noqa: BLE001 - py_vapid raises several kinds for a bad key
        raise VapidError(f"CARNET_VAPID_PRIVATE_KEY does not hold a P-256 private key ({type(exc).__name__}).") from None


def public_key_of(signer: Vapid) -> str:
    """The raw uncompressed public point (65 bytes) in base64url: what browsers subscribe with."""
    return b64url(
        signer.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def new_key_pair() -> tuple[str, str]:
    """A fresh (private, public) pair, both base64url, in the form the settings expect."""
    private = ec.generate_private_key(ec.SECP256R1())
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    signer = Vapid.from_raw(b64url(raw).encode("ascii"))
    return b64url(raw), public_key_of(signer)


@dataclass(frozen=True)
class VapidConfig:
    signer: Vapid
    public_key: str
    subject: str


def config() -> VapidConfig:
    """The VAPID settings, checked: the private key loads, the public key (when given) matches it,
    the subject is a mailto: or https: address. Raises VapidError naming what is wrong."""
    signer = load_private_key(settings.CARNET_VAPID_PRIVATE_KEY)
    derived = public_key_of(signer)
    given = (settings.CARNET_VAPID_PUBLIC_KEY or "").strip().rstrip("=")
    if given and given != derived:
        raise VapidError("CARNET_VAPID_PUBLIC_KEY is not the public half of CARNET_VAPID_PRIVATE_KEY.")
    subject = (settings.CARNET_VAPID_SUBJECT or "").strip()
    try:
        # py_vapid refuses to sign for a subject it finds malformed: try it now, not at each push.
        signer.sign({"sub": subject, "aud": "https://push.invalid"})
    except VapidException:
        raise VapidError(
            f"CARNET_VAPID_SUBJECT={subject!r} is not a contact for the push services: write "
            "mailto:admin@your-school.example, or https://your-school.example (no path)."
        ) from None
    return VapidConfig(signer=signer, public_key=derived, subject=subject)


def application_server_key() -> str:
    """The public key browsers subscribe with, or "" when web push is not set up on this server
    (then pages offer no subscription). A public key given alone is used as it is."""
    given = (settings.CARNET_VAPID_PUBLIC_KEY or "").strip().rstrip("=")
    if given:
        return given
    if not (settings.CARNET_VAPID_PRIVATE_KEY or "").strip():
        return ""
    try:
        return public_key_of(load_private_key(settings.CARNET_VAPID_PRIVATE_KEY))
    except VapidError:
        return ""
