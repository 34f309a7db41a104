"""Incidents: reporting one, and changing it with an optimistic version.

An incident belongs to an establishment and to the school year its date falls in. Its
participants are students enrolled in the establishment that year, each with their part
(author, victim, witness), once each.

Audit actions: "discipline.incident_reported", "discipline.incident_updated". The journal holds
the date, place, seriousness, the participants as "part:public id" and the length of the
description — never a name nor the text itself: the journal cannot be erased, the record can."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.audit.services import record
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.discipline import policies
from carnet.discipline.errors import IncidentConflict
from carnet.discipline.models import Incident, IncidentParticipant
from carnet.school.models import Enrollment, SchoolYear

Role = IncidentParticipant.Role
MAX_DESCRIPTION = 4000
MAX_PLACE = 120
MAX_PARTICIPANTS = 60


def zone_of(establishment) -> ZoneInfo:
    try:
        return ZoneInfo(establishment.time_zone)
    except (KeyError, ValueError):
        return ZoneInfo("Europe/Paris")


def school_year_on(establishment, day: dt.date) -> SchoolYear | None:
    return SchoolYear.objects.filter(
        establishment=establishment, starts_on__lte=day, ends_on__gte=day
    ).first()


def _clean(establishment, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Checks the given incident fields; returns them in their stored shape (with `school_year`
    when `occurred_at` is given)."""
    cleaned: dict[str, Any] = {}
    if "occurred_at" in values:
        moment = values["occurred_at"]
        if not isinstance(moment, dt.datetime):
            errors["occurred_at"] = _("Donnez la date et l'heure de l'incident.")
        else:
            zone = zone_of(establishment)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, zone)
            year = school_year_on(establishment, moment.astimezone(zone).date())
            if moment > timezone.now():
                errors["occurred_at"] = _("L'incident ne peut pas être dans le futur.")
            elif year is None:
                errors["occurred_at"] = _("Cette date n'est dans aucune année scolaire de l'établissement.")
            else:
                cleaned["occurred_at"] = moment
                cleaned["school_year"] = year
    if "place" in values:
        place = " ".join(str(values["place"] or "").split())
        if not place:
            errors["place"] = _("Dites où l'incident a eu lieu.")
        elif len(place) > MAX_PLACE:
            errors["place"] = _("Le lieu tient en %(max)s caractères.") % {"max": MAX_PLACE}
        cleaned["place"] = place
    if "description" in values:
        description = str(values["description"] or "").strip()
        if not description:
            errors["description"] = _("Décrivez ce qui s'est passé.")
        elif len(description) > MAX_DESCRIPTION:
            errors["description"] = _("La description tient en %(max)s caractères.") % {
                "max": MAX_DESCRIPTION
            }
        cleaned["description"] = description
    if "seriousness" in values:
        try:
            seriousness = int(values["seriousness"])
        except (TypeError, ValueError):
            seriousness = 0
        if seriousness not in Incident.Seriousness.values:
            errors["seriousness"] = _("Choisissez une gravité de 1 (mineur) à 4 (très grave).")
        cleaned["seriousness"] = seriousness
    return cleaned


def _clean_participants(
    establishment, school_year, participants: Iterable[tuple[Any, str]], errors: dict[str, str]
) -> list[tuple[Any, str]]:
    """(student, part) pairs: each student once, with a known part, enrolled in the establishment
    during the school year of the incident."""
    pairs = list(participants)
    if len(pairs) > MAX_PARTICIPANTS:
        errors["participants"] = _("Un incident implique au plus %(max)s élèves.") % {"max": MAX_PARTICIPANTS}
        return []
    seen: set[int] = set()
    for student, role in pairs:
        if role not in Role.values:
            errors["participants"] = _("Choisissez le rôle de chaque élève : auteur, victime ou témoin.")
            return []
        if student.pk in seen:
            errors["participants"] = _("Un élève figure deux fois : gardez une seule ligne par élève.")
            return []
        seen.add(student.pk)
    if seen and school_year is not None:
        enrolled = set(
            Enrollment.objects.filter(
                establishment=establishment, school_year=school_year, student_id__in=seen
            ).values_list("student_id", flat=True)
        )
        if enrolled != seen:
            errors["participants"] = _("Un des élèves n'est pas inscrit dans l'établissement cette année-là.")
            return []
    return pairs


def _parts(pairs: Iterable[tuple[Any, str]]) -> list[str]:
    return sorted(f"{role}:{student.public_id}" for student, role in pairs)


def _repr(incident: Incident) -> str:
    return f"Incident {incident.occurred_at.astimezone(zone_of(incident.establishment)).date().isoformat()}"


def report_incident(
    *,
    actor,
    establishment,
    occurred_at: dt.datetime,
    place: str,
    description: str,
    seriousness: int = Incident.Seriousness.MINOR,
    participants: Sequence[tuple[Any, str]] = (),
) -> Incident:
    """Record an incident reported by `actor` (discipline staff, or a teacher of the establishment).

    Raises PermissionDenied (neither), ValidationFailed (details per field: a date in the future or
    outside every school year, no place, an empty description, an unknown seriousness, a student
    not enrolled in the establishment, a student twice, an unknown part)."""
    if not policies.can_report_in(actor, establishment):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    cleaned = _clean(
        establishment,
        {"occurred_at": occurred_at, "place": place, "description": description, "seriousness": seriousness},
        errors,
    )
    pairs = _clean_participants(establishment, cleaned.get("school_year"), participants, errors)
    if errors:
        raise ValidationFailed(details=errors)
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            establishment=establishment,
            reported_by=actor,
            created_at=now,
            updated_at=now,
            version=1,
            **cleaned,
        )
        IncidentParticipant.objects.bulk_create(
            [IncidentParticipant(incident=incident, student=student, role=role) for student, role in pairs]
        )
        record(
            actor=actor,
            action="discipline.incident_reported",
            obj=incident,
            establishment=establishment,
            object_repr=_repr(incident),
            changes={
                "occurred_at": (None, incident.occurred_at.isoformat()),
                "place": (None, incident.place),
                "seriousness": (None, incident.seriousness),
                "description_length": (None, len(incident.description)),
                "participants": (None, _parts(pairs)),
            },
        )
    return incident


def update_incident(
    *,
    actor,
    incident: Incident,
    expected_version: int,
    participants: Sequence[tuple[Any, str]] | None = None,
    **values: Any,
) -> dict[str, tuple[Any, Any]]:
    """Change the given fields (`occurred_at`, `place`, `description`, `seriousness`) and, when
    `participants` is given, replace the participants with it. Returns the audited changes.

    Raises NotFound (the actor does not see it), PermissionDenied (sees it but neither discipline
    staff nor its reporter), IncidentConflict (`expected_version` is not the current version:
    someone saved in between), ValidationFailed (as `report_incident`)."""
    policies.ensure_can_edit_incident(actor, incident)
    unknown = set(values) - {"occurred_at", "place", "description", "seriousness"}
    if unknown:
        raise ValidationFailed(
            details={"__all__": _("Champs inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    establishment = incident.establishment
    with transaction.atomic():
        current = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("establishment")
            .get(pk=incident.pk)
        )
        if current.version != expected_version:
            raise IncidentConflict(
                details={"version": current.version, "updated_at": current.updated_at.isoformat()}
            )
        errors: dict[str, str] = {}
        cleaned = _clean(establishment, values, errors)
        year = cleaned.get("school_year", current.school_year)
        old_pairs = [(p.student, p.role) for p in current.participants.select_related("student")]
        if participants is not None:
            new_pairs = _clean_participants(establishment, year, participants, errors)
        else:
            new_pairs = old_pairs
            if "school_year" in cleaned and old_pairs:
                _clean_participants(establishment, year, old_pairs, errors)
        if errors:
            raise ValidationFailed(details=errors)
        changes: dict[str, tuple[Any, Any]] = {}
        for field in ("occurred_at", "place", "seriousness"):
            if field in cleaned and getattr(current, field) != cleaned[field]:
                old, new = getattr(current, field), cleaned[field]
                changes[field] = (old.isoformat(), new.isoformat()) if field == "occurred_at" else (old, new)
        if "description" in cleaned and cleaned["description"] != current.description:
            changes["description_length"] = (len(current.description), len(cleaned["description"]))
        if _parts(new_pairs) != _parts(old_pairs):
            changes["participants"] = (_parts(old_pairs), _parts(new_pairs))
        if not changes:
            return {}
        fields = [
            f for f in ("occurred_at", "school_year", "place", "description", "seriousness") if f in cleaned
        ]
        for field in fields:
            setattr(current, field, cleaned[field])
        current.updated_at = timezone.now()
        current.version += 1
        current.save(update_fields=[*fields, "updated_at", "version"])
        if "participants" in changes:
            _replace_participants(current, new_pairs)
        record(
            actor=actor,
            action="discipline.incident_updated",
            obj=current,
            establishment=establishment,
            object_repr=_repr(current),
            changes=changes,
        )
    for field in (*fields, "updated_at", "version"):
        setattr(incident, field, getattr(current, field))
    return changes


def _replace_participants(incident: Incident, pairs: Sequence[tuple[Any, str]]) -> None:
    wanted = {student.pk: role for student, role in pairs}
    existing = {p.student_id: p for p in incident.participants.all()}
    IncidentParticipant.objects.filter(incident=incident).exclude(student_id__in=wanted).delete()
    for student_id, role in wanted.items():
        found = existing.get(student_id)
        if found is None:
            IncidentParticipant.objects.create(incident=incident, student_id=student_id, role=role)
        elif found.role != role:
            found.role = role
            found.save(update_fields=["role"])
