"""What a teacher types in a mark cell, and how a mark is written back.

Accepted input (case-insensitive, surrounding spaces ignored):

- a number from 0 to the assessment's scale with at most 2 decimals, with a comma or a point:
  "12", "12,5", "12.75", "0";
- `abs` (also "absent"): absent, excused — not counted;
- `disp` (also "dispense", "dispensé"): exempt — not counted;
- `nr` (also "nn", "non rendu", "non noté"): not handed in / not graded — counted as 0 or not, as the
  establishment's grading profile says (`not_handed_in`). "NN" (non noté) is an alias of "NR":
  domain rules put both under the same school setting, so they are one status and display as "NR";
- "" (empty): not marked yet.

`parse_mark` refuses anything else with a French message that says what to type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from carnet.core.errors import ValidationFailed
from carnet.grades.models import Mark

Status = Mark.Status

#: The documented codes, as shown in help texts and messages.
DOCUMENTED_CODES = ("abs", "disp", "nr")

#: Every accepted code (lower case, without accents) -> status.
CODES: dict[str, str] = {
    "abs": Status.ABSENT,
    "absent": Status.ABSENT,
    "disp": Status.EXEMPT,
    "dispense": Status.EXEMPT,
    "dispensé": Status.EXEMPT,
    "nr": Status.NOT_HANDED_IN,
    "nn": Status.NOT_HANDED_IN,
    "non rendu": Status.NOT_HANDED_IN,
    "non noté": Status.NOT_HANDED_IN,
    "non note": Status.NOT_HANDED_IN,
}

#: How each status is written back (a grid cell shows it; `parse_mark` reads it again).
STATUS_TEXT: dict[str, str] = {
    Status.ABSENT: "Abs",
    Status.EXEMPT: "Disp",
    Status.NOT_HANDED_IN: "NR",
    Status.NOT_MARKED: "",
}

_NUMBER = re.compile(r"^\d+(?:[.,]\d*)?$|^[.,]\d+$")
_NEGATIVE = re.compile(r"^-\s*\d+(?:[.,]\d*)?$")

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ParsedMark:
    """A status (Mark.Status) and, for MARKED only, a value on the assessment's scale."""

    status: str
    value: Decimal | None = None

    @property
    def is_empty(self) -> bool:
        return self.status == Status.NOT_MARKED

    @property
    def text(self) -> str:
        return format_mark(self.status, self.value)


def format_number(value: Decimal) -> str:
    """12.50 -> "12,5", 10.00 -> "10", 0.25 -> "0,25" (French decimal comma, no trailing zeros)."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _garbage(text: str, scale: Decimal) -> ValidationFailed:
    return ValidationFailed(
        _("« %(text)s » n'est pas une note : tapez un nombre entre 0 et %(scale)s, ou abs, disp, nr.")
        % {"text": text, "scale": format_number(scale)},
        details={"text": text, "reason": "not_a_mark"},
    )


def parse_mark(text: str | None, scale: Decimal) -> ParsedMark:
    """Read what was typed in a mark cell for an assessment marked on `scale`.

    Raises ValidationFailed (message in French, details {"text", "reason"} with reason one of
    not_a_mark, negative, too_many_decimals, above_scale) and returns nothing then."""
    raw = (text or "").strip()
    if not raw:
        return ParsedMark(Status.NOT_MARKED)
    folded = " ".join(raw.lower().split())
    if folded in CODES:
        return ParsedMark(CODES[folded])
    if _NEGATIVE.match(folded):
        raise ValidationFailed(
            _("Une note ne peut pas être négative (« %(text)s ») : tapez un nombre entre 0 et %(scale)s.")
            % {"text": raw, "scale": format_number(scale)},
            details={"text": raw, "reason": "negative"},
        )
    if not _NUMBER.match(folded):
        raise _garbage(raw, scale)
    try:
        value = Decimal(folded.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        raise _garbage(raw, scale) from None
    if value != value.quantize(TWO_PLACES):
        raise ValidationFailed(
            _("La note %(text)s a trop de décimales : 2 au plus (par exemple 12,25).") % {"text": raw},
            details={"text": raw, "reason": "too_many_decimals"},
        )
    if value > scale:
        raise ValidationFailed(
            _("La note %(text)s dépasse le barème (sur %(scale)s).") % {"text": raw, "scale": format_number(scale)},
            details={"text": raw, "reason": "above_scale"},
        )
    return ParsedMark(Status.MARKED, value.quantize(TWO_PLACES))


def format_mark(mark_or_status, value: Decimal | None = None) -> str:
    """The text of a mark: "12,5", "Abs", "Disp", "NR", or "" when not marked (or no mark at all).

    Accepts a Mark (or anything with `status` and `value`), None (no mark), or a status and a value."""
    if mark_or_status is None:
        return ""
    if hasattr(mark_or_status, "status"):
        status, value = mark_or_status.status, mark_or_status.value
    else:
        status = mark_or_status
    if status == Status.MARKED:
        return format_number(value) if value is not None else ""
    return STATUS_TEXT.get(status, "")


def same_mark(mark: Mark | None, parsed: ParsedMark) -> bool:
    """Whether saving `parsed` would leave `mark` as it is (no row and "not marked" are the same)."""
    if mark is None:
        return parsed.is_empty
    return mark.status == parsed.status and mark.value == parsed.value
