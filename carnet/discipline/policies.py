"""Who may see and do what in discipline.

Predicates (`can_*`), their raising twins (`ensure_can_*`) and scopes (`*_visible_to(actor)` ->
QuerySet). Scopes are built from sub-queries and every branch filters on establishment first.

School side (pages and API of incidents and measures):
- The discipline staff of an establishment — head, deputies (censeur), school life (CPE,
  surveillants) — see every incident and measure there, report incidents, decide punishments for
  any of its students, keep the catalogue and the settings. The secretary and the IT administrator
  see nothing of discipline: these are sensitive records, and nothing in their work needs them.
- Only the head and the deputies decide sanctions (in France the head decides them alone or
  through the disciplinary council, whose decision the head records; in Benin the head or the
  censeur).
- A teacher reports incidents involving any student of their establishment and decides
  punishments for the students they teach (this year, in a class or a group). A teacher sees the
  incidents they reported and those in which a student they teach is an *author*; not those where
  a taught student is only a victim or a witness (the school-life staff follow those). In an
  incident they did not report, a teacher reads the names of the participants they teach only
  (`visible_participant_ids`): the names of victims and witnesses are sensitive. A teacher sees
  the measures they decided and the measures of the students they teach; they change only the
  punishments they decided themselves.

Family side (`family_measures_visible_to`), by the establishment's `DisciplineSettings`:
- guardians see, for their children in the establishment where the guardianship is recorded:
  nothing, the sanctions only, punishments and sanctions, or those and the incidents that
  motivated them (the incident's date, place, description, seriousness and the child's own part,
  never other students' names);
- a student sees their own punishments and sanctions when `students_see` (and the motivating
  incidents, the same way, when guardians see them).
Cancelled measures are not shown to families."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from carnet.core.errors import NotFound, PermissionDenied
from carnet.discipline.models import DisciplineSettings, Incident, IncidentParticipant, Measure, MeasureType
from carnet.school.models import Enrollment, Guardianship, StaffFunction, TeachingGroup
from carnet.school.roles import Roles, current_enrollment_q, roles_of

User = get_user_model()
K = StaffFunction.Kind

#: Functions that see every incident and measure of their establishment and keep its catalogue.
DISCIPLINE_STAFF = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE})
#: Functions that decide sanctions.
SANCTION_DECIDERS = frozenset({K.HEAD, K.DEPUTY})
#: Functions that report incidents and decide punishments (teachers for the students they teach).
REPORTERS = DISCIPLINE_STAFF | {K.TEACHER}

GuardianView = DisciplineSettings.GuardianView
Category = MeasureType.Category

#: Fields of a measure its follow-up changes; any other change is a change of the decision.
FOLLOW_UP_FIELDS = frozenset({"status", "follow_up", "due_on"})


def _establishments_with(roles: Roles, kinds: Iterable[str]) -> frozenset[int]:
    wanted = set(kinds)
    return frozenset(e for e, held in roles.functions.items() if held & wanted)


def staff_establishment_ids(actor) -> frozenset[int]:
    """Establishments where the actor is discipline staff (head, deputy, school life)."""
    return _establishments_with(roles_of(actor), DISCIPLINE_STAFF)


def reporting_establishment_ids(actor) -> frozenset[int]:
    """Establishments where the actor reports incidents: discipline staff and teachers."""
    return _establishments_with(roles_of(actor), REPORTERS)


def uses_discipline(request) -> bool:
    """For the side menu: no query beyond the person's cached roles."""
    return bool(reporting_establishment_ids(request.user))


def is_staff_in(actor, establishment_id: int) -> bool:
    return roles_of(actor).has_function(establishment_id, *DISCIPLINE_STAFF)


def can_decide_sanctions(actor, establishment_id: int) -> bool:
    return roles_of(actor).has_function(establishment_id, *SANCTION_DECIDERS)


def can_manage_catalogue(actor, establishment) -> bool:
    """Head, deputies and school life keep the catalogue and the settings."""
    return is_staff_in(actor, establishment.pk)


def ensure_can_manage_catalogue(actor, establishment) -> None:
    if not can_manage_catalogue(actor, establishment):
        raise PermissionDenied()


def can_report_in(actor, establishment) -> bool:
    return establishment.pk in reporting_establishment_ids(actor)


# --- students ---------------------------------------------------------------------------------
def taught_students(roles: Roles) -> QuerySet:
    """Ids (a `values` sub-query) of the students the person teaches this year, in a class or a group."""
    in_classes = Enrollment.objects.filter(
        current_enrollment_q(), school_class_id__in=roles.taught_class_ids
    ).values("student_id")
    in_groups = TeachingGroup.students.through.objects.filter(
        teachinggroup_id__in=roles.taught_group_ids
    ).values("user_id")
    return User.objects.filter(Q(id__in=in_classes) | Q(id__in=in_groups)).values("id")


def taught_student_ids(actor) -> set[int]:
    """The ids of the students the actor teaches (one query; empty for someone who does not teach)."""
    roles = roles_of(actor)
    if not (roles.taught_class_ids or roles.taught_group_ids):
        return set()
    return set(taught_students(roles).values_list("id", flat=True))


def students_of_establishment(establishment, school_year=None) -> QuerySet:
    """Active students enrolled in the establishment: currently (by default) or at any time of
    `school_year`."""
    enrollments = Enrollment.objects.filter(establishment=establishment)
    if school_year is None:
        enrollments = enrollments.filter(current_enrollment_q())
    else:
        enrollments = enrollments.filter(school_year=school_year)
    return User.objects.filter(is_active=True, id__in=enrollments.values("student_id"))


def students_for_measures(actor, establishment) -> QuerySet:
    """The students for whom the actor may decide a punishment in the establishment: every current
    student for its discipline staff, the taught ones for a teacher."""
    students = students_of_establishment(establishment)
    if is_staff_in(actor, establishment.pk):
        return students
    roles = roles_of(actor)
    if establishment.pk not in roles.functions:
        return students.none()
    return students.filter(id__in=taught_students(roles))


def can_decide(actor, *, establishment, student, category: str) -> bool:
    """A sanction: head and deputies of the establishment. A punishment: its discipline staff for
    any current student, a teacher for a student they teach."""
    if category == Category.SANCTION:
        return can_decide_sanctions(actor, establishment.pk)
    return students_for_measures(actor, establishment).filter(pk=student.pk).exists()


def ensure_can_decide(actor, *, establishment, student, category: str) -> None:
    if not can_decide(actor, establishment=establishment, student=student, category=category):
        raise PermissionDenied(_refusal(category))


def _refusal(category: str):
    if category == Category.SANCTION:
        return _(
            "Une sanction est décidée par le chef d'établissement ou son adjoint ; proposez une punition, ou signalez l'incident à la vie scolaire."
        )
    return _("Vous ne pouvez punir que les élèves à qui vous enseignez.")


# --- incidents ----------------------------------------------------------------------------------
def incidents_visible_to(actor) -> QuerySet[Incident]:
    """Every incident of an establishment for its discipline staff; for a teacher, the incidents
    they reported and those in which a student they teach is an author (in the establishments
    where they work)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Incident.objects.none()
    conditions = Q(establishment_id__in=_establishments_with(roles, DISCIPLINE_STAFF))
    teaching = _establishments_with(roles, {K.TEACHER})
    if teaching:
        authored = IncidentParticipant.objects.filter(
            incident_id=OuterRef("pk"),
            role=IncidentParticipant.Role.AUTHOR,
            student_id__in=taught_students(roles),
        )
        conditions |= Q(establishment_id__in=teaching) & (
            Q(reported_by_id=roles.user_id) | Q(Exists(authored))
        )
    return Incident.objects.filter(conditions)


def can_edit_incident(actor, incident: Incident) -> bool:
    """The discipline staff of its establishment and the person who reported it (while they still
    work there)."""
    if is_staff_in(actor, incident.establishment_id):
        return True
    return incident.reported_by_id == actor.pk and incident.establishment_id in reporting_establishment_ids(
        actor
    )


def ensure_can_edit_incident(actor, incident: Incident) -> None:
    """NotFound when the actor does not even see the incident, PermissionDenied when they see it
    but may not change it."""
    if can_edit_incident(actor, incident):
        return
    if incidents_visible_to(actor).filter(pk=incident.pk).exists():
        raise PermissionDenied()
    raise NotFound()


def visible_participant_ids(actor, incident: Incident, taught_ids: set[int] | None = None) -> set[int] | None:
    """The student ids among the incident's participants whose names the actor may read; None
    means all of them (discipline staff, the reporter). `taught_ids`: `taught_student_ids(actor)`
    when already computed for a list."""
    if can_edit_incident(actor, incident):
        return None
    return set(taught_ids if taught_ids is not None else taught_student_ids(actor))


# --- measures -----------------------------------------------------------------------------------
def measures_visible_to(actor) -> QuerySet[Measure]:
    """School side: every measure of an establishment for its discipline staff; for a teacher,
    those they decided and those of the students they teach (in the establishments where they
    work)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Measure.objects.none()
    conditions = Q(establishment_id__in=_establishments_with(roles, DISCIPLINE_STAFF))
    teaching = _establishments_with(roles, {K.TEACHER})
    if teaching:
        conditions |= Q(establishment_id__in=teaching) & (
            Q(decided_by_id=roles.user_id) | Q(student_id__in=taught_students(roles))
        )
    return Measure.objects.filter(conditions)


def can_edit_measure(actor, measure: Measure, fields: Iterable[str] = ()) -> bool:
    """Head and deputies change any measure of their establishment; school life changes the
    follow-up (status, comment, due date) of any measure and everything of a punishment; a teacher
    changes the punishments they decided."""
    establishment_id = measure.establishment_id
    if can_decide_sanctions(actor, establishment_id):
        return True
    category = measure.measure_type.category
    if is_staff_in(actor, establishment_id):
        return category == Category.PUNISHMENT or set(fields) <= FOLLOW_UP_FIELDS
    return (
        category == Category.PUNISHMENT
        and measure.decided_by_id == actor.pk
        and establishment_id in reporting_establishment_ids(actor)
    )


def ensure_can_edit_measure(actor, measure: Measure, fields: Iterable[str] = ()) -> None:
    if can_edit_measure(actor, measure, fields):
        return
    if measures_visible_to(actor).filter(pk=measure.pk).exists():
        raise PermissionDenied()
    raise NotFound()


# --- families -----------------------------------------------------------------------------------
def settings_of(establishment_ids: Iterable[int]) -> dict[int, DisciplineSettings]:
    """The settings of each establishment (unsaved defaults where none were recorded). One query."""
    ids = set(establishment_ids)
    found = {s.establishment_id: s for s in DisciplineSettings.objects.filter(establishment_id__in=ids)}
    return {e: found.get(e) or DisciplineSettings(establishment_id=e) for e in ids}


def family_measures_visible_to(actor) -> QuerySet[Measure]:
    """Family side: one's own measures for a student (when the establishment lets students see
    them), the children's for a guardian as the establishment's `guardians_see` says. Never a
    cancelled measure."""
    roles = roles_of(actor)
    if roles.user_id is None or not (roles.is_student or roles.is_guardian):
        return Measure.objects.none()
    settings = settings_of(roles.student_establishment_ids | roles.child_establishment_ids)
    conditions = Q(pk__in=[])
    own = [e for e in roles.student_establishment_ids if settings[e].students_see]
    if own:
        conditions |= Q(establishment_id__in=own, student_id=roles.user_id)
    if roles.is_guardian:
        guarded = Exists(
            Guardianship.objects.filter(
                guardian_id=roles.user_id,
                student_id=OuterRef("student_id"),
                establishment_id=OuterRef("establishment_id"),
            )
        )
        all_measures = [
            e
            for e in roles.child_establishment_ids
            if settings[e].guardians_see in (GuardianView.MEASURES, GuardianView.ALL)
        ]
        sanctions = [
            e for e in roles.child_establishment_ids if settings[e].guardians_see == GuardianView.SANCTIONS
        ]
        if all_measures:
            conditions |= Q(establishment_id__in=all_measures) & Q(guarded)
        if sanctions:
            conditions |= Q(establishment_id__in=sanctions, measure_type__category=Category.SANCTION) & Q(
                guarded
            )
    return Measure.objects.filter(conditions).exclude(status=Measure.Status.CANCELLED)


def family_sees_incidents(settings: DisciplineSettings) -> bool:
    """Whether families read the incidents that motivated the measures they see."""
    return settings.guardians_see == GuardianView.ALL


def measure_visible_to_guardians(settings: DisciplineSettings, measure_type: MeasureType) -> bool:
    view = settings.guardians_see
    if view in (GuardianView.MEASURES, GuardianView.ALL):
        return True
    return view == GuardianView.SANCTIONS and measure_type.category == Category.SANCTION
