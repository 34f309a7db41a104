"""The conduct-mark suggestion (Benin, available to any establishment).

For a student and a grading period, by the establishment's `ConductRule`:

    suggestion = starting mark
                 − per_unjustified_half_day × unjustified half-days of absence in the period
                 − per_lateness × lateness not justified in the period
                 − Σ conduct_points of the measures decided in the period (not cancelled)

each category's deduction limited by its optional cap, the result never below 0 and written with
two decimals, rounded half-up. Absences still "to justify" are not counted (they are named in the
reasons); a lateness counts unless it was justified. Example: start 18, three unjustified half-days
at 0.5 and one blâme at 2 → 18 − 1.5 − 2 = 14.50.

The suggestion is only shown: it becomes the conduct mark when a person validates it, through
`carnet.grades.services.conduct.set_conduct` (which checks the person, the closed councils, the
version and writes the audit journal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carnet.audit.services import record
from carnet.core.errors import NotFound, ValidationFailed
from carnet.grades.models import ConductMark
from carnet.grades.services.conduct import format_conduct, set_conduct
from carnet.school.models import Enrollment, Establishment, Period, SchoolClass
from carnet.school.roles import current_enrollment_q
from carnet.schoollife import policies
from carnet.schoollife.counting import AttendanceCounts, attendance_counts, measures_between
from carnet.schoollife.errors import ConductRuleConflict, SuggestionChanged
from carnet.schoollife.models import ConductRule

TWO_PLACES = Decimal("0.01")
TWENTY = Decimal("20")
RULE_FIELDS = (
    "starting_mark",
    "per_unjustified_half_day",
    "per_lateness",
    "cap_absences",
    "cap_lateness",
    "cap_measures",
)
AUDIT_RULE = "schoollife.conduct_rule_updated"


def rule_for(establishment: Establishment) -> ConductRule:
    """The establishment's rule, created with the defaults (18, 0.5, 0.25, no caps) on first use."""
    rule, _created = ConductRule.objects.get_or_create(establishment=establishment)
    return rule


@dataclass(frozen=True)
class MeasureLine:
    name: str
    decided_on: dt.date
    points: Decimal


@dataclass(frozen=True)
class Suggestion:
    """`value` out of 20 (Decimal, 2 places); `reasons` explain it in words, one line per step."""

    value: Decimal
    reasons: list[str]
    start: Decimal = Decimal("0")
    unjustified_half_days: int = 0
    pending_half_days: int = 0
    lateness: int = 0
    measures: list[MeasureLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return format_conduct(self.value)


def _n(value: Decimal) -> str:
    return format_conduct(value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def _capped(amount: Decimal, cap: Decimal | None, reasons: list[str], message: str) -> Decimal:
    """`amount`, or `cap` when it is lower (then `message`, with %(cap)s and %(amount)s, says so)."""
    if cap is not None and amount > cap:
        reasons.append(message % {"cap": _n(cap), "amount": _n(amount)})
        return cap
    return amount


def compute(rule: ConductRule, counts: AttendanceCounts, measures: Sequence[MeasureLine]) -> Suggestion:
    """The suggestion from plain figures (no query): see the module's formula."""
    start = Decimal(rule.starting_mark)
    reasons = [_("Note de départ fixée par l'établissement : %(start)s / 20.") % {"start": _n(start)}]

    half_days = counts.unjustified
    if half_days:
        amount = rule.per_unjustified_half_day * half_days
        reasons.append(
            ngettext(
                "%(count)d demi-journée d'absence non justifiée × %(points)s = −%(amount)s.",
                "%(count)d demi-journées d'absence non justifiées × %(points)s = −%(amount)s.",
                half_days,
            )
            % {"count": half_days, "points": _n(rule.per_unjustified_half_day), "amount": _n(amount)}
        )
        absences = _capped(
            amount,
            rule.cap_absences,
            reasons,
            _("Plafond des absences : %(cap)s retiré(s) au plus, au lieu de %(amount)s."),
        )
    else:
        reasons.append(_("Aucune demi-journée d'absence non justifiée."))
        absences = Decimal("0")
    if counts.to_justify:
        reasons.append(
            ngettext(
                "%(count)d demi-journée encore à justifier n'est pas comptée.",
                "%(count)d demi-journées encore à justifier ne sont pas comptées.",
                counts.to_justify,
            )
            % {"count": counts.to_justify}
        )

    late = counts.lateness_not_justified
    if late:
        amount = rule.per_lateness * late
        reasons.append(
            ngettext(
                "%(count)d retard non justifié × %(points)s = −%(amount)s.",
                "%(count)d retards non justifiés × %(points)s = −%(amount)s.",
                late,
            )
            % {"count": late, "points": _n(rule.per_lateness), "amount": _n(amount)}
        )
        lateness = _capped(
            amount,
            rule.cap_lateness,
            reasons,
            _("Plafond des retards : %(cap)s retiré(s) au plus, au lieu de %(amount)s."),
        )
    else:
        reasons.append(_("Aucun retard non justifié."))
        lateness = Decimal("0")

    measure_total = Decimal("0")
    for line in measures:
        day = formats.date_format(line.decided_on, "SHORT_DATE_FORMAT")
        if line.points:
            reasons.append(
                _("%(name)s du %(date)s : −%(points)s.")
                % {"name": line.name, "date": day, "points": _n(line.points)}
            )
        else:
            reasons.append(
                _("%(name)s du %(date)s : ne retire aucun point.") % {"name": line.name, "date": day}
            )
        measure_total += line.points
    if not measures:
        reasons.append(_("Aucune punition ni sanction."))
    measure_total = _capped(
        measure_total,
        rule.cap_measures,
        reasons,
        _("Plafond des punitions et sanctions : %(cap)s retiré(s) au plus, au lieu de %(amount)s."),
    )

    value = start - absences - lateness - measure_total
    if value < 0:
        reasons.append(_("La note ne descend pas sous 0."))
        value = Decimal("0")
    value = min(value, TWENTY).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return Suggestion(
        value=value,
        reasons=reasons,
        start=start,
        unjustified_half_days=half_days,
        pending_half_days=counts.to_justify,
        lateness=late,
        measures=list(measures),
    )


def _measure_lines(student_ids, *, establishment, period: Period) -> dict[int, list[MeasureLine]]:
    lines: dict[int, list[MeasureLine]] = {}
    for measure in measures_between(
        student_ids, establishment=establishment, since=period.starts_on, until=period.ends_on
    ):
        lines.setdefault(measure.student_id, []).append(
            MeasureLine(
                name=measure.measure_type.name,
                decided_on=measure.decided_on,
                points=measure.measure_type.conduct_points,
            )
        )
    return lines


def suggest_many(
    student_ids: Sequence[int], period: Period, *, rule: ConductRule | None = None
) -> dict[int, Suggestion]:
    """student id -> suggestion for `period`; four queries whatever the number of students."""
    establishment = period.establishment
    rule = rule or rule_for(establishment)
    counts = attendance_counts(
        student_ids, establishment=establishment, since=period.starts_on, until=period.ends_on
    )
    lines = _measure_lines(student_ids, establishment=establishment, period=period)
    return {
        sid: compute(rule, counts.get(sid) or AttendanceCounts(), lines.get(sid, [])) for sid in student_ids
    }


def suggest_conduct(student, period: Period, *, rule: ConductRule | None = None) -> Suggestion:
    """The conduct-mark suggestion of `student` for `period` (no permission check: callers show it
    to school-life staff only)."""
    return suggest_many([student.pk], period, rule=rule)[student.pk]


@dataclass
class ClassRow:
    student: Any
    suggestion: Suggestion
    mark: ConductMark | None

    @property
    def differs(self) -> bool:
        return self.mark is None or self.mark.value != self.suggestion.value


def class_suggestions(school_class: SchoolClass, period: Period) -> list[ClassRow]:
    """Every current student of the class with the suggestion and the conduct mark already set.
    Seven queries whatever the size of the class."""
    enrollments = (
        Enrollment.objects.filter(current_enrollment_q(), school_class=school_class, student__is_active=True)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student_id")
    )
    students = [e.student for e in enrollments]
    suggestions = suggest_many([s.pk for s in students], period)
    marks = {m.student_id: m for m in ConductMark.objects.filter(period=period, student__in=students)}
    return [ClassRow(student=s, suggestion=suggestions[s.pk], mark=marks.get(s.pk)) for s in students]


# --- writes -------------------------------------------------------------------------------------
def _parse_expected(expected) -> Decimal | None:
    if expected is None or expected == "":
        return None
    try:
        return Decimal(str(expected).strip().replace(",", ".")).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    except ArithmeticError as error:
        raise ValidationFailed(
            _("« %(text)s » n'est pas une note.") % {"text": str(expected)[:20]}
        ) from error


def _ensure_staff_sees(actor, student, period: Period) -> None:
    if not policies.record_students_visible_to(actor).filter(pk=student.pk).exists():
        raise NotFound()
    policies.ensure_school_life_staff(actor, period.establishment)


def validate_suggestion(
    *, actor, period: Period, student, expected_value=None, expected_version: int | None
) -> ConductMark | None:
    """Write the current suggestion as the conduct mark of `student` for `period`, on a person's
    validation. `expected_value` is the suggestion the person saw ("14,5"; None: do not compare):
    if the suggestion moved since, SuggestionChanged and nothing is written. `expected_version` is
    the version of the conduct mark the person saw (None: there was none).

    Raises NotFound (student out of sight), PermissionDenied (not head, deputy or school life),
    SuggestionChanged, and what `grades.services.conduct.set_conduct` raises: PeriodLocked (council
    closed), ConductConflict (the mark changed meanwhile), ValidationFailed (conduct not counted by
    the establishment)."""
    _ensure_staff_sees(actor, student, period)
    suggestion = suggest_conduct(student, period)
    expected = _parse_expected(expected_value)
    if expected is not None and expected != suggestion.value:
        raise SuggestionChanged(
            details={
                "student": str(student.public_id),
                "expected": format_conduct(expected),
                "current": suggestion.text,
            }
        )
    return set_conduct(
        actor=actor,
        period=period,
        student=student,
        value=str(suggestion.value),
        expected_version=expected_version,
    )


@dataclass(frozen=True)
class Validation:
    student: Any
    expected_value: object
    expected_version: int | None


def validate_many(*, actor, period: Period, items: Iterable[Validation]) -> list[ConductMark | None]:
    """Validate several suggestions at once ("valider toutes"): all or nothing — the first refusal
    (a closed council, a suggestion or a mark that changed) leaves every mark as it was."""
    with transaction.atomic():
        return [
            validate_suggestion(
                actor=actor,
                period=period,
                student=item.student,
                expected_value=item.expected_value,
                expected_version=item.expected_version,
            )
            for item in items
        ]


def _decimal(value, label) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError as error:
        raise ValidationFailed(
            _("%(field)s : « %(text)s » n'est pas un nombre.") % {"field": label, "text": str(value)[:20]}
        ) from error
    if not number.is_finite() or number < 0 or number > TWENTY:
        raise ValidationFailed(_("%(field)s : un nombre de 0 à 20.") % {"field": label})
    if number != number.quantize(TWO_PLACES):
        raise ValidationFailed(_("%(field)s : deux décimales au plus.") % {"field": label})
    return number.quantize(TWO_PLACES)


def update_rule(*, actor, establishment: Establishment, values: dict, expected_version: int) -> ConductRule:
    """Change the establishment's conduct rule (head and deputies). `values` maps the fields of
    RULE_FIELDS to numbers or texts ("0,5"); the caps may be empty (no cap). Audited."""
    policies.ensure_can_edit_conduct_rule(actor, establishment)
    labels = {
        name: str(getattr(ConductRule._meta.get_field(name), "verbose_name", name)) for name in RULE_FIELDS
    }
    parsed = {name: _decimal(values.get(name), labels[name]) for name in RULE_FIELDS}
    for required in ("starting_mark", "per_unjustified_half_day", "per_lateness"):
        if parsed[required] is None:
            raise ValidationFailed(
                _("%(field)s : ce nombre est obligatoire.") % {"field": labels[required]},
                details={"field": required},
            )
    with transaction.atomic():
        rule_for(establishment)
        rule = ConductRule.objects.select_for_update().get(establishment=establishment)
        if rule.version != expected_version:
            raise ConductRuleConflict(details={"version": rule.version})
        changes = {
            name: (str(getattr(rule, name)), str(parsed[name]))
            for name in RULE_FIELDS
            if getattr(rule, name) != parsed[name]
        }
        if not changes:
            return rule
        for name in RULE_FIELDS:
            setattr(rule, name, parsed[name])
        rule.updated_at = timezone.now()
        rule.updated_by = actor
        rule.version += 1
        rule.save(update_fields=[*RULE_FIELDS, "updated_at", "updated_by", "version"])
        record(
            actor=actor,
            action=AUDIT_RULE,
            obj=rule,
            establishment=establishment,
            changes=changes,
            object_repr=str(_("Règle de la note de conduite")),
        )
    return rule
