"""Who may see and change absences, lateness, declarations, contacts and the watch list.

Predicates (`can_*`), their raising twins (`ensure_can_*`) and scopes (`*_visible_to(actor)` ->
QuerySet). Scopes are built from sub-queries and every branch filters on establishment first.

- School-life managers (head, deputies, school life — CPE, surveillants, the censorat in Benin)
  regularise absences and lateness, enter absences by hand, decide guardians' declarations, log
  contacts with families, read and clear the watch list and set the establishment's attendance
  settings (reasons, alert rules).
- The secretary reads absences, lateness, declarations, contacts and statistics (read-only).
- A guardian reads their children's absences and lateness (in the establishment where the
  guardianship is recorded), declares absences for them and reads the declarations about them.
- A student reads their own absences and lateness.
- Teachers see none of this here (the registers are theirs; the council reads counts only)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from carnet.attendance.models import (
    Absence,
    AbsenceDeclaration,
    FamilyContact,
    Lateness,
    WatchEntry,
)
from carnet.core.errors import PermissionDenied
from carnet.school.models import Enrollment, Establishment, Guardianship, StaffFunction
from carnet.school.roles import Roles, current_enrollment_q, roles_of

User = get_user_model()
K = StaffFunction.Kind

#: Functions that regularise absences, decide declarations, keep the watch list and the settings.
ATTENDANCE_MANAGERS = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE})
#: Functions that read every absence of their establishment.
ATTENDANCE_READERS = ATTENDANCE_MANAGERS | {K.SECRETARY}


def managed_establishment_ids(actor) -> frozenset[int]:
    """Establishments where the actor manages attendance. No query beyond the cached roles."""
    roles = roles_of(actor)
    return frozenset(e for e, kinds in roles.functions.items() if kinds & ATTENDANCE_MANAGERS)


def reader_establishment_ids(actor) -> frozenset[int]:
    """Establishments where the actor reads every absence. No query beyond the cached roles."""
    roles = roles_of(actor)
    return frozenset(e for e, kinds in roles.functions.items() if kinds & ATTENDANCE_READERS)


def managed_establishments(actor) -> QuerySet[Establishment]:
    return Establishment.objects.filter(id__in=managed_establishment_ids(actor)).order_by("name")


def read_establishments(actor) -> QuerySet[Establishment]:
    return Establishment.objects.filter(id__in=reader_establishment_ids(actor)).order_by("name")


def can_manage_attendance(actor, establishment) -> bool:
    return establishment.pk in managed_establishment_ids(actor)


def ensure_can_manage_attendance(actor, establishment) -> None:
    if not can_manage_attendance(actor, establishment):
        raise PermissionDenied()


def can_read_attendance(actor, establishment) -> bool:
    return establishment.pk in reader_establishment_ids(actor)


def manages_attendance_somewhere(request) -> bool:
    """For the side menu and widgets: no query beyond the person's cached roles."""
    return bool(managed_establishment_ids(request.user))


def reads_attendance_somewhere(request) -> bool:
    return bool(reader_establishment_ids(request.user))


def is_family(request) -> bool:
    roles = roles_of(request.user)
    return roles.is_student or roles.is_guardian


# --- scopes -------------------------------------------------------------------------------------
def _family_q(roles: Roles) -> Q:
    """Rows (with `student_id`, `establishment_id`) of oneself as a student, or of one's children in
    the establishment where the guardianship is recorded."""
    conditions = Q(pk__in=[])
    if roles.is_student:
        conditions |= Q(establishment_id__in=roles.student_establishment_ids, student_id=roles.user_id)
    if roles.is_guardian:
        guarded = Guardianship.objects.filter(
            guardian_id=roles.user_id,
            student_id=OuterRef("student_id"),
            establishment_id=OuterRef("establishment_id"),
        )
        conditions |= Q(establishment_id__in=roles.child_establishment_ids) & Q(Exists(guarded))
    return conditions


def absences_visible_to(actor) -> QuerySet[Absence]:
    """Every absence of an establishment for its school-life staff and secretary; one's children's
    for a guardian; one's own for a student."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Absence.objects.none()
    conditions = Q(establishment_id__in=reader_establishment_ids(actor)) | _family_q(roles)
    return Absence.objects.filter(conditions)


def latenesses_visible_to(actor) -> QuerySet[Lateness]:
    """The same people as for absences."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Lateness.objects.none()
    conditions = Q(establishment_id__in=reader_establishment_ids(actor)) | _family_q(roles)
    return Lateness.objects.filter(conditions)


def declarations_visible_to(actor) -> QuerySet[AbsenceDeclaration]:
    """Every declaration of an establishment for its school-life staff and secretary; those about
    one's children for a guardian (whoever of the guardians declared it). Students do not read
    their guardians' declarations (they may carry medical details)."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return AbsenceDeclaration.objects.none()
    conditions = Q(establishment_id__in=reader_establishment_ids(actor))
    if roles.is_guardian:
        guarded = Guardianship.objects.filter(
            guardian_id=roles.user_id,
            student_id=OuterRef("student_id"),
            establishment_id=OuterRef("establishment_id"),
        )
        conditions |= Q(establishment_id__in=roles.child_establishment_ids) & Q(Exists(guarded))
    return AbsenceDeclaration.objects.filter(conditions)


def contacts_visible_to(actor) -> QuerySet[FamilyContact]:
    """The contact log is the staff's working notes: school-life staff and secretary only."""
    if roles_of(actor).user_id is None:
        return FamilyContact.objects.none()
    return FamilyContact.objects.filter(establishment_id__in=reader_establishment_ids(actor))


def watch_entries_visible_to(actor) -> QuerySet[WatchEntry]:
    """The watch list: school-life managers only."""
    if roles_of(actor).user_id is None:
        return WatchEntry.objects.none()
    return WatchEntry.objects.filter(establishment_id__in=managed_establishment_ids(actor))


def students_managed_by(actor) -> QuerySet:
    """Students currently enrolled in an establishment where the actor manages attendance (those
    for whom they may enter an absence or log a contact)."""
    ids = managed_establishment_ids(actor)
    enrolled = Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=ids).values(
        "student_id"
    )
    return User.objects.filter(is_active=True, id__in=enrolled)


def guardianship_of(actor, student) -> Guardianship | None:
    """The actor's guardianship of `student` in an establishment where the student is enrolled
    (the establishment it is recorded in), or None."""
    if roles_of(actor).user_id is None or student is None:
        return None
    enrolled_in = Enrollment.objects.filter(student_id=student.pk).values("establishment_id")
    return (
        Guardianship.objects.filter(
            guardian_id=actor.pk, student_id=student.pk, establishment_id__in=enrolled_in
        )
        .select_related("establishment")
        .order_by("id")
        .first()
    )
