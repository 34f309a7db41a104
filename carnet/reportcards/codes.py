"""Verification codes and content digests of report cards.

A verification code is 10 characters of Crockford's base32 alphabet (no I, L, O, U: nothing to
misread on paper), 50 random bits from `secrets`, stored without separator and printed
`XXXXX-XXXXX`. People may type it in lower case, with dashes or spaces, and with O/I/L for 0/1/1.

The digest is the SHA-256 of the content's canonical JSON (sorted keys, no spaces, UTF-8), so
anyone holding the snapshot can recompute it."""

from __future__ import annotations

import hashlib
import json
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str:
    """The stored form of a typed code ("" when it cannot be one)."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum()).translate(_READ_AS)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def formatted(code: str) -> str:
    """`ABCDE12345` -> `ABCDE-12345`, as printed on the report card."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if code else ""


def canonical_json(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(content: dict) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()
