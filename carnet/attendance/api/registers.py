"""Roll call and exemptions (under /api/v1/attendance/).

Roll call: a teacher's sessions of today, the register of a session (read it with its `version`,
write it back with that version), the registers not taken (school-life staff). A session the
caller neither teaches nor oversees as school-life staff answers 404 `not_found`, like a missing
one. Refusals: 422 `validation_failed` (a student not in the class or group that day, minutes
outside 1..240, a cancelled session, a future day, a day outside the year; `details` says which
student), 409 `register_conflict` (someone saved since `version`; `details` gives who, when and
their entries), 403 `register_closed` (a teacher correcting a past day when the establishment
allows same-day corrections only).

Exemptions: school-life staff and the secretary read those of their establishment, a student their
own, a guardian their children's; school-life staff create, change, end and delete them. The
certificate (PDF, JPEG, PNG or WebP, 5 MB at most) is uploaded apart and downloaded only by
school-life staff, the student and the guardians. Changing or ending one sends back the `version`
read; 409 `exemption_conflict` when someone saved since (`details` gives the current values, who
and when), and nothing is changed."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.contrib.auth import get_user_model
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from carnet.attendance import register_policies as policies
from carnet.attendance.models import Exemption
from carnet.attendance.services import exemptions as exemption_service
from carnet.attendance.services import registers as service
from carnet.attendance.services import reminders
from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.school.models import Enrollment, Subject
from carnet.school.roles import current_enrollment_q, roles_of
from carnet.timetable.models import Session

router = Router(tags=["registers"])
User = get_user_model()


# --- schemas -----------------------------------------------------------------------------------
class RefOut(Schema):
    id: UUID
    name: str


class AudienceOut(RefOut):
    kind: str = Field(description="class ou group.")


class RegisterStateOut(Schema):
    version: int = Field(description="À renvoyer dans `version` pour corriger l'appel.")
    taken_at: dt.datetime
    taken_by: str | None
    updated_at: dt.datetime
    updated_by: str | None


class SessionOut(Schema):
    id: UUID
    held_on: dt.date
    start_time: dt.time
    end_time: dt.time
    audience: AudienceOut
    subject: RefOut
    teacher: str
    room: str | None
    cancelled: bool
    roll_call: RegisterStateOut | None = Field(description="L'appel ; null : il n'est pas encore fait.")


class ExemptionBriefOut(Schema):
    id: UUID
    must_attend: bool = Field(description="L'élève doit tout de même venir en cours.")
    starts_on: dt.date
    ends_on: dt.date


class StudentOut(Schema):
    id: UUID
    full_name: str
    first_name: str
    last_name: str


class SheetRowOut(Schema):
    student: StudentOut
    status: str = Field(description="present, absent ou late.")
    minutes: int | None = Field(description="Minutes de retard (late seulement).")
    exemption: ExemptionBriefOut | None = Field(
        description="Dispense couvrant ce jour dans la matière de la séance."
    )


class RegisterOut(Schema):
    session: SessionOut
    version: int | None = Field(description="La version de l'appel ; null : pas encore fait (renvoyez null).")
    editable: bool = Field(
        description="false : l'appel ne peut pas être fait ou corrigé maintenant par vous."
    )
    closed_reason: str | None = Field(description="Pourquoi il ne peut pas l'être, en français.")
    counts: dict[str, int] = Field(description="Nombre de present, absent, late.")
    students: list[SheetRowOut]


class EntryIn(Schema):
    student: UUID
    status: str = Field(description="absent ou late (present est accepté et ignoré).")
    minutes: int | None = Field(None, description="Pour late : de 1 à 240.")


class RegisterIn(Schema):
    version: int | None = Field(description="La `version` lue ; null si l'appel n'était pas fait.")
    entries: list[EntryIn] = Field(
        max_length=200, description="Les élèves absents ou en retard ; les autres sont présents."
    )


class MissingFilter(Schema):
    on: dt.date | None = Field(
        None, description="Un jour ; par défaut les `days` derniers jours jusqu'à aujourd'hui."
    )
    days: int = Field(7, ge=1, le=31)


class ExemptionOut(Schema):
    id: UUID
    student: StudentOut
    subject: RefOut
    starts_on: dt.date
    ends_on: dt.date
    weekdays: list[int] = Field(
        description="Jours concernés (0 = lundi) ; vide : tous les cours de la matière."
    )
    must_attend: bool
    reason: str
    certificate: str | None = Field(
        description="Nom du certificat, s'il y en a un (téléchargeable à /certificate)."
    )
    version: int = Field(description="À renvoyer dans `version` pour modifier ou terminer la dispense.")


class ExemptionFilter(Schema):
    student: UUID | None = None
    school_class: UUID | None = Field(None, description="Les élèves de cette classe.")
    active: bool = Field(True, description="true : seulement celles qui ne sont pas terminées.")


class ExemptionIn(Schema):
    student: UUID
    subject: UUID
    starts_on: dt.date
    ends_on: dt.date
    weekdays: list[int] = Field(default_factory=list, max_length=7)
    must_attend: bool = True
    reason: str = Field("", max_length=200)


class ExemptionPatch(Schema):
    subject: UUID | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    weekdays: list[int] | None = Field(None, max_length=7)
    must_attend: bool | None = None
    reason: str | None = Field(None, max_length=200)
    remove_certificate: bool = False
    version: int = Field(description="La `version` lue.")


class EndIn(Schema):
    on: dt.date | None = Field(None, description="Dernier jour de la dispense ; par défaut aujourd'hui.")
    version: int = Field(description="La `version` lue.")


# --- converters --------------------------------------------------------------------------------
def _session_out(session: Session, *, with_register: bool = True) -> dict:
    """`with_register`: the session was fetched with `select_related("register")`."""
    assignment = session.assignment
    audience = assignment.school_class or assignment.group
    assert audience is not None  # class xor group
    register = service.register_of(session) if with_register else None
    return {
        "id": session.public_id,
        "held_on": session.held_on,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "audience": {
            "id": audience.public_id,
            "name": audience.name,
            "kind": "class" if assignment.school_class_id else "group",
        },
        "subject": {"id": assignment.subject.public_id, "name": assignment.subject.name},
        "teacher": session.teacher.full_name,
        "room": session.room.name if session.room is not None else None,
        "cancelled": session.is_cancelled,
        "roll_call": _register_state(register),
    }


def _register_state(register) -> dict | None:
    if register is None:
        return None
    return {
        "version": register.version,
        "taken_at": register.taken_at,
        "taken_by": register.taken_by.full_name if register.taken_by_id else None,
        "updated_at": register.updated_at,
        "updated_by": register.updated_by.full_name if register.updated_by_id else None,
    }


def _student_out(user) -> dict:
    return {
        "id": user.public_id,
        "full_name": user.full_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def _register_out(user, session: Session) -> dict:
    sheet = service.register_sheet(actor=user, session=session)
    out = _session_out(session, with_register=False)
    out["roll_call"] = _register_state(sheet.register)
    return {
        "session": out,
        "version": sheet.version,
        "editable": sheet.closed_reason is None,
        "closed_reason": sheet.closed_reason,
        "counts": sheet.counts,
        "students": [
            {
                "student": _student_out(row.student),
                "status": row.status,
                "minutes": row.minutes,
                "exemption": {
                    "id": row.exemption.public_id,
                    "must_attend": row.exemption.must_attend,
                    "starts_on": row.exemption.starts_on,
                    "ends_on": row.exemption.ends_on,
                }
                if row.exemption
                else None,
            }
            for row in sheet.rows
        ],
    }


def _exemption_out(exemption: Exemption) -> dict:
    return {
        "id": exemption.public_id,
        "student": _student_out(exemption.student),
        "subject": {"id": exemption.subject.public_id, "name": exemption.subject.name},
        "starts_on": exemption.starts_on,
        "ends_on": exemption.ends_on,
        "weekdays": list(exemption.weekdays or []),
        "must_attend": exemption.must_attend,
        "reason": exemption.reason,
        "certificate": (exemption.certificate_name or "certificat") if exemption.certificate else None,
        "version": exemption.version,
    }


# --- roll call ---------------------------------------------------------------------------------
@router.get(
    "/sessions/mine",
    response={200: list[SessionOut], **error_responses(401)},
    summary=_("Mes séances du jour"),
    description=_(
        "Les séances que vous faites aujourd'hui, avec l'état de leur appel. Vide si vous n'enseignez pas."
    ),
)
def my_sessions(request):
    return [_session_out(s) for s in service.sessions_of_teacher_on(request.user)]


@router.get(
    "/sessions/{session_id}/register",
    response={200: RegisterOut, **error_responses(401, 404)},
    summary=_("L'appel d'une séance"),
)
def get_register(request, session_id: UUID):
    session = service.register_session(request.user, session_id)
    return _register_out(request.user, session)


def _entries(session: Session, payload: RegisterIn) -> dict:
    ids = [entry.student for entry in payload.entries]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("Un élève apparaît deux fois."), details={"entries": "duplicate_student"})
    users = {u.public_id: u for u in User.objects.filter(public_id__in=ids)}
    missing = [str(i) for i in ids if i not in users]
    if missing:
        message = _("Élève inconnu de cette classe ou de ce groupe.")
        raise ValidationFailed(
            message, details=[{"student": key, "name": "", "message": message} for key in missing]
        )
    return {users[entry.student]: (entry.status, entry.minutes) for entry in payload.entries}


@router.api_operation(
    ["PUT"],
    "/sessions/{session_id}/register",
    response={200: RegisterOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Faire ou corriger l'appel"),
    description=_(
        "Envoie les élèves absents ou en retard (les autres sont présents) avec la `version` lue "
        "(PUT, ou POST pour les clients qui n'ont pas PUT). "
        "409 `register_conflict` si quelqu'un a enregistré l'appel entre-temps."
    ),
)
def put_register(request, session_id: UUID, payload: RegisterIn):
    session = service.register_session(request.user, session_id)
    service.save_register(
        actor=request.user, session=session, entries=_entries(session, payload), version=payload.version
    )
    return _register_out(request.user, session)


@router.post(
    "/sessions/{session_id}/register",
    response={200: RegisterOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Faire ou corriger l'appel (POST)"),
    description=_("La même chose que PUT, pour les clients qui n'ont pas PUT."),
    operation_id="carnet_attendance_api_registers_post_register",
)
def post_register(request, session_id: UUID, payload: RegisterIn):
    return put_register(request, session_id, payload)


@router.get(
    "/registers/missing",
    response={200: list[SessionOut], **error_responses(401, 403)},
    summary=_("Appels non faits"),
    description=_("Séances non annulées dont l'appel aurait dû être fait et ne l'est pas (vie scolaire)."),
)
def missing(request, filters: Query[MissingFilter]):
    if not policies.can_see_missing_registers(request.user):
        raise PermissionDenied()
    sessions = reminders.missing_registers(actor=request.user, on=filters.on, days=filters.days)
    return [_session_out(s, with_register=False) for s in sessions]


# --- exemptions --------------------------------------------------------------------------------
def _exemptions(user):
    return policies.exemptions_visible_to(user).select_related("student", "subject", "establishment")


def _exemption(user, exemption_id: UUID) -> Exemption:
    return get_object_or_404(_exemptions(user), public_id=exemption_id)


def _managed(user, exemption_id: UUID) -> Exemption:
    exemption = _exemption(user, exemption_id)
    if not policies.can_manage_exemptions(user, exemption.establishment_id):
        raise PermissionDenied()
    return exemption


@router.get("/exemptions", response={200: list[ExemptionOut], **error_responses(401)}, summary=_("Dispenses"))
def exemptions(request, filters: Query[ExemptionFilter]):
    rows = _exemptions(request.user)
    if filters.student:
        rows = rows.filter(student__public_id=filters.student)
    if filters.school_class:
        rows = rows.filter(
            student_id__in=Enrollment.objects.filter(
                current_enrollment_q(), school_class__public_id=filters.school_class
            ).values("student_id")
        )
    if filters.active:
        rows = rows.filter(ends_on__gte=timezone.localdate())
    return [
        _exemption_out(e)
        for e in rows.order_by("student__last_name", "student__first_name", "starts_on")[:1000]
    ]


@router.get(
    "/exemptions/{exemption_id}",
    response={200: ExemptionOut, **error_responses(401, 404)},
    summary=_("Une dispense"),
)
def exemption(request, exemption_id: UUID):
    return _exemption_out(_exemption(request.user, exemption_id))


def _subject(establishment_id: int, public_id: UUID) -> Subject:
    subject = Subject.objects.filter(establishment_id=establishment_id, public_id=public_id).first()
    if subject is None:
        message = _("Choisissez une matière de l'établissement.")
        raise ValidationFailed(message, details={"subject": message})
    return subject


@router.post(
    "/exemptions",
    response={201: ExemptionOut, **error_responses(401, 403, 404, 422)},
    summary=_("Créer une dispense"),
    description=_(
        "Pour un élève de votre établissement (vie scolaire). Le certificat s'envoie ensuite à /certificate."
    ),
)
def exemption_create(request, payload: ExemptionIn):
    roles = roles_of(request.user)
    managed = [e for e, kinds in roles.functions.items() if kinds & policies.SCHOOL_LIFE]
    enrollment = (
        Enrollment.objects.filter(
            current_enrollment_q(), student__public_id=payload.student, establishment_id__in=managed
        )
        .select_related("student", "establishment")
        .first()
    )
    if not managed:
        raise PermissionDenied()
    if enrollment is None:
        raise NotFound()
    values = payload.dict(exclude={"student", "subject"})
    values["subject"] = _subject(enrollment.establishment_id, payload.subject)
    created = exemption_service.create_exemption(
        actor=request.user, establishment=enrollment.establishment, student=enrollment.student, values=values
    )
    return Status(201, _exemption_out(created))


@router.patch(
    "/exemptions/{exemption_id}",
    response={200: ExemptionOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Modifier une dispense"),
    description=_(
        "Les champs absents restent tels quels. `version` est la version lue ; 409 `exemption_conflict` "
        "si quelqu'un a enregistré depuis (rien n'est modifié)."
    ),
)
def exemption_update(request, exemption_id: UUID, payload: ExemptionPatch):
    current = _managed(request.user, exemption_id)
    values = {
        "subject": current.subject,
        "starts_on": current.starts_on,
        "ends_on": current.ends_on,
        "weekdays": current.weekdays,
        "must_attend": current.must_attend,
        "reason": current.reason,
    }
    changes = payload.dict(exclude_unset=True, exclude={"remove_certificate", "version"})
    if "subject" in changes and changes["subject"] is not None:
        changes["subject"] = _subject(current.establishment_id, changes["subject"])
    values.update({k: v for k, v in changes.items() if v is not None})
    updated = exemption_service.update_exemption(
        actor=request.user,
        exemption=current,
        values=values,
        remove_certificate=payload.remove_certificate,
        expected_version=payload.version,
    )
    return _exemption_out(updated)


@router.post(
    "/exemptions/{exemption_id}/end",
    response={200: ExemptionOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Terminer une dispense"),
    description=_("409 `exemption_conflict` si la dispense a changé depuis la `version` lue."),
)
def exemption_end(request, exemption_id: UUID, payload: EndIn):
    exemption = _managed(request.user, exemption_id)
    return _exemption_out(
        exemption_service.end_exemption(
            actor=request.user, exemption=exemption, on=payload.on, expected_version=payload.version
        )
    )


@router.delete(
    "/exemptions/{exemption_id}",
    response={204: None, **error_responses(401, 403, 404)},
    summary=_("Supprimer une dispense"),
)
def exemption_delete(request, exemption_id: UUID):
    exemption_service.delete_exemption(actor=request.user, exemption=_managed(request.user, exemption_id))
    return Status(204, None)


@router.post(
    "/exemptions/{exemption_id}/certificate",
    response={200: ExemptionOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Joindre le certificat"),
    description=_(
        "Fichier `certificate` (multipart) : PDF, JPEG, PNG ou WebP, 5 Mo au plus ; remplace le précédent."
    ),
)
def exemption_certificate_upload(request, exemption_id: UUID, certificate: File[UploadedFile]):
    current = _managed(request.user, exemption_id)
    values = {
        "subject": current.subject,
        "starts_on": current.starts_on,
        "ends_on": current.ends_on,
        "weekdays": current.weekdays,
        "must_attend": current.must_attend,
        "reason": current.reason,
    }
    return _exemption_out(
        exemption_service.update_exemption(
            actor=request.user,
            exemption=current,
            values=values,
            certificate=certificate,
            # The other fields were read just above: a save made in between is refused, not undone.
            expected_version=current.version,
        )
    )


@router.get(
    "/exemptions/{exemption_id}/certificate",
    response={200: None, **error_responses(401, 404)},
    summary=_("Télécharger le certificat"),
    description=_("Pour la vie scolaire, l'élève et ses responsables ; 404 pour les autres."),
)
def exemption_certificate(request, exemption_id: UUID):
    exemption = _exemption(request.user, exemption_id)
    if not exemption.certificate or not policies.can_download_certificate(request.user, exemption):
        raise NotFound()
    response = FileResponse(
        exemption.certificate.open("rb"),
        as_attachment=True,
        filename=exemption.certificate_name or "certificat",
        content_type=exemption.certificate_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
