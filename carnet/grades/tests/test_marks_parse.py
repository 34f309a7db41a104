"""parse_mark / format_mark: what a teacher may type in a mark cell."""

from decimal import Decimal

import pytest

from carnet.core.errors import ValidationFailed
from carnet.grades.marks import ParsedMark, format_mark, parse_mark, same_mark
from carnet.grades.models import Mark

S = Mark.Status
TWENTY = Decimal("20")


@pytest.mark.parametrize(
    ("text", "status", "value"),
    [
        ("12", S.MARKED, Decimal("12")),
        ("12,5", S.MARKED, Decimal("12.5")),
        ("12.5", S.MARKED, Decimal("12.5")),
        (" 12,75 ", S.MARKED, Decimal("12.75")),
        ("0", S.MARKED, Decimal("0")),
        ("20", S.MARKED, Decimal("20")),
        ("20,00", S.MARKED, Decimal("20")),
        (",5", S.MARKED, Decimal("0.5")),
        ("", S.NOT_MARKED, None),
        ("   ", S.NOT_MARKED, None),
        ("abs", S.ABSENT, None),
        ("Abs", S.ABSENT, None),
        ("ABS", S.ABSENT, None),
        ("absent", S.ABSENT, None),
        ("disp", S.EXEMPT, None),
        ("Disp", S.EXEMPT, None),
        ("dispensé", S.EXEMPT, None),
        ("nr", S.NOT_HANDED_IN, None),
        ("NR", S.NOT_HANDED_IN, None),
        ("nn", S.NOT_HANDED_IN, None),
        ("NN", S.NOT_HANDED_IN, None),
        ("non  rendu", S.NOT_HANDED_IN, None),
    ],
)
def test_accepted(text, status, value):
    parsed = parse_mark(text, TWENTY)
    assert parsed == ParsedMark(status, value)


def test_none_is_not_marked():
    assert parse_mark(None, TWENTY).is_empty


@pytest.mark.parametrize(
    ("text", "scale", "message", "reason"),
    [
        ("23", "20", "La note 23 dépasse le barème (sur 20).", "above_scale"),
        ("10,5", "10", "La note 10,5 dépasse le barème (sur 10).", "above_scale"),
        ("21", "20.5", "La note 21 dépasse le barème (sur 20,5).", "above_scale"),
        ("-2", "20", "Une note ne peut pas être négative (« -2 ») : tapez un nombre entre 0 et 20.", "negative"),
        ("12,345", "20", "La note 12,345 a trop de décimales : 2 au plus (par exemple 12,25).", "too_many_decimals"),
        ("douze", "20", "« douze » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr.", "not_a_mark"),
        ("12/20", "20", "« 12/20 » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr.", "not_a_mark"),
        ("1e1", "20", "« 1e1 » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr.", "not_a_mark"),
        ("NaN", "20", "« NaN » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr.", "not_a_mark"),
        ("12,5,5", "20", "« 12,5,5 » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr.", "not_a_mark"),
        ("+3", "20", "« +3 » n'est pas une note : tapez un nombre entre 0 et 20, ou abs, disp, nr.", "not_a_mark"),
    ],
)
def test_refused(text, scale, message, reason):
    with pytest.raises(ValidationFailed) as caught:
        parse_mark(text, Decimal(scale))
    assert str(caught.value.message) == message
    assert caught.value.details == {"text": text, "reason": reason}


@pytest.mark.parametrize(
    ("status", "value", "text"),
    [
        (S.MARKED, Decimal("12.50"), "12,5"),
        (S.MARKED, Decimal("10.00"), "10"),
        (S.MARKED, Decimal("0.25"), "0,25"),
        (S.MARKED, Decimal("0"), "0"),
        (S.MARKED, Decimal("100"), "100"),
        (S.ABSENT, None, "Abs"),
        (S.EXEMPT, None, "Disp"),
        (S.NOT_HANDED_IN, None, "NR"),
        (S.NOT_MARKED, None, ""),
    ],
)
def test_format(status, value, text):
    assert format_mark(status, value) == text
    assert format_mark(Mark(status=status, value=value)) == text
    # What is written back reads again as the same mark.
    assert parse_mark(text, Decimal("100")) == ParsedMark(status, value if value is None else value.quantize(Decimal("0.01")))


def test_format_no_mark():
    assert format_mark(None) == ""


def test_same_mark():
    assert same_mark(None, ParsedMark(S.NOT_MARKED))
    assert not same_mark(None, ParsedMark(S.ABSENT))
    mark = Mark(status=S.MARKED, value=Decimal("12.50"))
    assert same_mark(mark, parse_mark("12,5", TWENTY))
    assert not same_mark(mark, parse_mark("12,25", TWENTY))
