"""Regularising absences and lateness, and entering an absence by hand, for the school-life
managers (`policies.can_manage_attendance`).

Regularisation names the version it started from (`expected_version`): a save made meanwhile by
someone else is refused with `absence_conflict` / `lateness_conflict` (409) and nothing is
overwritten. A justified absence needs a reason that justifies; a reason that does not justify
("Autre (non recevable)") cannot make an absence justified.

Audit actions: "attendance.absence_regularised", "attendance.lateness_regularised",
"attendance.absence_created" (old -> new values). After the commit, the student's alert rules are
evaluated again (`alerts.evaluate_later`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.attendance import policies
from carnet.attendance.models import Absence, AbsenceReason, Lateness, Regularisation
from carnet.attendance.services import alerts
from carnet.attendance.services.settings import school_day_test, settings_for, zone_of
from carnet.audit.services import record
from carnet.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from carnet.school.models import Enrollment, SchoolYear

MAX_COMMENT = 300


class AbsenceConflict(Conflict):
    code = "absence_conflict"
    default_message = gettext_lazy(
        "Cette absence a été modifiée par quelqu'un d'autre depuis votre lecture : rien n'a été enregistré. "
        "Rechargez-la avant de recommencer."
    )


class LatenessConflict(Conflict):
    code = "lateness_conflict"
    default_message = gettext_lazy(
        "Ce retard a été modifié par quelqu'un d'autre depuis votre lecture : rien n'a été enregistré. "
        "Rechargez-le avant de recommencer."
    )


# --- shared rules -------------------------------------------------------------------------------
def count_half_days(establishment, starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """Half-days covered by [starts_at, ends_at) by the establishment's rule (`counting.half_days`),
    school days only (Monday to Friday, outside holidays and closed days): a range typed by a person
    ("from Friday to Monday") does not count the weekend."""
    from carnet.attendance.counting import half_days

    settings = settings_for(establishment)
    zone = zone_of(establishment)
    first = timezone.localtime(starts_at, zone).date()
    last = timezone.localtime(ends_at, zone).date()
    counts_day = school_day_test(establishment, first, last)
    return half_days([(starts_at, ends_at)], settings.afternoon_starts_at, zone, counts_day=counts_day)


def check_state(state: str, reason: AbsenceReason | None) -> None:
    """The state is one of the regularisation states, and "justified" comes with a reason that
    justifies."""
    if state not in Regularisation.values:
        message = _("État inconnu : à justifier, justifiée ou non justifiée.")
        raise ValidationFailed(message, details={"state": message})
    if state == Regularisation.JUSTIFIED:
        if reason is None:
            message = _("Choisissez le motif qui justifie l'absence.")
            raise ValidationFailed(message, details={"reason": message})
        if not reason.justifies:
            message = _("Le motif « %(label)s » n'est pas recevable : il ne justifie pas l'absence.") % {
                "label": reason.label
            }
            raise ValidationFailed(message, details={"reason": message})


def _clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    text = " ".join(comment.split())
    if len(text) > MAX_COMMENT:
        message = _("Le commentaire dépasse %(max)s caractères.") % {"max": MAX_COMMENT}
        raise ValidationFailed(message, details={"comment": message})
    return text


def _authorize(actor, row, visible) -> None:
    """NotFound when the actor cannot see the row, PermissionDenied when they see it (a guardian,
    the secretary) but may not change it."""
    if policies.can_manage_attendance(actor, row.establishment):
        return
    if visible(actor).filter(pk=row.pk).exists():
        raise PermissionDenied()
    raise NotFound()


def _conflict_details(row) -> dict:
    return {
        "state": row.state,
        "reason": str(row.reason.public_id) if row.reason_id else None,
        "comment": row.comment,
        "version": row.version,
    }


# --- regularisation -----------------------------------------------------------------------------
def regularise_absence(
    *,
    actor,
    absence: Absence,
    state: str,
    reason: AbsenceReason | None,
    comment: str | None = None,
    expected_version: int,
) -> tuple[Absence, dict]:
    """Set the state, reason and comment of `absence`; returns it and the changes {field: (old, new)}.

    Raises NotFound (out of sight), PermissionDenied (not a manager), ValidationFailed (unknown
    state, justified without a reason that justifies, a reason of another establishment, a comment
    too long), AbsenceConflict (the version differs: details give the current values)."""
    _authorize(actor, absence, policies.absences_visible_to)
    if reason is not None and reason.establishment_id != absence.establishment_id:
        raise ValidationFailed(
            _("Choisissez un motif de la liste."), details={"reason": _("Choisissez un motif de la liste.")}
        )
    check_state(state, reason)
    text = _clean_comment(comment)
    with transaction.atomic():
        current = Absence.objects.select_for_update(of=("self",)).select_related("reason").get(pk=absence.pk)
        if current.version != expected_version:
            raise AbsenceConflict(details=_conflict_details(current))
        changes = _apply(current, state=state, reason=reason, comment=text)
        if changes:
            current.version += 1
            current.updated_at = timezone.now()
            current.save(
                update_fields=[*{"state", "reason", "comment"} & set(changes), "version", "updated_at"]
            )
            record(
                actor=actor,
                action="attendance.absence_regularised",
                obj=current,
                establishment=current.establishment,
                changes=changes,
                object_repr=_absence_repr(current),
            )
            alerts.evaluate_later(current.establishment_id, [current.student_id])
    return current, changes


def regularise_lateness(
    *,
    actor,
    lateness: Lateness,
    state: str,
    reason: AbsenceReason | None,
    comment: str | None = None,
    expected_version: int,
) -> tuple[Lateness, dict]:
    """The same for a lateness (LatenessConflict on a stale version)."""
    _authorize(actor, lateness, policies.latenesses_visible_to)
    if reason is not None and reason.establishment_id != lateness.establishment_id:
        raise ValidationFailed(
            _("Choisissez un motif de la liste."), details={"reason": _("Choisissez un motif de la liste.")}
        )
    check_state(state, reason)
    text = _clean_comment(comment)
    with transaction.atomic():
        current = (
            Lateness.objects.select_for_update(of=("self",)).select_related("reason").get(pk=lateness.pk)
        )
        if current.version != expected_version:
            raise LatenessConflict(details=_conflict_details(current))
        changes = _apply(current, state=state, reason=reason, comment=text)
        if changes:
            current.version += 1
            current.save(update_fields=[*{"state", "reason", "comment"} & set(changes), "version"])
            record(
                actor=actor,
                action="attendance.lateness_regularised",
                obj=current,
                establishment=current.establishment,
                changes=changes,
                object_repr=f"{current.student} — {current.occurred_at:%Y-%m-%d}",
            )
            alerts.evaluate_later(current.establishment_id, [current.student_id])
    return current, changes


def _apply(row, *, state: str, reason: AbsenceReason | None, comment: str | None) -> dict:
    """Set the fields in place; the changes as readable (old, new) pairs."""
    changes: dict = {}
    if row.state != state:
        changes["state"] = (row.state, state)
        row.state = state
    if row.reason_id != (reason.pk if reason else None):
        changes["reason"] = (row.reason.label if row.reason_id else None, reason.label if reason else None)
        row.reason = reason
    if comment is not None and row.comment != comment:
        changes["comment"] = (row.comment, comment)
        row.comment = comment
    return changes


def _absence_repr(absence: Absence) -> str:
    local = timezone.localtime(absence.starts_at, zone_of(absence.establishment))
    return f"{absence.student} — {local:%d/%m/%Y %H:%M}"[:200]


# --- entering an absence by hand ----------------------------------------------------------------
def school_year_of(establishment, day: dt.date) -> SchoolYear:
    year = SchoolYear.objects.filter(
        establishment=establishment, starts_on__lte=day, ends_on__gte=day
    ).first()
    if year is None:
        message = _("Le %(day)s est en dehors de l'année scolaire.") % {"day": day.strftime("%d/%m/%Y")}
        raise ValidationFailed(message, details={"starts_at": message})
    return year


def check_range(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        message = _("La fin doit être après le début.")
        raise ValidationFailed(message, details={"ends_at": message})
    if ends_at - starts_at > dt.timedelta(days=62):
        message = _("Deux mois au plus : pour une absence plus longue, saisissez-en plusieurs.")
        raise ValidationFailed(message, details={"ends_at": message})


def overlapping(student, starts_at: dt.datetime, ends_at: dt.datetime, *, establishment):
    return Absence.objects.filter(
        establishment=establishment, student=student, starts_at__lt=ends_at, ends_at__gt=starts_at
    )


def create_absence(
    *,
    actor,
    establishment,
    student,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: AbsenceReason | None = None,
    state: str = Regularisation.TO_JUSTIFY,
    comment: str = "",
) -> Absence:
    """An absence entered by school-life staff (source "staff"), counted in half-days by the
    establishment's rule.

    Raises NotFound (the student is not enrolled in the establishment), PermissionDenied (not a
    manager), ValidationFailed (end before start, more than two months, outside the school year, no
    half-day covered, an absence already recorded over that time, state/reason mismatch)."""
    policies.ensure_can_manage_attendance(actor, establishment)
    if not Enrollment.objects.filter(establishment=establishment, student=student).exists():
        raise NotFound()
    if reason is not None and reason.establishment_id != establishment.pk:
        raise ValidationFailed(
            _("Choisissez un motif de la liste."), details={"reason": _("Choisissez un motif de la liste.")}
        )
    check_range(starts_at, ends_at)
    check_state(state, reason)
    text = _clean_comment(comment) or ""
    zone = zone_of(establishment)
    year = school_year_of(establishment, timezone.localtime(starts_at, zone).date())
    half_days = count_half_days(establishment, starts_at, ends_at)
    if half_days < 1:
        message = _("Ce moment ne couvre aucune demi-journée de cours.")
        raise ValidationFailed(message, details={"starts_at": message})
    with transaction.atomic():
        existing = (
            overlapping(student, starts_at, ends_at, establishment=establishment)
            .order_by("starts_at")
            .first()
        )
        if existing is not None:
            first = timezone.localtime(existing.starts_at, zone)
            last = timezone.localtime(existing.ends_at, zone)
            message = _(
                "Une absence est déjà enregistrée du %(start)s au %(end)s : régularisez-la plutôt."
            ) % {
                "start": first.strftime("%d/%m/%Y %H:%M"),
                "end": last.strftime("%d/%m/%Y %H:%M"),
            }
            raise ValidationFailed(message, details={"starts_at": message})
        now = timezone.now()
        absence = Absence.objects.create(
            establishment=establishment,
            school_year=year,
            student=student,
            starts_at=starts_at,
            ends_at=ends_at,
            half_days=half_days,
            source=Absence.Source.STAFF,
            state=state,
            reason=reason,
            comment=text,
            created_by=actor,
            created_at=now,
            updated_at=now,
            # The family told the school (that is how it is justified): no "please justify" message.
            guardians_notified_at=now if state == Regularisation.JUSTIFIED else None,
        )
        record(
            actor=actor,
            action="attendance.absence_created",
            obj=absence,
            establishment=establishment,
            changes={
                "starts_at": (None, starts_at.isoformat()),
                "ends_at": (None, ends_at.isoformat()),
                "half_days": (None, half_days),
                "state": (None, state),
                "reason": (None, reason.label if reason else None),
            },
            object_repr=_absence_repr(absence),
        )
        alerts.evaluate_later(establishment.pk, [student.pk])
    return absence
