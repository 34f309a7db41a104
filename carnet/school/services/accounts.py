"""Account management by the establishment: activation sheets, new codes, closing and reopening
accounts, resetting the second factor.

Who: the account managers of an establishment (`policies.can_manage_accounts`), on the people of
that establishment they may reset (`policies.can_reset_account`: not themselves, not a superuser,
not the head unless they are head). Every write is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.audit import services as audit
from carnet.core.errors import ValidationFailed
from carnet.identity import services as identity
from carnet.identity import totp
from carnet.identity.models import ActivationCode
from carnet.identity.search import filter_by_name
from carnet.school import policies
from carnet.school.models import Enrollment, Establishment, Guardianship, SchoolClass, StaffFunction
from carnet.school.roles import active_function_q, current_enrollment_q, roles_of

User = get_user_model()


# --- scopes --------------------------------------------------------------------------------------
def managed_establishment_ids(actor) -> frozenset[int]:
    """Establishments where `actor` manages accounts."""
    roles = roles_of(actor)
    return frozenset(e for e, kinds in roles.functions.items() if kinds & policies.ACCOUNT_MANAGERS)


def manages_accounts(actor) -> bool:
    return bool(managed_establishment_ids(actor))


def managed_establishments(actor) -> QuerySet[Establishment]:
    return Establishment.objects.filter(id__in=managed_establishment_ids(actor))


def accounts_visible_to(actor) -> QuerySet:
    """The people whose account `actor` may manage: the directory of their establishment
    (`policies.people_visible_to`) intersected with `policies.can_reset_account`, closed accounts
    included (so that they can be reopened). Built from sub-queries: its cost does not grow with
    the establishment."""
    managed = managed_establishment_ids(actor)
    if not managed:
        return User.objects.none()
    members = (
        Q(id__in=Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=managed).values("student_id"))
        | Q(id__in=Guardianship.objects.filter(establishment_id__in=managed).values("guardian_id"))
        | Q(
            id__in=StaffFunction.objects.filter(active_function_q(), establishment_id__in=managed)
            .exclude(kind=StaffFunction.Kind.GUEST)
            .values("user_id")
        )
    )
    people = User.objects.filter(members).exclude(pk=actor.pk).exclude(is_superuser=True)
    roles = roles_of(actor)
    if not any(StaffFunction.Kind.HEAD in roles.functions.get(e, frozenset()) for e in managed):
        people = people.exclude(id__in=StaffFunction.objects.filter(kind=StaffFunction.Kind.HEAD).values("user_id"))
    return people


def sheet_classes(actor) -> QuerySet[SchoolClass]:
    """Classes of the current year for which `actor` may print activation sheets."""
    return (
        SchoolClass.objects.filter(school_year__is_current=True, establishment_id__in=managed_establishment_ids(actor))
        .select_related("establishment", "level")
        .order_by("establishment__name", "level__rank", "name")
    )


def establishment_of(actor, target) -> Establishment | None:
    """The establishment in which `actor` manages `target` (for the audit trail)."""
    managed = managed_establishment_ids(actor)
    return (
        Establishment.objects.filter(id__in=managed)
        .filter(
            Q(id__in=Enrollment.objects.filter(student=target).values("establishment_id"))
            | Q(id__in=Guardianship.objects.filter(guardian=target).values("establishment_id"))
            | Q(id__in=StaffFunction.objects.filter(user=target).values("establishment_id"))
        )
        .order_by("name")
        .first()
    )


# --- reads for the pages -------------------------------------------------------------------------
STATUS_FILTERS = {
    "": gettext_lazy("Tous"),
    "never": gettext_lazy("Jamais connectés"),
    "inactive": gettext_lazy("Désactivés"),
    "totp": gettext_lazy("Avec double authentification"),
}


def search_accounts(actor, *, query: str = "", status: str = "") -> QuerySet:
    """Accounts `actor` may manage, matching every word of `query` (accents and case ignored),
    annotated with `is_student`, `is_guardian`, `is_staff_member` and `class_name`."""
    managed = managed_establishment_ids(actor)
    people = filter_by_name(accounts_visible_to(actor), query)
    if status == "never":
        people = people.filter(last_login__isnull=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    elif status == "totp":
        people = people.filter(totp_confirmed_at__isnull=False).exclude(totp_secret="")
    current = Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=managed, student=OuterRef("pk"))
    return people.annotate(
        is_student=Exists(current),
        class_name=Subquery(current.values("school_class__name")[:1]),
        is_guardian=Exists(Guardianship.objects.filter(establishment_id__in=managed, guardian=OuterRef("pk"))),
        is_staff_member=Exists(
            StaffFunction.objects.filter(active_function_q(), establishment_id__in=managed, user=OuterRef("pk")).exclude(
                kind=StaffFunction.Kind.GUEST
            )
        ),
    ).order_by("last_name", "first_name", "pk")


@dataclass
class AccountOverview:
    person: object
    classes: list = field(default_factory=list)
    children: list = field(default_factory=list)
    links_as_guardian: list = field(default_factory=list)
    links_as_student: list = field(default_factory=list)
    functions: list = field(default_factory=list)
    session_count: int = 0
    pending_code_expires_at: datetime | None = None


def account_overview(actor, person) -> AccountOverview:
    """What an account manager sees of a person: roles in the managed establishments, sessions,
    and whether an unused activation code is waiting."""
    managed = managed_establishment_ids(actor)
    classes = [
        e.school_class
        for e in Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=managed, student=person).select_related(
            "school_class"
        )
    ]
    links = list(
        Guardianship.objects.filter(Q(guardian=person) | Q(student=person), establishment_id__in=managed)
        .select_related("student", "guardian")
        .order_by("student__last_name", "guardian__last_name")
    )
    links_as_guardian = [g for g in links if g.guardian_id == person.pk]
    children = [g.student for g in links_as_guardian]
    functions = [
        f.get_kind_display()
        for f in StaffFunction.objects.filter(active_function_q(), establishment_id__in=managed, user=person)
    ]
    pending = (
        ActivationCode.objects.filter(
            user=person, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    return AccountOverview(
        person=person,
        classes=classes,
        children=children,
        links_as_guardian=links_as_guardian,
        links_as_student=[g for g in links if g.student_id == person.pk],
        functions=functions,
        session_count=person.sessions.count(),
        pending_code_expires_at=pending,
    )


# --- activation sheets ---------------------------------------------------------------------------
STUDENTS, GUARDIANS, BOTH = "students", "guardians", "both"


@dataclass(frozen=True)
class Slip:
    """One cut-out slip of an activation sheet."""

    person: Any
    code: str
    expires_at: datetime
    role: str
    detail: str
    establishment: Establishment


def _slips(actor, establishment, entries: list[tuple[Any, str, str]]) -> list[Slip]:
    issued = identity.issue_activation_codes(actor=actor, users=[u for u, _r, _d in entries], establishment=establishment)
    codes = {user.pk: code for user, code in issued}
    if not issued:
        return []
    expires_at = ActivationCode.objects.filter(user=issued[0][0]).order_by("-created_at").values_list("expires_at", flat=True)[0]
    return [Slip(u, codes[u.pk], expires_at, role, detail, establishment) for u, role, detail in entries]


def issue_class_sheet(*, actor, school_class, audience: str, only_never_signed_in: bool = False) -> list[Slip]:
    """New activation codes for the students and/or guardians of a class, in class order, each
    guardian right after their first child (so a student takes home their family's slips).
    Closed accounts and people `actor` may not reset are left out."""
    policies.ensure_can_manage_accounts(actor, school_class.establishment)
    if audience not in (STUDENTS, GUARDIANS, BOTH):
        raise ValidationFailed(_("Choisissez pour qui imprimer les codes."))
    students = list(
        User.objects.filter(
            id__in=Enrollment.objects.filter(current_enrollment_q(), school_class=school_class).values("student_id")
        ).order_by("last_name", "first_name", "pk")
    )
    links = (
        Guardianship.objects.filter(establishment=school_class.establishment, student__in=students)
        .select_related("guardian")
        .order_by("guardian__last_name", "guardian__first_name")
    )
    guardians_of: dict[int, list] = {}
    children_of: dict[int, list] = {}
    for link in links:
        guardians_of.setdefault(link.student_id, []).append(link.guardian)
        children_of.setdefault(link.guardian_id, []).append(link.student_id)
    candidates = {s.pk for s in students} | set(children_of)
    allowed = accounts_visible_to(actor).filter(pk__in=candidates, is_active=True)
    if only_never_signed_in:
        allowed = allowed.filter(last_login__isnull=True)
    allowed_ids = set(allowed.values_list("pk", flat=True))
    names = {s.pk: s.full_name for s in students}

    entries: list[tuple[Any, str, str]] = []
    seen: set[int] = set()
    for student in students:
        if audience in (STUDENTS, BOTH) and student.pk in allowed_ids:
            entries.append((student, _("Élève"), school_class.name))
        if audience in (GUARDIANS, BOTH):
            for guardian in guardians_of.get(student.pk, []):
                if guardian.pk in seen or guardian.pk not in allowed_ids:
                    continue
                seen.add(guardian.pk)
                children = ", ".join(names[c] for c in children_of[guardian.pk])
                entries.append((guardian, _("Responsable"), _("de %(children)s") % {"children": children}))
    with transaction.atomic():
        return _slips(actor, school_class.establishment, entries)


def issue_person_code(*, actor, target) -> Slip:
    """A new activation code for one person (a lost password, a lost sheet)."""
    policies.ensure_can_reset_account(actor, target)
    if not target.is_active:
        raise ValidationFailed(_("Ce compte est désactivé : réactivez-le avant de lui remettre un code."))
    overview = account_overview(actor, target)
    if overview.classes:
        role, detail = _("Élève"), ", ".join(c.name for c in overview.classes)
    elif overview.children:
        role, detail = _("Responsable"), _("de %(children)s") % {"children": ", ".join(c.full_name for c in overview.children)}
    else:
        role, detail = _("Personnel"), ", ".join(overview.functions)
    with transaction.atomic():
        return _slips(actor, establishment_of(actor, target), [(target, role, detail)])[0]


# --- closing, reopening, second factor --------------------------------------------------------------
def deactivate_account(*, actor, target) -> int:
    """Close the account; all its sessions end at once (the next request is signed out).
    Returns the number of sessions ended."""
    policies.ensure_can_reset_account(actor, target)
    with transaction.atomic():
        was_active = target.is_active
        ended = identity.deactivate_user(user=target)
        audit.record(
            actor=actor, action="identity.account_deactivated", obj=target, establishment=establishment_of(actor, target),
            changes={"is_active": (was_active, False), "sessions_ended": (None, ended)},
        )
    return ended


def reactivate_account(*, actor, target) -> None:
    policies.ensure_can_reset_account(actor, target)
    with transaction.atomic():
        was_active = target.is_active
        identity.reactivate_user(user=target)
        audit.record(
            actor=actor, action="identity.account_reactivated", obj=target, establishment=establishment_of(actor, target),
            changes={"is_active": (was_active, True)},
        )


def reset_second_factor(*, actor, target) -> None:
    """Turn off a person's TOTP (a lost phone); if their establishment requires it, they will set
    it up again at their next sign-in."""
    policies.ensure_can_reset_account(actor, target)
    with transaction.atomic():
        had = target.has_totp
        totp.disable(user=target)
        audit.record(
            actor=actor, action="identity.totp_reset", obj=target, establishment=establishment_of(actor, target),
            changes={"totp": (had, False)},
        )


# --- the second factor required of staff -----------------------------------------------------------
def staff_totp_required(user) -> bool:
    """Registered in identity's `totp_required_checks`: True when the person holds an
    administrative function in an establishment that requires TOTP of its staff."""
    administrative = roles_of(user).administrative_establishment_ids
    return bool(administrative) and Establishment.objects.filter(id__in=administrative, require_staff_totp=True).exists()


# --- guardianships -------------------------------------------------------------------------------
def guardianships_managed_by(actor) -> QuerySet[Guardianship]:
    return Guardianship.objects.filter(establishment_id__in=managed_establishment_ids(actor))


def remove_guardianship(*, actor, guardianship: Guardianship) -> None:
    """End a guardian's link to a student (a court decision, a data-entry mistake). The guardian
    loses access to the student's follow-up at their next request. Audited with what was removed."""
    policies.ensure_can_manage_accounts(actor, guardianship.establishment)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="guardianship.remove",
            obj=guardianship.student,
            establishment=guardianship.establishment,
            changes={
                "guardian": (guardianship.guardian.full_name, None),
                "relationship": (guardianship.get_relationship_display(), None),
                "has_legal_responsibility": (guardianship.has_legal_responsibility, None),
            },
        )
        guardianship.delete()


# --- sign-in rules of the establishment ----------------------------------------------------------
def security_establishments(actor) -> QuerySet[Establishment]:
    roles = roles_of(actor)
    return Establishment.objects.filter(
        id__in=[e for e, kinds in roles.functions.items() if kinds & {StaffFunction.Kind.HEAD, StaffFunction.Kind.IT_ADMIN}]
    )


def set_staff_totp_requirement(*, actor, establishment: Establishment, required: bool) -> bool:
    """Require (or stop requiring) a TOTP second factor for the administrative staff. Those without
    one are sent to set it up at their next request. Returns whether anything changed."""
    policies.ensure_can_set_security_rules(actor, establishment)
    if establishment.require_staff_totp == required:
        return False
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="establishment.staff_totp_required",
            obj=establishment,
            establishment=establishment,
            changes={"require_staff_totp": (establishment.require_staff_totp, required)},
        )
        establishment.require_staff_totp = required
        establishment.save(update_fields=["require_staff_totp", "updated_at"])
    return True
