"""The home page: one panel per side a person has (staff, teacher, guardian, student), filled with
the widgets registered in `carnet.ui.widgets`. This module builds the scope of a side and holds the
foundation's widgets; each widget runs a constant number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carnet.portal.children import children, current_child
from carnet.portal.french import with_name
from carnet.school import policies
from carnet.school.models import (
    Enrollment,
    Establishment,
    Guardianship,
    SchoolClass,
    StaffFunction,
    TeachingAssignment,
    TeachingGroup,
)
from carnet.school.roles import Roles, active_function_q, current_enrollment_q, roles_of

User = get_user_model()

#: The sides, in the order of the tabs, with their tab label and icon.
SIDE_LABELS: dict[str, tuple[Any, str]] = {
    "staff": (_("Établissement"), "building"),
    "teacher": (_("Mes classes"), "graduation-cap"),
    "guardian": (_("Mes enfants"), "users"),
    "student": (_("Ma scolarité"), "book-open"),
}


@dataclass(frozen=True)
class SideScope:
    """What a widget of one side works on (see carnet.ui.widgets)."""

    side: str
    user: Any
    roles: Roles
    student: Any | None
    establishment_ids: frozenset[int]


def scope_for(request, side: str) -> SideScope:
    user = request.user
    roles = roles_of(user)
    if side == "staff":
        return SideScope(side, user, roles, None, roles.administrative_establishment_ids)
    if side == "teacher":
        return SideScope(side, user, roles, None, roles.staff_establishment_ids)
    if side == "guardian":
        return SideScope(side, user, roles, current_child(request), roles.child_establishment_ids)
    if side == "student":
        return SideScope(side, user, roles, user, roles.student_establishment_ids)
    raise ValueError(f"Unknown side {side!r}")


# --- student (and guardian, about the selected child) --------------------------------------------
def _current_enrollment(student):
    return (
        Enrollment.objects.filter(current_enrollment_q(), student=student)
        .select_related("school_class", "school_class__level", "establishment", "school_year")
        .first()
    )


def student_class_context(request, scope: SideScope) -> dict | None:
    """The student's class, establishment and year, and the main teacher(s). Two queries."""
    if scope.student is None:
        return None
    enrollment = _current_enrollment(scope.student)
    main_teachers = []
    if enrollment is not None:
        main_teachers = [
            a.teacher
            for a in TeachingAssignment.objects.filter(
                school_class_id=enrollment.school_class_id, is_main_teacher=True, teacher__is_active=True
            )
            .select_related("teacher")
            .order_by("teacher__last_name", "teacher__first_name", "teacher_id")
        ]
        main_teachers = list({t.pk: t for t in main_teachers}.values())
    if scope.side == "guardian":
        name = scope.student.first_name
        title = with_name(name, gettext("La classe de %(name)s"), gettext("La classe d'%(name)s"))
    else:
        title = gettext("Ma classe")
    return {"enrollment": enrollment, "main_teachers": main_teachers, "student": scope.student, "title": title}


def student_teachers_context(request, scope: SideScope) -> dict | None:
    """The student's teachers by subject, for the class and the student's groups. One query."""
    if scope.student is None:
        return None
    own_classes = Enrollment.objects.filter(current_enrollment_q(), student=scope.student).values("school_class_id")
    own_groups = TeachingGroup.students.through.objects.filter(user_id=scope.student.pk).values("teachinggroup_id")
    assignments = list(
        TeachingAssignment.objects.filter(school_year__is_current=True, teacher__is_active=True)
        .filter(Q(school_class_id__in=own_classes) | Q(group_id__in=own_groups))
        .select_related("subject", "teacher", "group")
        .order_by("subject__name", "teacher__last_name", "teacher__first_name")
    )
    if scope.side == "guardian":
        name = scope.student.first_name
        title = with_name(name, gettext("Les professeurs de %(name)s"), gettext("Les professeurs d'%(name)s"))
    else:
        title = gettext("Mes professeurs")
    return {"assignments": assignments, "student": scope.student, "title": title}


# --- guardian --------------------------------------------------------------------------------------
def guardian_children_context(request, scope: SideScope) -> dict | None:
    """One card per child with class and establishment; the selected one highlighted. Two queries
    (children, their current enrollments)."""
    kids = children(request)
    if not kids:
        return None
    enrollments = {
        e.student_id: e
        for e in Enrollment.objects.filter(current_enrollment_q(), student_id__in=[k.pk for k in kids]).select_related(
            "school_class", "establishment"
        )
    }
    selected = scope.student
    return {
        "children_cards": [
            {"child": k, "enrollment": enrollments.get(k.pk), "selected": selected is not None and k.pk == selected.pk}
            for k in kids
        ],
        "selected_child": selected,
        "several": len(kids) > 1,
    }


# --- teacher ---------------------------------------------------------------------------------------
def teacher_classes_context(request, scope: SideScope) -> dict | None:
    """The classes and groups the teacher teaches this year: subject, student count, main-teacher
    badge. One query (the counts are sub-queries)."""
    class_sizes = (
        Enrollment.objects.filter(current_enrollment_q(), school_class_id=OuterRef("school_class_id"))
        .values("school_class_id")
        .annotate(n=Count("student_id", distinct=True))
        .values("n")
    )
    group_sizes = (
        TeachingGroup.students.through.objects.filter(teachinggroup_id=OuterRef("group_id"))
        .values("teachinggroup_id")
        .annotate(n=Count("user_id", distinct=True))
        .values("n")  # type: ignore[misc]
    )
    assignments = list(
        policies.assignments_of_teacher(scope.user)
        .annotate(
            class_size=Coalesce(Subquery(class_sizes, output_field=IntegerField()), Value(0)),
            group_size=Coalesce(Subquery(group_sizes, output_field=IntegerField()), Value(0)),
        )
        .order_by("-is_main_teacher", "school_class__name", "group__name", "subject__name")
    )
    rows = [
        {
            "assignment": a,
            "audience": a.school_class or a.group,
            "is_group": a.group_id is not None,
            "students": a.group_size if a.group_id else a.class_size,
        }
        for a in assignments
    ]
    return {"rows": rows, "show_establishment": len({a.establishment_id for a in assignments}) > 1}


# --- staff -----------------------------------------------------------------------------------------
def _activated_q() -> Q:
    """An account is activated once its owner signed in or set a password (imported accounts start
    with an unusable password and an activation code)."""
    return Q(last_login__isnull=False) | (~Q(password__startswith="!") & ~Q(password=""))


def _maybe_url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def establishment_glance_context(request, scope: SideScope) -> dict | None:
    """The administered establishments at a glance: students, classes, teachers, accounts activated
    against accounts, and the links to the account-management pages this person may use.
    Four queries, plus one per administered establishment (a person administers one or two)."""
    ids = sorted(scope.establishment_ids)
    if not ids:
        return None
    establishments = list(Establishment.objects.filter(id__in=ids).order_by("name"))
    students = dict(
        Enrollment.objects.filter(current_enrollment_q(), establishment_id__in=ids, student__is_active=True)
        .values("establishment_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("establishment_id", "n")
    )
    classes = dict(
        SchoolClass.objects.filter(establishment_id__in=ids, school_year__is_current=True)
        .values("establishment_id")
        .annotate(n=Count("id"))
        .values_list("establishment_id", "n")
    )
    teachers = dict(
        StaffFunction.objects.filter(
            active_function_q(), establishment_id__in=ids, kind=StaffFunction.Kind.TEACHER, user__is_active=True
        )
        .values("establishment_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("establishment_id", "n")
    )
    links = {
        "imports": _maybe_url("school:imports"),
        "activation_sheets": _maybe_url("school:activation_sheets"),
        "accounts": _maybe_url("school:accounts"),
        "audit": _maybe_url("school:audit"),
    }
    cards = []
    for establishment in establishments:
        members = User.objects.filter(is_active=True).filter(
            Q(id__in=Enrollment.objects.filter(current_enrollment_q(), establishment=establishment).values("student_id"))
            | Q(id__in=Guardianship.objects.filter(establishment=establishment).values("guardian_id"))
            | Q(id__in=StaffFunction.objects.filter(active_function_q(), establishment=establishment).values("user_id"))
        )
        accounts = members.aggregate(total=Count("id"), activated=Count("id", filter=_activated_q()))
        total, activated = accounts["total"], accounts["activated"]
        manages = policies.can_manage_accounts(scope.user, establishment)
        cards.append(
            {
                "establishment": establishment,
                "students": students.get(establishment.pk, 0),
                "classes": classes.get(establishment.pk, 0),
                "teachers": teachers.get(establishment.pk, 0),
                "accounts_total": total,
                "accounts_activated": activated,
                "accounts_pending": total - activated,
                "activated_percent": round(100 * activated / total) if total else 0,
                "can_manage": manages,
                "can_read_audit": policies.can_read_audit(scope.user, establishment),
            }
        )
    return {"establishment_cards": cards, "links": links}


def register_foundation_widgets() -> None:
    """Called from PortalConfig.ready()."""
    from carnet.ui import widgets

    widgets.register("student", "my_class", "portal/widgets/student_class.html", student_class_context, order=10)
    widgets.register("student", "my_teachers", "portal/widgets/student_teachers.html", student_teachers_context, order=20)
    widgets.register("guardian", "children", "portal/widgets/guardian_children.html", guardian_children_context, order=10, wide=True)
    widgets.register("guardian", "child_class", "portal/widgets/student_class.html", student_class_context, order=15)
    widgets.register("guardian", "child_teachers", "portal/widgets/student_teachers.html", student_teachers_context, order=20)
    widgets.register("teacher", "my_classes", "portal/widgets/teacher_classes.html", teacher_classes_context, order=10, wide=True)
    widgets.register("staff", "establishment", "portal/widgets/establishment_glance.html", establishment_glance_context, order=10, wide=True)
