"""Exemptions, incidents with their measures, and session changes in the coming days."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from carnet.attendance.models import Exemption
from carnet.attendance.services.exemptions import create_exemption
from carnet.core.errors import DomainError
from carnet.demo.schoollife.common import Cast, note, refuse
from carnet.demo.schoollife.documents import certificate_pdf, note_png
from carnet.discipline.models import Incident, IncidentParticipant, Measure, MeasureType
from carnet.discipline.services.catalogue import catalogue_of
from carnet.discipline.services.incidents import report_incident
from carnet.discipline.services.measures import decide_measure, update_measure
from carnet.school import models as school
from carnet.timetable.models import Resource, Session, Slot
from carnet.timetable.services.changes import cancel_session, change_room, replace_teacher


def _eps_weekdays(cast: Cast) -> dict[int, list[int]]:
    """class id -> weekdays of its EPS lessons."""
    result: dict[int, list[int]] = defaultdict(list)
    for class_id, weekday in (
        Slot.objects.filter(
            school_year=cast.year, assignment__subject__name="EPS", assignment__school_class__isnull=False
        )
        .order_by("assignment__school_class_id", "weekday")
        .values_list("assignment__school_class_id", "weekday")
    ):
        if weekday not in result[class_id]:
            result[class_id].append(weekday)
    return result


def _last_lesson(cast: Cast, eps, student, on_or_before: dt.date) -> dt.date | None:
    """The day of the student's class's last EPS lesson on or before a day, in the school year."""
    return (
        Session.objects.filter(
            school_year=cast.year,
            assignment__subject=eps,
            assignment__school_class_id=cast.class_of[student.pk],
            held_on__lte=on_or_before,
            status=Session.Status.SCHEDULED,
        )
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )


def seed_exemptions(cast, rng, today, watched, result) -> list[Exemption]:
    """Four EPS exemptions (as the CPE): one-off while attending (a week ago and more), weekly not
    attending with a PDF certificate, for the rest of the period while attending with a photo of the
    certificate, and one-off not attending (the last lesson). Returns those created."""
    eps = school.Subject.objects.filter(establishment=cast.establishment, name="EPS").first()
    weekdays = _eps_weekdays(cast)
    if eps is None or not weekdays:
        return []
    printed = {user.pk for user in cast.printed.values()}
    pool = [
        s
        for s in cast.students
        if s.pk not in printed and s.pk != watched.pk and weekdays.get(cast.class_of[s.pk])
    ]
    rng.shuffle(pool)
    period_end = (
        school.Period.objects.filter(
            establishment=cast.establishment, school_year=cast.year, starts_on__lte=today, ends_on__gte=today
        )
        .values_list("ends_on", flat=True)
        .first()
    ) or cast.year.ends_on
    plans: list[tuple[Any, dict, Any]] = []
    if len(pool) >= 1:
        day = _last_lesson(cast, eps, pool[0], today - dt.timedelta(days=8))
        if day:
            plans.append(
                (
                    pool[0],
                    {
                        "starts_on": day,
                        "ends_on": day,
                        "must_attend": True,
                        "reason": "Entorse à la cheville (mot des parents)",
                    },
                    None,
                )
            )
    if len(pool) >= 2:
        start = max(cast.year.starts_on, today - dt.timedelta(days=21))
        ends_on = min(cast.year.ends_on, today + dt.timedelta(days=35))
        if (ends_on - start).days >= 6:
            plans.append(
                (
                    pool[1],
                    {
                        "starts_on": start,
                        "ends_on": ends_on,
                        "must_attend": False,
                        "weekdays": [weekdays[cast.class_of[pool[1].pk]][0]],
                        "reason": "Contre-indication à la course d'endurance (certificat médical)",
                    },
                    certificate_pdf(pool[1], cast.establishment, start, ends_on),
                )
            )
    if len(pool) >= 3:
        starts_on = max(cast.year.starts_on, today - dt.timedelta(days=10))
        plans.append(
            (
                pool[2],
                {
                    "starts_on": starts_on,
                    "ends_on": max(starts_on, period_end),
                    "must_attend": True,
                    "reason": "Inaptitude partielle : pas de sports collectifs (certificat médical)",
                },
                SimpleUploadedFile("certificat-medical.png", note_png(rng), content_type="image/png"),
            )
        )
    if len(pool) >= 4:
        day = _last_lesson(cast, eps, pool[3], today - dt.timedelta(days=1))
        if day:
            plans.append(
                (
                    pool[3],
                    {
                        "starts_on": day,
                        "ends_on": day,
                        "must_attend": False,
                        "reason": "Rendez-vous chez le kinésithérapeute pendant le cours",
                    },
                    None,
                )
            )
    created = []
    for student, values, certificate in plans:
        try:
            created.append(
                create_exemption(
                    actor=cast.cpe,
                    establishment=cast.establishment,
                    student=student,
                    values={"subject": eps, **values},
                    certificate=certificate,
                )
            )
        except DomainError as error:
            refuse(result, "create_exemption", error)
    return created


@dataclass(frozen=True)
class _IncidentPlan:
    place: str
    description: str
    seriousness: int
    reporter: str  # "surveillant" | "cpe" | "teacher"
    roles: tuple[str, ...]
    #: (category, French name, Benin name, decided by: "cpe" | "teacher" | "head" | "deputy", follow-up done)
    measure: tuple[str, str, str, str, bool]
    hour: int


P, S = MeasureType.Category.PUNISHMENT, MeasureType.Category.SANCTION
A, V, W = IncidentParticipant.Role.AUTHOR, IncidentParticipant.Role.VICTIM, IncidentParticipant.Role.WITNESS
INCIDENTS = (
    _IncidentPlan(
        "Cour de récréation",
        "Bousculade dans la file de la cantine : un élève est tombé, sans se blesser.",
        Incident.Seriousness.MINOR,
        "surveillant",
        (A, V, W),
        (P, "Retenue", "Retenue", "cpe", True),
        12,
    ),
    _IncidentPlan(
        "Salle de classe",
        "Refus répété de se mettre au travail et remarques insolentes envers le professeur.",
        Incident.Seriousness.MODERATE,
        "teacher",
        (A,),
        (P, "Devoir supplémentaire", "Retenue", "teacher", False),
        10,
    ),
    _IncidentPlan(
        "Couloir du bâtiment B",
        "Insultes et menaces envers un camarade, rapportées par deux témoins.",
        Incident.Seriousness.SERIOUS,
        "cpe",
        (A, V, W, W),
        (S, "Avertissement", "Avertissement", "head", False),
        15,
    ),
    _IncidentPlan(
        "Salle de classe",
        "Téléphone portable utilisé pendant un devoir surveillé, malgré le rappel de la règle.",
        Incident.Seriousness.MODERATE,
        "teacher",
        (A,),
        (P, "Observation écrite", "Retenue", "teacher", False),
        9,
    ),
    _IncidentPlan(
        "Devant le portail",
        "Bagarre à la sortie des cours ; les deux élèves ont été séparés par un surveillant.",
        Incident.Seriousness.SERIOUS,
        "surveillant",
        (A, A, W),
        (S, "Mesure de responsabilisation", "Blâme", "deputy", False),
        17,
    ),
)


def seed_discipline(cast, rng, now, result) -> None:
    """Five incidents spread over the school days of the last three weeks (before yesterday), each
    with its measure."""
    today = now.astimezone(cast.zone).date()
    days = list(
        Session.objects.filter(
            establishment=cast.establishment,
            school_year=cast.year,
            held_on__gte=today - dt.timedelta(days=21),
            held_on__lt=today - dt.timedelta(days=1),
        )
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .distinct()
    )
    if not days:
        return
    types = {(t.category, t.name): t for t in catalogue_of(cast.establishment, active_only=True)}
    printed = {user.pk for user in cast.printed.values()}
    by_class: dict[int, list[Any]] = defaultdict(list)
    for student in cast.students:
        if student.pk not in printed:
            by_class[cast.class_of[student.pk]].append(student)
    class_ids = sorted(by_class)
    pool = [s for s in cast.students if s.pk not in printed]
    if not class_ids or len(pool) < max(len(p.roles) for p in INCIDENTS):
        return
    teachers_of: dict[int, list[int]] = defaultdict(list)
    for class_id, teacher_id in (
        school.TeachingAssignment.objects.filter(school_year=cast.year, school_class__isnull=False)
        .order_by("school_class_id", "id")
        .values_list("school_class_id", "teacher_id")
    ):
        teachers_of[class_id].append(teacher_id)
    staff = {"surveillant": cast.surveillant, "cpe": cast.cpe, "head": cast.head, "deputy": cast.deputy}
    for number, plan in enumerate(INCIDENTS):
        day = days[min(len(days) - 1, int((number + 0.5) * len(days) / len(INCIDENTS)))]
        class_id = rng.choice(class_ids)
        author = rng.choice(by_class[class_id])
        # The others are often in the same class, sometimes not.
        mates = [s for s in by_class[class_id] if s.pk != author.pk]
        others = [s for s in pool if s.pk != author.pk and cast.class_of[s.pk] != class_id]
        people = [author, *rng.sample(mates, min(len(mates), len(plan.roles) - 1))]
        people += rng.sample(others, len(plan.roles) - len(people))
        teacher = cast.teachers[rng.choice(teachers_of[class_id])] if teachers_of.get(class_id) else cast.cpe
        reporter = teacher if plan.reporter == "teacher" else staff[plan.reporter]
        moment = cast.local(day, dt.time(plan.hour, rng.randrange(0, 50, 5)))
        try:
            incident = report_incident(
                actor=reporter,
                establishment=cast.establishment,
                occurred_at=moment,
                place=plan.place,
                description=plan.description,
                seriousness=plan.seriousness,
                participants=list(zip(people, plan.roles, strict=True)),
            )
        except DomainError as error:
            refuse(result, "report_incident", error)
            continue
        category, french, benin, decider, done = plan.measure
        name = benin if cast.establishment.country == school.Country.BENIN else french
        measure_type = types.get((category, name)) or next(
            (t for (c, _n), t in types.items() if c == category), None
        )
        if measure_type is None:
            continue
        actor = teacher if decider == "teacher" else staff[decider]
        decided_on = min(day + dt.timedelta(days=1), days[-1]) if category == S else day
        due_on = min(today, decided_on + dt.timedelta(days=2)) if name == "Retenue" and done else None
        try:
            measure = decide_measure(
                actor=actor,
                student=people[0],
                measure_type=measure_type,
                incident=incident,
                decided_on=decided_on,
                due_on=due_on,
                reason=plan.description,
            )
        except DomainError as error:
            refuse(result, "decide_measure", error)
            continue
        if done and due_on is not None and due_on < today:
            try:
                update_measure(
                    actor=actor,
                    measure=measure,
                    expected_version=measure.version,
                    status=Measure.Status.DONE,
                    follow_up="Retenue effectuée, travail rendu.",
                )
            except DomainError as error:
                refuse(result, "update_measure", error)


# --- session changes ------------------------------------------------------------------------------
def seed_session_changes(cast, rng, today, result) -> None:
    """In the coming days, for the printed student's class: a cancelled lesson, a room change and a
    replacement teacher (never a session of a printed teacher)."""
    student = cast.printed.get("student")
    class_id = cast.class_of.get(student.pk) if student is not None else None
    if class_id is None:
        class_id = next(iter(sorted(cast.class_students)), None)
    upcoming = list(
        Session.objects.filter(
            establishment=cast.establishment,
            school_year=cast.year,
            assignment__school_class_id=class_id,
            status=Session.Status.SCHEDULED,
            held_on__gt=today,
            held_on__lte=today + dt.timedelta(days=10),
        )
        .exclude(teacher_id__in=cast.printed_teacher_ids)
        .exclude(assignment__subject__name="EPS")
        .select_related(
            "assignment__subject",
            "assignment__school_class",
            "assignment__group",
            "establishment",
            "room",
            "teacher",
        )
        .order_by("held_on", "start_time", "id")[:12]
    )
    if len(upcoming) < 3:
        return
    cancelled, moved, replaced = rng.sample(upcoming, 3)
    try:
        cancel_session(
            actor=cast.deputy,
            session=cancelled,
            expected_version=cancelled.version,
            message="Professeur en formation ce jour-là : le cours n'a pas lieu.",
        )
    except DomainError as error:
        refuse(result, "cancel_session", error)
    rooms = list(
        Resource.objects.filter(
            establishment=cast.establishment, kind=Resource.Kind.ROOM, is_active=True, bookable=True
        )
        .exclude(pk=moved.room_id)
        .order_by("name")
    )
    for room in sorted(rooms, key=lambda r: (r.name != "Salle polyvalente", r.name)):
        try:
            change_room(
                actor=cast.deputy,
                session=moved,
                expected_version=moved.version,
                room=room,
                message="Salle habituelle indisponible (travaux).",
            )
            break
        except DomainError:
            continue
    else:
        note(result, "change_room: no free room")
    same_subject = list(
        school.TeachingAssignment.objects.filter(
            school_year=cast.year, subject_id=replaced.assignment.subject_id
        )
        .exclude(teacher_id__in={replaced.teacher_id} | cast.printed_teacher_ids)
        .order_by("teacher_id")
        .values_list("teacher_id", flat=True)
        .distinct()
    )
    others = sorted(set(cast.teachers) - set(same_subject) - {replaced.teacher_id} - cast.printed_teacher_ids)
    for teacher_id in [*same_subject, *others]:
        try:
            replace_teacher(
                actor=cast.deputy,
                session=replaced,
                expected_version=replaced.version,
                teacher=cast.teachers[teacher_id],
                message="Remplacement pendant l'absence du professeur.",
            )
            break
        except DomainError:
            continue
    else:
        note(result, "replace_teacher: no free teacher")
