"""Managing resources (rooms and equipment) and the establishment's booking rule. For the head,
deputies, school-life staff and the IT administrator (`policies.RESOURCE_MANAGERS`); every change
is audited with its old and new values. A resource is never deleted (slots, sessions and bookings
point at it): it is put out of service, which hides it from booking and keeps its history."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from carnet.audit.services import record
from carnet.core.errors import ValidationFailed
from carnet.school.models import Establishment
from carnet.timetable.booking import policies
from carnet.timetable.booking.conflicts import settings_for
from carnet.timetable.models import Resource, TimetableSettings

FIELDS = ("kind", "name", "capacity", "description", "bookable", "needs_approval", "is_active")
MAX_CAPACITY = 2000


def _clean(values: dict) -> dict:
    """Trimmed and checked values; raises ValidationFailed with one message per field."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"] or "").split())
        if not cleaned["name"]:
            errors["name"] = _("Donnez un nom.")
        elif len(cleaned["name"]) > 80:
            errors["name"] = _("80 caractères au plus.")
    if "kind" in cleaned and cleaned["kind"] not in Resource.Kind.values:
        errors["kind"] = _("Choisissez « Salle » ou « Matériel ».")
    if "capacity" in cleaned and cleaned["capacity"] is not None:
        capacity = cleaned["capacity"]
        if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= MAX_CAPACITY:
            errors["capacity"] = _("Une capacité de 1 à %(max)s places, ou rien.") % {"max": MAX_CAPACITY}
    if "description" in cleaned:
        cleaned["description"] = str(cleaned["description"] or "").strip()
        if len(cleaned["description"]) > 200:
            errors["description"] = _("200 caractères au plus.")
    for flag in ("bookable", "needs_approval", "is_active"):
        if flag in cleaned:
            cleaned[flag] = bool(cleaned[flag])
    if errors:
        raise ValidationFailed(next(iter(errors.values())), details=errors)
    return cleaned


def _ensure_name_free(
    establishment_id: int, kind: str, name: str, *, exclude: Resource | None = None
) -> None:
    taken = Resource.objects.filter(
        establishment_id=establishment_id, kind=kind, normalized_name=Resource.normalize(name)
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        message = (
            _("Une salle porte déjà ce nom.")
            if kind == Resource.Kind.ROOM
            else _("Un matériel porte déjà ce nom.")
        )
        raise ValidationFailed(message, details={"name": message})


def create_resource(
    *,
    actor,
    establishment: Establishment,
    name: str,
    kind: str = Resource.Kind.ROOM,
    capacity: int | None = None,
    description: str = "",
    bookable: bool = True,
    needs_approval: bool = False,
) -> Resource:
    """A new in-service resource. Its name is unique among the establishment's resources of the
    same kind ("B 12" and "b12" are the same room)."""
    policies.ensure_can_manage_resources(actor, establishment)
    values = _clean(
        {
            "name": name,
            "kind": kind,
            "capacity": capacity,
            "description": description,
            "bookable": bookable,
            "needs_approval": needs_approval,
        }
    )
    with transaction.atomic():
        _ensure_name_free(establishment.pk, values["kind"], values["name"])
        resource = Resource.objects.create(establishment=establishment, **values)
        record(
            actor=actor,
            action="timetable.resource_created",
            obj=resource,
            establishment=establishment,
            changes={f: (None, values[f]) for f in values},
        )
    return resource


def update_resource(*, actor, resource: Resource, **values) -> tuple[Resource, dict]:
    """Change some of `FIELDS` (`is_active=False` puts the resource out of service; its bookings
    stay as they are). Returns the resource and the changed fields as {field: (old, new)}."""
    policies.ensure_can_manage_resources(actor, resource.establishment)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown resource fields: {sorted(unknown)}")
    values = _clean(values)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        changes = {f: (getattr(resource, f), v) for f, v in values.items() if getattr(resource, f) != v}
        if not changes:
            return resource, {}
        if "name" in changes or "kind" in changes:
            _ensure_name_free(
                resource.establishment_id,
                values.get("kind", resource.kind),
                values.get("name", resource.name),
                exclude=resource,
            )
        for name, (_old, new) in changes.items():
            setattr(resource, name, new)
        resource.save(update_fields=list(changes))
        record(
            actor=actor,
            action="timetable.resource_updated",
            obj=resource,
            establishment=resource.establishment,
            changes=changes,
        )
    return resource, changes


def set_bookings_need_approval(*, actor, establishment: Establishment, value: bool) -> TimetableSettings:
    """Whether every booking of the establishment waits for the staff's approval (besides the
    resources that ask for it themselves)."""
    policies.ensure_can_manage_resources(actor, establishment)
    with transaction.atomic():
        settings_for(establishment.pk)
        settings = TimetableSettings.objects.select_for_update().get(establishment=establishment)
        if settings.bookings_need_approval != bool(value):
            old = settings.bookings_need_approval
            settings.bookings_need_approval = bool(value)
            settings.save(update_fields=["bookings_need_approval"])
            record(
                actor=actor,
                action="timetable.booking_rule_changed",
                obj=settings,
                establishment=establishment,
                object_repr=establishment.name,
                changes={"bookings_need_approval": (old, bool(value))},
            )
    return settings
