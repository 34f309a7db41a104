"""What the timetable part declares at start-up: its notification kinds, the import kind
"timetable", the navigation entry « Emploi du temps » (one's own for students, guardians and
teachers; the establishment's for the staff who have none of their own) and the « Aujourd'hui » home
widgets."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.school.roles import roles_of

#: The views of this part, for the navigation entry (booking pages have their own entry).
MATCH = (
    "timetable:mine",
    "timetable:staff_index",
    "timetable:class_",
    "timetable:teacher_week",
    "timetable:room_week",
    "timetable:session",
    "timetable:extra_session",
    "timetable:slot_",
    "timetable:feed",
    "timetable:settings",
)


def has_own_timetable(request) -> bool:
    roles = roles_of(request.user)
    return roles.is_student or roles.is_teacher or roles.is_guardian


def reads_establishment_only(request) -> bool:
    from carnet.timetable.policies import reader_establishment_ids

    return not has_own_timetable(request) and bool(reader_establishment_ids(roles_of(request.user)))


def register() -> None:
    from carnet.timetable import notifying
    from carnet.timetable.imports import register as register_import
    from carnet.timetable.web.timetable_widgets import today_context
    from carnet.ui import navigation, widgets

    notifying.register()
    register_import()
    navigation.register(
        "timetable",
        _("Emploi du temps"),
        "timetable:mine",
        "calendar",
        order=20,
        visible=has_own_timetable,
        match=MATCH,
    )
    navigation.register(
        "timetable_staff",
        _("Emplois du temps"),
        "timetable:staff_index",
        "calendar",
        order=20,
        visible=reads_establishment_only,
        match=MATCH,
    )
    for side in ("student", "guardian", "teacher"):
        widgets.register(side, "timetable_today", "timetable/widgets/today.html", today_context, order=10)
