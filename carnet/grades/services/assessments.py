"""Writes on assessments: create, update, duplicate to other classes, delete, publish now.

Every service is keyword-only, takes the `actor`, checks the policy, runs in one transaction,
records an audit event inside it (old -> new values) and bumps the assessment's `version`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.audit import services as audit
from carnet.core.errors import Conflict, NotFound, ValidationFailed
from carnet.grades import policies
from carnet.grades.errors import ConfirmationRequired
from carnet.grades.marks import format_mark, format_number
from carnet.grades.models import Assessment, AssessmentKind, CustomAssessmentKind, Mark
from carnet.grades.services import locks
from carnet.grades.services.publication import compute_publication, notify_assessment
from carnet.school.models import Period, TeachingAssignment

#: Fields `update_assessment` may change (plus `publish_at`, which goes with `publication`).
EDITABLE_FIELDS = (
    "title", "held_on", "kind", "custom_kind", "scale", "coefficient", "is_bonus", "description", "publication", "period",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "published_at", "guardians_published_at")
MAX_COEFFICIENT = Decimal("999.99")


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _audit_value(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in ("period", "custom_kind"):
        return str(value)
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _audit_changes(changes: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    return {f: (_audit_value(f, old), _audit_value(f, new)) for f, (old, new) in changes.items()}


def _clean(assignment: TeachingAssignment, values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the fields of an assessment. Raises ValidationFailed with every problem
    in `details` ({field: message}) and the first one as the message."""
    problems: dict[str, str] = {}
    cleaned = dict(values)

    title = (values.get("title") or "").strip()
    if not title:
        problems["title"] = _("Donnez un titre à l'évaluation.")
    elif len(title) > 120:
        problems["title"] = _("Le titre est trop long (120 caractères au plus).")
    cleaned["title"] = title

    period: Period = values["period"]
    year = assignment.school_year
    if period.establishment_id != assignment.establishment_id or period.school_year_id != assignment.school_year_id:
        problems["period"] = _("La période « %(period)s » n'appartient pas à l'année %(year)s de ce service.") % {
            "period": period.name, "year": year.name,
        }
    elif not year.is_current:
        problems["period"] = _("L'année %(year)s n'est plus l'année en cours : on n'y ajoute plus d'évaluation.") % {
            "year": year.name
        }

    held_on = values.get("held_on")
    if not isinstance(held_on, dt.date):
        problems["held_on"] = _("Indiquez la date de l'évaluation.")
    elif "period" not in problems and not (period.starts_on <= held_on <= period.ends_on):
        problems["held_on"] = _(
            "Le %(day)s n'est pas dans la période « %(period)s » (du %(start)s au %(end)s)."
        ) % {"day": _day(held_on), "period": period.name, "start": _day(period.starts_on), "end": _day(period.ends_on)}

    custom_kind: CustomAssessmentKind | None = values.get("custom_kind")
    kind = values.get("kind") or AssessmentKind.DEVOIR
    if custom_kind is not None:
        if custom_kind.establishment_id != assignment.establishment_id:
            problems["custom_kind"] = _("Ce type d'évaluation n'existe pas dans l'établissement.")
        kind = AssessmentKind.OTHER
    elif kind not in AssessmentKind.values:
        problems["kind"] = _("Type d'évaluation inconnu.")
    cleaned["kind"] = kind

    scale = _decimal(values.get("scale"))
    if scale is None or not scale.is_finite() or not (1 <= scale <= 100) or scale != scale.quantize(Decimal("0.01")):
        problems["scale"] = _("Le barème doit être un nombre entre 1 et 100 (par exemple 20).")
    cleaned["scale"] = scale

    coefficient = _decimal(values.get("coefficient"))
    if coefficient is None or not coefficient.is_finite() or coefficient <= 0:
        problems["coefficient"] = _("Le coefficient doit être un nombre strictement positif (par exemple 1 ou 0,5).")
    elif coefficient > MAX_COEFFICIENT or coefficient != coefficient.quantize(Decimal("0.01")):
        problems["coefficient"] = _("Le coefficient doit être inférieur à 1000, avec 2 décimales au plus.")
    cleaned["coefficient"] = coefficient

    description = values.get("description") or ""
    cleaned["description"] = description.strip()
    cleaned["is_bonus"] = bool(values.get("is_bonus"))
    if problems:
        raise ValidationFailed(next(iter(problems.values())), details=problems)
    return cleaned


def _ensure_assignment(actor, assignment: TeachingAssignment) -> None:
    if not policies.can_edit_assignment(actor, assignment):
        raise NotFound()


def _create(
    *, actor, assignment: TeachingAssignment, values: dict[str, Any], publication: str, publish_at, now, extra_audit=None
) -> Assessment:
    cleaned = _clean(assignment, values)
    published_at, guardians_at = compute_publication(
        establishment=assignment.establishment, publication=publication, publish_at=publish_at, now=now
    )
    assessment = Assessment(
        establishment_id=assignment.establishment_id,
        assignment=assignment,
        period=cleaned["period"],
        title=cleaned["title"],
        held_on=cleaned["held_on"],
        kind=cleaned["kind"],
        custom_kind=cleaned.get("custom_kind"),
        scale=cleaned["scale"],
        coefficient=cleaned["coefficient"],
        is_bonus=cleaned["is_bonus"],
        description=cleaned["description"],
        publication=publication,
        published_at=published_at,
        guardians_published_at=guardians_at,
        created_by=actor,
        created_at=now,
    )
    locks.ensure_assessment_unlocked(assessment)
    assessment.save()
    changes = {f: (None, getattr(assessment, f)) for f in AUDITED_FIELDS}
    changes["assignment"] = (None, f"{assignment.subject.name} — {assignment.audience}")
    changes.update(extra_audit or {})
    audit.record(
        actor=actor, action="grades.assessment_created", obj=assessment, establishment=assignment.establishment,
        changes=_audit_changes(changes),
    )
    return assessment


def create_assessment(
    *,
    actor,
    assignment: TeachingAssignment,
    period: Period,
    title: str,
    held_on: dt.date,
    kind: str = AssessmentKind.DEVOIR,
    scale=Decimal("20"),
    coefficient=Decimal("1"),
    is_bonus: bool = False,
    custom_kind: CustomAssessmentKind | None = None,
    description: str = "",
    publication: str = Assessment.Publication.NOW,
    publish_at: dt.datetime | None = None,
) -> Assessment:
    """Create an assessment for `assignment` (the actor's, or co-taught; else NotFound).

    Refuses (ValidationFailed, details {field: message}): a period of another year or of a year
    that is not current, a date outside the period, a scale outside 1..100, a coefficient <= 0, an
    empty title, a past publication moment. Refuses a period whose council is closed for the class
    (PeriodLocked). Audited as "grades.assessment_created"."""
    _ensure_assignment(actor, assignment)
    values = {
        "period": period, "title": title, "held_on": held_on, "kind": kind, "scale": scale, "coefficient": coefficient,
        "is_bonus": is_bonus, "custom_kind": custom_kind, "description": description,
    }
    with transaction.atomic():
        return _create(
            actor=actor, assignment=assignment, values=values, publication=publication, publish_at=publish_at,
            now=timezone.now(),
        )


def update_assessment(*, actor, assessment: Assessment, expected_version: int, **fields) -> Assessment:
    """Change some of EDITABLE_FIELDS (and `publish_at` with `publication`). `expected_version` is
    the version the client read: a different one raises Conflict (code "conflict"). Changing the
    scale below an existing mark is refused. Publication is recomputed only when `publication` or
    `publish_at` is given and differs. A change that changes nothing returns the assessment as it
    is. Audited as "grades.assessment_updated"."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"publish_at"}
    if unknown:
        raise TypeError(f"update_assessment() got unexpected fields {sorted(unknown)}")
    policies.ensure_can_edit_assessment(actor, assessment)
    now = timezone.now()
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("assignment__establishment", "assignment__school_year", "period").get(
            pk=assessment.pk
        )
        if current.version != expected_version:
            raise Conflict(
                _("L'évaluation « %(title)s » a été modifiée entre-temps ; rechargez-la avant de recommencer.")
                % {"title": current.title},
                details={"version": current.version},
            )
        values = {f: getattr(current, f) for f in EDITABLE_FIELDS if f != "publication"}
        values.update({f: v for f, v in fields.items() if f in EDITABLE_FIELDS and f != "publication"})
        cleaned = _clean(current.assignment, values)
        new_values: dict[str, Any] = {f: cleaned.get(f, values.get(f)) for f in EDITABLE_FIELDS if f != "publication"}

        publication = fields.get("publication", current.publication)
        publish_at = fields.get("publish_at")
        republish = ("publication" in fields and publication != current.publication) or (
            publish_at is not None and publish_at != current.published_at
        )
        if republish:
            published_at, guardians_at = compute_publication(
                establishment=current.assignment.establishment, publication=publication, publish_at=publish_at, now=now
            )
            new_values.update(publication=publication, published_at=published_at, guardians_published_at=guardians_at)

        changes = audit.diff(current, list(AUDITED_FIELDS), new_values)
        if not changes:
            return current
        locks.ensure_assessment_unlocked(current)
        if "period" in changes:
            new_period: Period = new_values["period"]
            locks.ensure_unlocked(new_period, locks.class_ids_of_assessment(current))
        if "scale" in changes:
            new_scale: Decimal = new_values["scale"]
            above = Mark.objects.filter(assessment=current, value__gt=new_scale).count()
            if above:
                raise ValidationFailed(
                    _("%(count)s note(s) dépassent le nouveau barème (sur %(scale)s) : corrigez-les d'abord.")
                    % {"count": above, "scale": format_number(new_scale)},
                    details={"scale": "marks_above"},
                )
        for field, (_old, new) in changes.items():
            setattr(current, field, new)
        current.version += 1
        current.save(update_fields=[*changes, "version", "updated_at"])
        audit.record(
            actor=actor, action="grades.assessment_updated", obj=current, establishment=current.establishment,
            changes=_audit_changes(changes),
        )
    return current


def duplicate_assessment(*, actor, assessment: Assessment, assignments) -> list[Assessment]:
    """Copy `assessment` (title, date, period, kind, scale, coefficient, bonus, description,
    publication) to each of `assignments` (the actor's own or co-taught, of the same establishment
    and year; else NotFound). All or nothing. Each copy is audited as "grades.assessment_created"
    with `duplicated_from`."""
    policies.ensure_can_edit_assessment(actor, assessment)
    targets = [a for a in dict.fromkeys(assignments) if a.pk != assessment.assignment_id]
    for target in targets:
        _ensure_assignment(actor, target)
    now = timezone.now()
    publication = assessment.publication
    publish_at = assessment.published_at if publication == Assessment.Publication.AT else None
    if publish_at is not None and publish_at <= now:
        publication, publish_at = Assessment.Publication.NOW, None
    values = {
        "period": assessment.period, "title": assessment.title, "held_on": assessment.held_on, "kind": assessment.kind,
        "scale": assessment.scale, "coefficient": assessment.coefficient, "is_bonus": assessment.is_bonus,
        "custom_kind": assessment.custom_kind, "description": assessment.description,
    }
    created = []
    with transaction.atomic():
        for target in targets:
            created.append(
                _create(
                    actor=actor, assignment=target, values=values, publication=publication, publish_at=publish_at, now=now,
                    extra_audit={"duplicated_from": (None, str(assessment.public_id))},
                )
            )
    return created


def delete_assessment(*, actor, assessment: Assessment, confirmed: bool = False) -> None:
    """Delete an assessment and its marks. With marks and not `confirmed`: ConfirmationRequired
    (code "confirmation_required", details {marks: n}). Refused in a locked period. Audited as
    "grades.assessment_deleted" with every mark deleted (student and text)."""
    policies.ensure_can_edit_assessment(actor, assessment)
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("assignment__subject", "period").get(pk=assessment.pk)
        marks = list(
            Mark.objects.filter(assessment=current).exclude(status=Mark.Status.NOT_MARKED).select_related("student")
        )
        if marks and not confirmed:
            raise ConfirmationRequired(
                _("« %(title)s » a %(count)s note(s) : confirmez pour la supprimer avec ses notes.")
                % {"title": current.title, "count": len(marks)},
                details={"marks": len(marks)},
            )
        locks.ensure_assessment_unlocked(current)
        changes = _audit_changes({f: (getattr(current, f), None) for f in AUDITED_FIELDS})
        changes["marks_deleted"] = (len(marks), None)
        changes["marks"] = (
            [
                {"student": str(m.student.public_id), "name": m.student.full_name, "mark": format_mark(m), "comment": m.comment}
                for m in sorted(marks, key=lambda m: (m.student.last_name, m.student.first_name))
            ],
            None,
        )
        audit.record(
            actor=actor, action="grades.assessment_deleted", obj=current, establishment=current.establishment, changes=changes
        )
        current.delete()


def publish_now(*, actor, assessment: Assessment) -> Assessment:
    """Publish to students now (guardians after the establishment's delay). An assessment already
    visible to students stays as it is. Audited as "grades.assessment_published"; students and
    guardians are told after the commit once the guardians' moment has come."""
    policies.ensure_can_edit_assessment(actor, assessment)
    now = timezone.now()
    with transaction.atomic():
        current = Assessment.objects.select_for_update().select_related("establishment").get(pk=assessment.pk)
        if current.published_at is not None and current.published_at <= now:
            return current
        published_at, guardians_at = compute_publication(
            establishment=current.establishment, publication=Assessment.Publication.NOW, publish_at=None, now=now
        )
        changes = audit.diff(
            current,
            ["publication", "published_at", "guardians_published_at"],
            {"publication": Assessment.Publication.NOW, "published_at": published_at, "guardians_published_at": guardians_at},
        )
        for field, (_old, new) in changes.items():
            setattr(current, field, new)
        current.version += 1
        current.save(update_fields=[*changes, "version", "updated_at"])
        audit.record(
            actor=actor, action="grades.assessment_published", obj=current, establishment=current.establishment,
            changes=_audit_changes(changes),
        )
        transaction.on_commit(lambda: notify_assessment(current))
    return current
