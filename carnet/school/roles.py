"""What a person is, read from relations: staff functions, teaching assignments, enrollments and
guardianships. Computed once per request (a handful of queries) and cached on the user object.

A person may hold several roles at once (a teacher who is also a parent sees both sides)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from carnet.school.models import (
    Enrollment,
    Guardianship,
    StaffFunction,
    TeachingAssignment,
    TeachingGroup,
)


def active_function_q(prefix: str = "", on=None) -> Q:
    on = on or timezone.localdate()
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def current_enrollment_q(prefix: str = "", on=None) -> Q:
    """Enrollments of the current school year that are open on the given day."""
    on = on or timezone.localdate()
    return (
        Q(**{f"{prefix}school_year__is_current": True})
        & Q(**{f"{prefix}starts_on__lte": on})
        & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on}))
    )


@dataclass(frozen=True)
class Roles:
    user_id: int | None
    is_superuser: bool = False
    functions: dict[int, frozenset[str]] = field(default_factory=dict)  # establishment id -> kinds
    taught_class_ids: frozenset[int] = frozenset()
    taught_group_ids: frozenset[int] = frozenset()
    main_teacher_class_ids: frozenset[int] = frozenset()
    student_class_ids: frozenset[int] = frozenset()
    student_establishment_ids: frozenset[int] = frozenset()
    child_ids: frozenset[int] = frozenset()
    child_establishment_ids: frozenset[int] = frozenset()

    # --- establishments ---------------------------------------------------------------------
    @property
    def administrative_establishment_ids(self) -> frozenset[int]:
        return frozenset(e for e, kinds in self.functions.items() if kinds & StaffFunction.ADMINISTRATIVE)

    @property
    def staff_establishment_ids(self) -> frozenset[int]:
        return frozenset(e for e, kinds in self.functions.items() if kinds - {StaffFunction.Kind.GUEST})

    @property
    def establishment_ids(self) -> frozenset[int]:
        return frozenset(self.functions) | self.student_establishment_ids | self.child_establishment_ids

    def has_function(self, establishment_id: int, *kinds: str) -> bool:
        return bool(self.functions.get(establishment_id, frozenset()) & set(kinds))

    def is_administrative_in(self, establishment_id: int) -> bool:
        return establishment_id in self.administrative_establishment_ids

    # --- sides a person may see -------------------------------------------------------------
    @property
    def is_teacher(self) -> bool:
        return bool(self.taught_class_ids or self.taught_group_ids) or any(
            StaffFunction.Kind.TEACHER in kinds for kinds in self.functions.values()
        )

    @property
    def is_staff_member(self) -> bool:
        return bool(self.administrative_establishment_ids)

    @property
    def is_student(self) -> bool:
        return bool(self.student_class_ids)

    @property
    def is_guardian(self) -> bool:
        return bool(self.child_ids)

    @property
    def sides(self) -> list[str]:
        """The home-page sides this person has, most powerful first."""
        result = []
        if self.is_staff_member:
            result.append("staff")
        if self.is_teacher:
            result.append("teacher")
        if self.is_guardian:
            result.append("guardian")
        if self.is_student:
            result.append("student")
        return result


ANONYMOUS = Roles(user_id=None)


def roles_of(user) -> Roles:
    """The roles of `user` today. Cached on the instance for the length of a request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_carnet_roles", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    functions: dict[int, set[str]] = {}
    for establishment_id, kind in StaffFunction.objects.filter(active_function_q(on=today), user=user).values_list(
        "establishment_id", "kind"
    ):
        functions.setdefault(establishment_id, set()).add(kind)

    class_ids: set[int] = set()
    group_ids: set[int] = set()
    main_ids: set[int] = set()
    for class_id, group_id, is_main in TeachingAssignment.objects.filter(
        teacher=user, school_year__is_current=True
    ).values_list("school_class_id", "group_id", "is_main_teacher"):
        if class_id:
            class_ids.add(class_id)
            if is_main:
                main_ids.add(class_id)
        if group_id:
            group_ids.add(group_id)

    student_rows = list(
        Enrollment.objects.filter(current_enrollment_q(on=today), student=user).values_list(
            "school_class_id", "establishment_id"
        )
    )
    child_rows = list(
        Guardianship.objects.filter(guardian=user, student__is_active=True).values_list("student_id", "establishment_id")
    )
    roles = Roles(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        functions={e: frozenset(k) for e, k in functions.items()},
        taught_class_ids=frozenset(class_ids),
        taught_group_ids=frozenset(group_ids),
        main_teacher_class_ids=frozenset(main_ids),
        student_class_ids=frozenset(c for c, _ in student_rows),
        student_establishment_ids=frozenset(e for _, e in student_rows),
        child_ids=frozenset(s for s, _ in child_rows),
        child_establishment_ids=frozenset(e for _, e in child_rows),
    )
    user._carnet_roles = roles
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles after a change to the relations that define them."""
    if hasattr(user, "_carnet_roles"):
        del user._carnet_roles


def group_class_ids(group_ids) -> set[int]:
    return set(TeachingGroup.classes.through.objects.filter(teachinggroup_id__in=group_ids).values_list("schoolclass_id", flat=True))
