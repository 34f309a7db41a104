"""What the absences part declares at start-up: its notification kinds, its periodic jobs (the
same-day notification of guardians, the alert rules), the navigation entries ("Absences et retards"
for school-life staff and the secretary, "Absences" for students and guardians) and the staff home
widget ("Vie scolaire : à traiter")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STAFF_MATCH = (
    "attendance:absence",
    "attendance:lateness",
    "attendance:declaration",
    "attendance:watch",
    "attendance:statistics",
)
FAMILY_MATCH = ("attendance:family_absences", "attendance:declare")


def _staff_reader(request) -> bool:
    from carnet.attendance.policies import reads_attendance_somewhere

    return reads_attendance_somewhere(request)


def _family(request) -> bool:
    from carnet.attendance.policies import is_family

    return is_family(request)


def staff_widget_context(request, scope) -> dict | None:
    """Declarations to handle, absences to regularise today and this week, students on the watch
    list, for the first establishment where the person manages attendance. Four queries."""
    from carnet.attendance.web.absences_widgets import staff_todo

    return staff_todo(request, scope)


def register() -> None:
    from carnet.attendance import notifying
    from carnet.ui import navigation, widgets

    notifying.register_kinds()
    notifying.register_jobs()
    navigation.register(
        "attendance_absences_staff",
        _("Absences et retards"),
        "attendance:absences",
        "clipboard-list",
        order=41,
        visible=_staff_reader,
        match=STAFF_MATCH,
    )
    navigation.register(
        "attendance_absences_family",
        _("Absences"),
        "attendance:family_absences",
        "calendar",
        order=35,
        visible=_family,
        match=FAMILY_MATCH,
    )
    widgets.register(
        "staff", "attendance_todo", "attendance/absences/widget_staff.html", staff_widget_context, order=25
    )
