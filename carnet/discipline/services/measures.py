"""Measures: deciding a punishment or a sanction for a student, and following it up.

A measure comes from the establishment's catalogue (an active type), for a student enrolled in
the establishment, optionally linked to an incident in which the student took part. Its school
year is the one its decision date falls in; its `expires_on` is computed then from its type
(`services.retention.expiry_for`). A punishment is decided by the discipline staff or by a teacher
of the student; a sanction by the head or a deputy (`policies.can_decide`).

When the establishment tells guardians (`DisciplineSettings.notify_guardians`) and they see
measures of this kind (`guardians_see`), the student's guardians are notified after the commit
(kind "discipline.measure": in the app and by e-mail, never by SMS unless a person chooses it:
the notification carries neither the reason nor any other student's name).

Audit actions: "discipline.measure_decided", "discipline.measure_updated" (with ids, dates,
status; the reason and the follow-up comment only as their lengths)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from carnet.audit.services import record
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.discipline import policies
from carnet.discipline.errors import MeasureConflict
from carnet.discipline.models import Incident, Measure, MeasureType
from carnet.discipline.services.catalogue import settings_for
from carnet.discipline.services.incidents import school_year_on
from carnet.discipline.services.retention import expiry_for
from carnet.notifications.services.sending import notify
from carnet.school.models import Enrollment, Guardianship
from carnet.school.roles import current_enrollment_q

log = logging.getLogger("carnet.discipline")

NOTIFICATION_KIND = "discipline.measure"
MAX_REASON = 500
MAX_FOLLOW_UP = 500
EDITABLE = ("reason", "due_on", "status", "follow_up")


def _text(
    value: Any, *, field: str, maximum: int, required: bool, errors: dict[str, str], missing: str
) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = missing
    elif len(text) > maximum:
        errors[field] = _("Ce texte tient en %(max)s caractères.") % {"max": maximum}
    return text


def _repr(measure: Measure) -> str:
    return measure.measure_type.name


def decide_measure(
    *,
    actor,
    student,
    measure_type: MeasureType,
    reason: str,
    decided_on: dt.date | None = None,
    due_on: dt.date | None = None,
    incident: Incident | None = None,
    follow_up: str = "",
) -> Measure:
    """Decide a measure of `measure_type` for `student`, in the type's establishment.

    Raises NotFound (an incident the actor does not see), ValidationFailed (details per field: a
    type withdrawn from the catalogue, a student not enrolled in the establishment or not involved
    in the incident, an empty reason, a decision date in the future or outside every school year,
    a due date before the decision, a measure that would already have left the record),
    PermissionDenied (someone who is neither discipline staff nor a teacher of the establishment; a
    sanction by someone other than the head or a deputy; a punishment for a student the teacher does
    not teach)."""
    establishment = measure_type.establishment
    if not policies.can_report_in(actor, establishment):
        raise PermissionDenied()
    errors: dict[str, str] = {}
    if not measure_type.is_active:
        errors["measure_type"] = _("Ce type de mesure n'est plus au catalogue.")
    if incident is not None:
        if (
            incident.establishment_id != establishment.pk
            or not policies.incidents_visible_to(actor).filter(pk=incident.pk).exists()
        ):
            raise NotFound()
        if not incident.participants.filter(student_id=student.pk).exists():
            errors["incident"] = _("L'élève n'est pas impliqué dans cet incident.")
    enrolled = Enrollment.objects.filter(
        current_enrollment_q(), establishment=establishment, student=student
    ).exists()
    if not enrolled:
        errors["student"] = _("Cet élève n'est pas inscrit dans l'établissement.")
        raise ValidationFailed(details=errors)
    policies.ensure_can_decide(
        actor, establishment=establishment, student=student, category=measure_type.category
    )
    reason = _text(
        reason,
        field="reason",
        maximum=MAX_REASON,
        required=True,
        errors=errors,
        missing=_("Donnez le motif de la mesure."),
    )
    follow_up = _text(
        follow_up, field="follow_up", maximum=MAX_FOLLOW_UP, required=False, errors=errors, missing=""
    )
    today = timezone.localdate()
    decided_on = decided_on or today
    year = None
    if decided_on > today:
        errors["decided_on"] = _("Une mesure ne peut pas être décidée dans le futur.")
    else:
        year = school_year_on(establishment, decided_on)
        if year is None:
            errors["decided_on"] = _("Cette date n'est dans aucune année scolaire de l'établissement.")
    if due_on is not None and due_on < decided_on:
        errors["due_on"] = _("La date d'exécution ne peut pas précéder la décision.")
    expires_on = (
        expiry_for(measure_type, school_year=year, decided_on=decided_on) if year is not None else None
    )
    if expires_on is not None and expires_on < today:
        errors["decided_on"] = _(
            "Une mesure de ce type décidée à cette date aurait déjà quitté le dossier de l'élève."
        )
    if errors:
        raise ValidationFailed(details=errors)
    assert year is not None
    settings = settings_for(establishment)
    tell = settings.notify_guardians and policies.measure_visible_to_guardians(settings, measure_type)
    now = timezone.now()
    with transaction.atomic():
        measure = Measure.objects.create(
            establishment=establishment,
            school_year=year,
            student=student,
            measure_type=measure_type,
            incident=incident,
            reason=reason,
            decided_on=decided_on,
            decided_by=actor,
            due_on=due_on,
            follow_up=follow_up,
            expires_on=expires_on,
            guardians_notified_at=now if tell else None,
            created_at=now,
            updated_at=now,
            version=1,
        )
        record(
            actor=actor,
            action="discipline.measure_decided",
            obj=measure,
            establishment=establishment,
            object_repr=_repr(measure),
            changes={
                "student": (None, str(student.public_id)),
                "measure_type": (None, str(measure_type.public_id)),
                "category": (None, measure_type.category),
                "incident": (None, str(incident.public_id) if incident else None),
                "decided_on": (None, decided_on.isoformat()),
                "due_on": (None, due_on.isoformat() if due_on else None),
                "expires_on": (None, expires_on.isoformat() if expires_on else None),
                "status": (None, measure.status),
            },
        )
        if tell:
            measure_id = measure.pk
            transaction.on_commit(lambda: notify_guardians(measure_id))
    return measure


def update_measure(
    *, actor, measure: Measure, expected_version: int, **values: Any
) -> dict[str, tuple[Any, Any]]:
    """Change the given fields among `reason`, `due_on`, `status`, `follow_up`. Returns the audited
    changes (empty when nothing changed).

    Raises NotFound (the actor does not see it), PermissionDenied (see `policies.can_edit_measure`),
    MeasureConflict (`expected_version` is not the current one), ValidationFailed (an empty reason,
    an unknown status, a due date before the decision, a text too long)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            details={"__all__": _("Champs inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    with transaction.atomic():
        current = (
            Measure.objects.select_for_update(of=("self",))
            .select_related("measure_type", "establishment")
            .get(pk=measure.pk)
        )
        errors: dict[str, str] = {}
        cleaned: dict[str, Any] = {}
        if "reason" in values:
            cleaned["reason"] = _text(
                values["reason"],
                field="reason",
                maximum=MAX_REASON,
                required=True,
                errors=errors,
                missing=_("Donnez le motif de la mesure."),
            )
        if "follow_up" in values:
            cleaned["follow_up"] = _text(
                values["follow_up"],
                field="follow_up",
                maximum=MAX_FOLLOW_UP,
                required=False,
                errors=errors,
                missing="",
            )
        if "status" in values:
            if values["status"] not in Measure.Status.values:
                errors["status"] = _("Choisissez un suivi : décidée, effectuée, non effectuée ou annulée.")
            cleaned["status"] = values["status"]
        if "due_on" in values:
            due_on = values["due_on"]
            if due_on is not None and due_on < current.decided_on:
                errors["due_on"] = _("La date d'exécution ne peut pas précéder la décision.")
            cleaned["due_on"] = due_on
        changed = [f for f in cleaned if getattr(current, f) != cleaned[f]]
        policies.ensure_can_edit_measure(actor, current, changed)
        if current.version != expected_version:
            raise MeasureConflict(
                details={"version": current.version, "updated_at": current.updated_at.isoformat()}
            )
        if errors:
            raise ValidationFailed(details=errors)
        if not changed:
            return {}
        changes: dict[str, tuple[Any, Any]] = {}
        for field in changed:
            old, new = getattr(current, field), cleaned[field]
            if field in ("reason", "follow_up"):
                changes[f"{field}_length"] = (len(old), len(new))
            elif field == "due_on":
                changes[field] = (old.isoformat() if old else None, new.isoformat() if new else None)
            else:
                changes[field] = (old, new)
            setattr(current, field, new)
        current.updated_at = timezone.now()
        current.version += 1
        current.save(update_fields=[*changed, "updated_at", "version"])
        record(
            actor=actor,
            action="discipline.measure_updated",
            obj=current,
            establishment=current.establishment,
            object_repr=_repr(current),
            changes=changes,
        )
    for field in (*changed, "updated_at", "version"):
        setattr(measure, field, getattr(current, field))
    return changes


# --- telling the guardians ----------------------------------------------------------------------
def notify_guardians(measure_id: int) -> int:
    """Tell the guardians of the measure's student (in its establishment) that a measure was
    decided. Never raises: a failed notification must not undo a decision. Returns how many were
    notified."""
    try:
        measure = (
            Measure.objects.select_related("measure_type", "student", "establishment")
            .filter(pk=measure_id)
            .first()
        )
        if measure is None:
            return 0
        guardians = [
            g.guardian
            for g in Guardianship.objects.filter(
                student_id=measure.student_id, establishment_id=measure.establishment_id
            )
            .select_related("guardian")
            .order_by("pk")
        ]
        if not guardians:
            return 0
        if measure.measure_type.category == MeasureType.Category.SANCTION:
            title = _("Nouvelle sanction pour %(name)s") % {"name": measure.student.first_name}
        else:
            title = _("Nouvelle punition pour %(name)s") % {"name": measure.student.first_name}
        body = _("%(type)s, décidée le %(day)s. Le détail est dans Carnet.") % {
            "type": measure.measure_type.name,
            "day": date_format(measure.decided_on, "j F Y"),
        }
        url = reverse("discipline:family") + f"?child={measure.student.public_id}"
        return len(
            notify(
                recipients=guardians,
                kind=NOTIFICATION_KIND,
                title=title,
                body=body,
                url=url,
                establishment=measure.establishment,
            )
        )
    except Exception:
        log.exception("Could not notify the guardians of measure %s", measure_id)
        return 0
