"""Exemptions (dispenses): school-life staff create, change, end and delete them; a certificate
(PDF or photo, checked by its first bytes and size) may go with one.

An exemption is for one subject, from one day to another; one-off when both days are the same;
recurring on some weekdays when `weekdays` is not empty (0 = Monday). `must_attend` says whether
the student still comes to the lesson. Registers show it on the days it covers.

The certificate is stored under a random name (the model's `upload_to`); the name people gave it
is kept, cleaned, for display. It is served only by a scoped view (see `register_policies`).

Changing or ending one names the version the person saw (`expected_version`, None: do not
check): a save made meanwhile by someone else is refused with ExemptionConflict
(`exemption_conflict`, 409), nothing is overwritten, and the message says who saved and when (from
the audit log); every change bumps `version`.

Audit actions: "attendance.exemption_created", "attendance.exemption_updated",
"attendance.exemption_ended", "attendance.exemption_deleted" (old -> new values; the certificate
as its display name)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.attendance import register_policies as policies
from carnet.attendance.models import Exemption
from carnet.attendance.services.episodes import local_today
from carnet.attendance.services.settings import zone_of
from carnet.audit import services as audit
from carnet.audit.models import AuditEvent
from carnet.core.errors import Conflict, NotFound, ValidationFailed
from carnet.core.uploads import check_document
from carnet.school.models import Enrollment, Subject

REASON_MAX = 200
FIELDS = ("subject", "starts_on", "ends_on", "weekdays", "must_attend", "reason")
WRITE_ACTIONS = ("attendance.exemption_created", "attendance.exemption_updated", "attendance.exemption_ended")


class ExemptionConflict(Conflict):
    code = "exemption_conflict"
    default_message = gettext_lazy(
        "Cette dispense a été modifiée par quelqu'un d'autre depuis votre lecture : rien n'a été enregistré. "
        "Rechargez-la avant de recommencer."
    )


def _fail(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, details={field: message})


def _enrollment(student, establishment_id: int, on: dt.date) -> Enrollment:
    enrollment = (
        Enrollment.objects.filter(student=student, establishment_id=establishment_id, starts_on__lte=on)
        .select_related("school_year")
        .order_by("-starts_on")
        .first()
    )
    if enrollment is None:
        enrollment = (
            Enrollment.objects.filter(
                student=student, establishment_id=establishment_id, school_year__is_current=True
            )
            .select_related("school_year")
            .first()
        )
    if enrollment is None:
        raise NotFound()
    return enrollment


def clean_values(*, establishment_id: int, student, values: dict[str, Any]) -> dict[str, Any]:
    """Check the exemption's fields (ValidationFailed, details {field: message}, first problem)."""
    subject = values.get("subject")
    if not isinstance(subject, Subject) or subject.establishment_id != establishment_id:
        _fail("subject", _("Choisissez une matière de l'établissement."))
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts_on, dt.date):
        _fail("starts_on", _("Indiquez le premier jour de la dispense."))
    if not isinstance(ends_on, dt.date):
        _fail(
            "ends_on",
            _("Indiquez le dernier jour de la dispense (le même jour pour une dispense ponctuelle)."),
        )
    if ends_on < starts_on:
        _fail("ends_on", _("La dispense ne peut pas finir avant de commencer."))
    year = _enrollment(student, establishment_id, starts_on).school_year
    if starts_on < year.starts_on or ends_on > year.ends_on:
        _fail(
            "ends_on" if starts_on >= year.starts_on else "starts_on",
            _("La dispense doit tenir dans l'année scolaire %(year)s (du %(start)s au %(end)s).")
            % {
                "year": year.name,
                "start": formats.date_format(year.starts_on, "j F Y"),
                "end": formats.date_format(year.ends_on, "j F Y"),
            },
        )
    raw_days = values.get("weekdays") or []
    try:
        weekdays = sorted({int(day) for day in raw_days})
    except (TypeError, ValueError):
        weekdays = [-1]
    if any(day < 0 or day > 6 for day in weekdays):
        _fail("weekdays", _("Les jours de la semaine vont de 0 (lundi) à 6 (dimanche)."))
    if weekdays and not any(
        (starts_on + dt.timedelta(days=n)).weekday() in weekdays
        for n in range(min(7, (ends_on - starts_on).days + 1))
    ):
        _fail("weekdays", _("Aucun des jours choisis ne tombe entre ces deux dates."))
    reason = (values.get("reason") or "").strip()
    if len(reason) > REASON_MAX:
        _fail("reason", _("Le motif est trop long (%(max)s caractères au plus).") % {"max": REASON_MAX})
    return {
        "subject": subject,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "weekdays": weekdays,
        "must_attend": bool(values.get("must_attend", True)),
        "reason": reason,
    }


def _audit_value(field: str, value: Any) -> Any:
    if field == "subject":
        return value.name if value is not None else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _repr(exemption: Exemption, student) -> str:
    return f"{student.full_name} — {exemption.subject.name}"


def _attach(exemption: Exemption, certificate, checked=None) -> None:
    checked = checked or check_document(certificate, field="certificate")
    exemption.certificate.save("certificate", certificate, save=False)
    exemption.certificate_name = checked.display_name
    exemption.certificate_type = checked.content_type


def _last_write(exemption: Exemption) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            object_type=Exemption._meta.label_lower,
            object_id=str(exemption.public_id),
            action__in=WRITE_ACTIONS,
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _conflict(current: Exemption) -> ExemptionConflict:
    """The refusal of a stale save: who saved last and when (the audit log), and the values now."""
    event = _last_write(current)
    by = ""
    if event is not None:
        by = event.actor.full_name if event.actor else event.actor_name
    details = {
        "version": current.version,
        "by": by,
        "at": event.at.isoformat() if event else None,
        "subject": str(current.subject.public_id),
        "starts_on": current.starts_on.isoformat(),
        "ends_on": current.ends_on.isoformat(),
        "weekdays": list(current.weekdays or []),
        "must_attend": current.must_attend,
        "reason": current.reason,
        "certificate": (current.certificate_name or None) if current.certificate else None,
    }
    if event is None:
        return ExemptionConflict(details=details)
    local = timezone.localtime(event.at, zone_of(current.establishment))
    message = _(
        "Cette dispense a été modifiée entre-temps par %(name)s le %(day)s à %(time)s : "
        "rien n'a été enregistré. Relisez ses valeurs actuelles avant de recommencer."
    ) % {
        "name": by or _("quelqu'un d'autre"),
        "day": formats.date_format(local.date(), "j F Y"),
        "time": local.strftime("%H:%M"),
    }
    return ExemptionConflict(message, details=details)


def _locked(exemption: Exemption, expected_version: int | None) -> Exemption:
    """The exemption's row, locked until the end of the transaction, checked against the version
    the person saw (ExemptionConflict when someone saved since)."""
    current = (
        Exemption.objects.select_for_update(of=("self",))
        .select_related("establishment", "student", "subject")
        .get(pk=exemption.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise _conflict(current)
    return current


def _drop_file_after_commit(name: str | None) -> None:
    if not name:
        return
    from django.core.files.storage import default_storage

    transaction.on_commit(lambda: default_storage.delete(name))


def create_exemption(*, actor, establishment, student, values: dict[str, Any], certificate=None) -> Exemption:
    """A new exemption for `student` (enrolled in `establishment`). `values`: subject (a Subject),
    starts_on, ends_on, weekdays (list of 0..6, empty = every day), must_attend, reason.
    Refuses: PermissionDenied (not school-life staff there), NotFound (student not of the
    establishment), ValidationFailed (a bad field or certificate; details {field: message})."""
    policies.ensure_can_manage_exemptions(actor, establishment)
    cleaned = clean_values(establishment_id=establishment.pk, student=student, values=values)
    exemption = Exemption(
        establishment=establishment, student=student, created_by=actor, created_at=timezone.now(), **cleaned
    )
    if certificate is not None:
        _attach(exemption, certificate)
    with transaction.atomic():
        exemption.save()
        changes = {f: (None, _audit_value(f, cleaned[f])) for f in FIELDS}
        if exemption.certificate_name:
            changes["certificate"] = (None, exemption.certificate_name)
        audit.record(
            actor=actor,
            action="attendance.exemption_created",
            obj=exemption,
            establishment=establishment,
            object_repr=_repr(exemption, student),
            changes=changes,
        )
    return exemption


def update_exemption(
    *,
    actor,
    exemption: Exemption,
    values: dict[str, Any],
    certificate=None,
    remove_certificate: bool = False,
    expected_version: int | None,
) -> Exemption:
    """Change an exemption's fields; a new `certificate` replaces the old one, `remove_certificate`
    drops it (the old file is deleted after the commit). `expected_version`: the version the person
    saw (None: no check). Returns the row as saved (its `version` bumped when something changed).
    Same refusals as `create_exemption`, plus ExemptionConflict (someone saved since that version;
    details give the current values, who and when). Changing nothing records nothing."""
    policies.ensure_can_manage_exemptions(actor, exemption.establishment_id)
    cleaned = clean_values(
        establishment_id=exemption.establishment_id, student=exemption.student, values=values
    )
    checked = check_document(certificate, field="certificate") if certificate is not None else None
    with transaction.atomic():
        current = _locked(exemption, expected_version)
        changes = {
            f: (_audit_value(f, getattr(current, f)), _audit_value(f, cleaned[f]))
            for f in FIELDS
            if getattr(current, f) != cleaned[f]
        }
        old_file, old_name = current.certificate.name, current.certificate_name
        for field, value in cleaned.items():
            setattr(current, field, value)
        if certificate is not None:
            _attach(current, certificate, checked)
        elif remove_certificate and old_file:
            current.certificate, current.certificate_name, current.certificate_type = "", "", ""
        if current.certificate.name != old_file:
            changes["certificate"] = (old_name or None, current.certificate_name or None)
        if not changes:
            return current
        current.version += 1
        current.save(
            update_fields=[*FIELDS, "certificate", "certificate_name", "certificate_type", "version"]
        )
        audit.record(
            actor=actor,
            action="attendance.exemption_updated",
            obj=current,
            establishment=current.establishment,
            object_repr=_repr(current, current.student),
            changes=changes,
        )
        if current.certificate.name != old_file:
            _drop_file_after_commit(old_file)
    return current


def end_exemption(
    *, actor, exemption: Exemption, on: dt.date | None = None, expected_version: int | None
) -> Exemption:
    """The exemption stops after `on` (default: today in the establishment): its last day
    becomes `on`. Refuses (ValidationFailed) a day before its first day (delete it instead) or
    not before its current last day (nothing to end); ExemptionConflict when someone saved since
    `expected_version` (None: no check). Returns the row as saved, its `version` bumped."""
    policies.ensure_can_manage_exemptions(actor, exemption.establishment_id)
    on = on or local_today(exemption.establishment)
    with transaction.atomic():
        current = _locked(exemption, expected_version)
        if on < current.starts_on:
            _fail(
                "on",
                _("La dispense ne commence que le %(day)s : supprimez-la plutôt.")
                % {"day": formats.date_format(current.starts_on, "j F Y")},
            )
        if on >= current.ends_on:
            _fail(
                "on",
                _("La dispense se termine déjà le %(day)s.")
                % {"day": formats.date_format(current.ends_on, "j F Y")},
            )
        old = current.ends_on
        current.ends_on = on
        current.version += 1
        current.save(update_fields=["ends_on", "version"])
        audit.record(
            actor=actor,
            action="attendance.exemption_ended",
            obj=current,
            establishment=current.establishment,
            object_repr=_repr(current, current.student),
            changes={"ends_on": (old.isoformat(), on.isoformat())},
        )
    return current


def delete_exemption(*, actor, exemption: Exemption) -> None:
    """Remove an exemption entered by mistake, with its certificate (after the commit)."""
    policies.ensure_can_manage_exemptions(actor, exemption.establishment_id)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="attendance.exemption_deleted",
            obj=exemption,
            establishment=exemption.establishment,
            object_repr=_repr(exemption, exemption.student),
            changes={f: (_audit_value(f, getattr(exemption, f)), None) for f in FIELDS},
        )
        name = exemption.certificate.name
        exemption.delete()
        _drop_file_after_commit(name)
