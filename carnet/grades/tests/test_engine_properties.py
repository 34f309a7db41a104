"""Properties of the engine that hold for any marks (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.grades.engine import general_average, ranks, round2, subject_average, to_twenty
from carnet.grades.engine.types import (
    ABSENT,
    DEVOIR,
    INTERROGATION,
    MARKED,
    NOT_HANDED_IN,
    NOT_MARKED,
    Component,
    MarkIn,
    Rules,
    SubjectLine,
)

D = Decimal
FORMULAS = [Rules(formula="weighted"), Rules(formula="benin"), Rules(formula="weighted", not_handed_in="skip")]

scales = st.sampled_from([D("5"), D("10"), D("20"), D("40"), D("100"), D("3"), D("7")])
coefficients = st.sampled_from([D("0.5"), D("1"), D("1.5"), D("2"), D("3")])


@st.composite
def marked(draw, key: str, bonus: bool = False) -> MarkIn:
    scale = draw(scales)
    hundredths = draw(st.integers(min_value=0, max_value=int(scale * 100)))
    return MarkIn(
        assessment=key,
        title=key,
        role=draw(st.sampled_from([INTERROGATION, DEVOIR])),
        status=MARKED,
        value=D(hundredths) / 100,
        scale=scale,
        coefficient=draw(coefficients),
        is_bonus=bonus,
    )


@st.composite
def mark_lists(draw, min_size: int = 1, bonuses: bool = True) -> list[MarkIn]:
    count = draw(st.integers(min_value=min_size, max_value=8))
    marks = [draw(marked(f"n{n}")) for n in range(count)]
    if bonuses:
        marks += [draw(marked(f"b{n}", bonus=True)) for n in range(draw(st.integers(min_value=0, max_value=3)))]
    return marks


def on_twenty(mark: MarkIn) -> Decimal:
    return to_twenty(mark.value, mark.scale) if mark.status == MARKED and mark.value is not None else D("0")


@settings(max_examples=200, deadline=None)
@given(marks=mark_lists(), rules=st.sampled_from(FORMULAS))
def test_average_lies_between_lowest_and_highest_counted_mark(marks, rules):
    with translation.override("fr"):
        result = subject_average(marks, rules)
    counted = [on_twenty(m) for m in marks if m.assessment in result.counted]
    assert result.value is not None and counted
    assert min(counted) <= result.value <= max(counted)


@settings(max_examples=200, deadline=None)
@given(marks=mark_lists(), rules=st.sampled_from(FORMULAS), data=st.data())
def test_order_of_marks_does_not_matter(marks, rules, data):
    shuffled = data.draw(st.permutations(marks))
    with translation.override("fr"):
        first, second = subject_average(marks, rules), subject_average(shuffled, rules)
    assert first.value == second.value
    assert set(first.counted) == set(second.counted)
    assert first.interrogation_mean == second.interrogation_mean
    assert sorted(first.devoirs) == sorted(second.devoirs)


@settings(max_examples=200, deadline=None)
@given(marks=mark_lists(min_size=0), rules=st.sampled_from(FORMULAS), data=st.data())
def test_a_skipped_mark_changes_nothing(marks, rules, data):
    position = data.draw(st.integers(min_value=0, max_value=len(marks)))
    status = data.draw(st.sampled_from([ABSENT, "exempt"]))
    skipped = MarkIn(assessment="skipped", title="Absent", role=DEVOIR, status=status, value=None,
                     is_bonus=data.draw(st.booleans()))
    with translation.override("fr"):
        before = subject_average(marks, rules)
        after = subject_average([*marks[:position], skipped, *marks[position:]], rules)
    assert before.value == after.value
    assert before.counted == after.counted


@settings(max_examples=200, deadline=None)
@given(marks=mark_lists(), rules=st.sampled_from(FORMULAS), factor=st.sampled_from([D("0.25"), D("0.5"), D("2"), D("5")]))
def test_scaling_marks_and_scale_together_changes_nothing(marks, rules, factor):
    # Start from marks on /20 that are multiples of 0.04, so that value × factor is exact at 2 decimals
    # and brought back to /20 gives the same mark.
    base = [
        MarkIn(m.assessment, m.title, m.role, m.status, round2(on_twenty(m) // D("0.04") * D("0.04")), D("20"), m.coefficient, m.is_bonus)
        for m in marks
    ]
    scaled = [MarkIn(m.assessment, m.title, m.role, m.status, m.value * factor, D("20") * factor, m.coefficient, m.is_bonus) for m in base]
    assert all(m.value == m.value.quantize(D("0.01")) for m in scaled)
    with translation.override("fr"):
        assert subject_average(base, rules).value == subject_average(scaled, rules).value


@settings(max_examples=100, deadline=None)
@given(values=st.dictionaries(st.integers(0, 50), st.one_of(st.none(), st.integers(0, 2000).map(lambda n: D(n) / 100))))
def test_ranks_are_consistent(values):
    result = ranks(values)
    for key, value in values.items():
        if value is None:
            assert result[key] is None
        else:
            # rank = 1 + number of strictly higher values
            assert result[key] == 1 + sum(1 for v in values.values() if v is not None and v > value)


@settings(max_examples=100, deadline=None)
@given(marks=mark_lists(bonuses=False), rules=st.sampled_from(FORMULAS[:1]))
def test_not_handed_in_never_raises_the_average(marks, rules):
    nr = MarkIn(assessment="nr", title="NR", role=DEVOIR, status=NOT_HANDED_IN, value=None)
    with translation.override("fr"):
        assert subject_average([*marks, nr], rules).value <= subject_average(marks, rules).value


CUSTOM = Rules(formula="custom", components=(Component(INTERROGATION, "mean", D("1")), Component(DEVOIR, "each", D("2"))))


@settings(max_examples=150, deadline=None)
@given(marks=mark_lists(), rules=st.sampled_from([*FORMULAS, CUSTOM, Rules(missing="block"), Rules(missing="zero")]), data=st.data())
def test_numbers_without_explanation_are_the_same(marks, rules, data):
    if data.draw(st.booleans()):
        marks = [*marks, MarkIn(assessment="missing", title="Manque", role=DEVOIR, status=NOT_MARKED, value=None)]
    with translation.override("fr"):
        explained = subject_average(marks, rules)
        silent = subject_average(marks, rules, explain=False)
        assert explained.steps and silent.steps == ()
        assert (explained.value, explained.counted, explained.interrogation_mean, explained.devoirs, explained.blocked_reason) == (
            silent.value, silent.counted, silent.interrogation_mean, silent.devoirs, silent.blocked_reason,
        )
        lines = [SubjectLine(key=str(n), name=str(n), coefficient=m.coefficient, average=on_twenty(m), is_bonus=n == 0) for n, m in enumerate(marks)]
        assert general_average(lines, rules).value == general_average(lines, rules, explain=False).value
