"""Writing appraisals: a subject teacher's per subject, the main teacher's general one, and the
class council's (with its mention and, at year end, its decision).

Who may write what:
- SUBJECT: a teacher of that subject for the student's class (or a group the student belongs to);
- MAIN_TEACHER: the main teacher of the student's class;
- COUNCIL: whoever may run the class's council (`policies.can_run_council`).

Every write names the version the writer last saw (`expected_version`, None = "there was no
appraisal"); a mismatch raises `AppraisalConflict` whose details carry the current text, version,
author and time. A closed council refuses every write until a staff unlock. Every change is audited
("grades.appraisal_saved") with the old and new text."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.audit.services import record
from carnet.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from carnet.grades import policies
from carnet.grades.models import Appraisal
from carnet.grades.services import locks
from carnet.school.models import Enrollment, Period, SchoolClass, Subject, TeachingAssignment
from carnet.school.policies import students_visible_to

MAX_LENGTH = 1000
AUDIT_ACTION = "grades.appraisal_saved"


class AppraisalConflict(Conflict):
    code = "appraisal_conflict"
    default_message = gettext_lazy(
        "Cette appréciation a été modifiée entre-temps ; comparez les deux textes et choisissez celui à garder."
    )


def class_of_student(student, period: Period) -> SchoolClass | None:
    """The class the student belongs to in the period's school year: the open enrollment, else the
    latest one (a student who left keeps their class for past periods)."""
    enrollment = (
        Enrollment.objects.filter(student=student, school_year_id=period.school_year_id)
        .select_related("school_class", "school_class__establishment")
        .order_by(F("ends_on").desc(nulls_first=True), "-starts_on")
        .first()
    )
    return enrollment.school_class if enrollment else None


def teaches_subject_to(actor, *, subject: Subject, student, school_class: SchoolClass, period: Period) -> bool:
    """Whether `actor` teaches `subject` to the student's class, or to a group the student is in."""
    return (
        TeachingAssignment.objects.filter(teacher=actor, subject=subject, school_year_id=period.school_year_id)
        .filter(Q(school_class=school_class) | Q(group__students=student))
        .exists()
    )


def is_main_teacher_of(actor, school_class: SchoolClass) -> bool:
    return TeachingAssignment.objects.filter(teacher=actor, school_class=school_class, is_main_teacher=True).exists()


def can_write_appraisal(actor, *, kind: str, period: Period, student, school_class: SchoolClass, subject=None) -> bool:
    if kind == Appraisal.Kind.SUBJECT:
        return subject is not None and teaches_subject_to(
            actor, subject=subject, student=student, school_class=school_class, period=period
        )
    if kind == Appraisal.Kind.MAIN_TEACHER:
        return is_main_teacher_of(actor, school_class)
    if kind == Appraisal.Kind.COUNCIL:
        return policies.can_run_council(actor, school_class)
    return False


def _describe(appraisal: Appraisal) -> str:
    student = appraisal.student
    if appraisal.kind == Appraisal.Kind.SUBJECT and appraisal.subject is not None:
        what = appraisal.subject.name
    else:
        what = str(appraisal.get_kind_display())
    return f"{student} — {appraisal.period.name} — {what}"[:200]


def conflict_details(current: Appraisal | None) -> dict:
    if current is None:
        return {"current_text": "", "version": None, "updated_by": "", "updated_at": None}
    return {
        "current_text": current.text,
        "mention": current.mention,
        "decision": current.decision,
        "version": current.version,
        "updated_by": str(current.author) if current.author else "",
        "updated_at": current.updated_at.isoformat() if current.updated_at else None,
    }


def clean_text(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise ValidationFailed(
            _("L'appréciation fait %(count)s caractères : %(max)s au plus.") % {"count": len(text), "max": MAX_LENGTH},
            details=[{"field": "text", "message": "too_long"}],
        )
    return text


def write_appraisal(
    *,
    actor,
    period: Period,
    student,
    school_class: SchoolClass,
    kind: str,
    subject: Subject | None,
    text: str,
    expected_version: int | None,
    extra: dict[str, str] | None = None,
) -> Appraisal:
    """The common write, once permission is checked: validates, refuses a locked period, detects a
    conflict, saves and audits. `extra` carries the council's mention and decision."""
    text = clean_text(text)
    extra = extra or {}
    with transaction.atomic():
        locks.ensure_unlocked(period, [school_class.pk])
        lookup = {"period": period, "student": student, "kind": kind}
        if kind == Appraisal.Kind.SUBJECT:
            lookup["subject"] = subject
        current = (
            Appraisal.objects.select_for_update(of=("self",)).select_related("author", "subject", "period", "student").filter(**lookup).first()
        )
        current_version = current.version if current else None
        if current_version != expected_version:
            raise AppraisalConflict(details=conflict_details(current))
        new_values = {"text": text, **extra}
        if current is None:
            appraisal = Appraisal(
                establishment_id=period.establishment_id,
                period=period,
                student=student,
                kind=kind,
                subject=subject if kind == Appraisal.Kind.SUBJECT else None,
                author=actor,
                updated_at=timezone.now(),
                version=1,
                **new_values,
            )
            appraisal.save()
            changes = {field: ("", value) for field, value in new_values.items() if value}
        else:
            appraisal = current
            changes = {
                field: (getattr(appraisal, field), value)
                for field, value in new_values.items()
                if getattr(appraisal, field) != value
            }
            if not changes:
                return appraisal
            for field, value in new_values.items():
                setattr(appraisal, field, value)
            appraisal.author = actor
            appraisal.updated_at = timezone.now()
            appraisal.version = appraisal.version + 1
            appraisal.save(update_fields=[*new_values, "author", "updated_at", "version"])
        if changes:
            record(
                actor=actor,
                action=AUDIT_ACTION,
                obj=appraisal,
                establishment=period.establishment,
                changes=changes,
                object_repr=_describe(appraisal),
            )
    return appraisal


def save_appraisal(
    *,
    actor,
    period: Period,
    student,
    kind: str,
    subject: Subject | None = None,
    text: str,
    expected_version: int | None,
) -> Appraisal:
    """Write the appraisal of `kind` for the student and period (see the module docstring for who
    may). Raises NotFound (student out of the actor's sight or not enrolled that year),
    PermissionDenied, ValidationFailed (over 1000 characters, a subject missing), PeriodLocked
    (council closed), AppraisalConflict."""
    if kind not in Appraisal.Kind.values:
        raise ValidationFailed(_("Type d'appréciation inconnu."))
    if not students_visible_to(actor).filter(pk=student.pk).exists():
        raise NotFound()
    school_class = class_of_student(student, period)
    if school_class is None or school_class.establishment_id != period.establishment_id:
        raise NotFound()
    if kind == Appraisal.Kind.SUBJECT:
        if subject is None:
            raise ValidationFailed(_("Choisissez la matière de l'appréciation."))
        if subject.establishment_id != period.establishment_id:
            raise NotFound()
    else:
        subject = None
    if not can_write_appraisal(actor, kind=kind, period=period, student=student, school_class=school_class, subject=subject):
        raise PermissionDenied()
    return write_appraisal(
        actor=actor,
        period=period,
        student=student,
        school_class=school_class,
        kind=kind,
        subject=subject,
        text=text,
        expected_version=expected_version,
    )
