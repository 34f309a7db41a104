"""Who may take registers and handle exemptions (roll call part of the attendance app).

- The register of a session is taken or corrected by the session's teacher (`Session.teacher`,
  which is the replacement teacher when there is one) and by school-life staff of its
  establishment (head, deputy, CPE/surveillants). Anyone else gets 404, as for a missing session.
- Exemptions are written by school-life staff; they are read by school-life staff and the
  secretary of the establishment, by the student and by the student's guardians (in the
  establishment where the guardianship is recorded). A certificate is downloadable by school-life
  staff, the student and the guardians only.

Scopes filter on the establishment first and are built from the cached roles (no query of their
own beyond the person's roles)."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from carnet.attendance.models import Exemption
from carnet.core.errors import NotFound, PermissionDenied
from carnet.school.models import Enrollment, Guardianship, StaffFunction
from carnet.school.roles import current_enrollment_q, roles_of
from carnet.timetable.models import Session

K = StaffFunction.Kind

#: School-life staff: take or correct any register of the establishment, any day; see the missing
#: registers; create, change and end exemptions; download certificates.
SCHOOL_LIFE = frozenset({K.HEAD, K.DEPUTY, K.SCHOOL_LIFE})

#: May read exemptions (not change them, not download certificates).
EXEMPTION_READERS = SCHOOL_LIFE | {K.SECRETARY}


def school_life_establishment_ids(actor) -> frozenset[int]:
    roles = roles_of(actor)
    return frozenset(e for e, kinds in roles.functions.items() if kinds & SCHOOL_LIFE)


def is_school_life(actor, establishment_id: int) -> bool:
    return roles_of(actor).has_function(establishment_id, *SCHOOL_LIFE)


# --- registers ----------------------------------------------------------------------------------
def sessions_for_roll_call(actor) -> QuerySet[Session]:
    """Sessions whose register `actor` may open: the ones they teach, and every session of the
    establishments where they are school-life staff."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Session.objects.none()
    return Session.objects.filter(
        Q(teacher_id=roles.user_id) | Q(establishment_id__in=school_life_establishment_ids(actor))
    )


def can_take_register(actor, session: Session) -> bool:
    roles = roles_of(actor)
    if roles.user_id is None:
        return False
    return session.teacher_id == roles.user_id or is_school_life(actor, session.establishment_id)


def ensure_can_take_register(actor, session: Session) -> None:
    """NotFound: a register one may not take is one that does not exist, for that person."""
    if not can_take_register(actor, session):
        raise NotFound()


def can_correct_any_day(actor, session: Session) -> bool:
    """School-life staff correct registers of any day; a teacher is bound by the establishment's
    `correction_same_day_only` setting."""
    return is_school_life(actor, session.establishment_id)


def can_see_missing_registers(actor) -> bool:
    return bool(school_life_establishment_ids(actor))


# --- exemptions ---------------------------------------------------------------------------------
def exemptions_visible_to(actor) -> QuerySet[Exemption]:
    """School-life staff and the secretary: every exemption of their establishments; a student:
    their own; a guardian: their children's, in the establishment of the guardianship."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return Exemption.objects.none()
    conditions = Q(establishment_id__in=exemption_reader_establishment_ids(actor))
    if roles.is_student:
        conditions |= Q(student_id=roles.user_id, establishment_id__in=roles.student_establishment_ids)
    if roles.is_guardian:
        # The guardianship must be recorded in the exemption's establishment (same join row).
        conditions |= Q(
            id__in=Exemption.objects.filter(
                student__guardianships_as_student__guardian_id=roles.user_id,
                student__guardianships_as_student__establishment_id=F("establishment_id"),
            ).values("id")
        )
    return Exemption.objects.filter(conditions)


def exemption_reader_establishment_ids(actor) -> list[int]:
    """Establishments whose exemptions the person reads as staff, in a stable order."""
    roles = roles_of(actor)
    return sorted(e for e, kinds in roles.functions.items() if kinds & EXEMPTION_READERS)


def reads_exemptions_somewhere(actor) -> bool:
    return bool(exemption_reader_establishment_ids(actor))


def can_view_student_exemptions(actor, student) -> bool:
    """The student, their guardians, and exemption readers of an establishment where the student is
    enrolled this year."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return False
    if student.pk == roles.user_id or student.pk in roles.child_ids:
        return True
    readers = exemption_reader_establishment_ids(actor)
    return (
        bool(readers)
        and Enrollment.objects.filter(
            current_enrollment_q(), student=student, establishment_id__in=readers
        ).exists()
    )


def can_manage_exemptions(actor, establishment) -> bool:
    return is_school_life(actor, getattr(establishment, "pk", establishment))


def ensure_can_manage_exemptions(actor, establishment) -> None:
    if not can_manage_exemptions(actor, establishment):
        raise PermissionDenied()


def can_download_certificate(actor, exemption: Exemption) -> bool:
    """School-life staff of the establishment, the student, the student's guardians there."""
    roles = roles_of(actor)
    if roles.user_id is None:
        return False
    if is_school_life(actor, exemption.establishment_id):
        return True
    if exemption.student_id == roles.user_id:
        return True
    if exemption.student_id in roles.child_ids:
        return Guardianship.objects.filter(
            guardian_id=roles.user_id,
            student_id=exemption.student_id,
            establishment_id=exemption.establishment_id,
        ).exists()
    return False
