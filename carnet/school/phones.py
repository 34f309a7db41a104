"""Telephone numbers as people write them, brought to E.164 with the establishment's country.

France (+33): ten digits starting with 0 ("06 12 34 56 78"), or nine when a spreadsheet dropped the
leading zero. Benin (+229): eight digits (the numbering used until 2024) or the ten-digit form
01XXXXXXXX; both are kept as written (+229XXXXXXXX, +22901XXXXXXXX) and `phone_key` makes them
match each other. A number with its country code (+, 00 or the bare code) is accepted for any
country when it has a plausible length."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

COUNTRY_CODES = {"FR": "33", "BJ": "229"}
_SEPARATORS = re.compile(r"[\s.\-/()\u00a0]")
_TRUNK_ZERO_IN_BRACKETS = re.compile(r"\(0\)")


class PhoneError(ValueError):
    pass


def normalize_phone(text: str, country: str) -> str:
    """E.164 form of `text`, or PhoneError with a French message saying why it cannot be a number."""
    raw = text.strip()
    compact = _SEPARATORS.sub("", _TRUNK_ZERO_IN_BRACKETS.sub("", raw))
    if not re.fullmatch(r"\+?\d+", compact or "x"):
        raise PhoneError(_("« %(value)s » ne peut pas être un numéro de téléphone.") % {"value": raw})
    if compact.startswith("+"):
        return _international(compact[1:], raw)
    if compact.startswith("00"):
        return _international(compact[2:], raw)
    if country == "FR":
        if len(compact) == 10 and compact[0] == "0" and compact[1] != "0":
            return "+33" + compact[1:]
        if len(compact) == 9 and compact[0] != "0":
            return "+33" + compact
    elif country == "BJ":
        if len(compact) == 8:
            return "+229" + compact
        if len(compact) == 10 and compact.startswith("01"):
            return "+229" + compact
        if len(compact) == 9 and compact.startswith("1"):  # 01XXXXXXXX whose 0 a spreadsheet dropped
            return "+2290" + compact
    # The country code without + or 00, as some registers write it.
    if (compact.startswith("33") and len(compact) == 11) or (compact.startswith("229") and len(compact) in (11, 13)):
        return _international(compact, raw)
    raise PhoneError(
        _("« %(value)s » ne peut pas être un numéro de téléphone %(where)s.")
        % {"value": raw, "where": _("français") if country == "FR" else _("béninois") if country == "BJ" else ""}
    )


def _international(digits: str, raw: str) -> str:
    if digits.startswith("33"):
        national = digits[2:]
        if national.startswith("0"):
            national = national[1:]
        if len(national) == 9 and national[0] != "0":
            return "+33" + national
    elif digits.startswith("229"):
        national = digits[3:]
        if len(national) == 8 or (len(national) == 10 and national.startswith("01")):
            return "+229" + national
    elif 8 <= len(digits) <= 15 and digits[0] != "0":
        return "+" + digits
    raise PhoneError(_("« %(value)s » ne peut pas être un numéro de téléphone.") % {"value": raw})


def phone_key(e164: str) -> str:
    """What two spellings of the same line share: a Benin number with or without its 01 prefix."""
    if e164.startswith("+22901") and len(e164) == 14:
        return "+229" + e164[6:]
    return e164
