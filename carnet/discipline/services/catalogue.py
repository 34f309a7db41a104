"""The establishment's catalogue of punishments and sanctions, and its discipline settings.

The settings row and the default catalogue of the establishment's country (`defaults`) are
created together, the first time the establishment's discipline is used (`settings_for`): the
existence of the settings row says the defaults were given, so a catalogue that the staff emptied
is not filled again. Every change is made by the head, a deputy or school life
(`policies.can_manage_catalogue`) and written to the audit journal.

The retention of a type is data the establishment edits (the defaults follow the law as Carnet
knows it, see `defaults`); changing it applies to the measures decided afterwards: a measure's
`expires_on` is computed when it is decided.

Audit actions: "discipline.type_created", "discipline.type_updated", "discipline.type_deleted",
"discipline.settings_changed"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from carnet.audit.services import record
from carnet.core.errors import ValidationFailed
from carnet.discipline import policies
from carnet.discipline.defaults import defaults_for
from carnet.discipline.errors import MeasureTypeInUse
from carnet.discipline.models import DisciplineSettings, MeasureType

Category = MeasureType.Category
Retention = MeasureType.Retention

TYPE_FIELDS = (
    "category",
    "name",
    "retention",
    "retention_days",
    "retention_years",
    "conduct_points",
    "position",
    "is_active",
)
SETTINGS_FIELDS = ("guardians_see", "notify_guardians", "students_see")
MAX_DAYS = 3650
MAX_YEARS = 5
MAX_POINTS = Decimal("20")


# --- reading ------------------------------------------------------------------------------------
def settings_for(establishment) -> DisciplineSettings:
    """The establishment's settings, created with the default catalogue of its country the first
    time. Safe when two requests do it at once (the loser reads the winner's row)."""
    found = DisciplineSettings.objects.filter(establishment=establishment).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            settings = DisciplineSettings.objects.create(establishment=establishment)
            MeasureType.objects.bulk_create(
                [
                    MeasureType(
                        establishment=establishment,
                        category=d.category,
                        name=d.name,
                        retention=d.retention,
                        retention_days=d.retention_days,
                        retention_years=d.retention_years,
                        conduct_points=d.conduct_points,
                        position=position,
                    )
                    for position, d in enumerate(defaults_for(establishment.country), start=1)
                ]
            )
            return settings
    except IntegrityError:
        return DisciplineSettings.objects.get(establishment=establishment)


def catalogue_of(establishment, *, active_only: bool = False) -> list[MeasureType]:
    """The establishment's measure types, punishments first, in their order."""
    settings_for(establishment)
    types = MeasureType.objects.filter(establishment=establishment)
    if active_only:
        types = types.filter(is_active=True)
    return list(types.order_by("category", "position", "name"))


def measure_type_for(establishment, public_id) -> MeasureType:
    """An active type of the establishment's catalogue; ValidationFailed for anything else (a type
    of another establishment, one withdrawn from service, a bad id)."""
    settings_for(establishment)
    found = MeasureType.objects.filter(
        establishment=establishment, public_id=public_id, is_active=True
    ).first()
    if found is None:
        raise ValidationFailed(
            _("Ce type de mesure n'existe pas dans le catalogue de l'établissement."),
            details={"measure_type": _("Choisissez une punition ou une sanction du catalogue.")},
        )
    return found


# --- the catalogue ------------------------------------------------------------------------------
def _points(value: Any, errors: dict[str, str]) -> Decimal | None:
    try:
        number = Decimal(str(value if value is not None else "0").strip().replace(",", ".") or "0")
    except (InvalidOperation, ValueError):
        errors["conduct_points"] = _("« %(value)s » n'est pas un nombre.") % {"value": value}
        return None
    if (
        not number.is_finite()
        or number < 0
        or number > MAX_POINTS
        or number != number.quantize(Decimal("0.01"))
    ):
        errors["conduct_points"] = _("Un nombre de points de 0 à 20, deux décimales au plus.")
        return None
    return number.quantize(Decimal("0.01"))


def _whole(
    value: Any, *, field: str, minimum: int, maximum: int, message: str, errors: dict[str, str]
) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = message
        return None
    if not minimum <= number <= maximum:
        errors[field] = message
        return None
    return number


def clean_type_values(values: dict[str, Any], *, current: MeasureType | None = None) -> dict[str, Any]:
    """The given type fields, checked and in their stored shape (on top of `current` for a change).
    Raises ValidationFailed with details {field: French message} listing every problem."""
    merged = (
        {f: getattr(current, f) for f in TYPE_FIELDS}
        if current is not None
        else {
            "category": None,
            "name": "",
            "retention": Retention.YEAR_END,
            "retention_days": None,
            "retention_years": None,
            "conduct_points": Decimal("0"),
            "position": 0,
            "is_active": True,
        }
    )
    unknown = set(values) - set(TYPE_FIELDS)
    errors: dict[str, str] = {}
    if unknown:
        errors["__all__"] = _("Champs inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown))}
    merged.update({k: v for k, v in values.items() if k in TYPE_FIELDS})
    cleaned: dict[str, Any] = {}
    if merged["category"] not in Category.values:
        errors["category"] = _("Choisissez « punition » ou « sanction ».")
    cleaned["category"] = merged["category"]
    name = " ".join(str(merged["name"] or "").split())
    if not name:
        errors["name"] = _("Donnez un nom.")
    elif len(name) > 80:
        errors["name"] = _("Le nom tient en 80 caractères.")
    cleaned["name"] = name
    retention = merged["retention"]
    cleaned["retention"] = retention
    cleaned["retention_days"] = None
    cleaned["retention_years"] = None
    if retention not in Retention.values:
        errors["retention"] = _("Choisissez une règle de conservation.")
    elif retention == Retention.DAYS:
        cleaned["retention_days"] = _whole(
            merged["retention_days"],
            field="retention_days",
            minimum=1,
            maximum=MAX_DAYS,
            errors=errors,
            message=_("Un nombre de jours de 1 à %(max)s.") % {"max": MAX_DAYS},
        )
    elif retention == Retention.YEARS_END:
        cleaned["retention_years"] = _whole(
            merged["retention_years"],
            field="retention_years",
            minimum=1,
            maximum=MAX_YEARS,
            errors=errors,
            message=_("Un nombre d'années scolaires de 1 à %(max)s.") % {"max": MAX_YEARS},
        )
    cleaned["conduct_points"] = _points(merged["conduct_points"], errors)
    cleaned["position"] = _whole(
        merged["position"] or 0,
        field="position",
        minimum=0,
        maximum=999,
        errors=errors,
        message=_("Un rang de 0 à 999."),
    )
    cleaned["is_active"] = bool(merged["is_active"])
    if errors:
        raise ValidationFailed(details=errors)
    return cleaned


def _ensure_unique(establishment, cleaned: dict[str, Any], current: MeasureType | None) -> None:
    same = MeasureType.objects.filter(
        establishment=establishment, category=cleaned["category"], name__iexact=cleaned["name"]
    )
    if current is not None:
        same = same.exclude(pk=current.pk)
    if same.exists():
        raise ValidationFailed(
            details={"name": _("« %(name)s » est déjà au catalogue.") % {"name": cleaned["name"]}}
        )


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def create_measure_type(*, actor, establishment, **values: Any) -> MeasureType:
    """Add a type to the catalogue. Raises PermissionDenied (not head, deputy or school life),
    ValidationFailed (details per field: name missing or taken, retention without its number,
    points out of 0..20)."""
    policies.ensure_can_manage_catalogue(actor, establishment)
    settings_for(establishment)
    cleaned = clean_type_values(values)
    with transaction.atomic():
        _ensure_unique(establishment, cleaned, None)
        if not cleaned["position"]:
            last = (
                MeasureType.objects.filter(establishment=establishment)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            cleaned["position"] = (last or 0) + 1
        measure_type = MeasureType.objects.create(establishment=establishment, **cleaned)
        record(
            actor=actor,
            action="discipline.type_created",
            obj=measure_type,
            establishment=establishment,
            changes={k: (None, _plain(v)) for k, v in cleaned.items()},
        )
    return measure_type


def update_measure_type(*, actor, measure_type: MeasureType, **values: Any) -> dict[str, tuple[Any, Any]]:
    """Change a type of the catalogue (its category included). Returns the changed fields (old,
    new). Same refusals as `create_measure_type`."""
    establishment = measure_type.establishment
    policies.ensure_can_manage_catalogue(actor, establishment)
    cleaned = clean_type_values(values, current=measure_type)
    with transaction.atomic():
        current = MeasureType.objects.select_for_update().get(pk=measure_type.pk)
        _ensure_unique(establishment, cleaned, current)
        changes = {
            f: (_plain(getattr(current, f)), _plain(v))
            for f, v in cleaned.items()
            if getattr(current, f) != v
        }
        if not changes:
            return {}
        for field in changes:
            setattr(current, field, cleaned[field])
        current.save(update_fields=list(changes))
        record(
            actor=actor,
            action="discipline.type_updated",
            obj=current,
            establishment=establishment,
            changes=changes,
        )
    for field in changes:
        setattr(measure_type, field, cleaned[field])
    return changes


def delete_measure_type(*, actor, measure_type: MeasureType) -> None:
    """Remove a type that no measure uses. Raises PermissionDenied, MeasureTypeInUse (details
    {measures: n}: withdraw it from service instead)."""
    establishment = measure_type.establishment
    policies.ensure_can_manage_catalogue(actor, establishment)
    with transaction.atomic():
        used = measure_type.measures.count()
        if used:
            raise MeasureTypeInUse(details={"measures": used})
        record(
            actor=actor,
            action="discipline.type_deleted",
            obj=measure_type,
            establishment=establishment,
            changes={"name": (measure_type.name, None), "category": (measure_type.category, None)},
        )
        measure_type.delete()


# --- settings -----------------------------------------------------------------------------------
def update_settings(*, actor, establishment, **values: Any) -> dict[str, tuple[Any, Any]]:
    """Set what guardians and students see and whether guardians are told of a new measure.
    Returns the changed fields (old, new). Raises PermissionDenied, ValidationFailed (an unknown
    choice)."""
    policies.ensure_can_manage_catalogue(actor, establishment)
    errors: dict[str, str] = {}
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        errors["__all__"] = _("Réglages inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown))}
    if "guardians_see" in values and values["guardians_see"] not in DisciplineSettings.GuardianView.values:
        errors["guardians_see"] = _("Choix « %(value)s » inconnu.") % {"value": values["guardians_see"]}
    if errors:
        raise ValidationFailed(details=errors)
    cleaned = {k: (bool(v) if k != "guardians_see" else v) for k, v in values.items()}
    settings_for(establishment)
    with transaction.atomic():
        settings = DisciplineSettings.objects.select_for_update().get(establishment=establishment)
        changes = {f: (getattr(settings, f), v) for f, v in cleaned.items() if getattr(settings, f) != v}
        if not changes:
            return {}
        for field, (_old, new) in changes.items():
            setattr(settings, field, new)
        settings.save(update_fields=list(changes))
        record(
            actor=actor,
            action="discipline.settings_changed",
            obj=settings,
            establishment=establishment,
            changes=changes,
            object_repr=str(establishment),
        )
    return changes
