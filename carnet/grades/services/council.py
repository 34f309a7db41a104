"""The class council of a class for a period: who may run it, its record per student (the council's
appraisal, mention and decision), closing it (which locks the period's marks for the class) and the
staff unlock with a reason.

Audit actions: "grades.council_closed", "grades.council_unlocked" (with the reason) and, for the
record of a student, "grades.appraisal_saved"."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.audit.services import record
from carnet.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from carnet.grades import policies
from carnet.grades.models import Appraisal, ClassCouncil
from carnet.grades.profiles import profile_for
from carnet.grades.services.appraisals import class_of_student, write_appraisal
from carnet.school.models import Period, SchoolClass, StaffFunction, TeachingGroup
from carnet.school.policies import students_visible_to
from carnet.school.roles import roles_of

REASON_MIN = 5
REASON_MAX = 300
FIELD_MAX = 60

K = StaffFunction.Kind


class CouncilConflict(Conflict):
    code = "council_conflict"
    default_message = gettext_lazy("Le conseil a changé d'état entre-temps ; rechargez la page.")


# --- scopes ------------------------------------------------------------------------------------
def classes_for_council(actor) -> QuerySet[SchoolClass]:
    """Classes of the current year whose council this person may run: every class of an
    establishment where they are head or deputy, and the classes of which they are main teacher."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return SchoolClass.objects.none()
    directed = [e for e in roles.functions if roles.has_function(e, K.HEAD, K.DEPUTY)]
    return SchoolClass.objects.filter(school_year__is_current=True).filter(
        Q(establishment_id__in=directed) | Q(id__in=roles.main_teacher_class_ids)
    )


def classes_with_results_visible_to(actor) -> QuerySet[SchoolClass]:
    """Current-year classes whose results this person may read (`policies.can_view_class_results`
    as a scope): the establishment's administrative staff, the class's teachers and main teacher.
    Students and guardians see none here: they get 404."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return SchoolClass.objects.none()
    readers = [e for e, kinds in roles.functions.items() if kinds & policies.GRADES_READERS]
    through_groups = TeachingGroup.classes.through.objects.filter(teachinggroup_id__in=roles.taught_group_ids).values(
        "schoolclass_id"
    )
    return SchoolClass.objects.filter(school_year__is_current=True).filter(
        Q(establishment_id__in=readers)
        | Q(id__in=roles.taught_class_ids)
        | Q(id__in=roles.main_teacher_class_ids)
        | Q(id__in=through_groups)
    )


def periods_of(school_class: SchoolClass) -> list[Period]:
    return list(Period.objects.filter(school_year_id=school_class.school_year_id).order_by("number"))


def is_last_period(period: Period) -> bool:
    return not Period.objects.filter(school_year_id=period.school_year_id, number__gt=period.number).exists()


# --- reads -------------------------------------------------------------------------------------
def council_for(*, period: Period, school_class: SchoolClass) -> ClassCouncil:
    """The council of the class for the period, created OPEN the first time it is asked for."""
    if period.school_year_id != school_class.school_year_id:
        raise NotFound()
    council, _created = ClassCouncil.objects.get_or_create(
        period=period, school_class=school_class, defaults={"establishment_id": school_class.establishment_id}
    )
    return council


def _ensure_can_run(actor, school_class: SchoolClass) -> None:
    if not policies.can_view_class_results(actor, school_class):
        raise NotFound()
    if not policies.can_run_council(actor, school_class):
        raise PermissionDenied()


# --- writes ------------------------------------------------------------------------------------
def close_council(*, actor, council: ClassCouncil, expected_version: int) -> ClassCouncil:
    """Close the council: the period's marks, appraisals and conduct marks of the class become
    read-only (`locks.is_locked`) until a staff unlock. Closing a closed council changes nothing."""
    school_class = council.school_class
    _ensure_can_run(actor, school_class)
    with transaction.atomic():
        current = ClassCouncil.objects.select_for_update().get(pk=council.pk)
        if current.version != expected_version:
            raise CouncilConflict(details={"status": current.status, "version": current.version})
        if current.status == ClassCouncil.Status.CLOSED:
            return current
        now = timezone.now()
        current.status = ClassCouncil.Status.CLOSED
        current.closed_at = now
        current.closed_by = actor
        if current.held_on is None:
            current.held_on = timezone.localdate(now)
        current.version += 1
        current.save(update_fields=["status", "closed_at", "closed_by", "held_on", "version"])
        record(
            actor=actor,
            action="grades.council_closed",
            obj=current,
            establishment=current.establishment,
            changes={"status": (ClassCouncil.Status.OPEN, ClassCouncil.Status.CLOSED)},
            object_repr=f"{school_class.name} — {current.period.name}"[:200],
        )
    return current


def unlock_council(*, actor, council: ClassCouncil, reason: str) -> ClassCouncil:
    """Reopen a closed council (head or deputy only), with a reason of 5 to 300 characters kept on
    the council and in the audit trail."""
    school_class = council.school_class
    if not policies.can_view_class_results(actor, school_class):
        raise NotFound()
    if not policies.can_manage_grading(actor, school_class.establishment):
        raise PermissionDenied(_("Seuls le chef d'établissement et ses adjoints peuvent rouvrir un conseil clos."))
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationFailed(
            _("Donnez le motif du déverrouillage (%(min)s caractères au moins).") % {"min": REASON_MIN},
            details=[{"field": "reason", "message": "too_short"}],
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("Le motif est trop long : %(max)s caractères au plus.") % {"max": REASON_MAX},
            details=[{"field": "reason", "message": "too_long"}],
        )
    with transaction.atomic():
        current = ClassCouncil.objects.select_for_update().get(pk=council.pk)
        if current.status != ClassCouncil.Status.CLOSED:
            raise ValidationFailed(_("Ce conseil n'est pas clos : il n'y a rien à déverrouiller."))
        closed_at, closed_by = current.closed_at, current.closed_by
        current.status = ClassCouncil.Status.OPEN
        current.unlock_reason = reason
        current.closed_at = None
        current.closed_by = None
        current.version += 1
        current.save(update_fields=["status", "unlock_reason", "closed_at", "closed_by", "version"])
        record(
            actor=actor,
            action="grades.council_unlocked",
            obj=current,
            establishment=current.establishment,
            changes={
                "status": (ClassCouncil.Status.CLOSED, ClassCouncil.Status.OPEN),
                "reason": ("", reason),
                "closed_at": (closed_at.isoformat() if closed_at else None, None),
                "closed_by": (str(closed_by) if closed_by else None, None),
            },
            object_repr=f"{school_class.name} — {current.period.name}"[:200],
        )
    return current


def mention_choices(establishment) -> list[str]:
    return [str(m) for m in (profile_for(establishment).mention_choices or [])]


def decision_choices(establishment) -> list[str]:
    return [str(b.get("label", "")) for b in (profile_for(establishment).decision_bands or []) if b.get("label")]


def save_council_record(
    *,
    actor,
    period: Period,
    student,
    appraisal_text: str,
    mention: str = "",
    decision: str = "",
    expected_version: int | None,
) -> Appraisal:
    """Write the council's appraisal of the student for the period, with its mention (one of the
    profile's `mention_choices`, or empty) and decision (free text, up to 60 characters; meant for
    the last period of the year). Same refusals as `appraisals.save_appraisal`."""
    if not students_visible_to(actor).filter(pk=student.pk).exists():
        raise NotFound()
    school_class = class_of_student(student, period)
    if school_class is None or school_class.establishment_id != period.establishment_id:
        raise NotFound()
    _ensure_can_run(actor, school_class)
    mention = (mention or "").strip()
    decision = " ".join((decision or "").split())
    if mention and mention not in mention_choices(period.establishment):
        raise ValidationFailed(
            _("« %(mention)s » n'est pas une mention de l'établissement.") % {"mention": mention[:60]},
            details=[{"field": "mention", "message": "unknown"}],
        )
    if len(decision) > FIELD_MAX:
        raise ValidationFailed(
            _("La décision est trop longue : %(max)s caractères au plus.") % {"max": FIELD_MAX},
            details=[{"field": "decision", "message": "too_long"}],
        )
    return write_appraisal(
        actor=actor,
        period=period,
        student=student,
        school_class=school_class,
        kind=Appraisal.Kind.COUNCIL,
        subject=None,
        text=appraisal_text,
        expected_version=expected_version,
        extra={"mention": mention, "decision": decision},
    )
