"""Absences, lateness, guardians' declarations, contacts with families, the watch list, statistics,
reasons and settings (under /api/v1/attendance/).

The same scopes as the pages (`attendance.policies`): school-life staff and the secretary read
their establishment's; a guardian reads their children's and declares for them; a student reads
their own. Anything outside answers 404 `not_found`, exactly like a missing object. Writes of the
staff side (regularise, enter, decide, contacts, watch list, settings) are for the head, the
deputies and school life; the secretary and families get 403 `forbidden` on an object they see."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from carnet.attendance import policies, statistics
from carnet.attendance.models import (
    Absence,
    AbsenceReason,
    AlertRule,
    FamilyContact,
    Regularisation,
    WatchEntry,
)
from carnet.attendance.services import absences as absence_service
from carnet.attendance.services import alerts, contacts, declarations
from carnet.attendance.services import settings as settings_service
from carnet.attendance.web.absences_data import class_name_subquery, explanation_of
from carnet.attendance.web.absences_declarations import document_response
from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.school.models import Enrollment, Establishment, SchoolClass, SchoolYear
from carnet.school.policies import children_of
from carnet.school.roles import current_enrollment_q

router = Router(tags=["attendance"])


# --- schemas ------------------------------------------------------------------------------------
class PersonOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    full_name: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class ReasonOut(Schema):
    id: UUID
    label: str
    justifies: bool = Field(description="Le motif justifie l'absence (motif recevable).")
    is_active: bool
    position: int

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class AbsenceOut(Schema):
    id: UUID
    student: PersonOut
    class_name: str | None = Field(description="La classe actuelle de l'élève.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    half_days: int = Field(description="Demi-journées comptées selon la règle de l'établissement.")
    source: str = Field(description="register (appel), staff (vie scolaire) ou guardian (déclaration).")
    state: str = Field(description="to_justify, justified ou unjustified.")
    state_label: str
    reason: ReasonOut | None
    comment: str
    version: int = Field(
        description="À renvoyer avec la régularisation : un changement entre-temps répond 409."
    )
    guardians_notified_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_class_name(obj) -> str | None:
        return getattr(obj, "class_name", None)


class MissedSessionOut(Schema):
    id: UUID
    held_on: dt.date
    start_time: dt.time
    end_time: dt.time
    subject: str
    teacher: str


class AbsenceDetailOut(AbsenceOut):
    counted_as: str = Field(
        description="Le décompte en mots : « lundi 9 novembre matin et … = 2 demi-journées »."
    )
    sessions: list[MissedSessionOut]
    declarations: list[UUID]

    @staticmethod
    def resolve_sessions(obj) -> list[dict]:
        return obj.missed_sessions

    @staticmethod
    def resolve_declarations(obj) -> list[UUID]:
        return obj.declaration_ids


class LatenessOut(Schema):
    id: UUID
    student: PersonOut
    class_name: str | None
    occurred_at: dt.datetime
    minutes: int
    subject: str | None
    state: str
    state_label: str
    reason: ReasonOut | None
    comment: str
    version: int
    guardians_notified_at: dt.datetime | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_class_name(obj) -> str | None:
        return getattr(obj, "class_name", None)

    @staticmethod
    def resolve_subject(obj) -> str | None:
        return obj.session.assignment.subject.name if obj.session_id else None


class RegulariseIn(Schema):
    state: str = Field(
        description="to_justify, justified ou unjustified ; justified exige un motif recevable."
    )
    reason: UUID | None = Field(None, description="Un motif de l'établissement (GET /reasons), ou null.")
    comment: str | None = Field(None, description="Commentaire ; null le laisse tel quel.")
    version: int = Field(description="La version lue.")


class AbsenceIn(Schema):
    student: UUID
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: UUID | None = None
    state: str = Regularisation.TO_JUSTIFY
    comment: str = ""


class DeclarationOut(Schema):
    id: UUID
    student: PersonOut
    declared_by: PersonOut
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: ReasonOut | None
    message: str
    has_document: bool
    document_name: str
    document_type: str
    status: str = Field(description="pending, accepted ou rejected.")
    status_label: str
    decided_at: dt.datetime | None
    decision_note: str
    absences: list[UUID] = Field(description="Les absences liées (une fois acceptée).")
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_has_document(obj) -> bool:
        return bool(obj.document)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_absences(obj) -> list[UUID]:
        return [a.public_id for a in obj.absences.all()]


class DeclarationIn(Schema):
    student: UUID = Field(description="Votre enfant.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: UUID = Field(description="Un motif en service (GET /reasons?student=…).")
    message: str = ""


class DecisionIn(Schema):
    accept: bool
    note: str = Field("", description="Obligatoire pour un refus ; la famille la lit.")
    version: int


class ContactOut(Schema):
    id: UUID
    student: PersonOut
    absence: UUID | None
    channel: str = Field(description="call, sms, letter, meeting ou email.")
    channel_label: str
    contacted_at: dt.datetime
    summary: str
    recorded_by: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_absence(obj) -> UUID | None:
        return obj.absence.public_id if obj.absence_id else None

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return str(obj.get_channel_display())

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.full_name if obj.recorded_by_id else ""


class ContactIn(Schema):
    student: UUID
    channel: str
    summary: str
    contacted_at: dt.datetime | None = None
    absence: UUID | None = None


class WatchEntryOut(Schema):
    id: UUID
    student: PersonOut
    class_name: str | None
    rule: str = Field(description="unjustified_half_days, consecutive_days ou lateness.")
    reason: str = Field(
        description="La raison en mots : « 5 demi-journées non justifiées en 30 jours (seuil 4) »."
    )
    raised_at: dt.datetime
    cleared_at: dt.datetime | None
    cleared_by: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_rule(obj) -> str:
        return obj.rule.kind

    @staticmethod
    def resolve_class_name(obj) -> str | None:
        return getattr(obj, "class_name", None)

    @staticmethod
    def resolve_cleared_by(obj) -> str:
        return obj.cleared_by.full_name if obj.cleared_by_id else ""


class CountsOut(Schema):
    half_days: int
    justified: int
    unjustified: int
    to_justify: int
    not_justified: int
    lateness: int
    lateness_minutes: int


class StudentStatsOut(Schema):
    student: UUID | None
    last_name: str
    first_name: str
    class_name: str
    counts: CountsOut


class ClassStatsOut(Schema):
    school_class: UUID | None
    name: str
    students: int
    counts: CountsOut


class MonthStatsOut(Schema):
    month: dt.date = Field(description="Le premier jour du mois.")
    counts: CountsOut


class StatisticsOut(Schema):
    establishment: UUID
    year: str
    since: dt.date
    until: dt.date
    total: CountsOut
    classes: list[ClassStatsOut]
    months: list[MonthStatsOut]
    students: list[StudentStatsOut]


class SettingsOut(Schema):
    establishment: UUID
    afternoon_starts_at: dt.time
    late_as_absence_minutes: int
    notify_guardians_same_day: bool
    register_reminder_minutes: int
    correction_same_day_only: bool


class SettingsIn(Schema):
    afternoon_starts_at: dt.time | None = None
    late_as_absence_minutes: int | None = None
    notify_guardians_same_day: bool | None = None
    register_reminder_minutes: int | None = None
    correction_same_day_only: bool | None = None


class ReasonIn(Schema):
    label: str
    justifies: bool = True


class ReasonUpdateIn(Schema):
    label: str
    justifies: bool
    is_active: bool = True


class RuleOut(Schema):
    id: UUID
    kind: str
    kind_label: str
    threshold: int
    window_days: int
    is_active: bool

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())


class RuleUpdateIn(Schema):
    threshold: int
    window_days: int
    is_active: bool = True


# --- helpers ------------------------------------------------------------------------------------
def _establishment(request, public_id: UUID | None, *, manage: bool) -> Establishment:
    """The establishment named, among those where the person reads (or manages) attendance; the
    first one by name when none is named; 403 for someone with none, 404 for another one."""
    scope = policies.managed_establishments if manage else policies.read_establishments
    establishments = scope(request.user)
    if public_id is not None:
        return get_object_or_404(establishments, public_id=public_id)
    first = establishments.first()
    if first is None:
        raise PermissionDenied()
    return first


def _reason(establishment, public_id: UUID | None) -> AbsenceReason | None:
    if public_id is None:
        return None
    reason = AbsenceReason.objects.filter(establishment=establishment, public_id=public_id).first()
    if reason is None:
        raise ValidationFailed(
            _("Choisissez un motif de la liste."),
            details={"reason": str(_("Choisissez un motif de la liste."))},
        )
    return reason


def _absences_scope(request):
    return (
        policies.absences_visible_to(request.user)
        .select_related("student", "reason")
        .annotate(class_name=class_name_subquery())
    )


def _latenesses_scope(request):
    return (
        policies.latenesses_visible_to(request.user)
        .select_related("student", "reason", "session__assignment__subject")
        .annotate(class_name=class_name_subquery())
    )


def _declarations_scope(request):
    return (
        policies.declarations_visible_to(request.user)
        .select_related("student", "declared_by", "reason")
        .prefetch_related("absences")
    )


def _absence_detail(request, absence: Absence) -> Absence:
    """The absence with what its detail shows: the count in words, the sessions, the declarations."""
    sessions = absence.sessions.select_related("assignment__subject", "teacher").order_by(
        "held_on", "start_time"
    )
    absence.counted_as = explanation_of(absence)  # type: ignore[attr-defined]
    absence.missed_sessions = [  # type: ignore[attr-defined]
        {
            "id": s.public_id,
            "held_on": s.held_on,
            "start_time": s.start_time,
            "end_time": s.end_time,
            "subject": s.assignment.subject.name,
            "teacher": s.teacher.full_name,
        }
        for s in sessions
    ]
    absence.declaration_ids = list(  # type: ignore[attr-defined]
        policies.declarations_visible_to(request.user)
        .filter(absences=absence)
        .values_list("public_id", flat=True)
    )
    return absence


class AbsenceFilter(Schema):
    student: UUID | None = Field(None, description="Un élève (public id).")
    school_class: UUID | None = Field(None, alias="class", description="Une classe de l'année en cours.")
    state: str | None = Field(None, description="to_justify, justified ou unjustified.")
    since: dt.date | None = Field(None, description="À partir de ce jour (inclus).")
    until: dt.date | None = Field(None, description="Jusqu'à ce jour (inclus).")


def _filter(rows, filters: AbsenceFilter, moment: str):
    if filters.student is not None:
        rows = rows.filter(student__public_id=filters.student)
    if filters.school_class is not None:
        in_class = Enrollment.objects.filter(
            current_enrollment_q(), school_class__public_id=filters.school_class
        )
        rows = rows.filter(
            student_id__in=in_class.values("student_id"),
            establishment_id__in=in_class.values("establishment_id"),
        )
    if filters.state:
        if filters.state not in Regularisation.values:
            raise ValidationFailed(details={"state": str(_("to_justify, justified ou unjustified."))})
        rows = rows.filter(state=filters.state)
    if filters.since:
        rows = rows.filter(**{f"{moment}__date__gte": filters.since})
    if filters.until:
        rows = rows.filter(**{f"{moment}__date__lte": filters.until})
    return rows


# --- absences -----------------------------------------------------------------------------------
@router.get(
    "/absences",
    response={200: list[AbsenceOut], **error_responses(401, 422)},
    summary=_("Absences"),
    description=_(
        "Les absences que vous pouvez voir : celles de votre établissement pour la vie scolaire et le "
        "secrétariat, celles de vos enfants pour un responsable, les vôtres pour un élève. Filtres : élève, "
        "classe, état, jours. Paginé : `page`, `page_size`."
    ),
)
@paginate(PageNumberPagination)
def absence_list(request, filters: Query[AbsenceFilter]):
    return _filter(_absences_scope(request), filters, "starts_at").order_by("-starts_at", "-id")


@router.get(
    "/absences/{absence_id}",
    response={200: AbsenceDetailOut, **error_responses(401, 404)},
    summary=_("Une absence"),
    description=_(
        "L'absence, son décompte en mots, les cours manqués et les déclarations liées. Hors de votre périmètre : 404."
    ),
)
def absence_get(request, absence_id: UUID):
    absence = get_object_or_404(
        _absences_scope(request).select_related("establishment"), public_id=absence_id
    )
    return _absence_detail(request, absence)


@router.post(
    "/absences",
    response={201: AbsenceDetailOut, **error_responses(401, 403, 404, 422)},
    summary=_("Saisir une absence"),
    description=_(
        "Une absence saisie par la vie scolaire (hors appel), comptée en demi-journées selon la règle de "
        "l'établissement. 422 si la fin précède le début, hors de l'année scolaire, ou si une absence couvre "
        "déjà ce moment."
    ),
)
def absence_create(request, payload: AbsenceIn):
    student = get_object_or_404(policies.students_managed_by(request.user), public_id=payload.student)
    enrollment = (
        Enrollment.objects.filter(
            current_enrollment_q(),
            student=student,
            establishment_id__in=policies.managed_establishment_ids(request.user),
        )
        .select_related("establishment")
        .first()
    )
    if enrollment is None:
        raise NotFound()
    establishment = enrollment.establishment
    absence = absence_service.create_absence(
        actor=request.user,
        establishment=establishment,
        student=student,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=_reason(establishment, payload.reason),
        state=payload.state,
        comment=payload.comment,
    )
    absence = _absences_scope(request).select_related("establishment").get(pk=absence.pk)
    return Status(201, _absence_detail(request, absence))


@router.post(
    "/absences/{absence_id}/regularisation",
    response={200: AbsenceDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Régulariser une absence"),
    description=_(
        "Fixe l'état (à justifier, justifiée, non justifiée), le motif et le commentaire. `version` est la version "
        "lue : si quelqu'un a modifié l'absence entre-temps, 409 `absence_conflict` et rien n'est écrit "
        "(`details` donne les valeurs actuelles)."
    ),
)
def absence_regularise(request, absence_id: UUID, payload: RegulariseIn):
    absence = get_object_or_404(
        _absences_scope(request).select_related("establishment"), public_id=absence_id
    )
    absence_service.regularise_absence(
        actor=request.user,
        absence=absence,
        state=payload.state,
        reason=_reason(absence.establishment, payload.reason),
        comment=payload.comment,
        expected_version=payload.version,
    )
    absence = _absences_scope(request).select_related("establishment").get(pk=absence.pk)
    return _absence_detail(request, absence)


# --- lateness -----------------------------------------------------------------------------------
@router.get(
    "/latenesses",
    response={200: list[LatenessOut], **error_responses(401, 422)},
    summary=_("Retards"),
    description=_("Les retards que vous pouvez voir, comme les absences. Paginé : `page`, `page_size`."),
)
@paginate(PageNumberPagination)
def lateness_list(request, filters: Query[AbsenceFilter]):
    return _filter(_latenesses_scope(request), filters, "occurred_at").order_by("-occurred_at", "-id")


@router.get(
    "/latenesses/{lateness_id}",
    response={200: LatenessOut, **error_responses(401, 404)},
    summary=_("Un retard"),
)
def lateness_get(request, lateness_id: UUID):
    return get_object_or_404(_latenesses_scope(request), public_id=lateness_id)


@router.post(
    "/latenesses/{lateness_id}/regularisation",
    response={200: LatenessOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Régulariser un retard"),
    description=_("Comme pour une absence ; 409 `lateness_conflict` si la version a changé."),
)
def lateness_regularise(request, lateness_id: UUID, payload: RegulariseIn):
    lateness = get_object_or_404(
        _latenesses_scope(request).select_related("establishment"), public_id=lateness_id
    )
    lateness_service_result, _changes = absence_service.regularise_lateness(
        actor=request.user,
        lateness=lateness,
        state=payload.state,
        reason=_reason(lateness.establishment, payload.reason),
        comment=payload.comment,
        expected_version=payload.version,
    )
    return _latenesses_scope(request).get(pk=lateness_service_result.pk)


# --- declarations -------------------------------------------------------------------------------
class DeclarationFilter(Schema):
    status: str | None = Field(None, description="pending, accepted ou rejected.")
    student: UUID | None = None


@router.get(
    "/declarations",
    response={200: list[DeclarationOut], **error_responses(401)},
    summary=_("Déclarations d'absence"),
    description=_(
        "Pour la vie scolaire et le secrétariat, les déclarations de l'établissement ; pour un responsable, celles "
        "qui concernent ses enfants. Paginé : `page`, `page_size`."
    ),
)
@paginate(PageNumberPagination)
def declaration_list(request, filters: Query[DeclarationFilter]):
    rows = _declarations_scope(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.student:
        rows = rows.filter(student__public_id=filters.student)
    return rows.order_by("-created_at", "-id")


@router.get(
    "/declarations/{declaration_id}",
    response={200: DeclarationOut, **error_responses(401, 404)},
    summary=_("Une déclaration d'absence"),
)
def declaration_get(request, declaration_id: UUID):
    return get_object_or_404(_declarations_scope(request), public_id=declaration_id)


@router.post(
    "/declarations",
    response={201: DeclarationOut, **error_responses(401, 404, 422)},
    summary=_("Déclarer une absence"),
    description=_(
        "Un responsable déclare une absence de son enfant, à l'avance ou après coup (multipart/form-data). "
        "`document` (facultatif) : un PDF ou une photo JPEG, PNG ou WebP de 5 Mo au plus, reconnu à son contenu "
        "et non à son nom. Pour un élève qui n'est pas votre enfant : 404, et rien n'est enregistré."
    ),
)
def declaration_create(request, payload: Form[DeclarationIn], document: File[UploadedFile | None] = None):
    student = get_object_or_404(children_of(request.user), public_id=payload.student)
    declaration = declarations.declare_absence(
        actor=request.user,
        student=student,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason_id=payload.reason,
        message=payload.message,
        document=document,
    )
    return Status(201, _declarations_scope(request).get(pk=declaration.pk))


@router.post(
    "/declarations/{declaration_id}/decision",
    response={200: DeclarationOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Accepter ou refuser une déclaration"),
    description=_(
        "Accepter lie les absences de l'élève à ce moment et les régularise avec le motif déclaré ; refuser exige "
        "une réponse (`note`). La famille est prévenue. 409 `declaration_decided` si elle est déjà traitée, "
        "409 `declaration_conflict` si la version a changé."
    ),
)
def declaration_decide(request, declaration_id: UUID, payload: DecisionIn):
    declaration = get_object_or_404(
        policies.declarations_visible_to(request.user).select_related("establishment"),
        public_id=declaration_id,
    )
    declarations.decide_declaration(
        actor=request.user,
        declaration=declaration,
        accept=payload.accept,
        note=payload.note,
        expected_version=payload.version,
    )
    return _declarations_scope(request).get(pk=declaration.pk)


@router.get(
    "/declarations/{declaration_id}/document",
    response={200: None, **error_responses(401, 404)},
    summary=_("Justificatif d'une déclaration"),
    description=_("Le document joint, pour qui voit la déclaration ; 404 sans document ou hors périmètre."),
)
def declaration_document(request, declaration_id: UUID):
    declaration = get_object_or_404(policies.declarations_visible_to(request.user), public_id=declaration_id)
    if not declaration.document:
        raise NotFound()
    return document_response(declaration.document, declaration.document_type, declaration.document_name)


# --- contacts -----------------------------------------------------------------------------------
@router.get(
    "/contacts",
    response={200: list[ContactOut], **error_responses(401)},
    summary=_("Contacts avec les familles"),
    description=_(
        "Le journal des contacts (vie scolaire et secrétariat). `student` filtre un élève. Paginé."
    ),
)
@paginate(PageNumberPagination)
def contact_list(request, student: UUID | None = None):
    rows = policies.contacts_visible_to(request.user).select_related("student", "absence", "recorded_by")
    if student:
        rows = rows.filter(student__public_id=student)
    return rows.order_by("-contacted_at", "-id")


@router.post(
    "/contacts",
    response={201: ContactOut, **error_responses(401, 403, 404, 422)},
    summary=_("Noter un contact avec la famille"),
    description=_(
        "Appel, SMS, courrier, rencontre ou e-mail, avec un résumé ; éventuellement à propos d'une absence."
    ),
)
def contact_create(request, payload: ContactIn):
    student = get_object_or_404(policies.students_managed_by(request.user), public_id=payload.student)
    absence = None
    if payload.absence is not None:
        absence = get_object_or_404(policies.absences_visible_to(request.user), public_id=payload.absence)
    establishment_id = (
        absence.establishment_id
        if absence
        else (
            Enrollment.objects.filter(
                current_enrollment_q(),
                student=student,
                establishment_id__in=policies.managed_establishment_ids(request.user),
            )
            .values_list("establishment_id", flat=True)
            .first()
        )
    )
    establishment = get_object_or_404(Establishment, pk=establishment_id)
    contact = contacts.record_contact(
        actor=request.user,
        establishment=establishment,
        student=student,
        channel=payload.channel,
        summary=payload.summary,
        contacted_at=payload.contacted_at,
        absence=absence,
    )
    return Status(
        201, FamilyContact.objects.select_related("student", "absence", "recorded_by").get(pk=contact.pk)
    )


# --- watch list ---------------------------------------------------------------------------------
@router.get(
    "/watch",
    response={200: list[WatchEntryOut], **error_responses(401)},
    summary=_("Élèves à suivre"),
    description=_(
        "Les élèves qu'un seuil d'alerte a signalés, avec la raison en mots (vie scolaire et direction). "
        "`cleared=true` donne aussi ceux qui ont été retirés. Paginé."
    ),
)
@paginate(PageNumberPagination)
def watch_list(request, cleared: bool = False):
    rows = (
        policies.watch_entries_visible_to(request.user)
        .select_related("student", "rule", "cleared_by")
        .annotate(class_name=class_name_subquery())
    )
    if not cleared:
        rows = rows.filter(cleared_at__isnull=True)
    return rows.order_by("-raised_at", "-id")


@router.post(
    "/watch/{entry_id}/clear",
    response={200: WatchEntryOut, **error_responses(401, 404)},
    summary=_("Retirer un élève de la liste"),
    description=_(
        "Qui et quand sont conservés ; seules les absences qui suivent compteront de nouveau pour cette règle."
    ),
)
def watch_clear(request, entry_id: UUID):
    entry = get_object_or_404(policies.watch_entries_visible_to(request.user), public_id=entry_id)
    alerts.clear_entry(actor=request.user, entry=entry)
    return (
        WatchEntry.objects.select_related("student", "rule", "cleared_by")
        .annotate(class_name=class_name_subquery())
        .get(pk=entry.pk)
    )


# --- statistics ---------------------------------------------------------------------------------
class StatisticsQuery(Schema):
    establishment: UUID | None = None
    year: UUID | None = Field(None, description="Une année scolaire ; l'année en cours par défaut.")
    school_class: UUID | None = Field(None, alias="class")
    since: dt.date | None = None
    until: dt.date | None = None
    format: str = Field("json", description="json, ou csv (séparateur « ; », UTF-8 avec BOM, pour Excel).")
    view: str = Field("eleves", description="Pour le CSV : eleves, classes ou mois.")


def _counts(counts) -> dict[str, int]:
    return counts.as_dict()


@router.get(
    "/statistics",
    response={200: StatisticsOut, **error_responses(401, 403, 404, 422)},
    summary=_("Statistiques des absences"),
    description=_(
        "Par élève, par classe et par mois : demi-journées d'absence (justifiées, non justifiées, à justifier), "
        "retards et minutes de retard, pour la vie scolaire, la direction et le secrétariat. `format=csv` donne "
        "un tableau (`view`) pour Excel."
    ),
)
def statistics_get(request, query: Query[StatisticsQuery]):
    establishment = _establishment(request, query.establishment, manage=False)
    year = None
    if query.year is not None:
        year = get_object_or_404(SchoolYear.objects.filter(establishment=establishment), public_id=query.year)
    school_class = None
    if query.school_class is not None:
        school_class = get_object_or_404(
            SchoolClass.objects.filter(establishment=establishment), public_id=query.school_class
        )
    try:
        stats = statistics.establishment_stats(
            establishment, year=year, since=query.since, until=query.until, school_class=school_class
        )
    except ValueError:
        raise NotFound() from None
    if query.format == "csv":
        if query.view not in statistics.VIEWS:
            raise ValidationFailed(details={"view": "eleves, classes, mois"})
        response = HttpResponse(statistics.as_csv(stats, query.view), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{statistics.csv_file_name(stats, query.view)}"'
        )
        return response
    if query.format != "json":
        raise ValidationFailed(details={"format": "json, csv"})
    return {
        "establishment": establishment.public_id,
        "year": stats.year.name,
        "since": stats.since,
        "until": stats.until,
        "total": _counts(stats.total),
        "classes": [
            {"school_class": c.public_id, "name": c.name, "students": c.students, "counts": _counts(c.counts)}
            for c in stats.classes
        ],
        "months": [{"month": m.month, "counts": _counts(m.counts)} for m in stats.months],
        "students": [
            {
                "student": s.public_id,
                "last_name": s.last_name,
                "first_name": s.first_name,
                "class_name": s.class_name,
                "counts": _counts(s.counts),
            }
            for s in stats.students
        ],
    }


# --- reasons, rules and settings ----------------------------------------------------------------
@router.get(
    "/reasons",
    response={200: list[ReasonOut], **error_responses(401, 403, 404)},
    summary=_("Motifs d'absence"),
    description=_(
        "Les motifs de l'établissement dans leur ordre. Le personnel : `establishment` (sinon le premier). Un "
        "responsable : `student` (son enfant) donne les motifs en service de l'établissement de l'enfant."
    ),
)
def reason_list(request, establishment: UUID | None = None, student: UUID | None = None):
    if student is not None:
        child = get_object_or_404(children_of(request.user), public_id=student)
        link = policies.guardianship_of(request.user, child)
        if link is None:
            raise NotFound()
        return settings_service.reasons_of(link.establishment, active_only=True)
    return settings_service.reasons_of(_establishment(request, establishment, manage=False))


@router.post(
    "/reasons",
    response={201: ReasonOut, **error_responses(401, 403, 404, 422)},
    summary=_("Ajouter un motif"),
)
def reason_create(request, payload: ReasonIn, establishment: UUID | None = None):
    target = _establishment(request, establishment, manage=True)
    return Status(
        201,
        settings_service.add_reason(
            actor=request.user, establishment=target, label=payload.label, justifies=payload.justifies
        ),
    )


@router.put(
    "/reasons/{reason_id}",
    response={200: ReasonOut, **error_responses(401, 403, 404, 422)},
    summary=_("Modifier un motif"),
    description=_("Libellé, recevable ou non, en service ou non (un motif n'est jamais supprimé)."),
)
def reason_update(request, reason_id: UUID, payload: ReasonUpdateIn):
    reason = _managed_row(request.user, AbsenceReason, reason_id)
    settings_service.update_reason(
        actor=request.user,
        reason=reason,
        label=payload.label,
        justifies=payload.justifies,
        is_active=payload.is_active,
    )
    reason.refresh_from_db()
    return reason


@router.get(
    "/rules",
    response={200: list[RuleOut], **error_responses(401, 403, 404)},
    summary=_("Seuils d'alerte"),
)
def rule_list(request, establishment: UUID | None = None):
    return settings_service.rules_of(_establishment(request, establishment, manage=True))


@router.put(
    "/rules/{rule_id}",
    response={200: RuleOut, **error_responses(401, 403, 404, 422)},
    summary=_("Modifier un seuil d'alerte"),
)
def rule_update(request, rule_id: UUID, payload: RuleUpdateIn):
    rule = _managed_row(request.user, AlertRule, rule_id)
    settings_service.update_rule(
        actor=request.user,
        rule=rule,
        threshold=payload.threshold,
        window_days=payload.window_days,
        is_active=payload.is_active,
    )
    rule.refresh_from_db()
    return rule


def _managed_row(user, model, public_id: UUID):
    """A reason or an alert rule of an establishment whose settings `user` manages; 404 otherwise."""
    rows = model.objects.filter(establishment_id__in=policies.managed_establishment_ids(user))
    return get_object_or_404(rows.select_related("establishment"), public_id=public_id)


def _settings_out(row) -> dict[str, Any]:
    data = {field: getattr(row, field) for field in settings_service.SETTINGS_FIELDS}
    data["establishment"] = row.establishment.public_id
    return data


@router.get(
    "/settings",
    response={200: SettingsOut, **error_responses(401, 403, 404)},
    summary=_("Réglages des absences"),
    description=_(
        "Début de l'après-midi (demi-journées), retard compté comme absence, prévenir le jour même, rappel d'appel, correction le jour même."
    ),
)
def settings_get(request, establishment: UUID | None = None):
    target = _establishment(request, establishment, manage=False)
    return _settings_out(settings_service.settings_for(target))


@router.put(
    "/settings",
    response={200: SettingsOut, **error_responses(401, 403, 404, 422)},
    summary=_("Modifier les réglages des absences"),
    description=_("Seuls les champs donnés changent. Pour la vie scolaire et la direction."),
)
def settings_put(request, payload: SettingsIn, establishment: UUID | None = None):
    target = _establishment(request, establishment, manage=True)
    row, _changes = settings_service.update_settings(
        actor=request.user, establishment=target, values=payload.dict(exclude_none=True)
    )
    return _settings_out(row)
