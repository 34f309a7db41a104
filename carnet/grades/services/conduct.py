"""The conduct mark (conduite): one mark /20 per student and period, set by the staff (head,
deputy, school life) when the establishment counts conduct as a subject (Benin).

A suggestion from the school-life record (`ConductMark.suggested_*`) will plug in later; only a
person's write makes `value`."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.audit.services import record
from carnet.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from carnet.grades import policies
from carnet.grades.models import ConductMark
from carnet.grades.profiles import profile_for
from carnet.grades.services import locks
from carnet.grades.services.appraisals import class_of_student
from carnet.school.models import Period
from carnet.school.policies import students_visible_to

AUDIT_ACTION = "grades.conduct_saved"
MAXIMUM = Decimal("20")


class ConductConflict(Conflict):
    code = "conduct_conflict"
    default_message = gettext_lazy("Cette note de conduite a été modifiée entre-temps ; rechargez la page.")


NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def parse_conduct(text: str | None) -> Decimal | None:
    """'15,5' or '15.5' → Decimal('15.50'); '' → None (no mark). 0..20, at most 2 decimals."""
    shown = (text or "").strip()
    raw = shown.replace(" ", "")
    if raw == "":
        return None
    if not NUMBER.match(raw):
        raise ValidationFailed(
            _("« %(text)s » n'est pas une note : tapez un nombre entre 0 et 20.") % {"text": shown[:20]}
        )
    value = Decimal(raw.replace(",", "."))
    if value < 0:
        raise ValidationFailed(_("Une note de conduite ne peut pas être négative."))
    if value > MAXIMUM:
        raise ValidationFailed(_("La note %(value)s dépasse 20.") % {"value": shown})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Deux décimales au plus (par exemple 15,25)."))
    return value.quantize(Decimal("0.01"))


def format_conduct(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value != value.to_integral_value() else format(value.quantize(Decimal(1)), "f")
    return text.replace(".", ",")


def set_conduct(*, actor, period: Period, student, value: str, expected_version: int | None) -> ConductMark | None:
    """Set (or, with an empty value, remove) the conduct mark of `student` for `period`.

    Raises NotFound (student out of sight or not in the establishment that year), PermissionDenied
    (not head, deputy or school life), ValidationFailed (conduct not counted by the establishment,
    a value that is not a mark 0..20 with 2 decimals), PeriodLocked (council closed),
    ConductConflict (version differs). Audited as "grades.conduct_saved"."""
    if not students_visible_to(actor).filter(pk=student.pk).exists():
        raise NotFound()
    school_class = class_of_student(student, period)
    if school_class is None or school_class.establishment_id != period.establishment_id:
        raise NotFound()
    establishment = period.establishment
    if not policies.can_set_conduct(actor, establishment):
        raise PermissionDenied()
    if not profile_for(establishment).conduct_enabled:
        raise ValidationFailed(_("La conduite n'est pas comptée comme une matière dans cet établissement."))
    number = parse_conduct(value)
    with transaction.atomic():
        locks.ensure_unlocked(period, [school_class.pk])
        current = ConductMark.objects.select_for_update(of=("self",)).select_related("set_by").filter(period=period, student=student).first()
        if (current.version if current else None) != expected_version:
            raise ConductConflict(
                details={
                    "current_value": format_conduct(current.value) if current else "",
                    "version": current.version if current else None,
                    "updated_by": str(current.set_by) if current and current.set_by else "",
                    "updated_at": current.updated_at.isoformat() if current else None,
                }
            )
        old = current.value if current else None
        if old == number:
            return current
        repr_ = f"{student} — {period.name}"[:200]
        if number is None:
            assert current is not None
            record(actor=actor, action=AUDIT_ACTION, obj=current, establishment=establishment,
                   changes={"value": (str(old), None)}, object_repr=repr_)
            current.delete()
            return None
        if current is None:
            current = ConductMark.objects.create(
                establishment=establishment, period=period, student=student, value=number, set_by=actor,
                updated_at=timezone.now(), version=1,
            )
        else:
            current.value = number
            current.set_by = actor
            current.updated_at = timezone.now()
            current.version += 1
            current.save(update_fields=["value", "set_by", "updated_at", "version"])
        record(
            actor=actor, action=AUDIT_ACTION, obj=current, establishment=establishment,
            changes={"value": (str(old) if old is not None else None, str(number))}, object_repr=repr_,
        )
    return current
