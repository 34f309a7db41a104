"""Report cards under /api/v1/reportcards/: one's own and one's children's cards with their PDF,
batches of publication for the staff, and an authenticated check of a verification code (the public
check is the web page /verify/).

Reading a card: the student, their guardians, the establishment's administrative staff and the
class's teachers; anyone else gets 404 `not_found`, as for a card that does not exist."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound, RateLimited, ValidationFailed
from carnet.identity.sessions import client_ip
from carnet.reportcards import codes, policies, services
from carnet.reportcards.models import ReportCard, ReportCardBatch
from carnet.reportcards.selectors import download_name, verify_throttle, with_latest
from carnet.school.models import Period, SchoolClass
from carnet.school.policies import students_visible_to

router = Router(tags=["reportcards"])


class CardOut(Schema):
    id: UUID
    student_id: UUID
    student_name: str
    establishment: str
    school_class: str
    period_id: UUID
    period: str
    title: str = Field(description="« Bulletin du 1er trimestre »…")
    version: int
    superseded_by: int | None = Field(description="Numéro de la version qui remplace celle-ci, ou null si c'est la dernière.")
    published_at: dt.datetime
    verification_code: str = Field(description="Tel qu'imprimé : XXXXX-XXXXX.")
    digest: str = Field(description="SHA-256 du JSON canonique du contenu (clés triées, sans espaces, UTF-8).")
    general_average: str | None = Field(description="Moyenne générale, deux décimales avec un point (« 12.50 »).")
    pdf_url: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_student_id(obj) -> UUID:
        return obj.student.public_id

    @staticmethod
    def resolve_student_name(obj) -> str:
        return obj.student.full_name

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.name

    @staticmethod
    def resolve_school_class(obj) -> str:
        return obj.school_class.name

    @staticmethod
    def resolve_period_id(obj) -> UUID:
        return obj.period.public_id

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period.name

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.content.get("title", "")

    @staticmethod
    def resolve_superseded_by(obj) -> int | None:
        latest = getattr(obj, "latest_version", None)
        return latest if latest and latest > obj.version else None

    @staticmethod
    def resolve_verification_code(obj) -> str:
        return codes.formatted(obj.verification_code)

    @staticmethod
    def resolve_general_average(obj) -> str | None:
        return (obj.content.get("general") or {}).get("average")

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return f"/api/v1/reportcards/cards/{obj.public_id}/pdf"


class CardDetailOut(CardOut):
    content: dict[str, Any] = Field(description="Le contenu imprimé, tel que publié (schéma 1, nombres en texte).")


def _cards(queryset):
    return with_latest(queryset).select_related("student", "establishment", "school_class", "period")


@router.get(
    "/cards",
    response={200: list[CardOut], **error_responses(401)},
    summary=_("Mes bulletins et ceux de mes enfants"),
    description=_(
        "Les bulletins publiés de la personne connectée (élève) et de ses enfants (responsable), "
        "du plus récent au plus ancien, toutes versions comprises (`superseded_by` dit si une version "
        "plus récente existe). Paginé : `page`, `page_size`."
    ),
)
@paginate(PageNumberPagination)
def list_cards(request):
    return _cards(policies.family_cards_of(request.user)).order_by("-published_at", "student__last_name", "-version")


@router.get(
    "/cards/{card_id}",
    response={200: CardDetailOut, **error_responses(401, 404)},
    summary=_("Un bulletin et son contenu"),
)
def card_detail(request, card_id: UUID):
    return get_object_or_404(_cards(policies.cards_visible_to(request.user)), public_id=card_id)


@router.get(
    "/cards/{card_id}/pdf",
    response={200: None, **error_responses(401, 404)},
    summary=_("Le PDF d'un bulletin"),
    description=_("Le fichier PDF publié (application/pdf), identique à celui des pages."),
    openapi_extra={"responses": {"200": {"description": "PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}},
)
def card_pdf(request, card_id: UUID):
    card = get_object_or_404(_cards(policies.cards_visible_to(request.user)), public_id=card_id)
    try:
        handle = card.pdf.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise NotFound() from None
    return FileResponse(handle, as_attachment=True, filename=download_name(card), content_type="application/pdf")


class BatchIn(Schema):
    period: UUID = Field(description="La période (identifiant public).")
    scope: str = Field(description="`student`, `class` ou `establishment`.")
    school_class: UUID | None = Field(None, description="La classe, pour `class`.")
    student: UUID | None = Field(None, description="L'élève, pour `student`.")


class BatchOut(Schema):
    id: UUID
    status: str = Field(description="`queued`, `running`, `done` ou `failed`.")
    scope: str
    period: str
    school_class: str | None
    done: int
    total: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.period.name

    @staticmethod
    def resolve_school_class(obj) -> str | None:
        return obj.school_class.name if obj.school_class else None


@router.post(
    "/batches",
    response={201: BatchOut, **error_responses(401, 403, 404, 422)},
    summary=_("Publier des bulletins en arrière-plan"),
    description=_(
        "Lance la génération et la publication des bulletins d'un élève, d'une classe (professeur "
        "principal, direction) ou de tout l'établissement (direction) pour une période. Chaque "
        "publication crée une nouvelle version. Suivez l'avancement avec GET /batches/{id}."
    ),
)
def start_batch(request, payload: BatchIn):
    actor = request.user
    school_class = student = None
    if payload.scope not in ReportCardBatch.Scope.values:
        raise ValidationFailed(details=[{"field": "scope", "message": "student | class | establishment"}])
    if payload.scope == ReportCardBatch.Scope.CLASS:
        if payload.school_class is None:
            raise ValidationFailed(details=[{"field": "school_class", "message": "required"}])
        school_class = get_object_or_404(policies.classes_readable_by(actor), public_id=payload.school_class)
        period = get_object_or_404(Period.objects.filter(school_year_id=school_class.school_year_id), public_id=payload.period)
    elif payload.scope == ReportCardBatch.Scope.STUDENT:
        if payload.student is None:
            raise ValidationFailed(details=[{"field": "student", "message": "required"}])
        student = get_object_or_404(students_visible_to(actor), public_id=payload.student)
        period = get_object_or_404(Period.objects.filter(establishment__in=_establishments_of(actor)), public_id=payload.period)
    else:
        period = get_object_or_404(Period.objects.filter(establishment__in=_establishments_of(actor)), public_id=payload.period)
    batch = services.start_batch(actor=actor, period=period, scope=payload.scope, school_class=school_class, student=student)
    return Status(201, ReportCardBatch.objects.select_related("period", "school_class").get(pk=batch.pk))


def _establishments_of(actor):
    return SchoolClass.objects.filter(pk__in=policies.classes_readable_by(actor).values("pk")).values("establishment_id")


@router.get(
    "/batches/{batch_id}",
    response={200: BatchOut, **error_responses(401, 404)},
    summary=_("Avancement d'une publication"),
)
def batch_progress(request, batch_id: UUID):
    return get_object_or_404(
        policies.batches_visible_to(request.user).select_related("period", "school_class"), public_id=batch_id
    )


class VerifyOut(Schema):
    valid: bool
    code: str
    establishment: str
    student_name: str
    school_class: str
    period: str
    version: int
    superseded_by: int | None
    published_at: dt.datetime
    digest: str


@router.get(
    "/verify/{code}",
    response={200: VerifyOut, **error_responses(401, 404, 429)},
    summary=_("Vérifier un code de bulletin"),
    description=_(
        "Ce que la page publique /verify/<code>/ montre, pour un programme authentifié : l'émetteur, "
        "l'élève, la période, la version et l'empreinte du contenu. Casse et tirets ignorés ; 30 "
        "vérifications par minute et par adresse."
    ),
)
def verify(request, code: str):
    if verify_throttle().hit(client_ip(request) or "unknown"):
        raise RateLimited()
    normalized = codes.normalize(code)
    card = _cards(ReportCard.objects.filter(verification_code=normalized)).first() if normalized else None
    if card is None:
        raise NotFound()
    latest = getattr(card, "latest_version", None)
    return {
        "valid": True,
        "code": codes.formatted(card.verification_code),
        "establishment": card.establishment.name,
        "student_name": card.student.full_name,
        "school_class": card.school_class.name,
        "period": card.period.name,
        "version": card.version,
        "superseded_by": latest if latest and latest > card.version else None,
        "published_at": card.published_at,
        "digest": card.digest,
    }
