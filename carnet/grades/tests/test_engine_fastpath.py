"""The engine's numbers-only path (`explain=False`, `subject_numbers`) gives exactly the results of
the explained path, for every status, role, formula and missing-mark rule (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.grades.engine import subject_average
from carnet.grades.engine.subject import subject_numbers, with_mark
from carnet.grades.engine.types import (
    ABSENT,
    DEVOIR,
    EXEMPT,
    INTERROGATION,
    MARKED,
    NOT_HANDED_IN,
    NOT_MARKED,
    OTHER,
    MarkIn,
    Rules,
)

D = Decimal

rules_strategy = st.builds(
    Rules,
    formula=st.sampled_from(["weighted", "benin"]),
    missing=st.sampled_from(["skip", "zero", "block"]),
    not_handed_in=st.sampled_from(["zero", "skip"]),
)


@st.composite
def marks(draw, bonus: bool) -> list[MarkIn]:
    result = []
    for n in range(draw(st.integers(min_value=0, max_value=9))):
        scale = draw(st.sampled_from([D("20"), D("20.00"), D("10"), D("40"), D("7")]))
        status = draw(st.sampled_from([MARKED, MARKED, MARKED, ABSENT, EXEMPT, NOT_HANDED_IN, NOT_MARKED]))
        value = None
        if status == MARKED and draw(st.integers(0, 9)):
            value = D(draw(st.integers(min_value=0, max_value=int(scale * 100)))) / 100
        result.append(
            MarkIn(
                assessment=f"a{n}",
                title=f"Évaluation {n}",
                role=draw(st.sampled_from([INTERROGATION, DEVOIR, OTHER])),
                status=status,
                value=value,
                scale=scale,
                coefficient=draw(st.sampled_from([D("0.5"), D("1"), D("2"), D("3")])),
                is_bonus=bonus and draw(st.booleans()),
            )
        )
    return result


def numbers(result):
    return (result.value, result.counted, result.blocked_reason, result.interrogation_mean, result.devoirs)


def same(a, b) -> bool:
    """Equal numbers written the same way (str), not only equal values."""
    return numbers(a) == numbers(b) and repr(numbers(a)) == repr(numbers(b))


@settings(max_examples=400, deadline=None)
@given(marks=marks(bonus=False), rules=rules_strategy)
def test_the_numbers_only_path_gives_the_explained_numbers(marks, rules):
    with translation.override("fr"):
        explained = subject_average(marks, rules)
        silent = subject_average(marks, rules, explain=False)
        entries = subject_numbers([(with_mark(m, NOT_MARKED, None), m.status, m.value) for m in marks], rules)
    assert silent.steps == () and entries.steps == ()
    assert same(silent, explained)
    assert same(entries, explained)


@settings(max_examples=200, deadline=None)
@given(marks=marks(bonus=True), rules=rules_strategy)
def test_with_bonus_marks_the_entries_give_the_explained_numbers(marks, rules):
    with translation.override("fr"):
        explained = subject_average(marks, rules)
        entries = subject_numbers([(with_mark(m, NOT_MARKED, None), m.status, m.value) for m in marks], rules)
    assert same(entries, explained)


def test_with_mark_normalises_like_a_mark_row():
    template = MarkIn(assessment="a", title="DS", role=DEVOIR, status=NOT_MARKED, value=None)
    assert with_mark(template, MARKED, None) is template
    assert with_mark(template, NOT_MARKED, D("3")) is template
    assert with_mark(template, ABSENT, D("3")) == MarkIn(assessment="a", title="DS", role=DEVOIR, status=ABSENT, value=None)
    assert with_mark(template, MARKED, D("12.5")) == MarkIn(assessment="a", title="DS", role=DEVOIR, status=MARKED, value=D("12.5"))
