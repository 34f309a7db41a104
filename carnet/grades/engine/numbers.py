"""Decimal arithmetic of the engine and how its numbers are written in explanations.

Rounding (half-up, 2 decimals, `round2`) happens at exactly these steps, nowhere else:
1. each mark brought back to /20 (value / scale × 20);
2. each mean of a group of marks that becomes one term of a formula: the MI (moyenne des
   interrogations) of the Beninese formula, a "mean" component of a custom formula;
3. the subject average;
4. the general average;
5. the annual average.
Between those steps the arithmetic is exact Decimal (28 significant digits); class means and
medians in statistics are rounded the same way.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, translation

TWENTY = Decimal("20")
TEN = Decimal("10")
ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")


def round2(value: Decimal | int | str) -> Decimal:
    """`value` rounded half-up to 2 decimals (12.345 → 12.35, 12.344 → 12.34)."""
    number = value if type(value) is Decimal else Decimal(value)
    # `rounding` passed by position: the C implementation parses a keyword argument slower than
    # the rounding itself takes, and this runs for every mark of an establishment.
    return number.quantize(CENT, ROUND_HALF_UP)


def to_twenty(value: Decimal, scale: Decimal) -> Decimal:
    """A mark on `scale` brought back to /20, rounded at 2 decimals (7.5 on 10 → 15.00)."""
    if scale == TWENTY:
        if type(value) is Decimal:
            return value.quantize(CENT, ROUND_HALF_UP)
        return round2(value)
    if scale <= 0:
        raise ValueError("scale must be positive")
    return round2(Decimal(value) * TWENTY / Decimal(scale))


def fmt(value: Decimal | int) -> str:
    """A number as a person reads it in the active language: no useless zeros, the language's
    decimal separator ("12,5" in French, "12.5" in English)."""
    number = Decimal(value)
    if number == number.to_integral_value():
        text = format(number.quantize(ONE), "f")
    else:
        text = format(number.normalize(), "f")
    if text == "-0":
        text = "0"
    return text.replace(".", _separator())


_SEPARATORS: dict[str | None, str] = {}


def _separator() -> str:
    """The active language's decimal separator, read once per language (formats.get_format is
    slow enough to show when a whole class's explanations are written)."""
    language = translation.get_language()
    separator = _SEPARATORS.get(language)
    if separator is None:
        separator = _SEPARATORS[language] = str(formats.get_format("DECIMAL_SEPARATOR"))
    return separator


def mean_text(terms: list[tuple[Decimal, Decimal]], result: Decimal) -> str:
    """The arithmetic of a weighted mean of (value, weight) terms, as written in an explanation:
    "(12 + 14) / 2 = 13" when every weight is 1, "(15 × 2 + 12 × 1) / (2 + 1) = 42 / 3 = 14" else."""
    if len(terms) == 1 and terms[0][1] == ONE:
        return fmt(result)
    if all(weight == ONE for _value, weight in terms):
        values = " + ".join(fmt(value) for value, _weight in terms)
        return f"({values}) / {len(terms)} = {fmt(result)}"
    products = " + ".join(f"{fmt(value)} × {fmt(weight)}" for value, weight in terms)
    weights = " + ".join(fmt(weight) for _value, weight in terms)
    numerator = sum((value * weight for value, weight in terms), ZERO)
    denominator = sum((weight for _value, weight in terms), ZERO)
    return f"({products}) / ({weights}) = {fmt(numerator)} / {fmt(denominator)} = {fmt(result)}"
