"""API of room and equipment booking: resources (list for staff and teachers; create and change for
the staff who manage them), their occupancy and conflicts, bookings (mine, or a resource's over a
date range; create, cancel; approve and refuse for the staff).

Scopes as on the pages: a resource or booking outside the caller's establishments answers 404
`not_found`; students and guardians get 403 `forbidden`. Refusals: 409 `booking_conflict` with
`details.conflicts` (what occupies the resource: lesson, booking, closed day), 409
`resource_not_bookable`, 409 `booking_not_pending`, 409 `booking_not_active`, 422
`validation_failed` (`details` per field)."""

import datetime as dt
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.school.models import Establishment
from carnet.timetable.booking import conflicts, policies, resources, selectors, services
from carnet.timetable.booking.occupancy import MAX_DAYS, occupancy
from carnet.timetable.models import Booking, Resource

router = Router(tags=["booking"])


# --- schemas -------------------------------------------------------------------------------------
class ResourceOut(Schema):
    id: UUID
    establishment: UUID
    kind: str = Field(description="room (salle) ou equipment (matériel).")
    name: str
    capacity: int | None
    description: str
    bookable: bool = Field(description="Ouverte à la réservation des enseignants et du personnel.")
    needs_approval: bool = Field(description="Chaque réservation attend la validation du personnel.")
    is_active: bool = Field(description="En service ; hors service, elle n'est plus réservable.")

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_establishment(obj) -> UUID:
        return obj.establishment.public_id


class ResourceFilter(Schema):
    kind: str | None = Field(None, description="room ou equipment.")
    establishment: UUID | None = Field(None, description="Seulement celles de cet établissement.")
    include_inactive: bool = Field(
        False, description="Avec les ressources hors service (pour le personnel qui les gère)."
    )


class ResourceIn(Schema):
    establishment: UUID | None = Field(
        None, description="Obligatoire quand vous gérez plusieurs établissements."
    )
    kind: str = Field("room", description="room ou equipment.")
    name: str = Field(
        max_length=80, description="Unique parmi les ressources du même type de l'établissement."
    )
    capacity: int | None = Field(None, description="Nombre de places, de 1 à 2000.")
    description: str = Field("", max_length=200)
    bookable: bool = True
    needs_approval: bool = False


class ResourcePatch(Schema):
    kind: str | None = None
    name: str | None = Field(None, max_length=80)
    capacity: int | None = None
    description: str | None = Field(None, max_length=200)
    bookable: bool | None = None
    needs_approval: bool | None = None
    is_active: bool | None = Field(None, description="false : mettre hors service.")


class ConflictOut(Schema):
    kind: str = Field(
        description="slot (cours de l'emploi du temps), session (séance du jour), booking (réservation), "
        "closed (vacances, jour fermé), outside_year, invalid_times."
    )
    description: str = Field(description="Ce qui occupe la ressource, en toutes lettres.")
    start: str | None = Field(description="HH:MM ; null pour une journée entière.")
    end: str | None
    field: str = Field(description="Le champ concerné : booked_on, start_time ou end_time.")


class EntryOut(Schema):
    kind: str = Field(description="slot, session ou booking.")
    start: dt.time
    end: dt.time
    title: str
    meta: str
    description: str
    booking: UUID | None = Field(description="La réservation, pour kind = booking.")
    status: str | None = Field(description="pending ou approved, pour kind = booking.")


class FreeOut(Schema):
    start: dt.time
    end: dt.time


class DayOut(Schema):
    date: dt.date
    open: bool = Field(description="false : vacances, jour fermé ou hors de l'année scolaire.")
    closures: list[str]
    entries: list[EntryOut]
    free: list[FreeOut] = Field(
        description="Les créneaux libres d'au moins 15 minutes de la journée (8 h – 18 h, élargie aux occupations)."
    )


class PersonRef(Schema):
    id: UUID
    full_name: str


class ResourceRef(Schema):
    id: UUID
    name: str
    kind: str


class BookingOut(Schema):
    id: UUID
    establishment: UUID
    resource: ResourceRef
    booked_by: PersonRef
    booked_on: dt.date
    start_time: dt.time
    end_time: dt.time
    purpose: str
    status: str = Field(description="pending (en attente de validation), approved, refused ou cancelled.")
    decided_by: PersonRef | None = Field(
        description="Qui a validé, refusé ou annulé à la place du demandeur."
    )
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_establishment(obj) -> UUID:
        return obj.establishment.public_id

    @staticmethod
    def resolve_resource(obj) -> dict:
        return {"id": obj.resource.public_id, "name": obj.resource.name, "kind": obj.resource.kind}

    @staticmethod
    def resolve_booked_by(obj) -> dict:
        return {"id": obj.booked_by.public_id, "full_name": obj.booked_by.full_name}

    @staticmethod
    def resolve_decided_by(obj) -> dict | None:
        return (
            {"id": obj.decided_by.public_id, "full_name": obj.decided_by.full_name}
            if obj.decided_by_id
            else None
        )


class RangeFilter(Schema):
    date_from: dt.date | None = Field(
        None, alias="from", description="Premier jour (aujourd'hui par défaut)."
    )
    date_to: dt.date | None = Field(
        None, alias="to", description="Dernier jour inclus (le premier par défaut)."
    )


class BookingFilter(Schema):
    resource: UUID | None = Field(
        None, description="Les réservations de cette ressource ; sans elle : les vôtres."
    )
    date_from: dt.date | None = Field(
        None, alias="from", description="À partir de ce jour (aujourd'hui par défaut pour une ressource)."
    )
    date_to: dt.date | None = Field(None, alias="to", description="Jusqu'à ce jour inclus.")
    status: str | None = Field(None, description="pending, approved, refused ou cancelled.")


class BookingIn(Schema):
    resource: UUID
    booked_on: dt.date
    start_time: dt.time = Field(description="HH:MM, heure de l'établissement.")
    end_time: dt.time
    purpose: str = Field(max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=200, description="Message pour le demandeur (facultatif).")


# --- helpers -------------------------------------------------------------------------------------
def _ensure_member(actor) -> None:
    if not policies.books_somewhere(actor) and not policies.manages_resources_somewhere(actor):
        raise PermissionDenied()


def _resource(actor, public_id: UUID) -> Resource:
    _ensure_member(actor)
    return get_object_or_404(
        policies.resources_visible_to(actor).select_related("establishment"), public_id=public_id
    )


def _bookings(actor):
    return policies.bookings_visible_to(actor).select_related(
        "establishment", "resource", "booked_by", "decided_by"
    )


def _booking(actor, public_id: UUID) -> Booking:
    _ensure_member(actor)
    return get_object_or_404(_bookings(actor), public_id=public_id)


def _times(on: dt.date | None, start: dt.time | None, end: dt.time | None) -> None:
    missing = {
        name: _("Obligatoire.")
        for name, value in (("on", on), ("start", start), ("end", end))
        if value is None
    }
    if missing:
        raise ValidationFailed(details=missing)


# --- resources -----------------------------------------------------------------------------------
@router.get(
    "/resources",
    response={200: list[ResourceOut], **error_responses(401, 403)},
    summary=_("Salles et matériel"),
    description=_(
        "Les ressources en service des établissements où vous enseignez ou travaillez ; avec `include_inactive`, "
        "aussi celles hors service des établissements dont vous gérez les ressources (direction, adjoints, vie "
        "scolaire, administrateur informatique). Filtres : `kind`, `establishment`. 403 pour les élèves et les familles."
    ),
)
def list_resources(request, filters: Query[ResourceFilter]):
    _ensure_member(request.user)
    qs = policies.resources_visible_to(request.user).select_related("establishment")
    if not filters.include_inactive:
        qs = qs.filter(is_active=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.establishment:
        qs = qs.filter(establishment__public_id=filters.establishment)
    return list(qs.order_by("establishment__name", "kind", "name"))


@router.post(
    "/resources",
    response={201: ResourceOut, **error_responses(401, 403, 404, 422)},
    summary=_("Ajouter une salle ou un matériel"),
    description=_(
        "Pour le personnel qui gère les ressources (sinon 403). Un nom déjà pris par une ressource du même type "
        "dans l'établissement est refusé (422 `validation_failed`, `details.name`)."
    ),
)
def create_resource(request, payload: ResourceIn):
    ids = policies.managed_establishment_ids(request.user)
    if not ids:
        raise PermissionDenied()
    establishments = Establishment.objects.filter(id__in=ids)
    if payload.establishment is not None:
        establishment = get_object_or_404(establishments, public_id=payload.establishment)
    elif len(ids) == 1:
        establishment = establishments.get()
    else:
        raise ValidationFailed(details={"establishment": _("Précisez l'établissement.")})
    values = payload.dict(exclude={"establishment"})
    resource = resources.create_resource(actor=request.user, establishment=establishment, **values)
    return Status(201, resource)


@router.get(
    "/resources/{uuid:resource_id}",
    response={200: ResourceOut, **error_responses(401, 403, 404)},
    summary=_("Une ressource"),
)
def get_resource(request, resource_id: UUID):
    return _resource(request.user, resource_id)


@router.patch(
    "/resources/{uuid:resource_id}",
    response={200: ResourceOut, **error_responses(401, 403, 404, 422)},
    summary=_("Modifier une ressource"),
    description=_(
        "Seuls les champs fournis changent ; `is_active: false` met la ressource hors service (ses réservations "
        "restent). Pour le personnel qui gère les ressources de l'établissement (un enseignant : 403). Chaque "
        "changement est inscrit au journal."
    ),
)
def patch_resource(request, resource_id: UUID, payload: ResourcePatch):
    resource = _resource(request.user, resource_id)
    policies.ensure_can_manage_resources(request.user, resource.establishment)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "capacity"}
    updated, _changes = resources.update_resource(actor=request.user, resource=resource, **values)
    return updated


@router.get(
    "/resources/{uuid:resource_id}/occupancy",
    response={200: list[DayOut], **error_responses(401, 403, 404, 422)},
    summary=_("Occupation d'une ressource"),
    description=_(
        "Jour par jour, de `from` à `to` (62 jours au plus ; aujourd'hui par défaut) : les cours de l'emploi du temps "
        "(annulations, déplacements et changements de salle compris), les réservations qui la retiennent, les jours "
        "fermés et les créneaux libres."
    ),
)
def resource_occupancy(request, resource_id: UUID, filters: Query[RangeFilter]):
    resource = _resource(request.user, resource_id)
    first = filters.date_from or services.local_now(resource.establishment).date()
    last = filters.date_to or first
    if last < first or (last - first).days >= MAX_DAYS:
        raise ValidationFailed(details={"to": _("De 1 à 62 jours après `from`.")})
    return [
        {
            "date": day.on,
            "open": day.is_open,
            "closures": day.closures if day.in_year else [conflicts.outside_year_description(day.on)],
            "entries": [
                {
                    "kind": e.kind,
                    "start": e.start,
                    "end": e.end,
                    "title": e.title,
                    "meta": e.meta,
                    "description": e.description,
                    "booking": e.booking.public_id if e.booking else None,
                    "status": e.booking.status if e.booking else None,
                }
                for e in day.entries
            ],
            "free": [{"start": a, "end": b} for a, b in day.free],
        }
        for day in occupancy(resource, first, last)
    ]


@router.get(
    "/resources/{uuid:resource_id}/conflicts",
    response={200: list[ConflictOut], **error_responses(401, 403, 404, 422)},
    summary=_("Ce qui occupe une ressource sur un créneau"),
    description=_(
        "La vérification faite avant chaque réservation, sans réserver : la liste est vide quand le créneau est "
        "libre. Paramètres : `on` (AAAA-MM-JJ), `start` et `end` (HH:MM)."
    ),
)
def resource_conflicts(
    request,
    resource_id: UUID,
    on: dt.date | None = None,
    start: dt.time | None = None,
    end: dt.time | None = None,
):
    resource = _resource(request.user, resource_id)
    _times(on, start, end)
    return [c.as_dict() for c in conflicts.find_conflicts(resource, on, start, end)]  # type: ignore[arg-type]


# --- bookings ------------------------------------------------------------------------------------
@router.get(
    "/bookings",
    response={200: list[BookingOut], **error_responses(401, 403, 404)},
    summary=_("Réservations"),
    description=_(
        "Sans `resource` : vos réservations (toutes, ou de `from` à `to`). Avec `resource` : celles de la ressource "
        "de `from` (aujourd'hui par défaut) à `to`. Filtre `status`. Paginé : `page`, `page_size`."
    ),
)
@paginate(PageNumberPagination)
def list_bookings(request, filters: Query[BookingFilter]):
    _ensure_member(request.user)
    qs = _bookings(request.user)
    if filters.resource:
        resource = _resource(request.user, filters.resource)
        qs = qs.filter(
            resource=resource,
            booked_on__gte=filters.date_from or services.local_now(resource.establishment).date(),
        )
    else:
        qs = qs.filter(booked_by=request.user)
        if filters.date_from:
            qs = qs.filter(booked_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(booked_on__lte=filters.date_to)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("booked_on", "start_time", "created_at")


@router.get(
    "/bookings/pending",
    response={200: list[BookingOut], **error_responses(401, 403)},
    summary=_("Réservations à valider"),
    description=_(
        "Les demandes en attente des établissements dont vous gérez les ressources, à partir d'aujourd'hui. 403 pour les autres."
    ),
)
def list_pending(request):
    if not policies.manages_resources_somewhere(request.user):
        raise PermissionDenied()
    qs = policies.bookings_to_decide_by(request.user).select_related(
        "establishment", "resource", "booked_by", "decided_by"
    )
    return list(
        qs.filter(booked_on__gte=selectors.today_for(request.user)).order_by("booked_on", "start_time")
    )


@router.get(
    "/bookings/{uuid:booking_id}",
    response={200: BookingOut, **error_responses(401, 403, 404)},
    summary=_("Une réservation"),
)
def get_booking(request, booking_id: UUID):
    return _booking(request.user, booking_id)


@router.post(
    "/bookings",
    response={201: BookingOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Réserver"),
    description=_(
        "Réserve une ressource pour un jour et des heures, avec un motif. Refus : 409 `booking_conflict` quand un "
        "cours, une autre réservation ou un jour fermé l'occupe (`details.conflicts` dit lesquels), 409 "
        "`resource_not_bookable`, 422 `validation_failed` (jour passé, fin avant le début, motif vide). La "
        "réservation est `approved`, ou `pending` quand la ressource ou l'établissement demande une validation."
    ),
)
def create_booking(request, payload: BookingIn):
    resource = _resource(request.user, payload.resource)
    booking = services.book(
        actor=request.user,
        resource=resource,
        on=payload.booked_on,
        start=payload.start_time,
        end=payload.end_time,
        purpose=payload.purpose,
    )
    return Status(201, _booking(request.user, booking.public_id))


@router.post(
    "/bookings/{uuid:booking_id}/cancel",
    response={200: BookingOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Annuler une réservation"),
    description=_(
        "La vôtre, ou toute réservation de l'établissement pour le personnel qui gère les ressources (le demandeur "
        "est alors prévenu, avec `note`). 409 `booking_not_active` si elle est déjà annulée ou refusée."
    ),
)
def cancel_booking(request, booking_id: UUID, payload: NoteIn | None = None):
    booking = _booking(request.user, booking_id)
    services.cancel(actor=request.user, booking=booking, note=payload.note if payload else "")
    return _booking(request.user, booking_id)


@router.post(
    "/bookings/{uuid:booking_id}/approve",
    response={200: BookingOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Valider une réservation"),
    description=_(
        "Pour le personnel qui gère les ressources. 409 `booking_not_pending` si elle n'attend plus de réponse, "
        "409 `booking_conflict` si un cours occupe désormais le créneau. Le demandeur est prévenu."
    ),
)
def approve_booking(request, booking_id: UUID, payload: NoteIn | None = None):
    booking = _booking(request.user, booking_id)
    services.decide(actor=request.user, booking=booking, approve=True, note=payload.note if payload else "")
    return _booking(request.user, booking_id)


@router.post(
    "/bookings/{uuid:booking_id}/refuse",
    response={200: BookingOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Refuser une réservation"),
    description=_(
        "Pour le personnel qui gère les ressources, avec un message facultatif (`note`). Le demandeur est prévenu."
    ),
)
def refuse_booking(request, booking_id: UUID, payload: NoteIn | None = None):
    booking = _booking(request.user, booking_id)
    services.decide(actor=request.user, booking=booking, approve=False, note=payload.note if payload else "")
    return _booking(request.user, booking_id)
