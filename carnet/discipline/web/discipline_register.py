"""What the discipline part declares at start-up: the notification kind and the retention task
(`notifying`), the "Discipline" navigation entry of the discipline staff and teachers (incidents,
measures, and from there the catalogue and the settings) and the "Punitions et sanctions" entry
of students and guardians. Both entries are decided on the person's cached roles, without a query."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.school.roles import roles_of

SCHOOL_SIDE = (
    "discipline:home",
    "discipline:incident",
    "discipline:measure",
    "discipline:catalogue",
    "discipline:settings",
    "discipline:student",
)


def _is_family(request) -> bool:
    roles = roles_of(request.user)
    return roles.is_student or roles.is_guardian


def register() -> None:
    from carnet.discipline import notifying
    from carnet.discipline.policies import uses_discipline
    from carnet.ui import navigation

    notifying.register()
    navigation.register(
        "discipline",
        _("Discipline"),
        "discipline:home",
        "shield",
        order=55,
        visible=uses_discipline,
        match=SCHOOL_SIDE,
    )
    navigation.register(
        "discipline_family",
        _("Punitions et sanctions"),
        "discipline:family",
        "shield",
        order=56,
        visible=_is_family,
        match=("discipline:family",),
    )
