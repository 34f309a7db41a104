"""Exemptions (dispenses): school-life staff create, change, end and delete them; a certificate
(PDF or photo, checked by its first bytes and size) may go with one.

An exemption is for one subject, from one day to another; one-off when both days are the same;
recurring on some weekdays when `weekdays` is not empty (0 = Monday). `must_attend` says whether
the student still comes to the lesson. Registers show it on the days it covers.

The certificate is stored under a random name (the model's `upload_to`); the name people gave it
is kept, cleaned, for display. It is served only by a scoped view (see `register_policies`).

Audit actions: "attendance.exemption_created", "attendance.exemption_updated",
"attendance.exemption_ended", "attendance.exemption_deleted" (old -> new values; the certificate
as its display name)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carnet.attendance import register_policies as policies
from carnet.attendance.models import Exemption
from carnet.attendance.services.episodes import local_today
from carnet.audit import services as audit
from carnet.core.errors import NotFound, ValidationFailed
from carnet.core.uploads import check_document
from carnet.school.models import Enrollment, Subject

REASON_MAX = 200
FIELDS = ("subject", "starts_on", "ends_on", "weekdays", "must_attend", "reason")


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


def _attach(exemption: Exemption, certificate) -> None:
    checked = check_document(certificate, field="certificate")
    exemption.certificate.save("certificate", certificate, save=False)
    exemption.certificate_name = checked.display_name
    exemption.certificate_type = checked.content_type


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
    *, actor, exemption: Exemption, values: dict[str, Any], certificate=None, remove_certificate: bool = False
) -> Exemption:
    """Change an exemption's fields; a new `certificate` replaces the old one, `remove_certificate`
    drops it (the old file is deleted after the commit). Same refusals as `create_exemption`.
    Changing nothing records nothing."""
    policies.ensure_can_manage_exemptions(actor, exemption.establishment_id)
    cleaned = clean_values(
        establishment_id=exemption.establishment_id, student=exemption.student, values=values
    )
    changes = {
        f: (_audit_value(f, getattr(exemption, f)), _audit_value(f, cleaned[f]))
        for f in FIELDS
        if getattr(exemption, f) != cleaned[f]
    }
    old_file, old_name = exemption.certificate.name, exemption.certificate_name
    for field, value in cleaned.items():
        setattr(exemption, field, value)
    if certificate is not None:
        _attach(exemption, certificate)
    elif remove_certificate and old_file:
        exemption.certificate, exemption.certificate_name, exemption.certificate_type = "", "", ""
    if exemption.certificate.name != old_file:
        changes["certificate"] = (old_name or None, exemption.certificate_name or None)
    if not changes:
        return exemption
    with transaction.atomic():
        exemption.save(update_fields=[*FIELDS, "certificate", "certificate_name", "certificate_type"])
        audit.record(
            actor=actor,
            action="attendance.exemption_updated",
            obj=exemption,
            establishment=exemption.establishment,
            object_repr=_repr(exemption, exemption.student),
            changes=changes,
        )
        if exemption.certificate.name != old_file:
            _drop_file_after_commit(old_file)
    return exemption


def end_exemption(*, actor, exemption: Exemption, on: dt.date | None = None) -> Exemption:
    """The exemption stops after `on` (default: today in the establishment): its last day
    becomes `on`. Refuses (ValidationFailed) a day before its first day (delete it instead) or
    not before its current last day (nothing to end)."""
    policies.ensure_can_manage_exemptions(actor, exemption.establishment_id)
    on = on or local_today(exemption.establishment)
    if on < exemption.starts_on:
        _fail(
            "on",
            _("La dispense ne commence que le %(day)s : supprimez-la plutôt.")
            % {"day": formats.date_format(exemption.starts_on, "j F Y")},
        )
    if on >= exemption.ends_on:
        _fail(
            "on",
            _("La dispense se termine déjà le %(day)s.")
            % {"day": formats.date_format(exemption.ends_on, "j F Y")},
        )
    old = exemption.ends_on
    exemption.ends_on = on
    with transaction.atomic():
        exemption.save(update_fields=["ends_on"])
        audit.record(
            actor=actor,
            action="attendance.exemption_ended",
            obj=exemption,
            establishment=exemption.establishment,
            object_repr=_repr(exemption, exemption.student),
            changes={"ends_on": (old.isoformat(), on.isoformat())},
        )
    return exemption


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
