"""The timetable API: weekly slots (read; staff write), dated sessions (for a person, a class, a
teacher or a room; staff changes), and one's private iCalendar address.

Same scopes as the pages: what a person cannot see answers 404 `not_found`, what they see but may not
change 403 `forbidden`. Refusals: 409 `timetable_clash` (a teacher, class or group, or room is taken
then: `details` lists each clash), 409 `session_conflict` (the session changed since
`expected_version`: `details` has the current version, who and when), 422 `validation_failed` (end
before start, outside the school year, a closed day…)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound, ValidationFailed
from carnet.school.models import SchoolClass, TeachingAssignment
from carnet.school.policies import classes_taught_by, students_visible_to
from carnet.timetable import policies, selectors, services
from carnet.timetable.models import CalendarFeedToken, Resource, Session, SessionChange, Slot, WeekPattern
from carnet.timetable.weeks import local_today, monday_of

router = Router(tags=["timetable"])

#: At most this many days of sessions in one answer.
MAX_DAYS = 62


# --- schemas -----------------------------------------------------------------------------------
class RefOut(Schema):
    id: UUID
    name: str


class PersonOut(Schema):
    id: UUID
    full_name: str


class AssignmentRefOut(Schema):
    id: UUID
    subject: RefOut
    school_class: RefOut | None = Field(description="La classe, ou null pour un groupe.")
    group: RefOut | None = Field(description="Le groupe, ou null pour une classe.")
    teacher: PersonOut


class SlotOut(Schema):
    id: UUID
    assignment: AssignmentRefOut
    weekday: int = Field(description="0 lundi … 6 dimanche.")
    start_time: dt.time
    end_time: dt.time
    room: RefOut | None
    week_pattern: str = Field(description="every (toutes les semaines), A ou B.")
    valid_from: dt.date | None
    valid_until: dt.date | None


class SlotFilter(Schema):
    school_class: UUID | None = Field(
        None, alias="class", description="Les créneaux de cette classe (et de ses groupes)."
    )
    teacher: UUID | None = Field(None, description="Les créneaux de cet enseignant.")
    room: UUID | None = Field(None, description="Les créneaux de cette salle.")


class SlotIn(Schema):
    assignment: UUID = Field(description="Le service d'enseignement (matière, classe ou groupe, enseignant).")
    weekday: int = Field(ge=0, le=6)
    start_time: dt.time
    end_time: dt.time
    room: UUID | None = None
    week_pattern: WeekPattern = WeekPattern.EVERY
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class SlotPatch(Schema):
    weekday: int | None = Field(None, ge=0, le=6)
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    room: UUID | None = None
    week_pattern: WeekPattern | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class DeletedOut(Schema):
    sessions_removed: int


class ChangeOut(Schema):
    kind: str = Field(description="cancelled, restored, moved, room, replacement ou extra.")
    before: dict[str, Any]
    after: dict[str, Any]
    note: str
    by: str | None
    at: dt.datetime


class SessionOut(Schema):
    id: UUID
    held_on: dt.date
    start_time: dt.time
    end_time: dt.time
    subject: RefOut
    school_class: RefOut | None
    group: RefOut | None
    teacher: PersonOut = Field(description="Qui assure la séance (un remplaçant le cas échéant).")
    assignment_teacher: PersonOut = Field(description="L'enseignant du service.")
    room: RefOut | None
    status: str = Field(description="scheduled ou cancelled.")
    is_extra: bool
    is_moved: bool
    moved_from: str = Field(description="Le moment prévu à l'origine quand la séance a été déplacée.")
    is_room_changed: bool
    is_replaced: bool
    note: str
    slot: UUID | None
    original_on: dt.date | None
    version: int = Field(description="À renvoyer dans `expected_version` pour changer la séance.")
    changes: list[ChangeOut] = Field(description="Les changements, du plus récent au plus ancien.")


class SessionFilter(Schema):
    week: dt.date | None = Field(
        None, description="Un jour de la semaine voulue (par défaut : cette semaine)."
    )
    date_from: dt.date | None = Field(
        None, description="Avec `date_to` : une période (62 jours au plus) au lieu d'une semaine."
    )
    date_to: dt.date | None = None
    student: UUID | None = Field(
        None, description="L'élève (soi-même, son enfant, un élève de l'établissement pour le personnel)."
    )
    teacher: UUID | None = None
    school_class: UUID | None = Field(None, alias="class")
    room: UUID | None = None


class VersionIn(Schema):
    expected_version: int = Field(
        description="La `version` lue ; si la séance a changé depuis : 409 `session_conflict`."
    )
    message: str = Field("", max_length=200, description="Message aux personnes concernées (facultatif).")


class MoveIn(VersionIn):
    held_on: dt.date
    start_time: dt.time
    end_time: dt.time


class RoomIn(VersionIn):
    room: UUID | None = Field(description="La nouvelle salle, ou null pour aucune.")


class ReplacementIn(VersionIn):
    teacher: UUID | None = Field(
        description="L'enseignant qui assure la séance ; null : l'enseignant du service."
    )


class ExtraIn(Schema):
    assignment: UUID
    held_on: dt.date
    start_time: dt.time
    end_time: dt.time
    room: UUID | None = None
    message: str = Field("", max_length=200)


class FeedOut(Schema):
    active: bool
    created_at: dt.datetime | None
    last_used_at: dt.datetime | None


class FeedCreatedOut(Schema):
    url: str = Field(description="L'adresse secrète du flux iCalendar : elle n'est donnée qu'une fois.")
    created_at: dt.datetime


# --- output helpers ----------------------------------------------------------------------------
def _ref(obj) -> dict | None:
    return {"id": obj.public_id, "name": obj.name} if obj is not None else None


def _person(user) -> dict:
    return {"id": user.public_id, "full_name": user.full_name}


def _slot_out(slot: Slot) -> dict:
    a = slot.assignment
    return {
        "id": slot.public_id,
        "assignment": {
            "id": a.public_id,
            "subject": _ref(a.subject),
            "school_class": _ref(a.school_class),
            "group": _ref(a.group),
            "teacher": _person(a.teacher),
        },
        "weekday": slot.weekday,
        "start_time": slot.start_time,
        "end_time": slot.end_time,
        "room": _ref(slot.room),
        "week_pattern": slot.week_pattern,
        "valid_from": slot.valid_from,
        "valid_until": slot.valid_until,
    }


def _change_out(change: SessionChange) -> dict:
    return {
        "kind": change.kind,
        "before": change.before,
        "after": change.after,
        "note": change.note,
        "by": change.actor.full_name if change.actor else None,
        "at": change.created_at,
    }


def _session_out(view: selectors.SessionView) -> dict:
    s = view.session
    a = s.assignment
    return {
        "id": s.public_id,
        "held_on": s.held_on,
        "start_time": s.start_time,
        "end_time": s.end_time,
        "subject": _ref(a.subject),
        "school_class": _ref(a.school_class),
        "group": _ref(a.group),
        "teacher": _person(s.teacher),
        "assignment_teacher": _person(a.teacher),
        "room": _ref(s.room),
        "status": s.status,
        "is_extra": s.is_extra,
        "is_moved": view.is_moved,
        "moved_from": view.moved_from,
        "is_room_changed": view.is_room_changed,
        "is_replaced": view.is_replaced,
        "note": s.note,
        "slot": s.slot.public_id if s.slot is not None else None,
        "original_on": s.original_on,
        "version": s.version,
        "changes": [_change_out(c) for c in view.changes],
    }


SLOT_RELATED = (
    "assignment__subject",
    "assignment__school_class",
    "assignment__group",
    "assignment__teacher",
    "room",
)


def _slot(user, slot_id: UUID) -> Slot:
    return get_object_or_404(
        policies.slots_visible_to(user).select_related(
            *SLOT_RELATED, "establishment", "school_year", "assignment__school_year"
        ),
        public_id=slot_id,
    )


def _session(user, session_id: UUID) -> Session:
    return get_object_or_404(
        policies.sessions_visible_to(user).select_related(
            *selectors.SESSION_RELATED, "establishment", "school_year"
        ),
        public_id=session_id,
    )


def _session_answer(user, session_id: UUID) -> dict:
    session = _session(user, session_id)
    changes = list(
        SessionChange.objects.filter(session=session).select_related("actor").order_by("-created_at", "-id")
    )
    return _session_out(selectors.session_view(session, changes))


def _room(establishment_id: int, room_id: UUID | None) -> Resource | None:
    if room_id is None:
        return None
    room = Resource.objects.filter(
        public_id=room_id, establishment_id=establishment_id, kind=Resource.Kind.ROOM
    ).first()
    if room is None:
        raise ValidationFailed(
            _("Cette salle n'existe pas dans l'établissement."), details={"room": "unknown"}
        )
    return room


def _managed_assignment(user, assignment_id: UUID) -> TeachingAssignment:
    assignment = (
        TeachingAssignment.objects.filter(public_id=assignment_id, school_year__is_current=True)
        .select_related("establishment", "school_year", "subject", "school_class", "group", "teacher")
        .first()
    )
    if assignment is None or not policies.can_read_timetable(user, assignment.establishment):
        raise NotFound()
    return assignment


def _class(user, class_id: UUID) -> SchoolClass:
    school_class = (
        SchoolClass.objects.filter(public_id=class_id, school_year__is_current=True)
        .select_related("establishment")
        .first()
    )
    if school_class is None:
        raise NotFound()
    if (
        policies.can_read_timetable(user, school_class.establishment)
        or classes_taught_by(user).filter(pk=school_class.pk).exists()
    ):
        return school_class
    raise NotFound()


def _target(user, filters) -> tuple[dict[str, Any], Any]:
    """The sessions' target asked for (404 outside the caller's scope) and its establishment."""
    if filters.student:
        return {"student": get_object_or_404(students_visible_to(user), public_id=filters.student)}, None
    if filters.teacher:
        return {
            "teacher": get_object_or_404(policies.teachers_visible_to(user), public_id=filters.teacher)
        }, None
    if filters.school_class:
        school_class = _class(user, filters.school_class)
        return {"school_class": school_class}, school_class.establishment
    if filters.room:
        room = get_object_or_404(
            policies.rooms_visible_to(user).select_related("establishment"), public_id=filters.room
        )
        return {"room": room}, room.establishment
    return {"own": True}, None


# --- slots -------------------------------------------------------------------------------------
@router.get(
    "/slots",
    response={200: list[SlotOut], **error_responses(401, 404)},
    summary=_("Créneaux de la semaine"),
    description=_(
        "Les créneaux hebdomadaires que vous pouvez voir (ceux de l'établissement pour le personnel, de vos "
        "cours et de vos classes pour un enseignant, de votre classe pour un élève, de vos enfants pour un "
        "responsable). Filtres : `class`, `teacher`, `room`."
    ),
)
def list_slots(request, filters: Query[SlotFilter]):
    slots = policies.slots_visible_to(request.user).filter(school_year__is_current=True)
    if filters.school_class:
        school_class = SchoolClass.objects.filter(public_id=filters.school_class).first()
        if school_class is None:
            raise NotFound()
        slots = slots.filter(
            policies.class_audience_q([school_class.pk]), establishment_id=school_class.establishment_id
        )
    if filters.teacher:
        slots = slots.filter(assignment__teacher__public_id=filters.teacher)
    if filters.room:
        slots = slots.filter(room__public_id=filters.room)
    return [_slot_out(s) for s in slots.select_related(*SLOT_RELATED).order_by("weekday", "start_time", "id")]


@router.post(
    "/slots",
    response={201: SlotOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Créer un créneau"),
    description=_(
        "Personnel qui gère l'emploi du temps (direction, adjoints, vie scolaire, administrateur). Les séances "
        "datées du créneau sont créées d'aujourd'hui à la fin de l'année. Refus : 409 `timetable_clash` si "
        "l'enseignant, la classe (ou un groupe qui partage des élèves) ou la salle a déjà cours (les semaines A "
        "et B ne se croisent pas), 422 si la fin précède le début ou si les dates sortent de l'année."
    ),
)
def create_slot(request, payload: SlotIn):
    assignment = _managed_assignment(request.user, payload.assignment)
    slot = services.create_slot(
        actor=request.user,
        assignment=assignment,
        weekday=payload.weekday,
        start_time=payload.start_time,
        end_time=payload.end_time,
        room=_room(assignment.establishment_id, payload.room),
        week_pattern=payload.week_pattern,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
    return Status(201, _slot_out(_slot(request.user, slot.public_id)))


@router.patch(
    "/slots/{slot_id}",
    response={200: SlotOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Modifier un créneau"),
    description=_(
        "Change les champs donnés (un `room` null retire la salle). Les séances à venir que personne n'a "
        "changées suivent le créneau ; les autres gardent leur changement. Mêmes refus que la création."
    ),
)
def update_slot(request, slot_id: UUID, payload: SlotPatch):
    slot = _slot(request.user, slot_id)
    given = payload.model_dump(exclude_unset=True)
    values: dict[str, Any] = {
        "weekday": slot.weekday,
        "start_time": slot.start_time,
        "end_time": slot.end_time,
        "room": slot.room,
        "week_pattern": slot.week_pattern,
        "valid_from": slot.valid_from,
        "valid_until": slot.valid_until,
    }
    for name, value in given.items():
        if name == "room":
            values["room"] = _room(slot.establishment_id, value)
        elif value is not None or name in ("valid_from", "valid_until"):
            values[name] = value
    services.update_slot(actor=request.user, slot=slot, **values)
    return _slot_out(_slot(request.user, slot_id))


@router.delete(
    "/slots/{slot_id}",
    response={200: DeletedOut, **error_responses(401, 403, 404)},
    summary=_("Supprimer un créneau"),
    description=_(
        "Supprime le créneau et ses séances à venir que personne n'a changées ; les séances passées, changées "
        "ou dont l'appel a été fait restent."
    ),
)
def delete_slot(request, slot_id: UUID):
    slot = _slot(request.user, slot_id)
    return {"sessions_removed": services.delete_slot(actor=request.user, slot=slot)}


# --- sessions ----------------------------------------------------------------------------------
@router.get(
    "/sessions",
    response={200: list[SessionOut], **error_responses(401, 404, 422)},
    summary=_("Séances d'une semaine"),
    description=_(
        "Les séances datées d'une semaine (`week`, par défaut celle d'aujourd'hui) ou d'une période "
        "(`date_from`, `date_to` : 62 jours au plus), avec leurs changements. Sans filtre : votre propre "
        "emploi du temps (vos cours, ceux de votre classe, ceux de vos enfants). Avec `student`, `teacher`, "
        "`class` ou `room` : celui de cette personne, classe ou salle, si vous pouvez le voir (sinon 404)."
    ),
)
def list_sessions(request, filters: Query[SessionFilter]):
    target, establishment = _target(request.user, filters)
    if filters.date_from or filters.date_to:
        if not (filters.date_from and filters.date_to) or filters.date_to < filters.date_from:
            raise ValidationFailed(
                _("Donnez `date_from` et `date_to`, la fin après le début."), details={"date_to": "invalid"}
            )
        if (filters.date_to - filters.date_from).days >= MAX_DAYS:
            raise ValidationFailed(_("62 jours au plus par requête."), details={"date_to": "too_far"})
        start, end = filters.date_from, filters.date_to
    else:
        start = monday_of(filters.week or local_today(establishment))
        end = start + dt.timedelta(days=6)
    views = selectors.sessions_between(request.user, start=start, end=end, **target)
    return [_session_out(v) for v in views]


@router.get(
    "/sessions/{session_id}",
    response={200: SessionOut, **error_responses(401, 404)},
    summary=_("Une séance"),
)
def get_session(request, session_id: UUID):
    return _session_answer(request.user, session_id)


@router.post(
    "/sessions",
    response={201: SessionOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Ajouter une séance supplémentaire"),
    description=_(
        "Une séance hors créneau pour un service de l'année en cours, un jour ouvert de l'année scolaire, "
        "quand l'enseignant, la classe ou le groupe et la salle sont libres (sinon 409 `timetable_clash`). "
        "Les personnes concernées sont prévenues."
    ),
)
def add_session(request, payload: ExtraIn):
    assignment = _managed_assignment(request.user, payload.assignment)
    session = services.add_extra_session(
        actor=request.user,
        assignment=assignment,
        held_on=payload.held_on,
        start_time=payload.start_time,
        end_time=payload.end_time,
        room=_room(assignment.establishment_id, payload.room),
        message=payload.message,
    )
    return Status(201, _session_answer(request.user, session.public_id))


_CHANGE_ERRORS = error_responses(401, 403, 404, 409, 422)


def _change(request, session_id: UUID, payload: VersionIn, action, **values) -> dict:
    """Apply one of the change services to a session the person sees, at the version they read."""
    session = _session(request.user, session_id)
    action(
        actor=request.user,
        session=session,
        expected_version=payload.expected_version,
        message=payload.message,
        **values,
    )
    return _session_answer(request.user, session_id)
_CHANGE_HELP = _(
    "Personnel qui gère l'emploi du temps. `expected_version` : la version lue (409 `session_conflict` si la "
    "séance a changé depuis). Les élèves, leurs responsables et les enseignants concernés sont prévenus "
    "(en alerte pour un changement du jour même)."
)


@router.post(
    "/sessions/{session_id}/cancel",
    response={200: SessionOut, **_CHANGE_ERRORS},
    summary=_("Annuler une séance"),
    description=_CHANGE_HELP,
)
def cancel_session(request, session_id: UUID, payload: VersionIn):
    return _change(request, session_id, payload, services.cancel_session)


@router.post(
    "/sessions/{session_id}/restore",
    response={200: SessionOut, **_CHANGE_ERRORS},
    summary=_("Rétablir une séance annulée"),
    description=_CHANGE_HELP,
)
def restore_session(request, session_id: UUID, payload: VersionIn):
    return _change(request, session_id, payload, services.restore_session)


@router.post(
    "/sessions/{session_id}/move",
    response={200: SessionOut, **_CHANGE_ERRORS},
    summary=_("Déplacer une séance"),
    description=_CHANGE_HELP,
)
def move_session(request, session_id: UUID, payload: MoveIn):
    return _change(
        request,
        session_id,
        payload,
        services.move_session,
        held_on=payload.held_on,
        start_time=payload.start_time,
        end_time=payload.end_time,
    )


@router.post(
    "/sessions/{session_id}/room",
    response={200: SessionOut, **_CHANGE_ERRORS},
    summary=_("Changer la salle d'une séance"),
    description=_CHANGE_HELP,
)
def change_room(request, session_id: UUID, payload: RoomIn):
    session = _session(request.user, session_id)
    services.change_room(
        actor=request.user,
        session=session,
        expected_version=payload.expected_version,
        room=_room(session.establishment_id, payload.room),
        message=payload.message,
    )
    return _session_answer(request.user, session_id)


@router.post(
    "/sessions/{session_id}/replacement",
    response={200: SessionOut, **_CHANGE_ERRORS},
    summary=_("Confier une séance à un remplaçant"),
    description=_CHANGE_HELP,
)
def replace_teacher(request, session_id: UUID, payload: ReplacementIn):
    session = _session(request.user, session_id)
    teacher = None
    if payload.teacher is not None:
        teacher = (
            selectors.establishment_teachers(session.establishment).filter(public_id=payload.teacher).first()
        )
        if teacher is None:
            raise ValidationFailed(
                _("Cet enseignant n'enseigne pas dans l'établissement."), details={"teacher": "unknown"}
            )
    services.replace_teacher(
        actor=request.user,
        session=session,
        expected_version=payload.expected_version,
        teacher=teacher,
        message=payload.message,
    )
    return _session_answer(request.user, session_id)


# --- the private feed --------------------------------------------------------------------------
@router.get(
    "/feed",
    response={200: FeedOut, **error_responses(401)},
    summary=_("Mon agenda : état"),
    description=_("Si vous avez une adresse iCalendar active, depuis quand, et sa dernière lecture."),
)
def feed_state(request):
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    return {
        "active": token is not None,
        "created_at": token.created_at if token else None,
        "last_used_at": token.last_used_at if token else None,
    }


@router.post(
    "/feed",
    response={201: FeedCreatedOut, **error_responses(401)},
    summary=_("Mon agenda : créer une adresse"),
    description=_(
        "Crée l'adresse secrète de votre flux iCalendar (vos cours, ou ceux de vos enfants), en remplaçant "
        "l'ancienne, qui cesse de fonctionner. L'adresse n'est donnée qu'une fois : seule son empreinte est "
        "conservée."
    ),
)
def feed_create(request):
    token, secret = services.create_feed_token(actor=request.user)
    url = request.build_absolute_uri(reverse("timetable:ical", args=[secret]))
    return Status(201, {"url": url, "created_at": token.created_at})


@router.delete(
    "/feed", response={204: None, **error_responses(401)}, summary=_("Mon agenda : désactiver l'adresse")
)
def feed_revoke(request):
    services.revoke_feed_token(actor=request.user)
    return Status(204, None)
