"""A student's average in one subject for one period, with its explanation.

Which marks count (every formula):
- ABSENT (absent excusé) and EXEMPT (dispensé): never counted.
- NOT_HANDED_IN (copie non rendue): counted 0 when `rules.not_handed_in == "zero"`, else not counted.
- NOT_MARKED (a missing mark): `rules.missing` "skip" → not counted, "zero" → counted 0, "block" → the
  subject average is not computed (value None, `blocked_reason` names the missing assessments).
  A missing mark of a bonus assessment is never counted and never blocks.
- Every counted mark is brought back to /20 and rounded at 2 decimals (see engine.numbers).

Formulas (`rules.formula`):
- "weighted" (France): sum(mark/20 × coefficient) / sum(coefficients).
- "benin" (Benin, public): MI = mean of the interrogation marks weighted by their coefficients
  (usually 1), rounded; average = (MI + D1 + … + Dn) / (1 + n) with the devoir marks D1…Dn, each devoir
  counted once whatever its coefficient. No interrogation: the mean of the devoirs. No devoir: MI.
  Marks whose role is OTHER are treated as interrogations.
- "custom": `rules.components`, each (role, mode, weight). A "mean" component makes one term, the
  role's marks' mean weighted by their coefficients (rounded like MI), of weight `weight`; an "each"
  component makes one term per mark, of weight `weight × the assessment's coefficient`. The average is
  the weighted mean of the terms. A component with no counted mark is left out; a mark whose role no
  component names is not counted.

Bonus assessments (`is_bonus`): the average is first computed without them; then the bonus marks are
considered from the highest to the lowest (on /20; equal marks: the higher coefficient first, then by
assessment key, so that the order of the input never matters), each kept only if, added to the marks counted so
far, it makes the (rounded) average strictly higher. With no ordinary mark there is nothing to raise,
so no bonus counts.
Explanations: with `explain=False` the same arithmetic runs without writing the steps (a class's
ranks and statistics need only the numbers); the values are identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from carnet.grades.engine.numbers import CENT, ONE, TWENTY, ZERO, fmt, mean_text, round2, to_twenty
from carnet.grades.engine.types import (
    ABSENT,
    DEVOIR,
    EXEMPT,
    INTERROGATION,
    MARKED,
    NOT_HANDED_IN,
    NOT_MARKED,
    MarkIn,
    Rules,
    Step,
    SubjectResult,
    built,
)


class _Counted:
    """A mark that enters the average, brought back to /20."""

    __slots__ = ("mark", "on20")

    def __init__(self, mark: MarkIn, on20: Decimal):
        self.mark = mark
        self.on20 = on20


@dataclass
class _Outcome:
    value: Decimal | None
    steps: list[Step] = field(default_factory=list)
    used: tuple[str, ...] = ()
    interrogation_mean: Decimal | None = None
    devoirs: tuple[Decimal, ...] = ()


class _Steps(list):
    """The explanation being written; `say` builds a step only when explaining."""

    def __init__(self, explain: bool):
        super().__init__()
        self.explain = explain

    def say(self, make: Callable[[], Step]) -> None:
        if self.explain:
            self.append(make())


def _quoted(title: str) -> str:
    return f"« {title} »"


def _mark_line(mark: MarkIn, on20: Decimal, show_coefficient: bool) -> Step:
    params = {
        "title": mark.title,
        "value": fmt(mark.value if mark.value is not None else ZERO),
        "scale": fmt(mark.scale),
        "on20": fmt(on20),
        "coef": fmt(mark.coefficient),
    }
    if Decimal(mark.scale) == TWENTY:
        text = (
            _("%(title)s : %(value)s sur 20, coefficient %(coef)s") if show_coefficient else _("%(title)s : %(value)s sur 20")
        ) % params
    elif show_coefficient:
        text = _("%(title)s : %(value)s sur %(scale)s, soit %(on20)s sur 20, coefficient %(coef)s") % params
    else:
        text = _("%(title)s : %(value)s sur %(scale)s, soit %(on20)s sur 20") % params
    if mark.is_bonus:
        text = _("%(line)s (bonus)") % {"line": text}
    return Step(text, on20)


def _admit(mark: MarkIn, rules: Rules, steps: _Steps, missing: list[MarkIn]) -> _Counted | None:
    """The mark as counted (on /20), or None; says why in `steps`."""
    status = mark.status
    if status == MARKED and mark.value is not None:
        on20 = to_twenty(mark.value, mark.scale)
        if steps.explain:
            steps.append(_mark_line(mark, on20, rules.formula != "benin" or mark.coefficient != ONE))
        return _Counted(mark, on20)
    name = _quoted(mark.title)
    if status == ABSENT:
        steps.say(lambda: Step(_("%(name)s n'est pas compté : absent excusé.") % {"name": name}))
        return None
    if status == EXEMPT:
        steps.say(lambda: Step(_("%(name)s n'est pas compté : dispensé.") % {"name": name}))
        return None
    if status == NOT_HANDED_IN:
        if rules.not_handed_in == "zero" and not mark.is_bonus:
            steps.say(lambda: Step(_("%(name)s : copie non rendue, comptée 0 sur 20.") % {"name": name}, ZERO))
            return _Counted(mark, ZERO)
        steps.say(lambda: Step(_("%(name)s n'est pas compté : copie non rendue.") % {"name": name}))
        return None
    # NOT_MARKED, or a MARKED status without a value (treated as missing)
    if mark.is_bonus or rules.missing == "skip":
        steps.say(lambda: Step(_("%(name)s n'est pas encore noté : pas compté.") % {"name": name}))
        return None
    if rules.missing == "zero":
        steps.say(lambda: Step(_("%(name)s n'est pas noté : compté 0 sur 20 (règle de l'établissement).") % {"name": name}, ZERO))
        return _Counted(mark, ZERO)
    steps.say(lambda: Step(_("%(name)s n'est pas encore noté.") % {"name": name}))
    missing.append(mark)
    return None


def _weighted_mean(items: Sequence[_Counted]) -> Decimal:
    """The coefficient-weighted mean of the items, rounded."""
    numerator = ZERO
    denominator = ZERO
    for item in items:
        numerator += item.on20 * item.mark.coefficient
        denominator += item.mark.coefficient
    return round2(numerator / denominator)


def _mean_text(items: Sequence[_Counted], value: Decimal) -> str:
    return mean_text([(i.on20, i.mark.coefficient) for i in items], value)


def _weighted(items: Sequence[_Counted], rules: Rules, steps: _Steps) -> _Outcome:
    if not items:
        steps.say(lambda: Step(_("Aucune note comptée : pas de moyenne.")))
        return _Outcome(None)
    value = _weighted_mean(items)
    steps.say(lambda: Step(_("Moyenne = %(calc)s") % {"calc": _mean_text(items, value)}, value))
    return _Outcome(value, used=tuple(i.mark.assessment for i in items))


def _benin(items: Sequence[_Counted], rules: Rules, steps: _Steps) -> _Outcome:
    interrogations: list[_Counted] = []
    devoirs: list[_Counted] = []
    for item in items:
        (devoirs if item.mark.role == DEVOIR else interrogations).append(item)
    used = tuple(i.mark.assessment for i in items)
    mi: Decimal | None = None
    if interrogations:
        mi = _weighted_mean(interrogations)
        steps.say(
            lambda: Step(
                _("Interrogations : %(calc)s (moyenne des interrogations, MI)") % {"calc": _mean_text(interrogations, mi)}, mi
            )
        )
    marks = tuple(d.on20 for d in devoirs)
    if mi is None and not devoirs:
        steps.say(lambda: Step(_("Ni interrogation ni devoir comptés : pas de moyenne.")))
        return _Outcome(None)
    if mi is None:
        value = round2(sum(marks, ZERO) / len(marks))
        steps.say(
            lambda: Step(
                _("Pas d'interrogation : moyenne = moyenne des devoirs = %(calc)s") % {"calc": mean_text([(m, ONE) for m in marks], value)},
                value,
            )
        )
        return _Outcome(value, used=used, devoirs=marks)
    if not devoirs:
        steps.say(lambda: Step(_("Pas de devoir : moyenne = MI = %(mi)s") % {"mi": fmt(mi)}, mi))
        return _Outcome(mi, used=used, interrogation_mean=mi)
    count = 1 + len(marks)
    value = round2((mi + sum(marks, ZERO)) / count)

    def explain() -> Step:
        letters = " + ".join(["MI"] + [f"D{n}" for n in range(1, len(marks) + 1)])
        numbers = " + ".join([fmt(mi)] + [fmt(m) for m in marks])
        return Step(
            _("Moyenne = (%(letters)s) / %(count)s = (%(numbers)s) / %(count)s = %(value)s")
            % {"letters": letters, "numbers": numbers, "count": count, "value": fmt(value)},
            value,
        )

    steps.say(explain)
    return _Outcome(value, used=used, interrogation_mean=mi, devoirs=marks)


def _role_words(role: str) -> str:
    if role == INTERROGATION:
        return _("interrogations")
    if role == DEVOIR:
        return _("devoirs")
    return _("autres notes")


def _custom(items: Sequence[_Counted], rules: Rules, steps: _Steps) -> _Outcome:
    terms: list[tuple[Decimal, Decimal]] = []  # (value, weight)
    used: list[str] = []
    named_roles = {component.role for component in rules.components}
    for component in rules.components:
        members = [i for i in items if i.mark.role == component.role]
        if not members:
            if steps.explain:
                steps.append(
                    Step(
                        _("Aucune note parmi les %(role)s : cette partie de la formule est laissée de côté.")
                        % {"role": _role_words(component.role)}
                    )
                )
            continue
        used.extend(i.mark.assessment for i in members)
        if component.mode == "each":
            for i in members:
                terms.append((i.on20, component.weight * i.mark.coefficient))
            if steps.explain:
                steps.append(
                    Step(
                        _("Les %(role)s comptent chacun avec le poids %(weight)s.")
                        % {"role": _role_words(component.role), "weight": fmt(component.weight)}
                    )
                )
        else:
            mean = _weighted_mean(members)
            terms.append((mean, component.weight))
            if steps.explain:
                steps.append(
                    Step(
                        _("Moyenne des %(role)s : %(calc)s (poids %(weight)s)")
                        % {"role": _role_words(component.role), "calc": _mean_text(members, mean), "weight": fmt(component.weight)},
                        mean,
                    )
                )
    for i in items:
        if i.mark.role not in named_roles and steps.explain:
            steps.append(Step(_("%(name)s n'entre dans aucune partie de la formule : pas compté.") % {"name": _quoted(i.mark.title)}))
    terms = [(v, w) for v, w in terms if w > 0]
    if not terms:
        steps.say(lambda: Step(_("Aucune note comptée : pas de moyenne.")))
        return _Outcome(None)
    numerator = sum((v * w for v, w in terms), ZERO)
    denominator = sum((w for _v, w in terms), ZERO)
    value = round2(numerator / denominator)
    steps.say(lambda: Step(_("Moyenne = %(calc)s") % {"calc": mean_text(terms, value)}, value))
    return _Outcome(value, used=tuple(used))


FORMULAS: dict[str, Callable[[Sequence[_Counted], Rules, _Steps], _Outcome]] = {
    "weighted": _weighted,
    "benin": _benin,
    "custom": _custom,
}


def blocked_reason(missing: Sequence[MarkIn]) -> str:
    names = ", ".join(_quoted(m.title) for m in missing)
    if len(missing) == 1:
        return _("La moyenne n'est pas calculée : la note de %(names)s manque.") % {"names": names}
    return _("La moyenne n'est pas calculée : les notes de %(names)s manquent.") % {"names": names}


#: One student's mark as the numbers-only path reads it: (the assessment as a MarkIn — its status and
#: value are not read —, the student's status, the value). Saves making a MarkIn per mark.
MarkEntry = tuple[MarkIn, str, Decimal | None]


def with_mark(assessment: MarkIn, status: str, value: Decimal | None) -> MarkIn:
    """The MarkIn of `assessment` (a MarkIn whose own status and value are ignored) with the
    student's status and value, normalised as a mark row is read: a value only for MARKED, MARKED
    without a value is NOT_MARKED. Copies the fields (cheaper than the frozen dataclass's __init__,
    and equal to it)."""
    if status != MARKED or value is None:
        status, value = (NOT_MARKED if status == MARKED else status), None
    if status == NOT_MARKED and assessment.status == NOT_MARKED and assessment.value is None:
        return assessment
    copy = object.__new__(MarkIn)
    fields = copy.__dict__
    fields.update(assessment.__dict__)
    fields["status"] = status
    fields["value"] = value
    return copy


def _numbers_only(entries: Iterable[MarkEntry], rules: Rules) -> SubjectResult | None:
    """`subject_average(marks, rules, explain=False)` for the common cases, written out flat: the
    "weighted" and "benin" formulas without any bonus assessment. None for the other cases (the
    general path handles them). The same arithmetic in the same order as `_admit`,
    `_weighted_mean`, `_weighted` and `_benin`, so the same Decimals; a whole establishment's
    averages are mostly this function."""
    formula = rules.formula
    if formula != "weighted" and formula != "benin":
        return None
    missing_rule = rules.missing
    handed_in_zero = rules.not_handed_in == "zero"
    counted: list[tuple[MarkIn, Decimal]] = []
    missing: list[MarkIn] = []
    for mark, status, value in entries:
        if mark.is_bonus:
            return None
        if status == MARKED and value is not None:
            scale = mark.scale
            if scale == TWENTY and type(value) is Decimal:  # to_twenty, inlined for the common case
                counted.append((mark, value.quantize(CENT, ROUND_HALF_UP)))
            else:
                counted.append((mark, to_twenty(value, scale)))
        elif status in (ABSENT, EXEMPT):
            continue
        elif status == NOT_HANDED_IN:
            if handed_in_zero:
                counted.append((mark, ZERO))
        elif missing_rule == "skip":
            continue
        elif missing_rule == "zero":
            counted.append((mark, ZERO))
        else:
            missing.append(mark)
    if missing:
        return SubjectResult(value=None, steps=(), blocked_reason=blocked_reason(missing))
    if not counted:
        return SubjectResult(value=None, steps=())
    used = tuple([mark.assessment for mark, _on20 in counted])
    if formula == "weighted":
        numerator = ZERO
        denominator = ZERO
        for mark, on20 in counted:
            numerator += on20 * mark.coefficient
            denominator += mark.coefficient
        return SubjectResult(value=round2(numerator / denominator), steps=(), counted=used)
    # benin: MI over the interrogations (every role but DEVOIR), then (MI + D1 + … + Dn) / (1 + n)
    numerator = ZERO
    denominator = ZERO
    devoirs: list[Decimal] = []
    for mark, on20 in counted:
        if mark.role == DEVOIR:
            devoirs.append(on20)
        else:
            numerator += on20 * mark.coefficient
            denominator += mark.coefficient
    marks_on20 = tuple(devoirs)
    if len(devoirs) == len(counted):  # no interrogation
        value = round2(sum(marks_on20, ZERO) / len(marks_on20))
        return SubjectResult(value=value, steps=(), counted=used, devoirs=marks_on20)
    mi = round2(numerator / denominator)
    if not devoirs:
        return SubjectResult(value=mi, steps=(), counted=used, interrogation_mean=mi)
    value = round2((mi + sum(marks_on20, ZERO)) / (1 + len(marks_on20)))
    return SubjectResult(value=value, steps=(), counted=used, interrogation_mean=mi, devoirs=marks_on20)


def subject_numbers(entries: Sequence[MarkEntry], rules: Rules) -> SubjectResult:
    """`subject_average(marks, rules, explain=False)` of marks given as (assessment, status, value)
    entries (see `MarkEntry`, `with_mark`): the same result, without an explanation, without making
    a MarkIn per mark in the common cases."""
    quick = _numbers_only(entries, rules)
    if quick is not None:
        return quick
    return subject_average([with_mark(*entry) for entry in entries], rules, explain=False)


#: A student's mark for one assessment as a class's computation keeps it (a "cell"): None (no mark
#: row: not marked), a status string (ABSENT, EXEMPT, NOT_HANDED_IN, NOT_MARKED) for a mark without a
#: value, or (value, value on /20, value on /20 in hundredths as an int) for a MARKED mark with a
#: value (see `marked_cell`). A class's marks repeat few distinct values, so the caller can make each
#: cell once per (scale, value) and share it.
Cell = None | str | tuple[Decimal, Decimal, int]


def marked_cell(value: Decimal, scale: Decimal) -> tuple[Decimal, Decimal, int]:
    """The cell of a MARKED mark: the value, the value brought back to /20 (rounded at 2 decimals)
    and that in hundredths (exact: 12.35 → 1235)."""
    on20 = to_twenty(value, scale)
    return (value, on20, int(on20.scaleb(2)))


def cell_entry(assessment: MarkIn, cell: Cell) -> MarkEntry:
    """The (assessment, status, value) entry of a cell (see `MarkEntry`, `with_mark`)."""
    if cell is None:
        return (assessment, NOT_MARKED, None)
    if type(cell) is tuple:
        return (assessment, MARKED, cell[0])
    return (assessment, cell, None)  # type: ignore[return-value]


class SubjectPlan:
    """One subject's assessments for a set of students, read once, then applied to each student's
    cells: `numbers(row)` is `subject_numbers(entries(row), rules)`, i.e. `subject_average(marks,
    rules, explain=False)`, with the same Decimals.

    `assessments` are the subject's assessments as MarkIns (their status and value are ignored), in
    the order of the explanation; `positions[i]` is where the cell of `assessments[i]` is in a
    student's row. The "weighted" and "benin" formulas without bonus assessments (the common case)
    are computed here flat, without an entry or a MarkIn per mark; the other cases go through
    `subject_numbers`.

    The flat path adds exact integers instead of Decimals: marks on /20 in hundredths, coefficients
    in units of 10^-k (k: the most decimals of the plan's coefficients). The sums are then the
    Decimal sums of `_numbers_only` times a power of ten, exactly, and each division is made once,
    by Decimal, of the same rational number: a Decimal quotient is correctly rounded (28 digits),
    so it is the very quotient `_numbers_only` gets, rounded at 2 decimals (half-up) the same way."""

    __slots__ = (
        "_handed_in_zero",
        "_items",
        "_missing",
        "_weighted",
        "assessments",
        "fast",
        "positions",
        "rules",
    )

    def __init__(self, assessments: Sequence[MarkIn], positions: Sequence[int], rules: Rules):
        if len(assessments) != len(positions):
            raise ValueError("one position per assessment")
        self.assessments = tuple(assessments)
        self.positions = tuple(positions)
        self.rules = rules
        formula = rules.formula
        self.fast = (
            formula in ("weighted", "benin")
            and not any(a.is_bonus for a in self.assessments)
            and all(isinstance(a.coefficient, (Decimal, int)) and Decimal(a.coefficient).is_finite() for a in self.assessments)
        )
        self._weighted = formula == "weighted"
        self._missing = rules.missing
        self._handed_in_zero = rules.not_handed_in == "zero"
        decimals = 0
        if self.fast:
            decimals = max([0, *(-Decimal(a.coefficient).as_tuple().exponent for a in self.assessments)])  # type: ignore[operator]
        # (position, assessment, its key, its coefficient in units of 10^-decimals, whether a devoir)
        self._items = tuple(
            (position, a, a.assessment, int(Decimal(a.coefficient).scaleb(decimals)) if self.fast else 0, a.role == DEVOIR)
            for position, a in zip(self.positions, self.assessments, strict=True)
        )

    def entries(self, row: Sequence[Cell]) -> list[MarkEntry]:
        return [cell_entry(a, row[position]) for position, a, _key, _coefficient, _devoir in self._items]

    def numbers(self, row: Sequence[Cell]) -> SubjectResult:
        """The result of the student whose cells are `row` (see the class docstring): the marks
        counted, in the same order, with the same rules as `_numbers_only`."""
        if not self.fast:
            return subject_numbers(self.entries(row), self.rules)
        missing_rule = self._missing
        handed_in_zero = self._handed_in_zero
        weighted = self._weighted
        numerator = 0  # sum of (mark on /20 in hundredths) × (coefficient in its units)
        denominator = 0  # sum of the coefficients in their units
        devoirs_sum = 0  # sum of the devoirs on /20, in hundredths
        used: list[str] = []
        devoirs: list[Decimal] = []
        missing: list[MarkIn] | None = None
        for position, assessment, key, coefficient, is_devoir in self._items:
            cell = row[position]
            if type(cell) is tuple:
                on20, hundredths = cell[1], cell[2]
            elif cell in (ABSENT, EXEMPT):
                continue
            elif cell == NOT_HANDED_IN:
                if not handed_in_zero:
                    continue
                on20, hundredths = ZERO, 0
            elif missing_rule == "skip":  # NOT_MARKED, no row, or a status the engine does not know
                continue
            elif missing_rule == "zero":
                on20, hundredths = ZERO, 0
            else:
                if missing is None:
                    missing = []
                missing.append(assessment)
                continue
            used.append(key)
            if is_devoir and not weighted:
                devoirs.append(on20)
                devoirs_sum += hundredths
            else:
                numerator += hundredths * coefficient
                denominator += coefficient
        if missing:
            return _numbers_result(None, (), blocked_reason(missing), None, ())
        if not used:
            return _numbers_result(None, (), None, None, ())
        counted = tuple(used)
        # numerator / denominator (the Decimal sums) = numerator / (denominator × 100) (these ints)
        if weighted:
            return _numbers_result(round2(Decimal(numerator) / Decimal(denominator * 100)), counted, None, None, ())
        # benin: MI over the interrogations (every role but DEVOIR), then (MI + D1 + … + Dn) / (1 + n)
        marks_on20 = tuple(devoirs)
        count = len(devoirs)
        if count == len(used):  # no interrogation
            return _numbers_result(round2(Decimal(devoirs_sum) / Decimal(100 * count)), counted, None, None, marks_on20)
        mi = round2(Decimal(numerator) / Decimal(denominator * 100))
        if not devoirs:
            return _numbers_result(mi, counted, None, mi, ())
        # (MI + D1 + … + Dn) / (1 + n) = (100 × MI + devoirs in hundredths) / (100 × (1 + n))
        value = round2((mi.scaleb(2) + devoirs_sum) / Decimal(100 * (1 + count)))
        return _numbers_result(value, counted, None, mi, marks_on20)


def _numbers_result(
    value: Decimal | None,
    counted: tuple[str, ...],
    blocked: str | None,
    interrogation_mean: Decimal | None,
    devoirs: tuple[Decimal, ...],
) -> SubjectResult:
    """SubjectResult(value=…, steps=(), …) made without its __init__ (see `types.built`)."""
    return built(
        SubjectResult,
        {
            "value": value,
            "steps": (),
            "counted": counted,
            "blocked_reason": blocked,
            "interrogation_mean": interrogation_mean,
            "devoirs": devoirs,
        },
    )


def subject_average(marks: Sequence[MarkIn], rules: Rules, *, explain: bool = True) -> SubjectResult:
    """The average of one student's marks in one subject under `rules` (see the module docstring).

    The value does not depend on the order of `marks`; the explanation lists them in that order.
    `explain=False` leaves `steps` empty (same value, faster)."""
    if not explain:
        quick = _numbers_only([(mark, mark.status, mark.value) for mark in marks], rules)
        if quick is not None:
            return quick
    formula = FORMULAS.get(rules.formula, _weighted)
    steps = _Steps(explain)
    missing: list[MarkIn] = []
    ordinary: list[_Counted] = []
    bonuses: list[_Counted] = []
    for mark in marks:
        counted = _admit(mark, rules, steps, missing)
        if counted is not None:
            (bonuses if mark.is_bonus else ordinary).append(counted)
    if missing:
        reason = blocked_reason(missing)
        steps.say(lambda: Step(reason))
        return SubjectResult(value=None, steps=tuple(steps), blocked_reason=reason)

    outcome = formula(ordinary, rules, steps)
    if bonuses and outcome.value is None:
        for bonus in bonuses if explain else ():
            steps.append(
                Step(_("Le bonus %(name)s n'est pas compté : il n'y a pas d'autre note à faire monter.") % {"name": _quoted(bonus.mark.title)})
            )
    elif bonuses:
        kept = list(ordinary)
        current = outcome
        raised = False
        silent = _Steps(False)
        for bonus in sorted(bonuses, key=lambda b: (b.on20, b.mark.coefficient, b.mark.assessment), reverse=True):
            trial = formula([*kept, bonus], rules, silent)
            before = current.value
            raises = trial.value is not None and before is not None and trial.value > before
            if explain:
                params = {"name": _quoted(bonus.mark.title), "mark": fmt(bonus.on20), "before": fmt(before or ZERO)}
                if raises:
                    params["after"] = fmt(trial.value or ZERO)
                    text = _("Le bonus %(name)s (%(mark)s) fait monter la moyenne de %(before)s à %(after)s : il est compté.") % params
                    steps.append(Step(text, trial.value))
                else:
                    text = _("Le bonus %(name)s (%(mark)s) ne ferait pas monter la moyenne (%(before)s) : il n'est pas compté.") % params
                    steps.append(Step(text))
            if raises:
                kept.append(bonus)
                current = trial
                raised = True
        if raised and explain:
            final = _Steps(True)
            formula(kept, rules, final)
            steps.extend(Step(_("Avec les bonus comptés : %(line)s") % {"line": s.text}, s.value) for s in final[-1:])
        outcome = current
    return SubjectResult(
        value=outcome.value,
        steps=tuple(steps),
        counted=outcome.used,
        interrogation_mean=outcome.interrogation_mean,
        devoirs=outcome.devoirs,
    )
