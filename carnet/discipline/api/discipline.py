"""The discipline API (under /api/v1/discipline/): incidents, measures, the catalogue, the settings,
and the family view of measures.

Everything is fetched through the discipline scopes (`policies`): an incident or a measure the
caller does not see answers 404 `not_found`, exactly like one that does not exist (a student, a
guardian, someone of another establishment). Refusals: 403 `forbidden` (a sanction decided by
someone other than the head or a deputy, a punishment for a student the teacher does not teach,
the catalogue changed by someone who is not discipline staff), 409 `incident_conflict` /
`measure_conflict` (the row changed since `expected_version`), 409 `measure_type_in_use`, 422
`validation_failed` (`details` maps each field to a French message: an unknown measure type, a
student of another establishment, an empty description, a date in the future…). Lists are paginated:
`page` (from 1) and `page_size` (50 by default, 100 at most) give `items` and `count`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.discipline import policies, selectors
from carnet.discipline.api.schemas import (
    FamilyMeasureOut,
    IncidentFilter,
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    MeasureFilter,
    MeasureIn,
    MeasureOut,
    MeasurePage,
    MeasurePatch,
    MeasureTypeIn,
    MeasureTypeOut,
    MeasureTypePatch,
    SettingsOut,
    SettingsPatch,
)
from carnet.discipline.models import Incident, Measure, MeasureType
from carnet.discipline.services import catalogue, incidents, measures
from carnet.school.models import Establishment, SchoolClass
from carnet.school.policies import classes_visible_to
from carnet.school.roles import roles_of

router = Router(tags=["discipline"])
User = get_user_model()


class PageIn(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=100)


# --- helpers ------------------------------------------------------------------------------------
def _paginate(queryset, paging: PageIn) -> tuple[list, int]:
    count = queryset.count()
    start = (paging.page - 1) * paging.page_size
    return list(queryset[start : start + paging.page_size]), count


def _establishment(public_id: UUID | None, ids, *, required: bool) -> Establishment | None:
    """The establishment named (404 outside `ids`), else the caller's only one; None when not
    `required` and not named."""
    if public_id is not None:
        found = Establishment.objects.filter(public_id=public_id, id__in=ids).first()
        if found is None:
            raise NotFound()
        return found
    if not required:
        return None
    if not ids:
        raise PermissionDenied()
    if len(ids) > 1:
        raise ValidationFailed(details={"establishment": gettext("Précisez l'établissement.")})
    return Establishment.objects.get(pk=next(iter(ids)))


def _student_ref(user) -> dict[str, Any]:
    return {"id": user.public_id, "full_name": user.full_name}


def _incident_items(user, rows: list[Incident]) -> list[dict[str, Any]]:
    return [
        {
            "id": r["incident"].public_id,
            "establishment": r["incident"].establishment.public_id,
            "occurred_at": r["incident"].occurred_at,
            "place": r["incident"].place,
            "description": r["incident"].description,
            "seriousness": r["incident"].seriousness,
            "participants": [
                {"student": _student_ref(p["student"]), "role": p["role"]} for p in r["participants"]
            ],
            "hidden_participants": r["hidden"],
            "reported_by": r["incident"].reported_by.full_name if r["incident"].reported_by else None,
            "measure_count": r["incident"].measure_count,
            "version": r["incident"].version,
            "created_at": r["incident"].created_at,
            "updated_at": r["incident"].updated_at,
        }
        for r in selectors.incident_rows(user, rows)
    ]


def _incident_out(user, public_id: UUID) -> dict[str, Any]:
    incident = selectors.incidents_for(user).filter(public_id=public_id).first()
    if incident is None:
        raise NotFound()
    return _incident_items(user, [incident])[0]


def _incident(user, public_id: UUID) -> Incident:
    return get_object_or_404(
        policies.incidents_visible_to(user).select_related("establishment"), public_id=public_id
    )


def _students(public_ids: list[UUID]) -> dict[UUID, Any]:
    found = {u.public_id: u for u in User.objects.filter(public_id__in=set(public_ids), is_active=True)}
    if len(found) != len(set(public_ids)):
        raise ValidationFailed(
            details={
                "participants": gettext(
                    "Un des élèves n'est pas inscrit dans l'établissement cette année-là."
                )
            }
        )
    return found


def _pairs(participants) -> list[tuple[Any, str]]:
    people = _students([p.student for p in participants])
    return [(people[p.student], p.role) for p in participants]


def _measure_items(user, items: list[Measure]) -> list[dict[str, Any]]:
    incident_ids = {m.incident_id for m in items if m.incident_id}
    visible = (
        set(policies.incidents_visible_to(user).filter(pk__in=incident_ids).values_list("pk", flat=True))
        if incident_ids
        else set()
    )
    return [
        {
            "id": m.public_id,
            "establishment": m.establishment.public_id,
            "student": _student_ref(m.student),
            "measure_type": {
                "id": m.measure_type.public_id,
                "name": m.measure_type.name,
                "category": m.measure_type.category,
            },
            "incident": m.incident.public_id if m.incident_id in visible and m.incident else None,
            "reason": m.reason,
            "decided_on": m.decided_on,
            "decided_by": m.decided_by.full_name if m.decided_by else None,
            "due_on": m.due_on,
            "status": m.status,
            "follow_up": m.follow_up,
            "expires_on": m.expires_on,
            "version": m.version,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
        }
        for m in items
    ]


def _measure_out(user, public_id: UUID) -> dict[str, Any]:
    measure = selectors.measures_for(user).filter(public_id=public_id).first()
    if measure is None:
        raise NotFound()
    return _measure_items(user, [measure])[0]


def _class(user, public_id: UUID | None) -> SchoolClass | None:
    if public_id is None:
        return None
    return get_object_or_404(classes_visible_to(user), public_id=public_id)


def _filter_student(public_id: UUID | None):
    if public_id is None:
        return None
    return get_object_or_404(User.objects.filter(is_active=True), public_id=public_id)


def _list_scope(user, filters) -> dict[str, Any]:
    """The establishment, class and student filters of a list, each one within what `user` sees."""
    return {
        "establishment": _establishment(
            filters.establishment, policies.reporting_establishment_ids(user), required=False
        ),
        "school_class": _class(user, filters.school_class),
        "student": _filter_student(filters.student),
    }


# --- incidents ----------------------------------------------------------------------------------
@router.get(
    "/incidents",
    response={200: IncidentPage, **error_responses(401, 404, 422)},
    summary=_("Incidents"),
    description=_(
        "Les incidents que vous voyez, du plus récent au plus ancien : tous ceux de l'établissement pour la "
        "direction et la vie scolaire ; pour un enseignant, ceux qu'il a signalés et ceux dont un de ses élèves "
        "est l'auteur (il ne lit alors que le nom des élèves à qui il enseigne). Filtres : `establishment`, "
        "`school_class`, `student`, `seriousness`, `since`, `until`. Vide pour une famille."
    ),
)
def list_incidents(request, filters: Query[IncidentFilter], paging: Query[PageIn]):
    user = request.user
    queryset = selectors.incidents_for(
        user,
        **_list_scope(user, filters),
        seriousness=filters.seriousness,
        since=filters.since,
        until=filters.until,
    )
    items, count = _paginate(queryset, paging)
    return {"items": _incident_items(user, items), "count": count}


@router.post(
    "/incidents",
    response={201: IncidentOut, **error_responses(401, 403, 404, 422)},
    summary=_("Signaler un incident"),
    description=_(
        "Pour la direction, la vie scolaire et les enseignants de l'établissement (sinon 403). Les élèves "
        "nommés doivent être inscrits dans l'établissement l'année de l'incident (sinon 422, `details.participants`) ; "
        "pas de date dans le futur, pas de description vide."
    ),
)
def create_incident(request, payload: IncidentIn):
    user = request.user
    establishment = _establishment(
        payload.establishment, policies.reporting_establishment_ids(user), required=True
    )
    incident = incidents.report_incident(
        actor=user,
        establishment=establishment,
        occurred_at=payload.occurred_at,
        place=payload.place,
        description=payload.description,
        seriousness=payload.seriousness,
        participants=_pairs(payload.participants),
    )
    return Status(201, _incident_out(user, incident.public_id))


@router.get(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **error_responses(401, 404)},
    summary=_("Un incident"),
)
def get_incident(request, incident_id: UUID):
    return _incident_out(request.user, incident_id)


@router.patch(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Modifier un incident"),
    description=_(
        "Par la direction, la vie scolaire ou la personne qui l'a signalé (sinon 403). `expected_version` est "
        "la version lue : si l'incident a changé depuis, 409 `incident_conflict`. `participants`, s'il est donné, "
        "remplace la liste des élèves impliqués."
    ),
)
def update_incident(request, incident_id: UUID, payload: IncidentPatch):
    user = request.user
    incident = _incident(user, incident_id)
    given = payload.model_dump(exclude_unset=True)
    expected = given.pop("expected_version")
    participants = _pairs(payload.participants) if given.pop("participants", None) is not None else None
    values = {k: v for k, v in given.items() if v is not None}
    incidents.update_incident(
        actor=user, incident=incident, expected_version=expected, participants=participants, **values
    )
    return _incident_out(user, incident_id)


# --- measures -----------------------------------------------------------------------------------
@router.get(
    "/measures",
    response={200: MeasurePage, **error_responses(401, 404, 422)},
    summary=_("Punitions et sanctions"),
    description=_(
        "Les mesures que vous voyez côté établissement, de la plus récente à la plus ancienne : toutes celles de "
        "l'établissement pour la direction et la vie scolaire ; pour un enseignant, celles qu'il a décidées et "
        "celles de ses élèves. Filtres : `establishment`, `school_class`, `student`, `category`, `status`, `since`, "
        "`until`. Une famille lit les siennes dans `/family/measures`."
    ),
)
def list_measures(request, filters: Query[MeasureFilter], paging: Query[PageIn]):
    user = request.user
    queryset = selectors.measures_for(
        user,
        **_list_scope(user, filters),
        category=filters.category,
        status=filters.status,
        since=filters.since,
        until=filters.until,
    )
    items, count = _paginate(queryset, paging)
    return {"items": _measure_items(user, items), "count": count}


@router.post(
    "/measures",
    response={201: MeasureOut, **error_responses(401, 403, 404, 422)},
    summary=_("Décider une punition ou une sanction"),
    description=_(
        "Une punition : direction, vie scolaire, ou un enseignant pour un élève à qui il enseigne ; une sanction : "
        "le chef d'établissement ou son adjoint (sinon 403). `measure_type` doit être un type en service du "
        "catalogue (sinon 422) ; l'élève, inscrit dans l'établissement (sinon 422). `expires_on` est calculé "
        "d'après la durée de conservation du type. Les responsables sont prévenus selon les réglages."
    ),
)
def create_measure(request, payload: MeasureIn):
    user = request.user
    ids = policies.reporting_establishment_ids(user)
    if not ids:
        raise PermissionDenied()
    measure_type = (
        MeasureType.objects.filter(public_id=payload.measure_type, establishment_id__in=ids, is_active=True)
        .select_related("establishment")
        .first()
    )
    if measure_type is None:
        raise ValidationFailed(
            details={"measure_type": gettext("Choisissez une punition ou une sanction du catalogue.")}
        )
    student = User.objects.filter(public_id=payload.student, is_active=True).first()
    if student is None:
        raise ValidationFailed(
            details={"student": gettext("Cet élève n'est pas inscrit dans l'établissement.")}
        )
    incident = _incident(user, payload.incident) if payload.incident else None
    measure = measures.decide_measure(
        actor=user,
        student=student,
        measure_type=measure_type,
        reason=payload.reason,
        decided_on=payload.decided_on,
        due_on=payload.due_on,
        incident=incident,
        follow_up=payload.follow_up,
    )
    return Status(201, _measure_out(user, measure.public_id))


@router.get(
    "/measures/{measure_id}",
    response={200: MeasureOut, **error_responses(401, 404)},
    summary=_("Une punition ou une sanction"),
)
def get_measure(request, measure_id: UUID):
    return _measure_out(request.user, measure_id)


@router.patch(
    "/measures/{measure_id}",
    response={200: MeasureOut, **error_responses(401, 403, 404, 409, 422)},
    summary=_("Suivre une punition ou une sanction"),
    description=_(
        "Change le motif, la date d'exécution, le suivi (`decided`, `done`, `not_done`, `cancelled`) ou le "
        "commentaire. La direction change tout ; la vie scolaire le suivi de toute mesure et tout d'une punition ; "
        "un enseignant les punitions qu'il a décidées (sinon 403). Version périmée : 409 `measure_conflict`."
    ),
)
def update_measure(request, measure_id: UUID, payload: MeasurePatch):
    user = request.user
    measure = get_object_or_404(
        policies.measures_visible_to(user).select_related("measure_type", "establishment"),
        public_id=measure_id,
    )
    given = payload.model_dump(exclude_unset=True)
    expected = given.pop("expected_version")
    values = {k: v for k, v in given.items() if v is not None or k == "due_on"}
    measures.update_measure(actor=user, measure=measure, expected_version=expected, **values)
    return _measure_out(user, measure_id)


# --- catalogue and settings ---------------------------------------------------------------------
def _type_out(t: MeasureType) -> dict[str, Any]:
    return {
        "id": t.public_id,
        "establishment": t.establishment.public_id,
        "category": t.category,
        "name": t.name,
        "retention": t.retention,
        "retention_days": t.retention_days,
        "retention_years": t.retention_years,
        "conduct_points": t.conduct_points,
        "position": t.position,
        "is_active": t.is_active,
    }


@router.get(
    "/measure-types",
    response={200: list[MeasureTypeOut], **error_responses(401, 403, 404, 422)},
    summary=_("Le catalogue des punitions et sanctions"),
    description=_(
        "Pour la direction, la vie scolaire (tous les types) et les enseignants (les types en service) d'un "
        "établissement ; `establishment` est obligatoire pour qui travaille dans plusieurs."
    ),
)
def list_measure_types(request, establishment: UUID | None = None):
    user = request.user
    found = _establishment(establishment, policies.reporting_establishment_ids(user), required=True)
    assert found is not None
    staff = policies.is_staff_in(user, found.pk)
    return [_type_out(t) for t in catalogue.catalogue_of(found, active_only=not staff)]


@router.post(
    "/measure-types",
    response={201: MeasureTypeOut, **error_responses(401, 403, 404, 422)},
    summary=_("Ajouter un type au catalogue"),
    description=_(
        "Pour la direction et la vie scolaire. Conservation : `year_end`, `years_end` (avec `retention_years`), `days` (avec `retention_days`) ou `permanent`."
    ),
)
def create_measure_type(request, payload: MeasureTypeIn):
    user = request.user
    establishment = _establishment(
        payload.establishment, policies.staff_establishment_ids(user), required=True
    )
    values = payload.model_dump(exclude={"establishment"})
    if values["position"] is None:
        values.pop("position")
    measure_type = catalogue.create_measure_type(actor=user, establishment=establishment, **values)
    return Status(201, _type_out(measure_type))


@router.patch(
    "/measure-types/{type_id}",
    response={200: MeasureTypeOut, **error_responses(401, 403, 404, 422)},
    summary=_("Modifier un type du catalogue"),
    description=_(
        "Pour la direction et la vie scolaire. Une nouvelle durée vaut pour les mesures décidées ensuite."
    ),
)
def update_measure_type(request, type_id: UUID, payload: MeasureTypePatch):
    user = request.user
    measure_type = get_object_or_404(
        MeasureType.objects.filter(
            establishment_id__in=policies.reporting_establishment_ids(user)
        ).select_related("establishment"),
        public_id=type_id,
    )
    values = {
        k: v
        for k, v in payload.model_dump(exclude_unset=True).items()
        if v is not None or k.startswith("retention_")
    }
    catalogue.update_measure_type(actor=user, measure_type=measure_type, **values)
    return _type_out(measure_type)


@router.delete(
    "/measure-types/{type_id}",
    response={204: None, **error_responses(401, 403, 404, 409)},
    summary=_("Supprimer un type du catalogue"),
    description=_(
        "Seulement s'il n'a servi à aucune mesure (sinon 409 `measure_type_in_use` : retirez-le du service)."
    ),
)
def delete_measure_type(request, type_id: UUID):
    user = request.user
    measure_type = get_object_or_404(
        MeasureType.objects.filter(
            establishment_id__in=policies.reporting_establishment_ids(user)
        ).select_related("establishment"),
        public_id=type_id,
    )
    catalogue.delete_measure_type(actor=user, measure_type=measure_type)
    return Status(204, None)


def _settings_out(establishment) -> dict[str, Any]:
    settings = catalogue.settings_for(establishment)
    return {
        "establishment": establishment.public_id,
        "guardians_see": settings.guardians_see,
        "notify_guardians": settings.notify_guardians,
        "students_see": settings.students_see,
    }


@router.get(
    "/settings",
    response={200: SettingsOut, **error_responses(401, 403, 404, 422)},
    summary=_("Ce que voient les familles"),
    description=_("Pour la direction et la vie scolaire."),
)
def get_settings(request, establishment: UUID | None = None):
    found = _establishment(establishment, policies.staff_establishment_ids(request.user), required=True)
    return _settings_out(found)


@router.patch(
    "/settings",
    response={200: SettingsOut, **error_responses(401, 403, 404, 422)},
    summary=_("Régler ce que voient les familles"),
    description=_(
        "`guardians_see` : `nothing`, `sanctions`, `measures` (punitions et sanctions) ou `all` (et les incidents qui "
        "les motivent, sans le nom des autres élèves) ; `notify_guardians` ; `students_see`."
    ),
)
def update_settings(request, payload: SettingsPatch):
    user = request.user
    found = _establishment(payload.establishment, policies.staff_establishment_ids(user), required=True)
    assert found is not None
    values = {
        k: v
        for k, v in payload.model_dump(exclude_unset=True, exclude={"establishment"}).items()
        if v is not None
    }
    catalogue.update_settings(actor=user, establishment=found, **values)
    return _settings_out(found)


# --- families -----------------------------------------------------------------------------------
@router.get(
    "/family/measures",
    response={200: list[FamilyMeasureOut], **error_responses(401, 404)},
    summary=_("Mes punitions et sanctions, celles de mes enfants"),
    description=_(
        "Ce que l'établissement communique aux familles : pour un élève, ses mesures s'il les voit ; pour un "
        "responsable, celles de ses enfants selon le réglage (rien, les sanctions, les punitions et sanctions, "
        "ou aussi les incidents qui les motivent — jamais le nom d'un autre élève). Les mesures annulées n'y sont "
        "pas. `student` : un seul de vos enfants (sinon 404)."
    ),
)
def family_measures(request, student: UUID | None = None):
    user = request.user
    roles = roles_of(user)
    allowed = set(roles.child_ids) | ({user.pk} if roles.is_student else set())
    people = {u.public_id: u for u in User.objects.filter(pk__in=allowed, is_active=True)}
    if student is not None:
        if student not in people:
            raise NotFound()
        targets = [people[student]]
    else:
        targets = sorted(people.values(), key=lambda u: (u.pk != user.pk, u.first_name, u.pk))
    result = []
    for person in targets:
        record = selectors.family_record(user, person)
        incidents_by_id = {i["id"]: i for i in record["incidents"]}
        for m in record["measures"]:
            incident = incidents_by_id.get(m["incident"])
            result.append(
                {
                    "id": m["id"],
                    "student": _student_ref(person),
                    "category": m["category"],
                    "type": m["type"],
                    "reason": m["reason"],
                    "decided_on": m["decided_on"],
                    "decided_by": m["decided_by"],
                    "due_on": m["due_on"],
                    "status": m["status"],
                    "expires_on": m["expires_on"],
                    "incident": {
                        "occurred_at": incident["occurred_at"],
                        "place": incident["place"],
                        "description": incident["description"],
                        "seriousness": incident["seriousness"],
                        "role": incident["role"],
                    }
                    if incident
                    else None,
                }
            )
    return result
