"""The read-only marks pages (see the package docstring).

- `grades:consult` — the classes and groups whose marks the person reads, each subject linked to
  its grid for the chosen period; 404 for someone who reads none (students, guardians, outsiders);
- `grades:consult_grid` — the read-only grid of an assignment for a period: no field and no save
  endpoint (the teacher's cell and column endpoints keep refusing whoever does not edit);
- `grades:consult_mark` (GET `?assessment=&student=`) — a mark's comment and history: a fragment
  for the grid's <dialog> when fetched by the page's script, a page of its own otherwise.

Everything starts from `policies.assignments_readable_by` / `assessments_readable_by`: out of
scope is 404."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carnet.grades import policies
from carnet.grades.marks import format_mark
from carnet.grades.web.staff import data as staff_data
from carnet.grades.web.teacher import cells, data
from carnet.school.models import Period, TeachingAssignment
from carnet.school.roles import roles_of


def _assignment(request, assignment_id) -> TeachingAssignment:
    return get_object_or_404(
        policies.assignments_readable_by(request.user).select_related(
            "establishment", "school_class", "group", "subject", "school_year", "teacher"
        ),
        public_id=assignment_id,
    )


def _assignment_and_period(
    request, assignment_id, period_id
) -> tuple[TeachingAssignment, list[Period], Period]:
    assignment = _assignment(request, assignment_id)
    periods = list(Period.objects.filter(school_year_id=assignment.school_year_id).order_by("number"))
    period = next((p for p in periods if str(p.public_id) == str(period_id)), None)
    if period is None:
        raise Http404
    return assignment, periods, period


def _uuid(raw) -> str:
    try:
        return str(uuid.UUID(str(raw)))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


def reads_marks_somewhere(request) -> bool:
    """Administrative staff who read every mark of an establishment (the navigation entry). No query."""
    roles = roles_of(request.user)
    return any(roles.has_function(e, *policies.GRADES_READERS) for e in roles.functions)


@require_GET
def overview(request):
    """Classes and groups → subjects, by establishment, with a period switcher."""
    blocks = staff_data.overview(request.user, request.GET.get("period"))
    if not blocks and not reads_marks_somewhere(request):
        raise Http404
    return render(request, "grades/staff/overview.html", {"blocks": blocks})


@require_GET
def grid(request, assignment_id, period_id):
    assignment, periods, period = _assignment_and_period(request, assignment_id, period_id)
    table = data.build_grid(
        actor=request.user, assignment=assignment, period=period, periods=periods, editable=False
    )
    mark_url = reverse("grades:consult_mark", args=[assignment.public_id, period.public_id])
    school_class = assignment.school_class
    council_url = None
    if school_class is not None and policies.can_run_council(request.user, school_class):
        council_url = reverse("grades:council", args=[school_class.public_id, period.public_id])
    entry_url = None
    if roles_of(request.user).is_teacher and policies.can_edit_assignment(request.user, assignment):
        entry_url = reverse("grades:grid", args=[assignment.public_id, period.public_id])
    return render(
        request,
        "grades/staff/grid.html",
        {
            "grid": table,
            "grid_rows": cells.render_read_rows(table, mark_url),
            "assignment": assignment,
            "period": period,
            "audience": assignment.audience,
            "mark_url": mark_url,
            "council_url": council_url,
            "entry_url": entry_url,
            "js_messages": {
                "network": _("La connexion a échoué : l'historique n'a pas pu être chargé. Réessayez.")
            },
        },
    )


@require_GET
def mark(request, assignment_id, period_id):
    """A mark's comment and history, read-only."""
    assignment, _periods, period = _assignment_and_period(request, assignment_id, period_id)
    assessment = get_object_or_404(
        data.grid_assessments(request.user, assignment, period, editable=False),
        public_id=_uuid(request.GET.get("assessment")),
    )
    student = get_object_or_404(
        policies.students_of_assessment(assessment), public_id=_uuid(request.GET.get("student"))
    )
    found, events = data.cell_history(request.user, assessment, student, assignment.establishment)
    fragment = request.headers.get("X-Requested-With") == "fetch"
    context = {
        "assessment": assessment,
        "student": student,
        "mark": found,
        "text": format_mark(found),
        "events": events,
        "read_only": True,
        "back_url": None
        if fragment
        else reverse("grades:consult_grid", args=[assignment.public_id, period.public_id]),
        "assignment": assignment,
        "period": period,
    }
    response = render(
        request, "grades/teacher/cell_dialog.html" if fragment else "grades/staff/mark.html", context
    )
    patch_vary_headers(response, ["X-Requested-With"])
    return response
