"""Navigation entry "Notes" and the "Dernières notes" home widgets of the family side."""

from django.utils.translation import gettext_lazy as _

from carnet.school.roles import roles_of
from carnet.ui import navigation, widgets


def _is_family(request) -> bool:
    roles = roles_of(request.user)
    return roles.is_student or roles.is_guardian


def register() -> None:
    from carnet.grades.web.family.widgets import latest_marks_context

    navigation.register(
        "grades_family", _("Notes"), "grades:marks", "graduation-cap", order=30, visible=_is_family,
        match=("grades:marks", "grades:explain"),
    )
    for side in ("student", "guardian"):
        widgets.register(side, "latest_marks", "grades/family/widgets/latest_marks.html", latest_marks_context, order=30)
