"""Assessments and marks for teachers: their assignments, assessments (create, change, duplicate,
delete, publish), marks (one cell, a column) and a mark's history.

Everything is fetched through the grades scopes: an assessment the caller does not edit answers
404 `not_found`, exactly like one that does not exist (students and guardians too). Refusals:
422 `validation_failed` (a bad mark, date, scale…; `details` says where), 409 `mark_conflict`
(the mark changed since `expected_version`; `details` has the current text, version, who and
when), 409 `period_locked` (the class council of the period is closed), 409 `conflict` (the
assessment changed since `expected_version`), 409 `confirmation_required` (deleting an assessment
that has marks without `?confirm=true`)."""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound, ValidationFailed
from carnet.grades import policies, services
from carnet.grades.marks import format_mark
from carnet.grades.models import Assessment, ClassCouncil, CustomAssessmentKind, Mark
from carnet.grades.services.marks import can_read_history
from carnet.school.models import Period, TeachingAssignment

router = Router(tags=["grades"])
User = get_user_model()

MARK_ERRORS = error_responses(401, 404, 409, 422)


# --- schemas -----------------------------------------------------------------------------------
class RefOut(Schema):
    id: UUID
    name: str


class PeriodOut(Schema):
    id: UUID
    name: str
    number: int
    starts_on: dt.date
    ends_on: dt.date
    locked: bool = Field(
        description="Le conseil de classe de la période est clos pour la classe : notes verrouillées (toujours false pour un groupe)."
    )


class AssignmentOut(Schema):
    id: UUID
    subject: RefOut
    school_class: RefOut | None = Field(description="La classe, ou null pour un groupe.")
    group: RefOut | None = Field(description="Le groupe, ou null pour une classe.")
    is_main_teacher: bool
    coefficient: Decimal
    periods: list[PeriodOut] = Field(description="Les périodes de l'année, dans l'ordre.")


class AssessmentOut(Schema):
    id: UUID
    assignment: UUID
    period: UUID
    title: str
    held_on: dt.date
    kind: str = Field(description="interrogation, devoir, composition, oral, practical, homework ou other.")
    kind_label: str
    custom_kind: UUID | None = Field(description="Type propre à l'établissement, s'il y en a un.")
    scale: Decimal = Field(description="Noté sur (1 à 100).")
    coefficient: Decimal
    is_bonus: bool
    description: str
    publication: str = Field(description="now, at, daily ou hidden : le choix de l'enseignant.")
    published_at: dt.datetime | None = Field(description="Visible des élèves à partir de ce moment ; null : pas publié.")
    guardians_published_at: dt.datetime | None = Field(description="Visible des responsables à partir de ce moment.")
    version: int = Field(description="À renvoyer dans `expected_version` pour modifier l'évaluation.")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_assignment(obj) -> UUID:
        return obj.assignment.public_id

    @staticmethod
    def resolve_period(obj) -> UUID:
        return obj.period.public_id

    @staticmethod
    def resolve_custom_kind(obj) -> UUID | None:
        return obj.custom_kind.public_id if obj.custom_kind_id else None


class AssessmentFilter(Schema):
    assignment: UUID | None = Field(None, description="Seulement les évaluations de ce service.")
    period: UUID | None = Field(None, description="Seulement celles de cette période.")


class AssessmentIn(Schema):
    assignment: UUID
    period: UUID
    title: str = Field(max_length=120)
    held_on: dt.date
    kind: str = "devoir"
    custom_kind: UUID | None = None
    scale: Decimal = Decimal("20")
    coefficient: Decimal = Decimal("1")
    is_bonus: bool = False
    description: str = ""
    publication: str = Field("now", description="now, at (avec `publish_at`), daily ou hidden.")
    publish_at: dt.datetime | None = Field(None, description="Avec `publication: at` : un moment à venir, avec son fuseau.")


class AssessmentPatch(Schema):
    expected_version: int = Field(description="La `version` lue ; si elle a changé : 409 `conflict`.")
    period: UUID | None = None
    title: str | None = Field(None, max_length=120)
    held_on: dt.date | None = None
    kind: str | None = None
    custom_kind: UUID | None = None
    scale: Decimal | None = None
    coefficient: Decimal | None = None
    is_bonus: bool | None = None
    description: str | None = None
    publication: str | None = None
    publish_at: dt.datetime | None = None


class DuplicateIn(Schema):
    assignments: list[UUID] = Field(description="Les services (vos autres classes ou groupes) où copier l'évaluation.")


class StudentOut(Schema):
    id: UUID
    full_name: str
    last_name: str
    first_name: str


class MarkOut(Schema):
    student: StudentOut
    text: str = Field(description="La note telle qu'affichée : « 12,5 », « Abs », « Disp », « NR », ou vide.")
    status: str = Field(description="marked, absent, exempt, not_handed_in ou not_marked.")
    value: Decimal | None = Field(description="Sur le barème de l'évaluation ; null sans note chiffrée.")
    comment: str
    version: int | None = Field(description="À renvoyer dans `expected_version` ; null : pas encore de note.")
    updated_at: dt.datetime | None
    updated_by: str | None


class MarkIn(Schema):
    text: str = Field(
        max_length=40,
        description="Un nombre de 0 au barème, 2 décimales au plus (virgule ou point), ou abs, disp, nr ; vide : pas de note.",
    )
    comment: str | None = Field(None, max_length=300, description="Absent ou null : le commentaire ne change pas.")
    expected_version: int | None = Field(description="La `version` lue ; null si vous n'avez vu aucune note.")


class ColumnEntryIn(MarkIn):
    student: UUID


class ColumnIn(Schema):
    marks: list[ColumnEntryIn] = Field(max_length=500)


class HistoryOut(Schema):
    at: dt.datetime
    action: str = Field(description="grades.mark_created, grades.mark_changed ou grades.mark_deleted.")
    by: str
    mark: list[str | None] | None = Field(description="[ancienne, nouvelle] ; null si seule le commentaire a changé.")
    comment: list[str | None] | None


# --- helpers -----------------------------------------------------------------------------------
def _assessments(user):
    return policies.assessments_editable_by(user).select_related(
        "assignment__subject", "assignment__school_class", "assignment__group", "period", "custom_kind", "establishment"
    )


def _assessment(user, public_id: UUID) -> Assessment:
    return get_object_or_404(_assessments(user), public_id=public_id)


def _assignment(user, public_id: UUID) -> TeachingAssignment:
    """An assignment the caller may give assessments to (their own or a co-taught one)."""
    assignment = TeachingAssignment.objects.filter(public_id=public_id).select_related(
        "establishment", "school_year", "subject", "school_class", "group"
    ).first()
    if assignment is None or not policies.can_edit_assignment(user, assignment):
        raise NotFound()
    return assignment


def _period(assignment: TeachingAssignment, public_id: UUID) -> Period:
    period = Period.objects.filter(public_id=public_id, establishment_id=assignment.establishment_id).first()
    if period is None:
        raise ValidationFailed(_("Cette période n'existe pas dans l'établissement."), details={"period": "unknown"})
    return period


def _custom_kind(assignment: TeachingAssignment, public_id: UUID | None) -> CustomAssessmentKind | None:
    if public_id is None:
        return None
    kind = CustomAssessmentKind.objects.filter(public_id=public_id, establishment_id=assignment.establishment_id).first()
    if kind is None:
        raise ValidationFailed(_("Ce type d'évaluation n'existe pas dans l'établissement."), details={"custom_kind": "unknown"})
    return kind


def _student(user, public_id: UUID):
    return get_object_or_404(policies.students_visible_for_marks(user), public_id=public_id)


def _mark_out(student, mark: Mark | None) -> dict[str, Any]:
    saved = mark if mark is not None and mark.pk is not None else None
    return {
        "student": {
            "id": student.public_id, "full_name": student.full_name, "last_name": student.last_name,
            "first_name": student.first_name,
        },
        "text": format_mark(mark),
        "status": mark.status if mark is not None else Mark.Status.NOT_MARKED,
        "value": mark.value if mark is not None else None,
        "comment": mark.comment if mark is not None else "",
        "version": saved.version if saved else None,
        "updated_at": saved.updated_at if saved else None,
        "updated_by": saved.updated_by.full_name if saved and saved.updated_by else None,
    }


# --- assignments -------------------------------------------------------------------------------
@router.get(
    "/assignments",
    response={200: list[AssignmentOut], **error_responses(401)},
    summary=_("Mes services d'enseignement"),
    description=_(
        "Vos services de l'année en cours (matière, classe ou groupe) avec les périodes de l'année ; "
        "`locked` dit si le conseil de classe de la période est clos. Vide pour qui n'enseigne pas."
    ),
)
def list_assignments(request):
    assignments = list(
        policies.assignments_editable_by(request.user)
        .select_related("subject", "school_class", "group", "school_year")
        .prefetch_related(Prefetch("school_year__periods", queryset=Period.objects.order_by("number")))
        .order_by("subject__name", "school_class__name", "group__name")
    )
    closed = set(
        ClassCouncil.objects.filter(
            status=ClassCouncil.Status.CLOSED,
            school_class_id__in=[a.school_class_id for a in assignments if a.school_class_id],
        ).values_list("period_id", "school_class_id")
    )
    result = []
    for a in assignments:
        result.append(
            {
                "id": a.public_id,
                "subject": {"id": a.subject.public_id, "name": a.subject.name},
                "school_class": {"id": a.school_class.public_id, "name": a.school_class.name} if a.school_class else None,
                "group": {"id": a.group.public_id, "name": a.group.name} if a.group else None,
                "is_main_teacher": a.is_main_teacher,
                "coefficient": a.coefficient,
                "periods": [
                    {
                        "id": p.public_id, "name": p.name, "number": p.number, "starts_on": p.starts_on, "ends_on": p.ends_on,
                        "locked": (p.pk, a.school_class_id) in closed,
                    }
                    for p in a.school_year.periods.all()
                ],
            }
        )
    return result


# --- assessments -------------------------------------------------------------------------------
@router.get(
    "/assessments",
    response={200: list[AssessmentOut], **error_responses(401, 422)},
    summary=_("Mes évaluations"),
    description=_(
        "Les évaluations que vous pouvez modifier (les vôtres et celles de vos co-enseignants de la même "
        "matière dans la même classe ou le même groupe), par date. Filtres : `assignment`, `period`."
    ),
)
def list_assessments(request, filters: Query[AssessmentFilter]):
    qs = _assessments(request.user)
    if filters.assignment:
        qs = qs.filter(assignment__public_id=filters.assignment)
    if filters.period:
        qs = qs.filter(period__public_id=filters.period)
    return list(qs.order_by("held_on", "created_at"))


@router.post(
    "/assessments",
    response={201: AssessmentOut, **error_responses(401, 404, 409, 422)},
    summary=_("Créer une évaluation"),
    description=_(
        "Pour l'un de vos services (sinon 404). Refus 422 `validation_failed` : période d'une autre année, "
        "date hors de la période, barème hors de 1 à 100, coefficient nul ou négatif, moment de publication "
        "passé ; 409 `period_locked` si le conseil de classe de la période est clos."
    ),
)
def create_assessment(request, payload: AssessmentIn):
    assignment = _assignment(request.user, payload.assignment)
    assessment = services.create_assessment(
        actor=request.user,
        assignment=assignment,
        period=_period(assignment, payload.period),
        title=payload.title,
        held_on=payload.held_on,
        kind=payload.kind,
        scale=payload.scale,
        coefficient=payload.coefficient,
        is_bonus=payload.is_bonus,
        custom_kind=_custom_kind(assignment, payload.custom_kind),
        description=payload.description,
        publication=payload.publication,
        publish_at=payload.publish_at,
    )
    return Status(201, _assessment(request.user, assessment.public_id))


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **error_responses(401, 404)},
    summary=_("Une évaluation"),
)
def get_assessment(request, assessment_id: UUID):
    return _assessment(request.user, assessment_id)


@router.patch(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **error_responses(401, 404, 409, 422)},
    summary=_("Modifier une évaluation"),
    description=_(
        "Change les champs donnés. `expected_version` est la version lue : si l'évaluation a changé depuis, "
        "409 `conflict`. Baisser le barème sous une note existante est refusé (422)."
    ),
)
def update_assessment(request, assessment_id: UUID, payload: AssessmentPatch):
    assessment = _assessment(request.user, assessment_id)
    given = payload.model_dump(exclude_unset=True)
    expected = given.pop("expected_version")
    fields: dict[str, Any] = {}
    for name, value in given.items():
        if name == "period":
            if value is not None:
                fields["period"] = _period(assessment.assignment, value)
        elif name == "custom_kind":
            fields["custom_kind"] = _custom_kind(assessment.assignment, value)
        elif value is not None or name == "publish_at":
            fields[name] = value
    services.update_assessment(actor=request.user, assessment=assessment, expected_version=expected, **fields)
    return _assessment(request.user, assessment_id)


@router.delete(
    "/assessments/{assessment_id}",
    response={204: None, **error_responses(401, 404, 409)},
    summary=_("Supprimer une évaluation"),
    description=_(
        "Supprime l'évaluation et ses notes. Si elle a des notes, il faut `?confirm=true` : sans lui, 409 "
        "`confirmation_required` avec le nombre de notes dans `details.marks`. La suppression est journalisée "
        "avec les notes supprimées."
    ),
)
def delete_assessment(request, assessment_id: UUID, confirm: bool = False):
    assessment = _assessment(request.user, assessment_id)
    services.delete_assessment(actor=request.user, assessment=assessment, confirmed=confirm)
    return Status(204, None)


@router.post(
    "/assessments/{assessment_id}/duplicate",
    response={201: list[AssessmentOut], **error_responses(401, 404, 409, 422)},
    summary=_("Copier une évaluation dans d'autres classes"),
    description=_(
        "Crée la même évaluation (titre, date, période, barème, coefficient, publication) pour chacun des "
        "services donnés, tous les vôtres (sinon 404). Tout ou rien."
    ),
)
def duplicate_assessment(request, assessment_id: UUID, payload: DuplicateIn):
    assessment = _assessment(request.user, assessment_id)
    targets = [_assignment(request.user, public_id) for public_id in payload.assignments]
    copies = services.duplicate_assessment(actor=request.user, assessment=assessment, assignments=targets)
    return Status(201, list(_assessments(request.user).filter(pk__in=[c.pk for c in copies]).order_by("id")))


@router.post(
    "/assessments/{assessment_id}/publish",
    response={200: AssessmentOut, **error_responses(401, 404)},
    summary=_("Publier une évaluation maintenant"),
    description=_(
        "Les notes deviennent visibles des élèves tout de suite, des responsables après le délai de "
        "l'établissement. Sans effet si elles sont déjà visibles des élèves."
    ),
)
def publish_assessment(request, assessment_id: UUID):
    assessment = _assessment(request.user, assessment_id)
    services.publish_now(actor=request.user, assessment=assessment)
    return _assessment(request.user, assessment_id)


# --- marks -------------------------------------------------------------------------------------
@router.get(
    "/assessments/{assessment_id}/marks",
    response={200: list[MarkOut], **error_responses(401, 404)},
    summary=_("Les notes d'une évaluation"),
    description=_(
        "Chaque élève de la classe ou du groupe, par ordre alphabétique, avec sa note (`text`, `status`, "
        "`value`), son commentaire et la `version` à renvoyer pour la modifier (null : pas encore de note)."
    ),
)
def list_marks(request, assessment_id: UUID):
    assessment = _assessment(request.user, assessment_id)
    students = list(policies.students_of_assessment(assessment))
    marks = {m.student_id: m for m in Mark.objects.filter(assessment=assessment).select_related("updated_by")}
    return [_mark_out(student, marks.get(student.pk)) for student in students]


@router.put(
    "/assessments/{assessment_id}/marks/{student_id}",
    response={200: MarkOut, **MARK_ERRORS},
    summary=_("Enregistrer une note"),
    description=_(
        "Enregistre ce qui a été tapé : un nombre (« 12,5 » ou « 12.5 », 2 décimales au plus, de 0 au "
        "barème), `abs`, `disp`, `nr`, ou vide pour effacer. `expected_version` est la version lue (null si "
        "aucune note). Réponses : 422 `validation_failed` (note invalide, élève hors de la classe) ; 409 "
        "`mark_conflict` si la note a changé entre-temps, avec dans `details` la note actuelle (`current`), "
        "sa `version`, qui (`by`) et quand (`at`) ; 409 `period_locked` si le conseil de classe est clos. "
        "Renvoyer la même note ne change rien."
    ),
)
def put_mark(request, assessment_id: UUID, student_id: UUID, payload: MarkIn):
    assessment = _assessment(request.user, assessment_id)
    student = _student(request.user, student_id)
    mark = services.save_mark(
        actor=request.user, assessment=assessment, student=student, text=payload.text,
        expected_version=payload.expected_version, comment=payload.comment,
    )
    return _mark_out(student, mark)


@router.post(
    "/assessments/{assessment_id}/marks",
    response={200: list[MarkOut], **MARK_ERRORS},
    summary=_("Enregistrer une colonne de notes"),
    description=_(
        "Plusieurs notes d'un coup (une colonne collée depuis un tableur), tout ou rien : si une seule est "
        "refusée, rien n'est enregistré. 422 `validation_failed` : `details` liste chaque élève en cause "
        "(`student`, `name`, `message`) ; 409 `mark_conflict` : `details` liste chaque note modifiée "
        "entre-temps ; 409 `period_locked`."
    ),
)
def post_column(request, assessment_id: UUID, payload: ColumnIn):
    assessment = _assessment(request.user, assessment_id)
    ids = [entry.student for entry in payload.marks]
    found = {u.public_id: u for u in policies.students_visible_for_marks(request.user).filter(public_id__in=ids)}
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise ValidationFailed(
            _("Élève inconnu dans cette évaluation."),
            details=[{"student": i, "name": "", "message": _("Élève inconnu dans cette évaluation.")} for i in unknown],
        )
    marks = services.save_column(
        actor=request.user,
        assessment=assessment,
        entries=[(found[e.student], e.text, e.expected_version, e.comment) for e in payload.marks],
    )
    return [_mark_out(mark.student, mark) for mark in marks]


@router.get(
    "/assessments/{assessment_id}/marks/{student_id}/history",
    response={200: list[HistoryOut], **error_responses(401, 404)},
    summary=_("Historique d'une note"),
    description=_(
        "Chaque création, modification et effacement de la note, du plus récent au plus ancien : qui, "
        "quand, valeur avant et après. Pour les enseignants de l'évaluation, le professeur principal et le "
        "personnel de direction et de vie scolaire."
    ),
)
def mark_history(request, assessment_id: UUID, student_id: UUID):
    assessment = get_object_or_404(policies.assessments_visible_to(request.user), public_id=assessment_id)
    if not can_read_history(request.user, assessment):
        raise NotFound()
    student = _student(request.user, student_id)
    events = services.mark_history(actor=request.user, assessment=assessment, student=student)
    return [
        {
            "at": e.at,
            "action": e.action,
            "by": e.actor_name,
            "mark": e.changes.get("mark"),
            "comment": e.changes.get("comment"),
        }
        for e in events
    ]

