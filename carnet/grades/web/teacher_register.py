"""What the teacher's marks pages declare at start-up: the "Notes" navigation entry (teachers only)
and the "Saisie des notes" widget of the teacher's home."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carnet.school.roles import roles_of

MATCH = ("grades:teacher_home", "grades:grid", "grades:assessment_")


def is_teacher(request) -> bool:
    return roles_of(request.user).is_teacher


def marks_entry_context(request, scope) -> dict | None:
    """Assessments already held whose marks are not all entered. Two queries."""
    from carnet.grades.web.teacher import data

    if not scope.roles.is_teacher:
        return None
    items = data.assessments_to_complete(scope.user)
    for item in items:
        a = item["assessment"]
        item["url"] = reverse("grades:grid", args=[a.assignment.public_id, a.period.public_id])
    return {"to_complete": items}


def register() -> None:
    from carnet.ui import navigation, widgets

    navigation.register(
        "grades_teacher", _("Notes"), "grades:teacher_home", "clipboard-list", order=30, visible=is_teacher, match=MATCH,
    )
    widgets.register("teacher", "marks_entry", "grades/teacher/widget.html", marks_entry_context, order=20)
