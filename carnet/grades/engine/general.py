"""General average, annual average, end-of-year decision and ranks.

General average: sum(subject average × coefficient) / sum(coefficients), over the subjects that have
an average and a coefficient above 0, rounded at 2 decimals. A bonus (optional) subject adds only its
points above 10: max(0, average − 10) × coefficient is added to the numerator and its coefficient is
NOT added to the denominator (the usual "points au-dessus de 10" rule), so it can only raise the
general average. Conduct is an ordinary line whose coefficient is `rules.conduct_coefficient` (the
caller builds it). A subject without an average is left out, with a step saying so. Under
`rules.missing == "block"`, a blocked subject blocks the general average.

Annual average: the periods' general averages weighted by `rules.annual_weights` (period 1 gets the
first weight, and so on; (1, 2) makes (S1 + 2×S2) / 3); no weights → the plain mean. A period beyond
the given weights weighs 1. A period without an average is left out, with a step saying so.
Rounded at 2 decimals.

Ranks: highest value first; equal values share a rank and the next rank skips (1, 1, 3); a None
value gets no rank.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext as _

from carnet.grades.engine.numbers import ONE, TEN, ZERO, fmt, mean_text, round2
from carnet.grades.engine.types import GeneralResult, Rules, Step, SubjectLine

K = TypeVar("K", bound=Hashable)


def _quoted(name: str) -> str:
    return f"« {name} »"


def general_average(lines: Sequence[SubjectLine], rules: Rules, *, explain: bool = True) -> GeneralResult:
    """The general average of one student for a period (see the module docstring).
    `explain=False` leaves `steps` empty (same value, faster)."""
    steps: list[Step] = []
    numerator_terms: list[Decimal] = []
    coefficients: list[Decimal] = []
    blocked: list[SubjectLine] = []
    for line in lines:
        if line.blocked_reason and rules.missing == "block":
            blocked.append(line)
            if explain:
                steps.append(Step(_("%(name)s : moyenne bloquée (%(reason)s)") % {"name": _quoted(line.name), "reason": line.blocked_reason}))
            continue
        if line.average is None:
            if explain:
                steps.append(Step(_("%(name)s : pas de moyenne, matière non comptée.") % {"name": _quoted(line.name)}))
            continue
        if line.coefficient <= 0:
            if explain:
                steps.append(Step(_("%(name)s : coefficient 0, matière non comptée.") % {"name": _quoted(line.name)}))
            continue
        if line.is_bonus:
            points = max(ZERO, line.average - TEN)
            product = points * line.coefficient
            if points > 0:
                numerator_terms.append(product)
            if explain:
                steps.append(_bonus_step(line, points, product))
            continue
        product = line.average * line.coefficient
        numerator_terms.append(product)
        coefficients.append(line.coefficient)
        if explain:
            params = {"name": _quoted(line.name), "avg": fmt(line.average), "coef": fmt(line.coefficient), "product": fmt(product)}
            steps.append(Step(_("%(name)s : %(avg)s × coefficient %(coef)s = %(product)s") % params, product))
    if blocked:
        names = ", ".join(_quoted(line.name) for line in blocked)
        reason = _("La moyenne générale n'est pas calculée : la moyenne de %(names)s est bloquée par une note manquante.") % {
            "names": names
        }
        if explain:
            steps.append(Step(reason))
        return GeneralResult(value=None, steps=tuple(steps), blocked_reason=reason)
    if not coefficients:
        if explain:
            steps.append(Step(_("Aucune matière avec une moyenne : pas de moyenne générale.")))
        return GeneralResult(value=None, steps=tuple(steps))
    numerator = sum(numerator_terms, ZERO)
    denominator = sum(coefficients, ZERO)
    value = round2(numerator / denominator)
    if explain:
        steps.append(Step(_("Moyenne générale = %(calc)s") % {"calc": _general_text(numerator_terms, coefficients, value)}, value))
    return GeneralResult(value=value, steps=tuple(steps))


def _bonus_step(line: SubjectLine, points: Decimal, product: Decimal) -> Step:
    params = {
        "name": _quoted(line.name),
        "avg": fmt(line.average or ZERO),
        "coef": fmt(line.coefficient),
        "points": fmt(points),
        "product": fmt(product),
    }
    if points > 0:
        return Step(
            _(
                "%(name)s (matière facultative) : %(avg)s − 10 = %(points)s points au-dessus de 10, "
                "× %(coef)s = %(product)s points ajoutés ; son coefficient ne compte pas."
            )
            % params,
            product,
        )
    return Step(_("%(name)s (matière facultative) : %(avg)s, pas de point au-dessus de 10.") % params)


def _general_text(numerator_terms: list[Decimal], coefficients: list[Decimal], value: Decimal) -> str:
    numerator = sum(numerator_terms, ZERO)
    denominator = sum(coefficients, ZERO)
    top = " + ".join(map(fmt, numerator_terms))
    bottom = " + ".join(map(fmt, coefficients))
    if len(numerator_terms) == 1 and len(coefficients) == 1:
        return f"{top} / {bottom} = {fmt(value)}"
    top = f"({top})" if len(numerator_terms) > 1 else top
    bottom = f"({bottom})" if len(coefficients) > 1 else bottom
    return f"{top} / {bottom} = {fmt(numerator)} / {fmt(denominator)} = {fmt(value)}"


def annual_average(values: Sequence[Decimal | None], rules: Rules, names: Sequence[str] | None = None) -> GeneralResult:
    """The annual average from the periods' averages, in period order (see the module docstring).
    `names` (the periods' names) only serve the explanation."""
    weights = tuple(rules.annual_weights)
    steps: list[Step] = []
    terms: list[tuple[str, Decimal, Decimal]] = []
    for index, value in enumerate(values):
        name = names[index] if names and index < len(names) else _("Période %(number)s") % {"number": index + 1}
        weight = weights[index] if index < len(weights) else ONE
        if value is None:
            steps.append(Step(_("%(name)s : pas de moyenne, période non comptée.") % {"name": name}))
            continue
        if weight <= 0:
            continue
        if weights:
            steps.append(Step(_("%(name)s : %(value)s, poids %(weight)s") % {"name": name, "value": fmt(value), "weight": fmt(weight)}, value))
        else:
            steps.append(Step(_("%(name)s : %(value)s") % {"name": name, "value": fmt(value)}, value))
        terms.append((name, value, weight))
    if not terms:
        steps.append(Step(_("Aucune période avec une moyenne : pas de moyenne annuelle.")))
        return GeneralResult(value=None, steps=tuple(steps))
    numerator = sum((v * w for _n, v, w in terms), ZERO)
    denominator = sum((w for _n, _v, w in terms), ZERO)
    value = round2(numerator / denominator)
    calc = mean_text([(v, w) for _n, v, w in terms], value)
    steps.append(Step(_("Moyenne annuelle = %(calc)s") % {"calc": calc}, value))
    return GeneralResult(value=value, steps=tuple(steps))


def decision(value: Decimal | None, rules: Rules) -> str | None:
    """The label of the first decision band (highest minimum first) whose minimum is <= value."""
    if value is None:
        return None
    for band in sorted(rules.decision_bands, key=lambda b: b.minimum, reverse=True):
        if band.minimum <= value:
            return band.label
    return None


def ranks(values: Mapping[K, Decimal | None]) -> dict[K, int | None]:
    """Competition ranks, highest first; ties share a rank (1, 1, 3); None gets None."""
    ordered = sorted((v for v in values.values() if v is not None), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: (None if value is None else first_position[value]) for key, value in values.items()}
