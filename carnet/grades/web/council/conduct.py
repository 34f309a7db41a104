"""/notes/conduite/: the conduct marks (/20) of a class for a period, set by the head, deputies and
school-life staff when the establishment counts conduct as a subject. Same keyboard flow as the
appraisals list; each mark is saved on leaving the field through the API (`api/council.py`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from carnet.grades import policies
from carnet.grades.models import ConductMark
from carnet.grades.profiles import profile_for
from carnet.grades.services import locks
from carnet.grades.services.conduct import format_conduct
from carnet.grades.web.council.common import class_and_period
from carnet.school.models import Enrollment, Period, SchoolClass
from carnet.school.roles import current_enrollment_q, roles_of


def conduct_establishment_ids(actor) -> list[int]:
    roles = roles_of(actor)
    return [e for e, kinds in roles.functions.items() if kinds & policies.CONDUCT_SETTERS]


def home(request):
    establishment_ids = conduct_establishment_ids(request.user)
    if not establishment_ids:
        raise PermissionDenied
    classes = list(
        SchoolClass.objects.filter(establishment_id__in=establishment_ids, school_year__is_current=True)
        .select_related("establishment", "level")
        .order_by("establishment__name", "level__rank", "normalized_name")
    )
    periods: dict[int, list[Period]] = {}
    for period in Period.objects.filter(school_year_id__in={c.school_year_id for c in classes}).order_by("number"):
        periods.setdefault(period.school_year_id, []).append(period)
    blocks: dict[int, dict] = {}
    for school_class in classes:
        establishment = school_class.establishment
        block = blocks.setdefault(
            establishment.pk,
            {"establishment": establishment, "enabled": profile_for(establishment).conduct_enabled, "rows": []},
        )
        block["rows"].append({"school_class": school_class, "periods": periods.get(school_class.school_year_id, [])})
    return render(request, "grades/council/conduct_home.html", {"blocks": list(blocks.values())})


def conduct(request, class_id, period_id):
    school_class, period = class_and_period(request.user, class_id, period_id)
    if not policies.can_set_conduct(request.user, school_class.establishment):
        raise PermissionDenied
    enabled = profile_for(school_class.establishment).conduct_enabled
    rows = []
    if enabled:
        enrollments = (
            Enrollment.objects.filter(current_enrollment_q(), school_class=school_class, student__is_active=True)
            .select_related("student")
            .order_by("student__last_name", "student__first_name", "student_id")
        )
        students = [e.student for e in enrollments]
        marks = {m.student_id: m for m in ConductMark.objects.filter(period=period, student__in=students).select_related("set_by")}
        rows = [
            {"student": s, "mark": marks.get(s.pk), "text": format_conduct(marks[s.pk].value) if s.pk in marks else ""}
            for s in students
        ]
    periods = Period.objects.filter(school_year_id=school_class.school_year_id).order_by("number")
    return render(
        request,
        "grades/council/conduct.html",
        {
            "school_class": school_class,
            "period": period,
            "enabled": enabled,
            "rows": rows,
            "locked": locks.is_locked(period, school_class),
            "tabs": [(p, reverse("grades:conduct", args=[school_class.public_id, p.public_id])) for p in periods],
            "endpoint": reverse("api:grades_conduct_save"),
            "can_manage": policies.can_manage_grading(request.user, school_class.establishment),
        },
    )
