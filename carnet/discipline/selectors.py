"""Reads of discipline for people, always starting from a `*_visible_to` scope (`policies`).

- `incidents_for` / `measures_for`: the school side's lists, filtered (class, student,
  seriousness or kind, dates), with what their rows need fetched in a constant number of queries;
- `incident_rows`: each incident with the participants whose names the reader may see;
- `student_record(actor, student)`: one student's incidents and measures as the actor may see
  them (the school-life record composes it);
- `conduct_inputs(student, since=, until=)`: what the conduct-mark suggestion counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from carnet.discipline import policies
from carnet.discipline.models import Incident, IncidentParticipant, Measure
from carnet.discipline.services.incidents import zone_of
from carnet.school.models import Enrollment
from carnet.school.roles import current_enrollment_q, roles_of

STAFF = "staff"
TEACHER = "teacher"
GUARDIAN = "guardian"
STUDENT = "student"


# --- lists of the school side -------------------------------------------------------------------
def _in_class(school_class) -> QuerySet:
    return Enrollment.objects.filter(current_enrollment_q(), school_class=school_class).values("student_id")


def _day_bounds(establishment_zone, since: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    if since is not None:
        bounds["occurred_at__gte"] = dt.datetime.combine(since, dt.time.min, tzinfo=establishment_zone)
    if until is not None:
        bounds["occurred_at__lt"] = dt.datetime.combine(
            until + dt.timedelta(days=1), dt.time.min, tzinfo=establishment_zone
        )
    return bounds


def incidents_for(
    actor,
    *,
    establishment=None,
    school_class=None,
    student=None,
    seriousness: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Incident]:
    """The incidents the actor sees, newest first, filtered: in an establishment, involving a
    student of a class (current enrollment) or one student, of a seriousness, between two days
    (in the establishment's time zone, both included)."""
    incidents = policies.incidents_visible_to(actor)
    zone = timezone.get_current_timezone()
    if establishment is not None:
        incidents = incidents.filter(establishment=establishment)
        zone = zone_of(establishment)
    incidents = incidents.filter(**_day_bounds(zone, since, until))
    if school_class is not None:
        incidents = incidents.filter(
            Exists(
                IncidentParticipant.objects.filter(
                    incident_id=OuterRef("pk"), student_id__in=_in_class(school_class)
                )
            )
        )
    if student is not None:
        incidents = incidents.filter(
            Exists(IncidentParticipant.objects.filter(incident_id=OuterRef("pk"), student=student))
        )
    if seriousness:
        incidents = incidents.filter(seriousness=seriousness)
    return (
        incidents.select_related("reported_by", "establishment")
        .annotate(measure_count=Count("measures", distinct=True))
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=IncidentParticipant.objects.select_related("student").order_by(
                    "role", "student__last_name", "student__first_name"
                ),
            )
        )
        .order_by("-occurred_at", "-pk")
    )


def measures_for(
    actor,
    *,
    establishment=None,
    school_class=None,
    student=None,
    category: str | None = None,
    status: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Measure]:
    """The measures the actor sees (school side), newest decision first, filtered by class
    (current enrollment), student, punishment or sanction, follow-up status, decision days."""
    measures = policies.measures_visible_to(actor)
    if establishment is not None:
        measures = measures.filter(establishment=establishment)
    if school_class is not None:
        measures = measures.filter(student_id__in=_in_class(school_class))
    if student is not None:
        measures = measures.filter(student=student)
    if category:
        measures = measures.filter(measure_type__category=category)
    if status:
        measures = measures.filter(status=status)
    if since is not None:
        measures = measures.filter(decided_on__gte=since)
    if until is not None:
        measures = measures.filter(decided_on__lte=until)
    return measures.select_related(
        "student", "measure_type", "decided_by", "incident", "establishment"
    ).order_by("-decided_on", "-created_at", "-pk")


def class_names(student_ids) -> dict[int, str]:
    """The current class name of each student. One query."""
    return dict(
        Enrollment.objects.filter(current_enrollment_q(), student_id__in=set(student_ids)).values_list(
            "student_id", "school_class__name"
        )
    )


def incident_rows(actor, incidents) -> list[dict[str, Any]]:
    """Each incident with `participants` (those whose names the actor may read: {student, role,
    role_label, class_name}) and `hidden` (how many others). At most two queries beyond the
    incidents' own (the taught students, the classes)."""
    incidents = list(incidents)
    needs_taught = any(policies.visible_participant_ids(actor, i, set()) is not None for i in incidents)
    taught = policies.taught_student_ids(actor) if needs_taught else set()
    rows = []
    student_ids: set[int] = set()
    for incident in incidents:
        allowed = policies.visible_participant_ids(actor, incident, taught)
        shown = [p for p in incident.participants.all() if allowed is None or p.student_id in allowed]
        student_ids.update(p.student_id for p in shown)
        rows.append(
            {
                "incident": incident,
                "shown": shown,
                "hidden": len(incident.participants.all()) - len(shown),
                "editable": allowed is None,
            }
        )
    classes = class_names(student_ids) if student_ids else {}
    for row in rows:
        row["participants"] = [
            {
                "student": p.student,
                "role": p.role,
                "role_label": p.get_role_display(),
                "class_name": classes.get(p.student_id, ""),
            }
            for p in row.pop("shown")
        ]
    return rows


# --- one student --------------------------------------------------------------------------------
def _audience(actor, student) -> str | None:
    roles = roles_of(actor)
    if roles.user_id is None:
        return None
    enrolled_in = set(
        Enrollment.objects.filter(current_enrollment_q(), student=student).values_list(
            "establishment_id", flat=True
        )
    )
    if enrolled_in & policies.staff_establishment_ids(actor):
        return STAFF
    if enrolled_in & policies.reporting_establishment_ids(
        actor
    ) and student.pk in policies.taught_student_ids(actor):
        return TEACHER
    if roles.user_id == student.pk and roles.is_student:
        return STUDENT
    if student.pk in roles.child_ids:
        return GUARDIAN
    return None


def _measure_dict(measure: Measure, *, school_side: bool, incident_ids: set[int]) -> dict[str, Any]:
    return {
        "id": measure.public_id,
        "measure": measure,
        "category": measure.measure_type.category,
        "category_label": measure.measure_type.get_category_display(),
        "type": measure.measure_type.name,
        "conduct_points": measure.measure_type.conduct_points,
        "reason": measure.reason,
        "decided_on": measure.decided_on,
        "decided_by": measure.decided_by.full_name if measure.decided_by else "",
        "due_on": measure.due_on,
        "status": measure.status,
        "status_label": measure.get_status_display(),
        "follow_up": measure.follow_up if school_side else "",
        "expires_on": measure.expires_on,
        "incident": measure.incident.public_id
        if measure.incident_id in incident_ids and measure.incident
        else None,
        "url": reverse("discipline:measure", args=[measure.public_id]) if school_side else None,
    }


def _incident_dict(
    incident: Incident, student, *, participants: list[dict], hidden: int, school_side: bool
) -> dict[str, Any]:
    own = next((p for p in incident.participants.all() if p.student_id == student.pk), None)
    return {
        "id": incident.public_id,
        "incident": incident,
        "occurred_at": incident.occurred_at,
        "place": incident.place,
        "description": incident.description,
        "seriousness": incident.seriousness,
        "seriousness_label": incident.get_seriousness_display(),
        "role": own.role if own else None,
        "role_label": own.get_role_display() if own else "",
        "participants": participants,
        "hidden_participants": hidden,
        "url": reverse("discipline:incident", args=[incident.public_id]) if school_side else None,
    }


def student_record(actor, student) -> dict[str, Any]:
    """The incidents and measures of `student` that `actor` may see, newest first:
    {"audience": "staff" | "teacher" | "student" | "guardian" | None, "measures": [...],
    "incidents": [...]}. Nothing (audience None, empty lists) for someone who may see none.

    School side (discipline staff of the student's establishment, a teacher of the student): the
    scopes of `policies`, with each incident's participants whose names the actor may read.
    Family side (the student, a guardian): see `family_record`. Measure items: id, measure,
    category(_label), type, conduct_points, reason, decided_on, decided_by, due_on,
    status(_label), follow_up, expires_on, incident (public id when the reader sees it), url.
    Incident items: id, incident, occurred_at, place, description, seriousness(_label), role(_label)
    of the student, participants [{student, role, role_label, class_name}], hidden_participants,
    url. A constant number of queries."""
    audience = _audience(actor, student)
    if audience in (STAFF, TEACHER):
        return _school_record(actor, student, audience)
    if audience in (STUDENT, GUARDIAN):
        return family_record(actor, student, audience=audience)
    return {"audience": None, "measures": [], "incidents": []}


def _school_record(actor, student, audience: str) -> dict[str, Any]:
    participants_qs = IncidentParticipant.objects.select_related("student").order_by(
        "role", "student__last_name"
    )
    measures = list(
        policies.measures_visible_to(actor)
        .filter(student=student)
        .select_related("measure_type", "decided_by", "incident")
        .order_by("-decided_on", "-created_at", "-pk")
    )
    incidents = list(
        policies.incidents_visible_to(actor)
        .filter(participants__student=student)
        .prefetch_related(Prefetch("participants", queryset=participants_qs))
        .order_by("-occurred_at", "-pk")
    )
    incident_items = [
        _incident_dict(
            r["incident"], student, participants=r["participants"], hidden=r["hidden"], school_side=True
        )
        for r in incident_rows(actor, incidents)
    ]
    visible = {i["incident"].pk for i in incident_items}
    return {
        "audience": audience,
        "measures": [_measure_dict(m, school_side=True, incident_ids=visible) for m in measures],
        "incidents": incident_items,
    }


def family_record(actor, student, *, audience: str | None = None) -> dict[str, Any]:
    """What the student or a guardian reads of `student`'s record, as the establishment says
    (`policies.family_measures_visible_to`): the measures without the follow-up comment and, when
    the establishment shows them, the incidents that motivated them, whose only named participant
    is the student (items as in `student_record`). `audience`: "student" or "guardian" (found from
    the actor when not given). Four queries at most."""
    if audience is None:
        audience = STUDENT if actor.pk == student.pk else GUARDIAN
    measures = list(
        policies.family_measures_visible_to(actor)
        .filter(student=student)
        .select_related("measure_type", "decided_by", "incident")
        .order_by("-decided_on", "-created_at", "-pk")
    )
    establishments = {m.establishment_id for m in measures}
    settings = policies.settings_of(establishments) if establishments else {}
    linked = {
        m.incident_id
        for m in measures
        if m.incident_id and policies.family_sees_incidents(settings[m.establishment_id])
    }
    incidents = (
        list(
            Incident.objects.filter(pk__in=linked)
            .prefetch_related(
                Prefetch("participants", queryset=IncidentParticipant.objects.filter(student=student))
            )
            .order_by("-occurred_at", "-pk")
        )
        if linked
        else []
    )
    incident_items = []
    for incident in incidents:
        own = [
            {"student": student, "role": p.role, "role_label": p.get_role_display(), "class_name": ""}
            for p in incident.participants.all()
        ]
        incident_items.append(
            _incident_dict(incident, student, participants=own, hidden=0, school_side=False)
        )
    visible = {i["incident"].pk for i in incident_items}
    return {
        "audience": audience,
        "measures": [_measure_dict(m, school_side=False, incident_ids=visible) for m in measures],
        "incidents": incident_items,
    }


def conduct_inputs(
    student, *, since: dt.date, until: dt.date, establishment=None
) -> list[tuple[str, str, Decimal, dt.date]]:
    """The measures of `student` decided between `since` and `until` (both included), cancelled ones
    left out, oldest first, as (measure type name, category, conduct points, decided_on): what the
    conduct-mark suggestion takes off. No permission check: the caller shows the result only to
    people allowed to see the student's record. `establishment` narrows to one establishment."""
    measures = Measure.objects.filter(student=student, decided_on__gte=since, decided_on__lte=until).exclude(
        status=Measure.Status.CANCELLED
    )
    if establishment is not None:
        measures = measures.filter(establishment=establishment)
    return [
        (name, category, points, decided_on)
        for name, category, points, decided_on in measures.order_by("decided_on", "pk").values_list(
            "measure_type__name", "measure_type__category", "measure_type__conduct_points", "decided_on"
        )
    ]
