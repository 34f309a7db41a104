"""Writes of the grading settings, for the head and deputies (`policies.can_manage_grading`): the
grading profile (versioned: a save names the version it started from), the subject coefficients
of the current year by level and series, and the establishment's own assessment kinds.

Audit actions: "grades.profile_updated" (each changed field, old -> new), "grades.coefficient_created",
"grades.coefficient_updated", "grades.coefficient_deleted", "grades.coefficients_copied",
"grades.kind_created", "grades.kind_updated", "grades.kind_deleted"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.audit.models import AuditEvent
from carnet.audit.services import record
from carnet.core.errors import Conflict, ValidationFailed
from carnet.grades.models import Assessment, CustomAssessmentKind, GradingProfile, Role, SubjectCoefficient
from carnet.grades.policies import ensure_can_manage_grading
from carnet.grades.profiles import profile_for
from carnet.school.models import Level, SchoolYear, Series, Subject

PROFILE_FIELDS = (
    "formula", "custom_components", "missing_mark", "not_handed_in", "ranks_enabled", "annual_rule", "annual_weights",
    "decision_bands", "mention_choices", "conduct_enabled", "conduct_coefficient", "stats_visible_to_families",
    "daily_publication_time", "guardian_delay_hours",
)
COMPONENT_MODES = ("mean", "each")
MAX_MENTIONS = 20
MAX_BANDS = 10


class ProfileConflict(Conflict):
    code = "profile_conflict"
    default_message = gettext_lazy("Les réglages ont été modifiés entre-temps : rechargez la page.")


class KindInUse(Conflict):
    code = "kind_in_use"
    default_message = gettext_lazy("Ce type est utilisé par des évaluations : il ne peut pas être supprimé.")


# --- reading ------------------------------------------------------------------------------------
def current_year(establishment) -> SchoolYear | None:
    return SchoolYear.objects.filter(establishment=establishment, is_current=True).first()


def coefficients_of(establishment, school_year) -> QuerySet[SubjectCoefficient]:
    return (
        SubjectCoefficient.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("level", "series", "subject")
        .order_by("level__rank", "level__name", "series__name", "subject__name")
    )


def previous_year_with_coefficients(establishment, school_year) -> SchoolYear | None:
    """The latest earlier year of the establishment that has coefficients, if any."""
    return (
        SchoolYear.objects.filter(establishment=establishment, starts_on__lt=school_year.starts_on, subject_coefficients__isnull=False)
        .order_by("-starts_on")
        .distinct()
        .first()
    )


def last_change(profile: GradingProfile) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(action="grades.profile_updated", object_type="grades.gradingprofile", object_id=str(profile.pk))
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _zone(establishment) -> ZoneInfo | None:
    try:
        return ZoneInfo(establishment.time_zone)
    except (KeyError, ValueError):
        return None


def _who(event: AuditEvent) -> str:
    return (event.actor.full_name if event.actor else event.actor_name) or _("quelqu'un")


# --- the profile --------------------------------------------------------------------------------
def _decimal(value: Any, *, field: str, errors: dict[str, str], minimum: Decimal, maximum: Decimal, strict_min: bool = False) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors[field] = _("« %(value)s » n'est pas un nombre.") % {"value": value}
        return None
    if not number.is_finite() or number < minimum or (strict_min and number == minimum) or number > maximum:
        if strict_min:
            errors[field] = _("« %(value)s » : un nombre supérieur à %(min)s et au plus %(max)s.") % {
                "value": value, "min": minimum, "max": maximum}
        else:
            errors[field] = _("« %(value)s » : un nombre de %(min)s à %(max)s.") % {"value": value, "min": minimum, "max": maximum}
        return None
    if number != number.quantize(Decimal("0.01")):
        errors[field] = _("« %(value)s » : deux décimales au plus.") % {"value": value}
        return None
    return number.quantize(Decimal("0.01")).normalize()


def _text_number(number: Decimal) -> str:
    return f"{number.normalize():f}"


def clean_profile_values(values: dict[str, Any]) -> dict[str, Any]:
    """The profile fields given, checked and put in their stored shape. Raises ValidationFailed with
    details {field: French message} listing every problem."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        errors["__all__"] = _("Réglages inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown))}
    for name, choices in (("formula", GradingProfile.Formula), ("missing_mark", GradingProfile.Missing),
                          ("not_handed_in", GradingProfile.NotHandedIn), ("annual_rule", GradingProfile.AnnualRule)):
        if name in values:
            if values[name] not in choices.values:
                errors[name] = _("Choix « %(value)s » inconnu.") % {"value": values[name]}
            else:
                cleaned[name] = values[name]
    for name in ("ranks_enabled", "conduct_enabled", "stats_visible_to_families"):
        if name in values:
            cleaned[name] = bool(values[name])
    if "custom_components" in values:
        components = []
        for item in values["custom_components"] or []:
            role, mode = item.get("role"), item.get("mode", "mean")
            if role not in Role.values or mode not in COMPONENT_MODES:
                errors["custom_components"] = _("Chaque composante a un rôle (interrogation, devoir, autre) et un mode (moyenne ou chacun).")
                break
            weight = _decimal(item.get("weight", "1"), field="custom_components", errors=errors, minimum=Decimal("0"),
                              maximum=Decimal("100"), strict_min=True)
            if weight is None:
                break
            components.append({"role": role, "mode": mode, "weight": _text_number(weight)})
        cleaned["custom_components"] = components
    if "annual_weights" in values:
        weights = []
        for weight in values["annual_weights"] or []:
            number = _decimal(weight, field="annual_weights", errors=errors, minimum=Decimal("0"), maximum=Decimal("100"), strict_min=True)
            if number is None:
                break
            weights.append(_text_number(number))
        cleaned["annual_weights"] = weights
    if "decision_bands" in values:
        bands = []
        for band in values["decision_bands"] or []:
            label = str(band.get("label", "")).strip()
            if not label or len(label) > 60:
                errors["decision_bands"] = _("Chaque décision a un nom de 60 caractères au plus.")
                break
            minimum = _decimal(band.get("min"), field="decision_bands", errors=errors, minimum=Decimal("0"), maximum=Decimal("20"))
            if minimum is None:
                break
            bands.append({"min": _text_number(minimum), "label": label})
        if len(bands) > MAX_BANDS:
            errors["decision_bands"] = _("%(max)s décisions au plus.") % {"max": MAX_BANDS}
        elif len({b["min"] for b in bands}) != len(bands):
            errors["decision_bands"] = _("Deux décisions ont le même seuil.")
        cleaned["decision_bands"] = sorted(bands, key=lambda b: Decimal(b["min"]), reverse=True)
    if "mention_choices" in values:
        mentions = [str(m).strip() for m in values["mention_choices"] or [] if str(m).strip()]
        if any(len(m) > 60 for m in mentions):
            errors["mention_choices"] = _("Une mention a 60 caractères au plus.")
        elif len(mentions) > MAX_MENTIONS:
            errors["mention_choices"] = _("%(max)s mentions au plus.") % {"max": MAX_MENTIONS}
        elif len({m.casefold() for m in mentions}) != len(mentions):
            errors["mention_choices"] = _("Une mention figure deux fois.")
        cleaned["mention_choices"] = mentions
    if "conduct_coefficient" in values:
        number = _decimal(values["conduct_coefficient"], field="conduct_coefficient", errors=errors, minimum=Decimal("0"),
                          maximum=Decimal("99"), strict_min=True)
        if number is not None:
            cleaned["conduct_coefficient"] = number
    if "daily_publication_time" in values:
        value = values["daily_publication_time"]
        if value in (None, ""):
            cleaned["daily_publication_time"] = None
        elif isinstance(value, dt.time):
            cleaned["daily_publication_time"] = value.replace(second=0, microsecond=0)
        else:
            try:
                cleaned["daily_publication_time"] = dt.time.fromisoformat(str(value)).replace(second=0, microsecond=0)
            except ValueError:
                errors["daily_publication_time"] = _("Heure « %(value)s » illisible : écrivez-la HH:MM.") % {"value": value}
    if "guardian_delay_hours" in values:
        try:
            hours = int(values["guardian_delay_hours"])
        except (TypeError, ValueError):
            hours = -1
        if not 0 <= hours <= 168:
            errors["guardian_delay_hours"] = _("Un nombre d'heures de 0 à 168 (une semaine).")
        else:
            cleaned["guardian_delay_hours"] = hours
    if errors:
        raise ValidationFailed(_("Vérifiez les réglages signalés."), details=errors)
    return cleaned


def _shown(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _text_number(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


def update_profile(*, actor, establishment, expected_version: int, values: dict[str, Any]) -> tuple[GradingProfile, dict]:
    """Save the given profile fields. Refuses (ProfileConflict, naming who saved meanwhile) when the
    profile is no longer at `expected_version`. Returns the profile and the changes (field -> (old,
    new)); no change, no new version and no audit event."""
    ensure_can_manage_grading(actor, establishment)
    cleaned = clean_profile_values(values)
    profile_for(establishment)  # created with the country's defaults the first time
    with transaction.atomic():
        profile = GradingProfile.objects.select_for_update().get(establishment=establishment)
        if profile.version != expected_version:
            event = last_change(profile)
            if event is not None:
                local = timezone.localtime(event.at, _zone(establishment))
                message = _("%(name)s a enregistré d'autres réglages le %(day)s à %(time)s : rechargez la page pour voir "
                            "leurs valeurs avant de changer quoi que ce soit.") % {
                    "name": _who(event), "day": local.strftime("%d/%m/%Y"), "time": local.strftime("%H:%M")}
            else:
                message = None
            raise ProfileConflict(message, details={"version": profile.version, "by": _who(event) if event else "",
                                                    "at": event.at.isoformat() if event else None})
        changes = {name: (getattr(profile, name), value) for name, value in cleaned.items() if getattr(profile, name) != value}
        if changes:
            for name, (_old, value) in changes.items():
                setattr(profile, name, value)
            profile.version += 1
            profile.save(update_fields=[*changes, "version", "updated_at"])
            record(actor=actor, action="grades.profile_updated", obj=profile, establishment=establishment,
                   changes={name: (_shown(old), _shown(new)) for name, (old, new) in changes.items()},
                   object_repr=str(_("Réglages des notes — %(name)s") % {"name": establishment.name}))
    establishment._grading_profile = profile  # type: ignore[attr-defined]
    return profile, changes


# --- subject coefficients -----------------------------------------------------------------------
def _coefficient_repr(row: SubjectCoefficient) -> str:
    level = f"{row.level.name} {row.series.name}" if row.series_id else row.level.name  # type: ignore[union-attr]
    return f"{row.subject.name} — {level}"


def _check_coefficient(coefficient: Decimal) -> Decimal:
    errors: dict[str, str] = {}
    number = _decimal(coefficient, field="coefficient", errors=errors, minimum=Decimal("0"), maximum=Decimal("99"), strict_min=True)
    if number is None:
        raise ValidationFailed(_("Coefficient : %(message)s") % {"message": errors["coefficient"]}, details=errors)
    return number


def save_coefficient(
    *, actor, establishment, level: Level, subject: Subject, coefficient: Decimal, is_bonus: bool = False,
    series: Series | None = None, row: SubjectCoefficient | None = None,
) -> SubjectCoefficient:
    """Add a coefficient for the current year (`row` None) or change one (its level, series and
    subject stay). Refuses a coefficient <= 0 and a second row for the same subject, level and series."""
    ensure_can_manage_grading(actor, establishment)
    number = _check_coefficient(coefficient)
    with transaction.atomic():
        if row is not None:
            row = SubjectCoefficient.objects.select_for_update(of=("self",)).select_related("level", "series", "subject").get(pk=row.pk)
            changes: dict[str, tuple[Any, Any]] = {}
            if row.coefficient != number:
                changes["coefficient"] = (_text_number(row.coefficient), _text_number(number))
            if row.is_bonus != is_bonus:
                changes["is_bonus"] = (row.is_bonus, is_bonus)
            if changes:
                row.coefficient, row.is_bonus = number, is_bonus
                row.save(update_fields=["coefficient", "is_bonus"])
                record(actor=actor, action="grades.coefficient_updated", obj=row, establishment=establishment,
                       changes=changes, object_repr=_coefficient_repr(row))
            return row
        year = current_year(establishment)
        if year is None:
            raise ValidationFailed(_("%(name)s n'a pas d'année scolaire en cours.") % {"name": establishment.name})
        if level.establishment_id != establishment.pk or subject.establishment_id != establishment.pk or (
            series is not None and series.establishment_id != establishment.pk
        ):
            raise ValidationFailed(_("Ce niveau, cette série ou cette matière n'est pas de l'établissement."))
        if SubjectCoefficient.objects.filter(school_year=year, level=level, series=series, subject=subject).exists():
            where = f"{level.name} {series.name}" if series else level.name
            raise ValidationFailed(_("%(subject)s a déjà un coefficient en %(level)s : changez la ligne existante.")
                                   % {"subject": subject.name, "level": where})
        row = SubjectCoefficient.objects.create(establishment=establishment, school_year=year, level=level, series=series,
                                                subject=subject, coefficient=number, is_bonus=is_bonus)
        record(actor=actor, action="grades.coefficient_created", obj=row, establishment=establishment,
               changes={"coefficient": (None, _text_number(number)), "is_bonus": (None, is_bonus)}, object_repr=_coefficient_repr(row))
    return row


def delete_coefficient(*, actor, row: SubjectCoefficient) -> None:
    ensure_can_manage_grading(actor, row.establishment)
    with transaction.atomic():
        record(actor=actor, action="grades.coefficient_deleted", obj=row, establishment=row.establishment,
               changes={"coefficient": (_text_number(row.coefficient), None), "is_bonus": (row.is_bonus, None)},
               object_repr=_coefficient_repr(row))
        row.delete()


def copy_previous_coefficients(*, actor, establishment) -> int:
    """Copy the coefficients of the latest earlier year into the current year, for the subjects,
    levels and series that have none yet. Returns how many rows were added."""
    ensure_can_manage_grading(actor, establishment)
    year = current_year(establishment)
    if year is None:
        raise ValidationFailed(_("%(name)s n'a pas d'année scolaire en cours.") % {"name": establishment.name})
    source = previous_year_with_coefficients(establishment, year)
    if source is None:
        raise ValidationFailed(_("Aucune année précédente n'a de coefficients à copier."))
    with transaction.atomic():
        existing = set(SubjectCoefficient.objects.filter(school_year=year).values_list("level_id", "series_id", "subject_id"))
        rows = [
            SubjectCoefficient(establishment=establishment, school_year=year, level_id=r.level_id, series_id=r.series_id,
                               subject_id=r.subject_id, coefficient=r.coefficient, is_bonus=r.is_bonus)
            for r in SubjectCoefficient.objects.filter(school_year=source)
            if (r.level_id, r.series_id, r.subject_id) not in existing
        ]
        SubjectCoefficient.objects.bulk_create(rows)
        record(actor=actor, action="grades.coefficients_copied", obj=year, establishment=establishment,
               changes={"from_year": (None, source.name), "rows": (None, len(rows))},
               object_repr=str(_("Coefficients %(year)s") % {"year": year.name}))
    return len(rows)


# --- custom assessment kinds --------------------------------------------------------------------
def _clean_kind(name: str, role: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("Donnez un nom.")
    elif len(name) > 60:
        errors["name"] = _("60 caractères au plus.")
    if role not in Role.values:
        errors["role"] = _("Choisissez un rôle.")
    if errors:
        raise ValidationFailed(_("Vérifiez le type d'évaluation."), details=errors)
    return name, role


def save_custom_kind(*, actor, establishment, name: str, role: str, kind: CustomAssessmentKind | None = None) -> CustomAssessmentKind:
    """Add a kind (`kind` None) or rename it / change its role. Names are unique in the establishment."""
    ensure_can_manage_grading(actor, establishment)
    name, role = _clean_kind(name, role)
    with transaction.atomic():
        taken = CustomAssessmentKind.objects.filter(establishment=establishment, name__iexact=name)
        if kind is not None:
            taken = taken.exclude(pk=kind.pk)
        if taken.exists():
            raise ValidationFailed(_("Le type « %(name)s » existe déjà.") % {"name": name}, details={"name": _("Ce nom est déjà pris.")})
        if kind is None:
            kind = CustomAssessmentKind.objects.create(establishment=establishment, name=name, role=role)
            record(actor=actor, action="grades.kind_created", obj=kind, establishment=establishment,
                   changes={"name": (None, name), "role": (None, role)})
            return kind
        kind = CustomAssessmentKind.objects.select_for_update().get(pk=kind.pk)
        changes = {f: (getattr(kind, f), v) for f, v in (("name", name), ("role", role)) if getattr(kind, f) != v}
        if changes:
            kind.name, kind.role = name, role
            kind.save(update_fields=["name", "role"])
            record(actor=actor, action="grades.kind_updated", obj=kind, establishment=establishment, changes=changes)
    return kind


def delete_custom_kind(*, actor, kind: CustomAssessmentKind) -> None:
    """Refused (Conflict "kind_in_use") while assessments use it."""
    ensure_can_manage_grading(actor, kind.establishment)
    with transaction.atomic():
        used = Assessment.objects.filter(custom_kind=kind).count()
        if used:
            raise KindInUse(_("« %(name)s » est le type de %(count)s évaluation(s) : il ne peut pas être supprimé.")
                            % {"name": kind.name, "count": used}, details={"assessments": used})
        record(actor=actor, action="grades.kind_deleted", obj=kind, establishment=kind.establishment,
               changes={"name": (kind.name, None), "role": (kind.role, None)})
        kind.delete()
