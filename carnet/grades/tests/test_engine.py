"""Worked examples of the grading engine, computed by hand in the comments.

No database: the engine is pure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from carnet.grades.engine import (
    annual_average,
    decision,
    fmt,
    general_average,
    ranks,
    round2,
    statistics,
    subject_average,
    to_twenty,
)
from carnet.grades.engine.types import (
    ABSENT,
    DEVOIR,
    EXEMPT,
    INTERROGATION,
    MARKED,
    NOT_HANDED_IN,
    NOT_MARKED,
    OTHER,
    Band,
    Component,
    MarkIn,
    Rules,
    SubjectLine,
)

D = Decimal

BENIN = Rules(
    formula="benin",
    missing="skip",
    ranks=True,
    annual_weights=(D("1"), D("2")),
    decision_bands=(Band(D("10"), "Passe"), Band(D("0"), "Redouble")),
    conduct_coefficient=D("1"),
)
FRANCE = Rules(formula="weighted", missing="skip", not_handed_in="zero")


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def mark(title, value, *, role=DEVOIR, status=MARKED, scale="20", coef="1", bonus=False) -> MarkIn:
    if value is None or isinstance(value, str) and value in {ABSENT, EXEMPT, NOT_HANDED_IN, NOT_MARKED}:
        status, number = (value or status), None
    else:
        number = D(value)
    return MarkIn(assessment=title, title=title, role=role, status=status, value=number, scale=D(scale), coefficient=D(coef), is_bonus=bonus)


def interro(title, value, **kw) -> MarkIn:
    return mark(title, value, role=INTERROGATION, **kw)


def texts(result) -> list[str]:
    return [step.text for step in result.steps]


# --- numbers -------------------------------------------------------------------------------------


def test_round2_is_half_up():
    assert round2(D("12.345")) == D("12.35")
    assert round2(D("12.344999")) == D("12.34")
    assert round2(D("10.005")) == D("10.01")  # banker's rounding would give 10.00
    assert round2(D("13")) == D("13.00")


def test_to_twenty():
    assert to_twenty(D("7.5"), D("10")) == D("15.00")
    assert to_twenty(D("30"), D("40")) == D("15.00")
    assert to_twenty(D("2"), D("3")) == D("13.33")  # 13.333… rounded at the first step
    assert to_twenty(D("1"), D("6")) == D("3.33")  # 3.333…
    assert to_twenty(D("5"), D("6")) == D("16.67")  # 16.666… half-up


def test_numbers_follow_the_language():
    assert fmt(D("12.50")) == "12,5"
    assert fmt(D("13.00")) == "13"
    assert fmt(D("0.05")) == "0,05"
    with translation.override("en"):
        assert fmt(D("12.50")) == "12.5"


# --- a Beninese public bulletin --------------------------------------------------------------------


def benin_subjects():
    """Ade's first semester: 3 interrogations and 2 devoirs per subject."""
    return {
        # MI = (12 + 14 + 10) / 3 = 12; average = (12 + 13 + 11) / 3 = 12
        "Français": [interro("I1", "12"), interro("I2", "14"), interro("I3", "10"), mark("D1", "13"), mark("D2", "11")],
        # MI = (15 + 13 + 14) / 3 = 14; average = (14 + 16 + 12) / 3 = 14
        "Mathématiques": [interro("I1", "15"), interro("I2", "13"), interro("I3", "14"), mark("D1", "16"), mark("D2", "12")],
        # MI = (9 + 11 + 10) / 3 = 10; average = (10 + 8 + 14) / 3 = 32 / 3 = 10.666… → 10.67
        "SVT": [interro("I1", "9"), interro("I2", "11"), interro("I3", "10"), mark("D1", "8"), mark("D2", "14")],
        # MI = (12.5 + 13 + 14) / 3 = 39.5 / 3 = 13.1666… → 13.17 (rounded: a documented step)
        # average = (13.17 + 15 + 12) / 3 = 40.17 / 3 = 13.39
        "Anglais": [interro("I1", "12.5"), interro("I2", "13"), interro("I3", "14"), mark("D1", "15"), mark("D2", "12")],
        # optional subject: MI = 14, average = (14 + 14) / 2 = 14
        "Espagnol": [interro("I1", "14"), mark("D1", "14")],
    }


def test_benin_subject_averages():
    results = {name: subject_average(marks, BENIN) for name, marks in benin_subjects().items()}
    assert results["Français"].value == D("12.00")
    assert results["Mathématiques"].value == D("14.00")
    assert results["SVT"].value == D("10.67")
    assert results["Anglais"].interrogation_mean == D("13.17")
    assert results["Anglais"].devoirs == (D("15.00"), D("12.00"))
    assert results["Anglais"].value == D("13.39")
    assert texts(results["Mathématiques"])[-2:] == [
        "Interrogations : (15 + 13 + 14) / 3 = 14 (moyenne des interrogations, MI)",
        "Moyenne = (MI + D1 + D2) / 3 = (14 + 16 + 12) / 3 = 14",
    ]
    assert texts(results["Anglais"])[0] == "I1 : 12,5 sur 20"


def test_benin_general_average_with_conduct_and_optional_subject():
    averages = {name: subject_average(marks, BENIN).value for name, marks in benin_subjects().items()}
    coefficients = {"Français": "2", "Mathématiques": "3", "SVT": "2", "Anglais": "1", "Espagnol": "1"}
    lines = [
        SubjectLine(key=name, name=name, coefficient=D(coefficients[name]), average=averages[name], is_bonus=name == "Espagnol")
        for name in coefficients
    ]
    lines.append(SubjectLine(key="conduct", name="Conduite", coefficient=BENIN.conduct_coefficient, average=D("16")))
    result = general_average(lines, BENIN)
    # 12 × 2 + 14 × 3 + 10.67 × 2 + 13.39 × 1 + 16 × 1 = 24 + 42 + 21.34 + 13.39 + 16 = 116.73
    # Espagnol (optional): (14 − 10) × 1 = 4 points added, its coefficient not counted
    # (116.73 + 4) / (2 + 3 + 2 + 1 + 1) = 120.73 / 9 = 13.4144… → 13.41
    assert result.value == D("13.41")
    assert "« Espagnol » (matière facultative) : 14 − 10 = 4 points au-dessus de 10, × 1 = 4 points ajoutés ; son coefficient ne compte pas." in texts(result)
    assert texts(result)[-1] == "Moyenne générale = (24 + 42 + 21,34 + 13,39 + 4 + 16) / (2 + 3 + 2 + 1 + 1) = 120,73 / 9 = 13,41"


def test_optional_subject_below_ten_adds_nothing():
    lines = [
        SubjectLine(key="m", name="Maths", coefficient=D("2"), average=D("12")),
        SubjectLine(key="l", name="Latin", coefficient=D("1"), average=D("8"), is_bonus=True),
    ]
    # 12 × 2 / 2 = 12: Latin (8) has no point above 10
    assert general_average(lines, FRANCE).value == D("12.00")


def test_ranks_ties_share_and_skip():
    assert ranks({"ade": D("13.41"), "bio": D("13.41"), "cica": D("12.00"), "dede": None}) == {
        "ade": 1, "bio": 1, "cica": 3, "dede": None,
    }
    assert ranks({"a": D("10"), "b": D("11"), "c": D("11"), "d": D("11"), "e": D("9")}) == {"a": 4, "b": 1, "c": 1, "d": 1, "e": 5}
    assert ranks({}) == {}


def test_annual_average_weighted_and_decision():
    result = annual_average([D("13.41"), D("12.50")], BENIN, ["Semestre 1", "Semestre 2"])
    # (13.41 × 1 + 12.50 × 2) / (1 + 2) = 38.41 / 3 = 12.8033… → 12.80
    assert result.value == D("12.80")
    assert texts(result)[-1] == "Moyenne annuelle = (13,41 × 1 + 12,5 × 2) / (1 + 2) = 38,41 / 3 = 12,8"
    assert decision(result.value, BENIN) == "Passe"
    # (10 + 2 × 9) / 3 = 9.33: below 10
    assert decision(annual_average([D("10"), D("9")], BENIN).value, BENIN) == "Redouble"
    assert decision(D("10.00"), BENIN) == "Passe"  # the band's minimum is included
    assert decision(None, BENIN) is None


def test_annual_average_plain_custom_and_missing_period():
    plain = Rules()
    # (12 + 13 + 14.5) / 3 = 39.5 / 3 = 13.1666… → 13.17
    assert annual_average([D("12"), D("13"), D("14.5")], plain).value == D("13.17")
    custom = Rules(annual_weights=(D("1"), D("1"), D("2")))
    # (12 + 13 + 2 × 14.5) / 4 = 54 / 4 = 13.5
    assert annual_average([D("12"), D("13"), D("14.5")], custom).value == D("13.50")
    # a period without an average is left out: (12 + 2 × 14) / 3 = 40 / 3 = 13.33
    skipped = annual_average([D("12"), None, D("14")], custom, ["T1", "T2", "T3"])
    # weights: T1 1, T3 2 → (12 + 28) / 3 = 13.33
    assert skipped.value == D("13.33")
    assert "T2 : pas de moyenne, période non comptée." in texts(skipped)
    assert annual_average([None, None], BENIN).value is None


def test_decision_bands_are_sorted_high_to_low():
    rules = Rules(decision_bands=(Band(D("0"), "Redouble"), Band(D("12"), "Passe avec mention"), Band(D("10"), "Passe")))
    assert decision(D("12.5"), rules) == "Passe avec mention"
    assert decision(D("11"), rules) == "Passe"
    assert decision(D("3"), rules) == "Redouble"


def test_benin_without_interrogation_or_without_devoir():
    only_devoirs = subject_average([mark("D1", "12"), mark("D2", "15")], BENIN)
    # no MI: (12 + 15) / 2 = 13.5
    assert (only_devoirs.value, only_devoirs.interrogation_mean) == (D("13.50"), None)
    only_interros = subject_average([interro("I1", "9"), interro("I2", "12")], BENIN)
    # no devoir: MI = (9 + 12) / 2 = 10.5
    assert only_interros.value == D("10.50")
    assert texts(only_interros)[-1] == "Pas de devoir : moyenne = MI = 10,5"
    # OTHER role counts as an interrogation: MI = (10 + 14) / 2 = 12, (12 + 16) / 2 = 14
    other = subject_average([interro("I1", "10"), mark("Exposé", "14", role=OTHER), mark("D1", "16")], BENIN)
    assert other.value == D("14.00")
    assert subject_average([], BENIN).value is None


# --- a French trimester --------------------------------------------------------------------------


def french_maths(extra=()):
    return [
        mark("DS 1", "15", coef="2"),  # 15 / 20, coefficient 2
        mark("Interro", "7", scale="10"),  # 7 / 10 = 14 / 20
        mark("DM", "30", scale="40", coef="0.5"),  # 30 / 40 = 15 / 20, coefficient 0.5
        mark("Oral", ABSENT),  # Abs: not counted
        mark("TP", EXEMPT),  # Disp: not counted
        mark("DS 2", NOT_HANDED_IN),  # NR: 0 under "zero"
        *extra,
    ]


def test_french_trimester_with_scales_coefficients_and_statuses():
    result = subject_average(french_maths(), FRANCE)
    # (15 × 2 + 14 × 1 + 15 × 0.5 + 0 × 1) / (2 + 1 + 0.5 + 1) = 51.5 / 4.5 = 11.444… → 11.44
    assert result.value == D("11.44")
    assert set(result.counted) == {"DS 1", "Interro", "DM", "DS 2"}
    assert texts(result) == [
        "DS 1 : 15 sur 20, coefficient 2",
        "Interro : 7 sur 10, soit 14 sur 20, coefficient 1",
        "DM : 30 sur 40, soit 15 sur 20, coefficient 0,5",
        "« Oral » n'est pas compté : absent excusé.",
        "« TP » n'est pas compté : dispensé.",
        "« DS 2 » : copie non rendue, comptée 0 sur 20.",
        "Moyenne = (15 × 2 + 14 × 1 + 15 × 0,5 + 0 × 1) / (2 + 1 + 0,5 + 1) = 51,5 / 4,5 = 11,44",
    ]


def test_not_handed_in_skipped_by_the_establishment():
    result = subject_average(french_maths(), Rules(formula="weighted", not_handed_in="skip"))
    # (30 + 14 + 7.5) / (2 + 1 + 0.5) = 51.5 / 3.5 = 14.714… → 14.71
    assert result.value == D("14.71")
    assert "« DS 2 » n'est pas compté : copie non rendue." in texts(result)


def test_bonus_that_raises_and_bonus_that_does_not():
    bonuses = (mark("Bonus faible", "8", bonus=True), mark("Bonus fort", "18", bonus=True))
    result = subject_average(french_maths(bonuses), FRANCE)
    # without bonus: 51.5 / 4.5 = 11.44
    # highest first: + 18 → (51.5 + 18) / 5.5 = 69.5 / 5.5 = 12.636… → 12.64 > 11.44: counted
    # then 8 → (69.5 + 8) / 6.5 = 77.5 / 6.5 = 11.923… → 11.92 < 12.64: not counted
    assert result.value == D("12.64")
    assert "Bonus fort" in result.counted and "Bonus faible" not in result.counted
    assert "Le bonus « Bonus fort » (18) fait monter la moyenne de 11,44 à 12,64 : il est compté." in texts(result)
    assert "Le bonus « Bonus faible » (8) ne ferait pas monter la moyenne (12,64) : il n'est pas compté." in texts(result)


def test_bonus_alone_does_not_count():
    result = subject_average([mark("Bonus", "18", bonus=True)], FRANCE)
    assert result.value is None


def test_french_general_average():
    lines = [
        SubjectLine(key="maths", name="Mathématiques", coefficient=D("4"), average=D("12.64")),
        SubjectLine(key="fr", name="Français", coefficient=D("3"), average=D("10.5")),
        SubjectLine(key="hg", name="Histoire-géographie", coefficient=D("2"), average=None),
        SubjectLine(key="eps", name="EPS", coefficient=D("0"), average=D("15")),
    ]
    result = general_average(lines, FRANCE)
    # (12.64 × 4 + 10.5 × 3) / (4 + 3) = (50.56 + 31.5) / 7 = 82.06 / 7 = 11.722… → 11.72
    assert result.value == D("11.72")
    assert "« Histoire-géographie » : pas de moyenne, matière non comptée." in texts(result)
    assert "« EPS » : coefficient 0, matière non comptée." in texts(result)
    assert general_average([], FRANCE).value is None


# --- a missing mark under each policy ------------------------------------------------------------


MISSING = [mark("DS 1", "14"), mark("DS 2", NOT_MARKED), mark("DS 3", "10", coef="2")]


def test_missing_mark_skipped():
    # (14 + 10 × 2) / (1 + 2) = 34 / 3 = 11.33
    result = subject_average(MISSING, Rules(missing="skip"))
    assert result.value == D("11.33")
    assert "« DS 2 » n'est pas encore noté : pas compté." in texts(result)


def test_missing_mark_counted_zero():
    # (14 + 0 + 20) / (1 + 1 + 2) = 34 / 4 = 8.5
    assert subject_average(MISSING, Rules(missing="zero")).value == D("8.50")


def test_missing_mark_blocks_subject_and_general_average():
    rules = Rules(missing="block")
    result = subject_average(MISSING, rules)
    assert result.value is None
    assert result.blocked_reason == "La moyenne n'est pas calculée : la note de « DS 2 » manque."
    assert texts(result)[-1] == result.blocked_reason
    lines = [
        SubjectLine(key="m", name="Maths", coefficient=D("4"), average=None, blocked_reason=result.blocked_reason),
        SubjectLine(key="f", name="Français", coefficient=D("3"), average=D("12")),
    ]
    general = general_average(lines, rules)
    assert general.value is None
    assert general.blocked_reason == "La moyenne générale n'est pas calculée : la moyenne de « Maths » est bloquée par une note manquante."
    # Under "skip" a line without an average is simply left out.
    assert general_average(lines, Rules(missing="skip")).value == D("12.00")


def test_missing_bonus_never_blocks():
    result = subject_average([mark("DS 1", "12"), mark("Bonus", NOT_MARKED, bonus=True)], Rules(missing="block"))
    assert result.value == D("12.00")


def test_several_missing_marks_are_named():
    result = subject_average([mark("A", NOT_MARKED), mark("B", NOT_MARKED)], Rules(missing="block"))
    assert result.blocked_reason == "La moyenne n'est pas calculée : les notes de « A », « B » manquent."


def test_not_handed_in_in_benin_counts_zero_as_a_devoir():
    result = subject_average([interro("I1", "12"), mark("D1", NOT_HANDED_IN), mark("D2", "15")], BENIN)
    # (12 + 0 + 15) / 3 = 9
    assert result.value == D("9.00")
    assert result.devoirs == (D("0"), D("15.00"))


# --- custom formula ------------------------------------------------------------------------------


def test_custom_formula_like_benin_gives_the_same_average():
    rules = Rules(formula="custom", components=(Component(INTERROGATION, "mean"), Component(DEVOIR, "each")))
    marks = benin_subjects()["Anglais"]
    assert subject_average(marks, rules).value == subject_average(marks, BENIN).value == D("13.39")


def test_custom_formula_weights_and_empty_component():
    rules = Rules(
        formula="custom",
        components=(Component(INTERROGATION, "mean", D("1")), Component(DEVOIR, "mean", D("2")), Component(OTHER, "each", D("1"))),
    )
    marks = [interro("I1", "10"), interro("I2", "12"), mark("D1", "14"), mark("D2", "16")]
    result = subject_average(marks, rules)
    # interrogations: (10 + 12) / 2 = 11, weight 1; devoirs: (14 + 16) / 2 = 15, weight 2; no OTHER mark
    # (11 × 1 + 15 × 2) / (1 + 2) = 41 / 3 = 13.666… → 13.67
    assert result.value == D("13.67")
    assert any("laissée de côté" in text for text in texts(result))


def test_custom_formula_ignores_a_role_it_does_not_name():
    rules = Rules(formula="custom", components=(Component(DEVOIR, "each"),))
    result = subject_average([interro("I1", "2"), mark("D1", "14")], rules)
    assert result.value == D("14.00")
    assert result.counted == ("D1",)


# --- statistics ----------------------------------------------------------------------------------


def test_statistics():
    stats = statistics([D("4.99"), D("5"), D("10"), D("12.5"), D("20"), None, D("16")])
    assert stats.count == 6
    # (4.99 + 5 + 10 + 12.5 + 16 + 20) / 6 = 68.49 / 6 = 11.415 → 11.42 (half-up)
    assert stats.mean == D("11.42")
    # sorted 4.99 5 10 12.5 16 20: median (10 + 12.5) / 2 = 11.25
    assert stats.median == D("11.25")
    assert (stats.minimum, stats.maximum) == (D("4.99"), D("20"))
    assert dict(stats.distribution) == {"0–5": 1, "5–8": 1, "8–10": 0, "10–12": 1, "12–14": 1, "14–16": 0, "16–20": 2}
    empty = statistics([])
    assert (empty.count, empty.mean, empty.median) == (0, None, None)


def test_statistics_on_another_scale_places_bands_on_twenty():
    stats = statistics([D("7"), D("3"), D("9.5")], scale=D("10"))
    # on /20: 14, 6, 19
    assert stats.median == D("7.00") and stats.scale == D("10")
    assert dict(stats.distribution)["14–16"] == 1 and dict(stats.distribution)["16–20"] == 1
