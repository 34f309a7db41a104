"""Letters to families in the API: templates, mailings prepared (preview with the families the
channel cannot reach), sent once, and the outcome of each letter. Head, deputies and school life
of the establishment; 404 for anyone else."""

import datetime as dt
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound
from carnet.school.models import Establishment
from carnet.schoollife import policies
from carnet.schoollife.models import LetterTemplate, Mailing, MailingRecipient
from carnet.schoollife.services import letters as letter_service
from carnet.schoollife.services import mailing as mailing_service

router = Router(tags=["schoollife"])


# --- schemas -----------------------------------------------------------------------------------
class TemplateIn(Schema):
    establishment: UUID | None = Field(
        None, description="L'établissement, si vous êtes de la vie scolaire de plusieurs ; sinon le vôtre."
    )
    name: str = Field(max_length=200)
    subject: str = Field(max_length=400)
    body: str = Field(
        max_length=10_000,
        description="Champs à remplacer entre accolades : {prenom}, {nom}, {classe}, "
        "{date_debut}, {date_fin}, {demi_journees}, {demi_journees_non_justifiees}, {retards}, {resume}.",
    )
    sms_body: str = Field("", max_length=600)


class TemplateOut(Schema):
    id: UUID
    establishment: UUID
    name: str
    subject: str
    body: str
    sms_body: str
    version: int
    updated_at: dt.datetime


class PlaceholderOut(Schema):
    name: str
    description: str


class MailingIn(Schema):
    template: UUID
    channel: str = Field(description="email, sms ou pdf (lettres imprimées).")
    selection: str = Field(
        description="class (une classe), threshold (au-delà d'un seuil) ou students (élèves choisis)."
    )
    school_class: UUID | None = Field(None, description="Pour selection = class.")
    threshold: int | None = Field(
        None,
        description="Pour selection = threshold : au moins ce nombre de demi-journées non justifiées entre les deux dates.",
    )
    students: list[UUID] = Field(
        default_factory=list, max_length=2000, description="Pour selection = students."
    )
    starts_on: dt.date = Field(description="Début de la période que comptent les lettres ({date_debut}).")
    ends_on: dt.date


class LetterOut(Schema):
    student: UUID
    student_name: str
    guardian: UUID | None
    guardian_name: str | None
    address: str = Field(description="L'adresse e-mail ou le numéro au moment de la préparation.")
    status: str = Field(description="pending (pas encore partie), sent, unreachable ou failed.")
    detail: str = Field(description="Pourquoi la lettre n'est pas (encore) partie, en mots.")
    subject: str
    text: str
    sms_text: str


class MailingOut(Schema):
    id: UUID
    establishment: UUID
    name: str
    channel: str
    selection: str
    criteria: dict
    starts_on: dt.date
    ends_on: dt.date
    status: str = Field(description="draft (préparé, rien n'est parti) ou sent.")
    created_at: dt.datetime
    sent_at: dt.datetime | None
    students_count: int
    letters_count: int
    unreachable_count: int
    letters: list[LetterOut] = Field(description="Les lettres aux familles joignables.")
    unreachable: list[LetterOut] = Field(
        description="Les familles injoignables par ce canal, avec la raison (`detail`)."
    )


class MailingRowOut(Schema):
    id: UUID
    name: str
    channel: str
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    letters_count: int
    unreachable_count: int


# --- helpers -----------------------------------------------------------------------------------
def _templates(request):
    return LetterTemplate.objects.filter(
        establishment_id__in=policies.staff_establishment_ids(request.user)
    ).select_related("establishment")


def _mailings(request):
    return Mailing.objects.filter(
        establishment_id__in=policies.staff_establishment_ids(request.user)
    ).select_related("establishment")


def _template_out(t: LetterTemplate) -> TemplateOut:
    return TemplateOut(
        id=t.public_id,
        establishment=t.establishment.public_id,
        name=t.name,
        subject=t.subject,
        body=t.body,
        sms_body=t.sms_body,
        version=t.version,
        updated_at=t.updated_at,
    )


def _letter_out(r: MailingRecipient) -> LetterOut:
    return LetterOut(
        student=r.student.public_id,
        student_name=r.student.full_name,
        guardian=r.guardian.public_id if r.guardian else None,
        guardian_name=r.guardian.full_name if r.guardian else None,
        address=r.address,
        status=mailing_service.outcome_of(r),
        detail=mailing_service.outcome_detail(r),
        subject=r.subject,
        text=r.text,
        sms_text=r.sms_text,
    )


def _mailing_out(m: Mailing) -> MailingOut:
    recipients = list(
        m.recipients.select_related("student", "guardian", "delivery").order_by("position", "id")
    )
    unreachable = MailingRecipient.Status.UNREACHABLE
    return MailingOut(
        id=m.public_id,
        establishment=m.establishment.public_id,
        name=m.name,
        channel=m.channel,
        selection=m.selection_kind,
        criteria=m.selection,
        starts_on=m.starts_on,
        ends_on=m.ends_on,
        status=m.status,
        created_at=m.created_at,
        sent_at=m.sent_at,
        students_count=m.students_count,
        letters_count=m.letters_count,
        unreachable_count=m.unreachable_count,
        letters=[_letter_out(r) for r in recipients if r.status != unreachable],
        unreachable=[_letter_out(r) for r in recipients if r.status == unreachable],
    )


def _establishment(request, public_id: UUID | None) -> Establishment:
    establishments = list(policies.establishments_for_letters(request.user))
    if public_id is None:
        if not establishments:
            raise NotFound()
        return establishments[0]
    chosen = next((e for e in establishments if e.public_id == public_id), None)
    if chosen is None:
        raise NotFound()
    return chosen


# --- templates ---------------------------------------------------------------------------------
@router.get(
    "/placeholders",
    response={200: list[PlaceholderOut], **error_responses(401)},
    summary=_("Champs à remplacer des lettres"),
    description=_("Les noms qu'un modèle de lettre peut écrire entre accolades, et ce qu'ils deviennent."),
)
def placeholders(request):
    return [
        PlaceholderOut(name=name, description=str(label))
        for name, label in letter_service.PLACEHOLDERS.items()
    ]


@router.get(
    "/templates",
    response={200: list[TemplateOut], **error_responses(401)},
    summary=_("Modèles de lettre"),
    description=_(
        "Les modèles de lettre aux familles des établissements où vous êtes de la vie scolaire ou de la direction."
    ),
)
def templates(request):
    return [_template_out(t) for t in _templates(request).order_by("establishment__name", "name")]


@router.post(
    "/templates",
    response={201: TemplateOut, **error_responses(401, 404, 422)},
    summary=_("Créer un modèle de lettre"),
    description=_(
        "Refus `unknown_placeholder` quand un champ entre accolades n'existe pas (`details.placeholders` les nomme)."
    ),
)
def template_create(request, payload: TemplateIn):
    establishment = _establishment(request, payload.establishment)
    template = letter_service.create_template(
        actor=request.user,
        establishment=establishment,
        name=payload.name,
        subject=payload.subject,
        body=payload.body,
        sms_body=payload.sms_body,
    )
    return Status(201, _template_out(template))


@router.put(
    "/templates/{template_id}",
    response={200: TemplateOut, **error_responses(401, 404, 422)},
    summary=_("Modifier un modèle de lettre"),
    description=_("Les courriers déjà préparés gardent leur propre texte."),
)
def template_update(request, template_id: UUID, payload: TemplateIn):
    template = get_object_or_404(_templates(request), public_id=template_id)
    template = letter_service.update_template(
        actor=request.user,
        template=template,
        name=payload.name,
        subject=payload.subject,
        body=payload.body,
        sms_body=payload.sms_body,
    )
    return _template_out(template)


@router.delete(
    "/templates/{template_id}",
    response={204: None, **error_responses(401, 404)},
    summary=_("Supprimer un modèle de lettre"),
)
def template_delete(request, template_id: UUID):
    template = get_object_or_404(_templates(request), public_id=template_id)
    letter_service.delete_template(actor=request.user, template=template)
    return Status(204, None)


# --- mailings ----------------------------------------------------------------------------------
@router.get(
    "/mailings",
    response={200: list[MailingRowOut], **error_responses(401)},
    summary=_("Courriers aux familles"),
    description=_("Les 100 derniers courriers préparés ou envoyés."),
)
def mailings(request):
    return [
        MailingRowOut(
            id=m.public_id,
            name=m.name,
            channel=m.channel,
            status=m.status,
            created_at=m.created_at,
            sent_at=m.sent_at,
            letters_count=m.letters_count,
            unreachable_count=m.unreachable_count,
        )
        for m in _mailings(request).order_by("-created_at")[:100]
    ]


@router.post(
    "/mailings",
    response={201: MailingOut, **error_responses(401, 404, 422)},
    summary=_("Préparer un courrier (aperçu)"),
    description=_(
        "Rend la lettre de chaque famille des élèves choisis et trie les familles que le canal ne peut pas joindre "
        "(pas d'e-mail, pas de téléphone portable, canal refusé par la famille). Rien ne part : envoyez ensuite avec "
        "`POST /mailings/{id}/send`. Refus `empty_selection` quand aucun élève ne correspond."
    ),
)
def mailing_create(request, payload: MailingIn):
    template = get_object_or_404(_templates(request), public_id=payload.template)
    mailing = mailing_service.prepare_mailing(
        actor=request.user,
        template=template,
        channel=payload.channel,
        selection=mailing_service.Selection(
            kind=payload.selection,
            school_class=payload.school_class,
            threshold=payload.threshold,
            students=payload.students,
        ),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, _mailing_out(mailing))


@router.get(
    "/mailings/{mailing_id}",
    response={200: MailingOut, **error_responses(401, 404)},
    summary=_("Un courrier : aperçu ou état de l'envoi"),
    description=_(
        "Avant l'envoi, l'aperçu ; après, l'état de chaque lettre (pending, sent, unreachable, failed)."
    ),
)
def mailing_detail(request, mailing_id: UUID):
    return _mailing_out(get_object_or_404(_mailings(request), public_id=mailing_id))


@router.post(
    "/mailings/{mailing_id}/send",
    response={200: MailingOut, **error_responses(401, 404)},
    summary=_("Envoyer un courrier"),
    description=_(
        "Envoie les lettres une seule fois : un second appel (double clic, nouvel essai) ne renvoie rien et répond "
        "l'état du courrier. Les e-mails et SMS partent par le centre de notifications (heures calmes, budget SMS) ; "
        "les lettres imprimées se téléchargent ensuite en PDF depuis la page du courrier."
    ),
)
def mailing_send(request, mailing_id: UUID):
    mailing = get_object_or_404(_mailings(request), public_id=mailing_id)
    return _mailing_out(mailing_service.send_mailing(actor=request.user, mailing=mailing))
