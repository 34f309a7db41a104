"""Guardians declare an absence (in advance or after the fact) with a reason, a message and a
supporting document; school-life managers accept or reject it.

- `declare_absence`: only for one's own child (a guardianship recorded in the establishment):
  anyone else gets NotFound and nothing is saved. The document must really be a PDF or a photo
  (`core.uploads.check_document`: type read from the first bytes, size limit); it is stored under a
  random name and served only through a scoped view.
- `decide_declaration`: accepting links the absences of the student that overlap the declared time
  and regularises them with the declared reason (justified when the reason justifies, unjustified
  otherwise; an absence already justified is left as it is). When nothing overlaps and the declared
  time is over, an absence is created for it (source "guardian"). A declaration made in advance
  covers the absences the registers record later: `link_accepted_declarations` (run by the
  periodic job and after each decision) links and regularises them. Rejecting needs a note. The
  guardian who declared is told the decision.

Audit actions: "attendance.declaration_accepted", "attendance.declaration_rejected" and, for each
absence changed, "attendance.absence_regularised"."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.attendance import policies
from carnet.attendance.models import Absence, AbsenceDeclaration, AbsenceReason, Regularisation
from carnet.attendance.services import alerts
from carnet.attendance.services.absences import check_range, count_half_days, overlapping, school_year_of
from carnet.attendance.services.settings import active_reason, zone_of
from carnet.audit.services import record
from carnet.core.errors import Conflict, NotFound, ValidationFailed
from carnet.core.uploads import check_document

MAX_MESSAGE = 500
MAX_NOTE = 300
#: How far ahead a guardian may declare.
MAX_DAYS_AHEAD = 92
#: How far back the periodic job looks for absences to match with accepted declarations.
MATCH_DAYS = 92


class DeclarationConflict(Conflict):
    code = "declaration_conflict"
    default_message = gettext_lazy(
        "Cette déclaration a été modifiée par quelqu'un d'autre depuis votre lecture : rien n'a été enregistré."
    )


class DeclarationDecided(Conflict):
    code = "declaration_decided"
    default_message = gettext_lazy("Cette déclaration a déjà été traitée.")


def declare_absence(
    *,
    actor,
    student,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason_id=None,
    message: str = "",
    document=None,
) -> AbsenceDeclaration:
    """A guardian's declaration for their child `student`.

    Raises NotFound (not one's child), ValidationFailed (end before start, too long, too far ahead
    or outside the school year, no reason or one not in the list, message too long, a document that
    is not what it claims or too large). Nothing is saved on any refusal."""
    guardianship = policies.guardianship_of(actor, student)
    if guardianship is None:
        raise NotFound()
    establishment = guardianship.establishment
    check_range(starts_at, ends_at)
    if starts_at > timezone.now() + dt.timedelta(days=MAX_DAYS_AHEAD):
        limit = _("Une absence se déclare au plus trois mois à l'avance.")
        raise ValidationFailed(limit, details={"starts_at": limit})
    school_year_of(establishment, timezone.localtime(starts_at, zone_of(establishment)).date())
    if not reason_id:
        needed = _("Choisissez un motif.")
        raise ValidationFailed(needed, details={"reason": needed})
    reason = active_reason(establishment, reason_id)
    text = (message or "").strip()
    if len(text) > MAX_MESSAGE:
        too_long = _("Le message dépasse %(max)s caractères.") % {"max": MAX_MESSAGE}
        raise ValidationFailed(too_long, details={"message": too_long})
    checked = check_document(document, field="document") if document else None
    with transaction.atomic():
        declaration = AbsenceDeclaration(
            establishment=establishment,
            student=student,
            declared_by=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            message=text,
        )
        if checked is not None:
            declaration.document = document
            declaration.document_name = checked.display_name
            declaration.document_type = checked.content_type
        declaration.save()
        transaction.on_commit(lambda: _tell_staff(declaration), robust=True)
    return declaration


def _tell_staff(declaration: AbsenceDeclaration) -> None:
    from carnet.attendance import notifying

    notifying.notify_declaration_received(declaration)


def decide_declaration(
    *,
    actor,
    declaration: AbsenceDeclaration,
    accept: bool,
    note: str = "",
    expected_version: int,
) -> AbsenceDeclaration:
    """Accept or reject a pending declaration (see the module docstring).

    Raises NotFound (out of sight), PermissionDenied (not a manager: the secretary, a guardian),
    ValidationFailed (a rejection without a note, a note too long), DeclarationDecided (already
    decided), DeclarationConflict (the version differs)."""
    if not policies.declarations_visible_to(actor).filter(pk=declaration.pk).exists():
        raise NotFound()
    policies.ensure_can_manage_attendance(actor, declaration.establishment)
    text = " ".join((note or "").split())
    if len(text) > MAX_NOTE:
        too_long = _("La réponse dépasse %(max)s caractères.") % {"max": MAX_NOTE}
        raise ValidationFailed(too_long, details={"note": too_long})
    if not accept and not text:
        needed = _("Dites à la famille pourquoi la déclaration est refusée.")
        raise ValidationFailed(needed, details={"note": needed})
    with transaction.atomic():
        current = (
            AbsenceDeclaration.objects.select_for_update(of=("self",))
            .select_related("reason", "establishment", "student")
            .get(pk=declaration.pk)
        )
        if current.status != AbsenceDeclaration.Status.PENDING:
            raise DeclarationDecided(details={"status": current.status, "version": current.version})
        if current.version != expected_version:
            raise DeclarationConflict(details={"status": current.status, "version": current.version})
        now = timezone.now()
        current.status = AbsenceDeclaration.Status.ACCEPTED if accept else AbsenceDeclaration.Status.REJECTED
        current.decided_by = actor
        current.decided_at = now
        current.decision_note = text
        current.version += 1
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "version"])
        linked = _link_on_accept(current, actor=actor, now=now) if accept else []
        record(
            actor=actor,
            action="attendance.declaration_accepted" if accept else "attendance.declaration_rejected",
            obj=current,
            establishment=current.establishment,
            changes={
                "status": (AbsenceDeclaration.Status.PENDING, current.status),
                "note": (None, text or None),
                "absences": (None, len(linked)),
            },
            object_repr=f"{current.student} — {timezone.localtime(current.starts_at, zone_of(current.establishment)):%d/%m/%Y}",
        )
        transaction.on_commit(lambda: _tell_guardian(current), robust=True)
        alerts.evaluate_later(current.establishment_id, [current.student_id])
    return current


def _tell_guardian(declaration: AbsenceDeclaration) -> None:
    from carnet.attendance import notifying

    notifying.notify_declaration_decided(declaration)


def regularise_from(absence: Absence, reason: AbsenceReason | None, *, actor=None, now=None) -> dict:
    """Give `absence` the declared reason and the state it implies (in place, saved). An absence
    already justified, or a declaration without a reason, changes nothing."""
    if reason is None or absence.state == Regularisation.JUSTIFIED:
        return {}
    state = Regularisation.JUSTIFIED if reason.justifies else Regularisation.UNJUSTIFIED
    changes: dict[str, tuple[str | None, str]] = {}
    if absence.state != state:
        changes["state"] = (absence.state, str(state))
    if absence.reason_id != reason.pk:
        changes["reason"] = (absence.reason.label if absence.reason is not None else None, reason.label)
    if not changes:
        return {}
    absence.state = state
    absence.reason = reason
    absence.version += 1
    absence.updated_at = now or timezone.now()
    absence.save(update_fields=["state", "reason", "version", "updated_at"])
    record(
        actor=actor,
        action="attendance.absence_regularised",
        obj=absence,
        establishment=absence.establishment,
        changes=changes,
        object_repr=f"{absence.student} — {absence.starts_at:%Y-%m-%d}",
    )
    return changes


def _link_on_accept(declaration: AbsenceDeclaration, *, actor, now) -> list[Absence]:
    absences = list(
        overlapping(
            declaration.student,
            declaration.starts_at,
            declaration.ends_at,
            establishment=declaration.establishment,
        )
        .select_for_update(of=("self",))
        .select_related("reason", "establishment", "student")
    )
    if not absences and declaration.ends_at <= now:
        establishment = declaration.establishment
        half_days = count_half_days(establishment, declaration.starts_at, declaration.ends_at)
        if half_days >= 1:
            year = school_year_of(
                establishment, timezone.localtime(declaration.starts_at, zone_of(establishment)).date()
            )
            absences = [
                Absence.objects.create(
                    establishment=establishment,
                    school_year=year,
                    student=declaration.student,
                    starts_at=declaration.starts_at,
                    ends_at=declaration.ends_at,
                    half_days=half_days,
                    source=Absence.Source.GUARDIAN,
                    state=Regularisation.TO_JUSTIFY,
                    created_by=actor,
                    created_at=now,
                    updated_at=now,
                    guardians_notified_at=now,
                )
            ]
    for absence in absences:
        regularise_from(absence, declaration.reason, actor=actor, now=now)
    if absences:
        declaration.absences.add(*absences)
    return absences


def link_accepted_declarations(*, establishment=None, student_ids=None) -> int:
    """Link the absences still to justify that lie within an accepted declaration of the same
    student (a declaration made in advance, an absence recorded afterwards) and regularise them
    with its reason. Returns the number of absences changed. Two queries when there is nothing to do."""
    since = timezone.now() - dt.timedelta(days=MATCH_DAYS)
    covering = AbsenceDeclaration.objects.filter(
        establishment_id=OuterRef("establishment_id"),
        student_id=OuterRef("student_id"),
        status=AbsenceDeclaration.Status.ACCEPTED,
        starts_at__lte=OuterRef("starts_at"),
        ends_at__gte=OuterRef("ends_at"),
    )
    already = AbsenceDeclaration.absences.through.objects.filter(absence_id=OuterRef("pk"))
    candidates = Absence.objects.filter(state=Regularisation.TO_JUSTIFY, starts_at__gte=since).filter(
        Exists(covering), ~Exists(already)
    )
    if establishment is not None:
        candidates = candidates.filter(establishment=establishment)
    if student_ids is not None:
        candidates = candidates.filter(student_id__in=list(student_ids))
    changed = 0
    for absence in candidates.select_related("reason", "establishment", "student"):
        with transaction.atomic():
            declaration = (
                AbsenceDeclaration.objects.filter(
                    establishment_id=absence.establishment_id,
                    student_id=absence.student_id,
                    status=AbsenceDeclaration.Status.ACCEPTED,
                    starts_at__lte=absence.starts_at,
                    ends_at__gte=absence.ends_at,
                )
                .select_related("reason", "decided_by")
                .order_by("-decided_at")
                .first()
            )
            current = (
                Absence.objects.select_for_update(of=("self",))
                .select_related("reason", "establishment", "student")
                .get(pk=absence.pk)
            )
            if declaration is None or current.state != Regularisation.TO_JUSTIFY:
                continue
            declaration.absences.add(current)
            if regularise_from(current, declaration.reason, actor=declaration.decided_by):
                changed += 1
            alerts.evaluate_later(current.establishment_id, [current.student_id])
    return changed
