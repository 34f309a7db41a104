"""The school-life record and the conduct-mark suggestion in the API: the same people, the same
scopes and refusals as the pages (`/vie-scolaire/…`)."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from carnet.core.api import error_responses
from carnet.core.api import lazy_text as _
from carnet.core.errors import NotFound
from carnet.grades.profiles import profile_for
from carnet.grades.services import locks
from carnet.school.models import Period, SchoolClass
from carnet.schoollife import policies, selectors
from carnet.schoollife.services import conduct as conduct_service

router = Router(tags=["schoollife"])


# --- schemas -----------------------------------------------------------------------------------
class StudentOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    school_class: str
    national_id: str = Field(
        description="INE (France) ou matricule EducMaster (Bénin), vide s'il n'est pas connu."
    )


class SessionOut(Schema):
    id: UUID
    held_on: dt.date
    start_time: dt.time
    end_time: dt.time
    subject: str
    room: str | None
    teacher: str
    status: str = Field(description="scheduled (prévue) ou cancelled (annulée).")
    moved: bool
    replaced: bool = Field(description="Assurée par un autre enseignant que d'habitude.")
    room_changed: bool
    is_extra: bool
    absent: bool = Field(description="L'élève était absent à cette séance.")
    late_minutes: int | None
    exempted: bool = Field(description="Une dispense couvre cette séance.")


class CountsOut(Schema):
    absences: int = Field(description="Épisodes d'absence de l'année.")
    half_days: int
    justified: int = Field(description="Demi-journées justifiées.")
    unjustified: int = Field(description="Demi-journées non justifiées.")
    to_justify: int = Field(description="Demi-journées encore à justifier.")
    lateness: int
    lateness_minutes: int


class AbsenceOut(Schema):
    id: UUID
    starts_at: dt.datetime
    ends_at: dt.datetime
    half_days: int
    state: str = Field(description="to_justify, justified ou unjustified.")
    reason: str | None


class LatenessOut(Schema):
    id: UUID
    occurred_at: dt.datetime
    minutes: int
    state: str
    reason: str | None
    subject: str | None


class ExemptionOut(Schema):
    id: UUID
    subject: str
    starts_on: dt.date
    ends_on: dt.date
    weekdays: list[int] = Field(
        description="Jours concernés (0 = lundi) ; vide = tous les cours de la matière."
    )
    must_attend: bool


class MeasureOut(Schema):
    id: UUID
    name: str
    category: str = Field(description="punishment (punition scolaire) ou sanction (sanction disciplinaire).")
    decided_on: dt.date
    status: str
    due_on: dt.date | None
    reason: str | None = Field(description="Le motif, quand la personne peut le voir ; sinon null.")


class IncidentOut(Schema):
    id: UUID
    occurred_at: dt.datetime
    place: str
    seriousness: int
    role: str = Field(
        description="La part de l'élève : author, victim ou witness. Les autres élèves ne sont jamais nommés."
    )
    description: str


class WatchOut(Schema):
    reason: str
    raised_at: dt.datetime


class SuggestionOut(Schema):
    period: UUID
    period_name: str
    value: Decimal = Field(description="La note suggérée sur 20 (deux décimales, arrondi au plus proche).")
    reasons: list[str] = Field(description="Le calcul, une étape par ligne, en mots.")
    unjustified_half_days: int
    lateness: int
    mark: Decimal | None = Field(
        description="La note de conduite retenue pour la période, null s'il n'y en a pas."
    )
    mark_version: int | None
    enabled: bool = Field(
        description="La conduite est-elle comptée comme une matière (sinon la suggestion reste indicative) ?"
    )


class RecordOut(Schema):
    student: StudentOut
    week_monday: dt.date
    sessions: list[SessionOut]
    counts: CountsOut
    absences: list[AbsenceOut]
    lateness: list[LatenessOut]
    exemptions: list[ExemptionOut]
    measures: list[MeasureOut]
    incidents: list[IncidentOut]
    watch: list[WatchOut] = Field(
        description="Liste de suivi (vie scolaire seulement ; vide pour les autres)."
    )
    conduct: SuggestionOut | None = Field(
        description="Suggestion de la période en cours (vie scolaire seulement)."
    )


class StudentRowOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    school_class: str
    unjustified_half_days: int
    to_justify_half_days: int
    lateness: int
    watched: bool


class StudentFilter(Schema):
    q: str = Field("", max_length=100, description="Nom ou prénom, en tout ou partie.")
    school_class: UUID | None = Field(None, description="Une classe.")
    watched: bool = Field(False, description="Seulement les élèves de la liste de suivi.")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=100)


class StudentPageOut(Schema):
    items: list[StudentRowOut]
    count: int


class ConductRowOut(Schema):
    student: UUID
    full_name: str
    value: Decimal
    reasons: list[str]
    unjustified_half_days: int
    pending_half_days: int
    lateness: int
    measures: int
    mark: Decimal | None
    mark_version: int | None


class ConductClassOut(Schema):
    school_class: UUID
    period: UUID
    enabled: bool
    locked: bool = Field(
        description="Le conseil de classe de la période est clos : la validation est refusée."
    )
    starting_mark: Decimal
    per_unjustified_half_day: Decimal
    per_lateness: Decimal
    students: list[ConductRowOut]


class ValidationIn(Schema):
    student: UUID
    expected_value: str | None = Field(
        None,
        description="La suggestion affichée (« 14,5 ») : si elle a changé depuis, refus `suggestion_changed`.",
    )
    expected_version: int | None = Field(
        description="La version de la note de conduite lue, null s'il n'y en avait pas."
    )


class ValidateIn(Schema):
    items: list[ValidationIn] = Field(min_length=1, max_length=200)


class ConductMarkOut(Schema):
    student: UUID
    value: Decimal | None
    version: int | None


# --- helpers -----------------------------------------------------------------------------------
def _record_out(data: selectors.Record) -> RecordOut:
    student, enrollment, access = data.student, data.enrollment, data.access
    assert enrollment is not None
    sessions = []
    for day in data.week.days if data.week else []:
        for line in day.sessions:
            s = line.session
            sessions.append(
                SessionOut(
                    id=s.public_id,
                    held_on=s.held_on,
                    start_time=s.start_time,
                    end_time=s.end_time,
                    subject=s.assignment.subject.name,
                    room=s.room.name if s.room else None,
                    teacher=s.teacher.full_name,
                    status=s.status,
                    moved=line.moved,
                    replaced=line.replaced,
                    room_changed=line.room_changed,
                    is_extra=s.is_extra,
                    absent=line.absent,
                    late_minutes=line.late_minutes,
                    exempted=line.exemption is not None,
                )
            )
    conduct = None
    if data.conduct is not None:
        c = data.conduct
        conduct = SuggestionOut(
            period=c.period.public_id,
            period_name=c.period.name,
            value=c.suggestion.value,
            reasons=c.suggestion.reasons,
            unjustified_half_days=c.suggestion.unjustified_half_days,
            lateness=c.suggestion.lateness,
            mark=c.mark.value if c.mark else None,
            mark_version=c.mark.version if c.mark else None,
            enabled=c.enabled,
        )
    counts = data.counts
    return RecordOut(
        student=StudentOut(
            id=student.public_id,
            first_name=student.first_name,
            last_name=student.last_name,
            school_class=enrollment.school_class.name,
            national_id=enrollment.national_id,
        ),
        week_monday=data.week.monday if data.week else selectors.monday_of(data.today),
        sessions=sessions,
        counts=CountsOut(
            absences=counts.absences,
            half_days=counts.half_days,
            justified=counts.justified,
            unjustified=counts.unjustified,
            to_justify=counts.to_justify,
            lateness=counts.lateness,
            lateness_minutes=counts.lateness_minutes,
        ),
        absences=[
            AbsenceOut(
                id=line.absence.public_id,
                starts_at=line.absence.starts_at,
                ends_at=line.absence.ends_at,
                half_days=line.absence.half_days,
                state=line.absence.state,
                reason=line.absence.reason.label if line.absence.reason else None,
            )
            for line in data.absences
        ],
        lateness=[
            LatenessOut(
                id=item.public_id,
                occurred_at=item.occurred_at,
                minutes=item.minutes,
                state=item.state,
                reason=item.reason.label if item.reason else None,
                subject=item.session.assignment.subject.name if item.session else None,
            )
            for item in data.lateness
        ],
        exemptions=[
            ExemptionOut(
                id=e.public_id,
                subject=e.subject.name,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                weekdays=list(e.weekdays or []),
                must_attend=e.must_attend,
            )
            for e in data.exemptions
        ],
        measures=[
            MeasureOut(
                id=line.measure.public_id,
                name=line.measure.measure_type.name,
                category=line.measure.measure_type.category,
                decided_on=line.measure.decided_on,
                status=line.measure.status,
                due_on=line.measure.due_on,
                reason=line.measure.reason if line.show_reason else None,
            )
            for line in data.measures
        ],
        incidents=[
            IncidentOut(
                id=part.incident.public_id,
                occurred_at=part.incident.occurred_at,
                place=part.incident.place,
                seriousness=part.incident.seriousness,
                role=part.role,
                description=part.incident.description,
            )
            for part in data.incidents
        ],
        watch=[WatchOut(reason=w.reason, raised_at=w.raised_at) for w in data.watch]
        if access.watch_list
        else [],
        conduct=conduct,
    )


def _class_and_period(request, class_id: UUID, period_id: UUID) -> tuple[SchoolClass, Period]:
    school_class = get_object_or_404(
        SchoolClass.objects.filter(
            establishment_id__in=policies.staff_establishment_ids(request.user), school_year__is_current=True
        ).select_related("establishment", "school_year"),
        public_id=class_id,
    )
    period = get_object_or_404(
        Period.objects.select_related("establishment"),
        public_id=period_id,
        school_year_id=school_class.school_year_id,
    )
    return school_class, period


# --- endpoints ---------------------------------------------------------------------------------
@router.get(
    "/students",
    response={200: StudentPageOut, **error_responses(401, 404, 422)},
    summary=_("Élèves dont on peut ouvrir le dossier"),
    description=_(
        "Pour la direction, ses adjoints et la vie scolaire : les élèves de l'établissement ; pour un professeur "
        "principal : ceux de sa classe. Avec les compteurs de l'année (demi-journées non justifiées, à justifier, "
        "retards) et la présence sur la liste de suivi. Paginé (`page`, `page_size`)."
    ),
)
def students(request, filters: Query[StudentFilter]):
    school_class = None
    if filters.school_class is not None:
        school_class = get_object_or_404(
            selectors.classes_for_search(request.user), public_id=filters.school_class
        )
    page, rows = selectors.students_page(
        request.user,
        query=filters.q,
        school_class=school_class,
        watched_only=filters.watched,
        page=filters.page,
        per_page=filters.page_size,
    )
    items = [
        StudentRowOut(
            id=row.enrollment.student.public_id,
            first_name=row.enrollment.student.first_name,
            last_name=row.enrollment.student.last_name,
            school_class=row.enrollment.school_class.name,
            unjustified_half_days=row.counts.unjustified,
            to_justify_half_days=row.counts.to_justify,
            lateness=row.counts.lateness,
            watched=row.watched,
        )
        for row in rows
    ]
    if filters.page > max(page.paginator.num_pages, 1):
        items = []
    return StudentPageOut(items=items, count=page.paginator.count)


@router.get(
    "/students/{student_id}/record",
    response={200: RecordOut, **error_responses(401, 404)},
    summary=_("Dossier vie scolaire d'un élève"),
    description=_(
        "Emploi du temps de la semaine (`week` : un jour de la semaine voulue, par défaut aujourd'hui), absences et "
        "retards de l'année avec leurs compteurs, dispenses en cours, discipline et, pour la vie scolaire, liste de "
        "suivi et note de conduite suggérée. Pour la vie scolaire et la direction de l'établissement, le professeur "
        "principal de la classe (sans le détail de la discipline), l'élève et ses responsables (discipline selon les "
        "réglages de l'établissement) ; 404 pour tout autre."
    ),
)
def record(request, student_id: UUID, week: dt.date | None = None):
    return _record_out(selectors.student_record(request.user, student_id, week_of=week))


@router.get(
    "/conduct/{class_id}/{period_id}",
    response={200: ConductClassOut, **error_responses(401, 404)},
    summary=_("Notes de conduite suggérées d'une classe"),
    description=_(
        "Pour chaque élève de la classe : la note suggérée par la règle de l'établissement, son calcul en mots et la "
        "note de conduite déjà retenue. Direction, adjoints et vie scolaire (404 pour les autres)."
    ),
)
def conduct_class(request, class_id: UUID, period_id: UUID):
    school_class, period = _class_and_period(request, class_id, period_id)
    rows = conduct_service.class_suggestions(school_class, period)
    rule = conduct_service.rule_for(school_class.establishment)
    return ConductClassOut(
        school_class=school_class.public_id,
        period=period.public_id,
        enabled=profile_for(school_class.establishment).conduct_enabled,
        locked=locks.is_locked(period, school_class),
        starting_mark=rule.starting_mark,
        per_unjustified_half_day=rule.per_unjustified_half_day,
        per_lateness=rule.per_lateness,
        students=[
            ConductRowOut(
                student=row.student.public_id,
                full_name=row.student.full_name,
                value=row.suggestion.value,
                reasons=row.suggestion.reasons,
                unjustified_half_days=row.suggestion.unjustified_half_days,
                pending_half_days=row.suggestion.pending_half_days,
                lateness=row.suggestion.lateness,
                measures=len(row.suggestion.measures),
                mark=row.mark.value if row.mark else None,
                mark_version=row.mark.version if row.mark else None,
            )
            for row in rows
        ],
    )


@router.post(
    "/conduct/{class_id}/{period_id}/validate",
    response={200: list[ConductMarkOut], **error_responses(401, 403, 404, 409, 422)},
    summary=_("Valider des notes de conduite suggérées"),
    description=_(
        "Écrit la suggestion actuelle comme note de conduite de chaque élève donné, tout ou rien. Refus : "
        "`suggestion_changed` (la suggestion n'est plus celle lue), `conduct_conflict` (la note a changé), "
        "`period_locked` (conseil de classe clos), `validation_failed` (la conduite n'est pas comptée dans "
        "l'établissement)."
    ),
)
def conduct_validate(request, class_id: UUID, period_id: UUID, payload: ValidateIn):
    school_class, period = _class_and_period(request, class_id, period_id)
    students = {
        row.student.public_id: row.student for row in conduct_service.class_suggestions(school_class, period)
    }
    items = []
    for item in payload.items:
        student = students.get(item.student)
        if student is None:
            raise NotFound()
        items.append(
            conduct_service.Validation(
                student=student, expected_value=item.expected_value, expected_version=item.expected_version
            )
        )
    marks = conduct_service.validate_many(actor=request.user, period=period, items=items)
    return [
        ConductMarkOut(
            student=item.student.public_id,
            value=mark.value if mark else None,
            version=mark.version if mark else None,
        )
        for item, mark in zip(items, marks, strict=True)
    ]
