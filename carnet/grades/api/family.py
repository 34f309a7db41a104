"""Marks, averages with their explanation, what-if and assessment statistics, for students, their
guardians and the staff who may read them (under /api/v1/grades/).

Who reads what: the student is fetched through `students_visible_for_marks` (oneself, one's
children, taught students, every student for administrative staff), the marks through
`marks_visible_to`; anyone else gets 404 `not_found`, as for a student who does not exist. A
student reads with the audience "student" (marks published to students), a guardian with
"guardian" (published to guardians), the class's teachers and staff with "staff"."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from ninja import Field, Query, Router, Schema

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades import computation, policies
from carnet.grades.engine.types import MARKED, MarkIn
from carnet.grades.marks import format_mark
from carnet.grades.models import BUILTIN_KIND_ROLES, Role
from carnet.grades.profiles import profile_for
from carnet.grades.web.family import data
from carnet.grades.web.family.forms import WhatIfForm
from carnet.grades.web.family.people import GUARDIAN, STUDENT
from carnet.school.models import Enrollment, Period
from carnet.school.roles import current_enrollment_q, roles_of

router = Router(tags=["grades"])

STAFF = "staff"


# --- who and when ---------------------------------------------------------------------------------
def _student(request, student_id: UUID):
    return get_object_or_404(policies.students_visible_for_marks(request.user), public_id=student_id)


def _enrollment(student) -> Enrollment | None:
    return (
        Enrollment.objects.filter(current_enrollment_q(), student=student)
        .select_related("school_class", "establishment")
        .first()
    )


def _audience(user, student, enrollment) -> str:
    """"student" for oneself, "staff" for whoever may read the class's results, "guardian" for a
    guardian; any other reader (a teacher of one of the student's groups) reads what students read."""
    if user.pk == student.pk:
        return STUDENT
    if enrollment is not None and policies.can_view_class_results(user, enrollment.school_class):
        return STAFF
    if student.pk in roles_of(user).child_ids:
        return GUARDIAN
    return STUDENT


def _period(enrollment, period_id: UUID | None) -> Period:
    if enrollment is None:
        raise NotFound()
    periods = list(Period.objects.filter(school_year_id=enrollment.school_year_id).order_by("number"))
    if period_id is not None:
        period = next((p for p in periods if p.public_id == period_id), None)
    else:
        today = timezone.localdate()
        period = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        period = period or next((p for p in reversed(periods) if p.starts_on <= today), None) or (periods[0] if periods else None)
    if period is None:
        raise NotFound()
    return period


def _stats_visible(audience: str, establishment) -> bool:
    return audience == STAFF or profile_for(establishment).stats_visible_to_families


# --- schemas --------------------------------------------------------------------------------------
class MarkOut(Schema):
    assessment: UUID
    title: str
    subject: UUID
    subject_name: str
    period: UUID
    held_on: dt.date
    kind: str = Field(description="interrogation, devoir, composition, oral, practical, homework, other.")
    kind_label: str
    status: str = Field(description="marked, absent, exempt, not_handed_in, not_marked.")
    value: Decimal | None = Field(description="La note sur le barème `scale` ; null si ce n'est pas une note.")
    text: str = Field(description="La note telle qu'on l'écrit : « 12,5 », « Abs », « Disp », « NR ».")
    scale: Decimal
    coefficient: Decimal
    is_bonus: bool
    comment: str
    published_at: dt.datetime | None = Field(description="Moment de publication pour le lecteur (élève ou responsables).")
    is_new: bool = Field(description="Publiée depuis moins de 7 jours.")
    class_mean: Decimal | None = Field(description="Moyenne de la classe à l'évaluation ; null si l'établissement ne la montre pas.")


class StatsOut(Schema):
    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None


class SubjectAverageOut(Schema):
    subject: UUID | None = Field(description="null pour la conduite.")
    key: str
    name: str
    coefficient: Decimal
    is_bonus: bool
    average: Decimal | None
    blocked_reason: str | None
    rank: int | None = Field(description="null si l'établissement ne classe pas.")
    class_stats: StatsOut | None = Field(description="null si l'établissement ne montre pas les statistiques aux familles.")
    explanation: list[str]


class GeneralAverageOut(Schema):
    average: Decimal | None
    blocked_reason: str | None
    rank: int | None
    class_size: int
    class_stats: StatsOut | None
    explanation: list[str]


class AveragesOut(Schema):
    student: UUID
    period: UUID
    period_name: str
    audience: str = Field(description="student, guardian ou staff : quelles évaluations comptent.")
    subjects: list[SubjectAverageOut]
    general: GeneralAverageOut


class WhatIfOut(Schema):
    subject_before: Decimal | None
    subject_after: Decimal | None
    subject_difference: Decimal | None
    general_before: Decimal | None
    general_after: Decimal | None
    general_difference: Decimal | None
    explanation: list[str] = Field(description="Le calcul de la moyenne de la matière avec la note simulée.")


class BandOut(Schema):
    band: str
    count: int


class AssessmentStatisticsOut(StatsOut):
    assessment: UUID
    title: str
    scale: Decimal
    distribution: list[BandOut] = Field(description="Nombre de notes par tranche (sur 20).")


class WhatIfQuery(Schema):
    subject: UUID
    period: UUID | None = None
    value: str = Field(description="La note simulée (« 14 » ou « 12,5 »).")
    scale: str = "20"
    coefficient: str = "1"
    kind: str = "devoir"


def _stats(stats) -> dict | None:
    if stats is None:
        return None
    return {"count": stats.count, "mean": stats.mean, "median": stats.median, "minimum": stats.minimum, "maximum": stats.maximum}


def _delta(before, after) -> Decimal | None:
    return None if before is None or after is None else after - before


# --- endpoints ------------------------------------------------------------------------------------
@router.get(
    "/students/{student_id}/marks",
    response={200: list[MarkOut], **error_responses(401, 404)},
    summary=_("Notes d'un élève"),
    description=_(
        "Les notes de l'élève que le lecteur peut voir : les siennes une fois publiées aux élèves, celles de "
        "ses enfants une fois publiées aux responsables, celles des évaluations qu'un enseignant donne, toutes "
        "pour le personnel administratif. `period` limite à une période. Hors de ce périmètre : 404."
    ),
)
def student_marks(request, student_id: UUID, period: UUID | None = None):
    student = _student(request, student_id)
    enrollment = _enrollment(student)
    audience = _audience(request.user, student, enrollment)
    now = timezone.now()
    marks = policies.marks_visible_to(request.user, now=now).filter(student=student)
    if audience == STUDENT:
        marks = marks.filter(assessment__published_at__lte=now)
    elif audience == GUARDIAN:
        marks = marks.filter(assessment__guardians_published_at__lte=now)
    if period is not None:
        marks = marks.filter(assessment__period=_period(enrollment, period))
    rows = list(
        marks.select_related("assessment", "assessment__custom_kind", "assessment__assignment__subject", "assessment__period")
        .order_by("assessment__held_on", "assessment__created_at", "assessment_id")
    )
    shown = {e for e in {m.establishment for m in rows} if _stats_visible(audience, e)}
    visible_stats = [m for m in rows if m.establishment in shown]
    stats = data.assessment_stats([m.assessment_id for m in visible_stats], {m.assessment_id: m.assessment.scale for m in visible_stats})
    out = []
    for mark in rows:
        a = mark.assessment
        published = a.guardians_published_at if audience == GUARDIAN else a.published_at
        assessment_stats = stats.get(a.pk)
        out.append(
            {
                "assessment": a.public_id,
                "title": a.title,
                "subject": a.assignment.subject.public_id,
                "subject_name": a.assignment.subject.name,
                "period": a.period.public_id,
                "held_on": a.held_on,
                "kind": a.kind,
                "kind_label": a.kind_label,
                "status": mark.status,
                "value": mark.value,
                "text": format_mark(mark),
                "scale": a.scale,
                "coefficient": a.coefficient,
                "is_bonus": a.is_bonus,
                "comment": mark.comment,
                "published_at": published,
                "is_new": bool(published and now - published <= data.NEW_FOR),
                "class_mean": assessment_stats.mean if assessment_stats else None,
            }
        )
    return out


@router.get(
    "/students/{student_id}/averages",
    response={200: AveragesOut, **error_responses(401, 404)},
    summary=_("Moyennes d'un élève, expliquées"),
    description=_(
        "Les moyennes de l'élève pour une période (la période en cours par défaut) : chaque matière et la "
        "moyenne générale, avec le rang si l'établissement classe, les statistiques de la classe si elles sont "
        "visibles, et l'explication du calcul étape par étape (`explanation`). Seules les évaluations publiées "
        "au lecteur comptent pour un élève ou un responsable."
    ),
)
def student_averages(request, student_id: UUID, period: UUID | None = None):
    student = _student(request, student_id)
    enrollment = _enrollment(student)
    chosen = _period(enrollment, period)
    audience = _audience(request.user, student, enrollment)
    results = computation.student_period_results(student=student, period=chosen, audience=audience)
    if results is None:
        raise NotFound()
    show = _stats_visible(audience, results.establishment)
    subjects = []
    for info in results.subjects:
        result = results.subject_result(student.pk, info.key)
        if result is None:
            continue
        subjects.append(
            {
                "subject": info.subject.public_id if info.subject is not None else None,
                "key": info.key,
                "name": info.name,
                "coefficient": info.coefficient,
                "is_bonus": info.is_bonus,
                "average": result.value,
                "blocked_reason": result.blocked_reason,
                "rank": results.subject_rank(student.pk, info.key),
                "class_stats": _stats(results.subject_stats(info.key)) if show else None,
                "explanation": [step.text for step in result.steps],
            }
        )
    general = results.general(student.pk)
    return {
        "student": student.public_id,
        "period": chosen.public_id,
        "period_name": chosen.name,
        "audience": audience,
        "subjects": subjects,
        "general": {
            "average": general.value,
            "blocked_reason": general.blocked_reason,
            "rank": results.rank(student.pk),
            "class_size": results.class_size,
            "class_stats": _stats(results.general_stats) if show else None,
            "explanation": [step.text for step in general.steps],
        },
    }


@router.get(
    "/students/{student_id}/what-if",
    response={200: WhatIfOut, **error_responses(401, 404, 422)},
    summary=_("Et si… : une note simulée"),
    description=_(
        "Les moyennes de la matière et générale, avant et avec une note simulée (`value` sur `scale`, "
        "coefficient `coefficient`, type `kind`). Rien n'est enregistré. Une note hors barème ou illisible : "
        "422 `validation_failed`."
    ),
)
def student_what_if(request, student_id: UUID, query: Query[WhatIfQuery]):
    student = _student(request, student_id)
    enrollment = _enrollment(student)
    chosen = _period(enrollment, query.period)
    audience = _audience(request.user, student, enrollment)
    form = WhatIfForm({"note": query.value, "sur": query.scale, "type": query.kind, "coefficient": query.coefficient})
    if not form.is_valid():
        details = [{"field": field, "message": str(message)} for field, messages in form.errors.items() for message in messages]
        raise ValidationFailed(details[0]["message"] if details else None, details=details)
    results = computation.student_period_results(student=student, period=chosen, audience=audience)
    key = str(query.subject)
    if results is None or results.subject(key) is None or results.subject_result(student.pk, key) is None:
        raise NotFound()
    kind = form.cleaned_data["type"]
    extra = MarkIn(
        assessment="what-if",
        title=gettext_now("Note simulée"),
        role=BUILTIN_KIND_ROLES.get(kind, Role.OTHER),
        status=MARKED,
        value=form.cleaned_data["note"],
        scale=form.cleaned_data["sur"],
        coefficient=form.cleaned_data["coefficient"],
        held_on=timezone.localdate(),
    )
    before, after, general_before, general_after = computation.what_if(
        student=student, period=chosen, subject=key, extra=extra, audience=audience
    )
    return {
        "subject_before": before.value,
        "subject_after": after.value,
        "subject_difference": _delta(before.value, after.value),
        "general_before": general_before.value,
        "general_after": general_after.value,
        "general_difference": _delta(general_before.value, general_after.value),
        "explanation": [step.text for step in after.steps],
    }


@router.get(
    "/assessments/{assessment_id}/statistics",
    response={200: AssessmentStatisticsOut, **error_responses(401, 403, 404)},
    summary=_("Statistiques d'une évaluation"),
    description=_(
        "Moyenne, médiane, plus basse et plus haute note de la classe, et la répartition par tranches. Toujours "
        "pour les enseignants et le personnel ; pour un élève ou un responsable, si l'établissement les montre "
        "aux familles (sinon 403 `forbidden`) et si l'évaluation leur est publiée (sinon 404)."
    ),
)
def assessment_statistics(request, assessment_id: UUID):
    assessment = get_object_or_404(
        policies.assessments_visible_to(request.user).select_related("establishment", "assignment"), public_id=assessment_id
    )
    roles = roles_of(request.user)
    staff = (
        roles.has_function(assessment.establishment_id, *policies.GRADES_READERS)
        or assessment.assignment.school_class_id in roles.main_teacher_class_ids
        or policies.can_edit_assessment(request.user, assessment)
    )
    if not staff and not profile_for(assessment.establishment).stats_visible_to_families:
        raise PermissionDenied(gettext_now("L'établissement ne montre pas les statistiques de classe aux familles."))
    stats = computation.assessment_stats(assessment)
    return {
        "assessment": assessment.public_id,
        "title": assessment.title,
        "scale": assessment.scale,
        **_stats(stats),  # type: ignore[dict-item]
        "distribution": [{"band": band, "count": count} for band, count in stats.distribution],
    }
