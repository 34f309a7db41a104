"""The class council in the API: a council's grid, closing and unlocking it, a student's council
record, appraisals and conduct marks. Same people, same refusals as the pages."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import PermissionDenied
from carnet.grades import policies
from carnet.grades.computation import period_results
from carnet.grades.models import Appraisal, ClassCouncil, ConductMark
from carnet.grades.services import appraisals as appraisal_service
from carnet.grades.services import conduct as conduct_service
from carnet.grades.services import council as council_service
from carnet.grades.services.conduct import format_conduct
from carnet.grades.services.council import classes_with_results_visible_to
from carnet.school.models import Period, Subject
from carnet.school.policies import students_visible_to
from carnet.school.roles import roles_of

router = Router(tags=["grades"])


# --- schemas -----------------------------------------------------------------------------------
class CouncilStateOut(Schema):
    id: UUID
    school_class: UUID
    period: UUID
    status: str = Field(description="open (en préparation) ou closed (clos : notes de la période verrouillées).")
    version: int
    held_on: dt.date | None
    closed_at: dt.datetime | None
    closed_by: str | None
    unlock_reason: str = Field(description="Motif du dernier déverrouillage, vide s'il n'y en a pas eu.")


class SubjectColumnOut(Schema):
    key: str = Field(description="Identifiant de la matière, ou « conduct » pour la conduite.")
    name: str
    short_name: str
    coefficient: Decimal
    mean: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None


class StudentLineOut(Schema):
    id: UUID
    full_name: str
    averages: dict[str, Decimal | None] = Field(description="Moyenne par matière (clé = `key` de la colonne).")
    general: Decimal | None
    rank: int | None = Field(description="Rang dans la classe ; null si l'établissement n'affiche pas les rangs.")
    council_appraisal: str
    mention: str
    decision: str
    record_version: int | None = Field(description="Version de l'avis du conseil (null s'il n'est pas écrit).")


class CouncilOut(Schema):
    council: CouncilStateOut
    ranks_enabled: bool
    subjects: list[SubjectColumnOut]
    general_mean: Decimal | None
    general_minimum: Decimal | None
    general_maximum: Decimal | None
    students: list[StudentLineOut]


class CloseIn(Schema):
    expected_version: int = Field(description="La version du conseil lue par le client.")


class UnlockIn(Schema):
    reason: str = Field(description="Le motif, de 5 à 300 caractères ; il est gardé dans le journal.")


class AppraisalIn(Schema):
    period: UUID
    student: UUID
    kind: str = Field(description="subject (matière), main_teacher (professeur principal) ou council (conseil).")
    subject: UUID | None = Field(None, description="La matière, pour kind = subject.")
    text: str = Field(description="1000 caractères au plus.")
    expected_version: int | None = Field(description="La version lue par le client ; null s'il n'y avait pas d'appréciation.")


class AppraisalOut(Schema):
    id: UUID
    period: UUID
    student: UUID
    kind: str
    subject: UUID | None
    text: str
    mention: str
    decision: str
    version: int
    author: str | None
    updated_at: dt.datetime


class RecordIn(Schema):
    text: str
    mention: str = ""
    decision: str = ""
    expected_version: int | None


class ConductIn(Schema):
    period: UUID
    student: UUID
    value: str = Field(description="Une note de 0 à 20, deux décimales au plus (« 15,5 » ou « 15.5 ») ; vide pour la retirer.")
    expected_version: int | None


class ConductOut(Schema):
    period: UUID
    student: UUID
    value: Decimal | None
    text: str = Field(description="La note telle qu'on l'écrit (« 15,5 »), vide s'il n'y en a pas.")
    version: int | None


# --- helpers -----------------------------------------------------------------------------------
def _state(council: ClassCouncil) -> CouncilStateOut:
    return CouncilStateOut(
        id=council.public_id,
        school_class=council.school_class.public_id,
        period=council.period.public_id,
        status=council.status,
        version=council.version,
        held_on=council.held_on,
        closed_at=council.closed_at,
        closed_by=council.closed_by.full_name if council.closed_by else None,
        unlock_reason=council.unlock_reason,
    )


def _appraisal_out(appraisal: Appraisal) -> AppraisalOut:
    return AppraisalOut(
        id=appraisal.public_id,
        period=appraisal.period.public_id,
        student=appraisal.student.public_id,
        kind=appraisal.kind,
        subject=appraisal.subject.public_id if appraisal.subject is not None else None,
        text=appraisal.text,
        mention=appraisal.mention,
        decision=appraisal.decision,
        version=appraisal.version,
        author=appraisal.author.full_name if appraisal.author else None,
        updated_at=appraisal.updated_at,
    )


def class_and_period(actor, class_id, period_id):
    school_class = get_object_or_404(
        classes_with_results_visible_to(actor).select_related("establishment", "school_year"), public_id=class_id
    )
    period = get_object_or_404(Period, public_id=period_id, school_year_id=school_class.school_year_id)
    return school_class, period


def _council_target(request, class_id, period_id):
    school_class, period = class_and_period(request.user, class_id, period_id)
    if not policies.can_run_council(request.user, school_class):
        raise PermissionDenied()
    return school_class, period


def _period(request, period_id) -> Period:
    return get_object_or_404(
        Period.objects.filter(establishment_id__in=roles_of(request.user).establishment_ids).select_related("establishment"),
        public_id=period_id,
    )


# --- endpoints ---------------------------------------------------------------------------------
@router.get(
    "/councils/{class_id}/{period_id}",
    response={200: CouncilOut, **error_responses(401, 403, 404)},
    summary=_("Conseil de classe d'une période"),
    description=_(
        "L'état du conseil et la grille de la classe : moyennes par matière, moyenne générale, rang (si "
        "l'établissement les affiche), statistiques de classe et avis du conseil de chaque élève. Pour le "
        "professeur principal de la classe, le chef d'établissement et ses adjoints (403 pour les autres "
        "personnels et enseignants de la classe, 404 pour qui ne voit pas la classe)."
    ),
)
def council_grid(request, class_id: UUID, period_id: UUID):
    school_class, period = _council_target(request, class_id, period_id)
    council = council_service.council_for(period=period, school_class=school_class)
    results = period_results(school_class=school_class, period=period, audience="staff")
    records = {
        a.student_id: a
        for a in Appraisal.objects.filter(
            period=period, kind=Appraisal.Kind.COUNCIL, student_id__in=[s.id for s in results.students]
        )
    }
    subjects = []
    for s in results.subjects:
        stats = results.subject_stats(s.key)
        subjects.append(
            SubjectColumnOut(
                key=s.key, name=s.name, short_name=s.short_name, coefficient=s.coefficient,
                mean=stats.mean, minimum=stats.minimum, maximum=stats.maximum,
            )
        )
    students = []
    for info in results.students:
        record = records.get(info.id)
        students.append(
            StudentLineOut(
                id=info.user.public_id,
                full_name=info.user.full_name,
                averages={s.key: results.subject_average(info.id, s.key) for s in results.subjects},
                general=results.general_average(info.id),
                rank=results.rank(info.id),
                council_appraisal=record.text if record else "",
                mention=record.mention if record else "",
                decision=record.decision if record else "",
                record_version=record.version if record else None,
            )
        )
    general = results.general_stats
    return CouncilOut(
        council=_state(council), ranks_enabled=bool(results.rules.ranks), subjects=subjects,
        general_mean=general.mean, general_minimum=general.minimum, general_maximum=general.maximum, students=students,
    )


@router.post(
    "/councils/{class_id}/{period_id}/close",
    response={200: CouncilStateOut, **error_responses(401, 403, 404, 409)},
    summary=_("Clore le conseil de classe"),
    description=_(
        "Clôt le conseil : les notes, appréciations et notes de conduite de la période sont verrouillées pour "
        "la classe. `expected_version` est la version lue ; si elle a changé, 409 `council_conflict`."
    ),
)
def council_close(request, class_id: UUID, period_id: UUID, payload: CloseIn):
    school_class, period = _council_target(request, class_id, period_id)
    council = council_service.council_for(period=period, school_class=school_class)
    council = council_service.close_council(actor=request.user, council=council, expected_version=payload.expected_version)
    return _state(council)


@router.post(
    "/councils/{class_id}/{period_id}/unlock",
    response={200: CouncilStateOut, **error_responses(401, 403, 404, 422)},
    summary=_("Déverrouiller un conseil clos"),
    description=_(
        "Rouvre un conseil clos, avec un motif de 5 à 300 caractères conservé dans le journal. Réservé au chef "
        "d'établissement et à ses adjoints (403 `forbidden` pour les autres)."
    ),
)
def council_unlock(request, class_id: UUID, period_id: UUID, payload: UnlockIn):
    school_class, period = class_and_period(request.user, class_id, period_id)
    council = council_service.council_for(period=period, school_class=school_class)
    council = council_service.unlock_council(actor=request.user, council=council, reason=payload.reason)
    return _state(council)


@router.put(
    "/councils/{class_id}/{period_id}/records/{student_id}",
    response={200: AppraisalOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Avis du conseil pour un élève"),
    description=_(
        "Écrit l'appréciation du conseil, la mention (une de celles de l'établissement, ou vide) et la décision. "
        "409 `appraisal_conflict` si l'avis a changé depuis `expected_version` ; 409 `period_locked` si le "
        "conseil est clos."
    ),
)
def council_record(request, class_id: UUID, period_id: UUID, student_id: UUID, payload: RecordIn):
    _school_class, period = _council_target(request, class_id, period_id)
    student = get_object_or_404(students_visible_to(request.user), public_id=student_id)
    appraisal = council_service.save_council_record(
        actor=request.user, period=period, student=student, appraisal_text=payload.text,
        mention=payload.mention, decision=payload.decision, expected_version=payload.expected_version,
    )
    return _appraisal_out(appraisal)


@router.put(
    "/appraisals",
    response={200: AppraisalOut, **error_responses(401, 403, 404, 409, 422)},
    url_name="grades_appraisal_save",
    summary=_("Écrire une appréciation"),
    description=_(
        "Appréciation de matière (par un professeur de la matière pour l'élève), du professeur principal ou du "
        "conseil. 409 `appraisal_conflict` si elle a changé depuis `expected_version` (details : texte actuel, "
        "version, auteur, date) ; 409 `period_locked` si le conseil de la période est clos ; 422 au-delà de 1000 "
        "caractères."
    ),
)
def appraisal_save(request, payload: AppraisalIn):
    period = _period(request, payload.period)
    student = get_object_or_404(students_visible_to(request.user), public_id=payload.student)
    subject = None
    if payload.subject is not None:
        subject = get_object_or_404(Subject, public_id=payload.subject, establishment_id=period.establishment_id)
    appraisal = appraisal_service.save_appraisal(
        actor=request.user, period=period, student=student, kind=payload.kind, subject=subject,
        text=payload.text, expected_version=payload.expected_version,
    )
    return _appraisal_out(appraisal)


@router.put(
    "/conduct",
    response={200: ConductOut, **error_responses(401, 403, 404, 409, 422)},
    url_name="grades_conduct_save",
    summary=_("Note de conduite"),
    description=_(
        "Note de conduite sur 20 d'un élève pour une période (direction et vie scolaire), quand l'établissement "
        "compte la conduite comme une matière. Virgule ou point, deux décimales au plus ; une valeur vide retire "
        "la note. 409 `conduct_conflict` si elle a changé depuis `expected_version`."
    ),
)
def conduct_save(request, payload: ConductIn):
    period = _period(request, payload.period)
    student = get_object_or_404(students_visible_to(request.user), public_id=payload.student)
    mark: ConductMark | None = conduct_service.set_conduct(
        actor=request.user, period=period, student=student, value=payload.value, expected_version=payload.expected_version
    )
    return ConductOut(
        period=period.public_id,
        student=student.public_id,
        value=mark.value if mark else None,
        text=format_conduct(mark.value) if mark else "",
        version=mark.version if mark else None,
    )
