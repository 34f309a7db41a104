"""Who may see a student's school-life record, and how much of it; who prepares letters to families
and sets the conduct rule.

The record (decided conservatively; each person sees the union of what their roles give):

| viewer | sees |
|---|---|
| head, deputy, school-life staff of the student's establishment | everything: timetable, absences, lateness, counts, exemptions, measures with their reasons, incidents (the student's own part only, never the other students involved), watch list, conduct suggestion, links to the attendance and discipline pages |
| main teacher of the student's current class | timetable, absences, lateness, counts, exemptions; measures as type, date and follow-up only (no reason, no incident); no watch list, no suggestion |
| the student (own record) | timetable, absences, lateness, counts, exemptions; their measures with reasons when `DisciplineSettings.students_see` |
| a guardian of the student | the same as the student, and for discipline what `DisciplineSettings.guardians_see` says: nothing, sanctions only, punishments and sanctions, or also the incidents that motivate them (the child's part only) |
| anyone else (other teachers, the secretary, another establishment) | 404 |

Letters to families (templates, mailings) and the conduct suggestion are for the head, deputies
and school-life staff of the establishment; the conduct rule is edited by the head and deputies."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from carnet.core.errors import NotFound, PermissionDenied
from carnet.discipline.models import DisciplineSettings
from carnet.school.models import Enrollment, Establishment, StaffFunction
from carnet.school.roles import current_enrollment_q, roles_of

User = get_user_model()
K = StaffFunction.Kind

#: Functions that see whole records and prepare letters to families.
SCHOOL_LIFE_STAFF = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE})
#: Functions that edit the establishment's conduct rule.
RULE_EDITORS = frozenset({K.HEAD, K.DEPUTY})

GuardianView = DisciplineSettings.GuardianView


def staff_establishment_ids(actor) -> list[int]:
    """Establishments where `actor` is head, deputy or school-life staff (no query: cached roles)."""
    roles = roles_of(actor)
    return sorted(e for e, kinds in roles.functions.items() if kinds & SCHOOL_LIFE_STAFF)


def is_school_life_staff(actor, establishment: Establishment | int) -> bool:
    establishment_id = establishment if isinstance(establishment, int) else establishment.pk
    return roles_of(actor).has_function(establishment_id, *SCHOOL_LIFE_STAFF)


def ensure_school_life_staff(actor, establishment) -> None:
    if not is_school_life_staff(actor, establishment):
        raise PermissionDenied()


def can_edit_conduct_rule(actor, establishment) -> bool:
    return roles_of(actor).has_function(establishment.pk, *RULE_EDITORS)


def ensure_can_edit_conduct_rule(actor, establishment) -> None:
    if not can_edit_conduct_rule(actor, establishment):
        raise PermissionDenied()


def establishments_for_letters(actor) -> QuerySet[Establishment]:
    return Establishment.objects.filter(id__in=staff_establishment_ids(actor)).order_by("name")


# --- the record ---------------------------------------------------------------------------------
def record_students_visible_to(actor) -> QuerySet:
    """Students whose record `actor` may open: the current students of the establishments where they
    are head, deputy or school life; those of the classes they are main teacher of; their children;
    themselves. One query when evaluated (sub-queries)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return User.objects.none()
    conditions = Q(id__in=roles.child_ids)
    staff_ids = staff_establishment_ids(actor)
    if staff_ids:
        conditions |= Q(
            id__in=Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=staff_ids).values(
                "student_id"
            )
        )
    if roles.main_teacher_class_ids:
        conditions |= Q(
            id__in=Enrollment.objects.filter(
                current_enrollment_q(), school_class_id__in=roles.main_teacher_class_ids
            ).values("student_id")
        )
    if roles.is_student:
        conditions |= Q(id=roles.user_id)
    return User.objects.filter(is_active=True).filter(conditions)


PUNISHMENT = "punishment"
SANCTION = "sanction"
BOTH = frozenset({PUNISHMENT, SANCTION})


@dataclass(frozen=True)
class RecordAccess:
    """What one viewer sees of one student's record (see the module's table). `measures` and
    `measure_reasons` are sets of measure categories ("punishment", "sanction")."""

    is_staff: bool = False
    is_main_teacher: bool = False
    is_self: bool = False
    is_guardian: bool = False
    measures: frozenset[str] = frozenset()
    measure_reasons: frozenset[str] = frozenset()
    incidents: bool = False
    cancelled_measures: bool = False

    @property
    def watch_list(self) -> bool:
        return self.is_staff

    @property
    def conduct(self) -> bool:
        return self.is_staff

    @property
    def discipline(self) -> bool:
        return bool(self.measures) or self.incidents

    @property
    def family(self) -> bool:
        """Seen as the family (the student or a guardian) rather than by the school."""
        return not (self.is_staff or self.is_main_teacher)


def record_access(actor, student, enrollment, discipline_settings: DisciplineSettings | None) -> RecordAccess:
    """The access of `actor` to `student`'s record, given the student's current `enrollment`
    (None: not enrolled this year) and the establishment's discipline settings (None: the
    defaults). Raises NotFound when `actor` may not open it. No query."""
    roles = roles_of(actor)
    if roles.user_id is None or not student.is_active:
        raise NotFound()
    establishment_id = enrollment.establishment_id if enrollment is not None else None
    settings = discipline_settings or DisciplineSettings()
    is_staff = establishment_id is not None and is_school_life_staff(actor, establishment_id)
    is_main = enrollment is not None and enrollment.school_class_id in roles.main_teacher_class_ids
    is_self = roles.is_student and student.pk == roles.user_id and enrollment is not None
    is_guardian = student.pk in roles.child_ids
    if not (is_staff or is_main or is_self or is_guardian):
        raise NotFound()
    flags = {"is_staff": is_staff, "is_main_teacher": is_main, "is_self": is_self, "is_guardian": is_guardian}
    if is_staff:
        return RecordAccess(
            **flags, measures=BOTH, measure_reasons=BOTH, incidents=True, cancelled_measures=True
        )
    measures: set[str] = set()
    reasons: set[str] = set()
    if is_main:
        measures |= BOTH
    if is_self and settings.students_see:
        measures |= BOTH
        reasons |= BOTH
    if is_guardian:
        seen = settings.guardians_see
        shown = (
            {SANCTION}
            if seen == GuardianView.SANCTIONS
            else BOTH
            if seen in (GuardianView.MEASURES, GuardianView.ALL)
            else set()
        )
        measures |= shown
        reasons |= shown
    return RecordAccess(
        **flags,
        measures=frozenset(measures),
        measure_reasons=frozenset(reasons),
        incidents=is_guardian and settings.guardians_see == GuardianView.ALL,
    )
