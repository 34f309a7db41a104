"""What the registers part declares at start-up: the "attendance.register_missing" notification kind
(in-app and push at once, never SMS), the periodic job that reminds teachers of registers not
taken, the navigation entries ("Appel" for teachers, "Appels non faits" and "Dispenses" for
school-life staff) and the home widgets (the teacher's sessions of the day, the staff's missing
registers, the student's or child's exemptions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

#: How often `carnet worker` looks for registers to remind.
REMINDER_CHECK_SECONDS = 120
WIDGET_MISSING_ITEMS = 5


def _teacher(request) -> bool:
    from carnet.school.roles import roles_of

    return roles_of(request.user).is_teacher


def _school_life(request) -> bool:
    from carnet.attendance.register_policies import can_see_missing_registers

    return can_see_missing_registers(request.user)


def _exemption_reader(request) -> bool:
    from carnet.attendance.register_policies import reads_exemptions_somewhere

    return reads_exemptions_somewhere(request.user)


def _remind() -> int:
    from carnet.attendance.services.reminders import remind_missing_registers

    return remind_missing_registers()


def today_context(request, scope) -> dict | None:
    """The teacher's sessions of today with their register state. One query."""
    if not scope.roles.is_teacher:
        return None
    from carnet.attendance.services.registers import sessions_of_teacher_on
    from carnet.attendance.web.registers_views import session_rows

    return {"roll_rows": session_rows(sessions_of_teacher_on(scope.user))}


def missing_context(request, scope) -> dict | None:
    """Registers of today not taken, for school-life staff. Two queries."""
    from carnet.attendance.register_policies import can_see_missing_registers

    if not can_see_missing_registers(scope.user):
        return None
    from django.urls import reverse

    from carnet.attendance.services.reminders import missing_registers

    sessions = missing_registers(actor=scope.user, days=1)
    rows = [
        {
            "session": s,
            "audience": s.assignment.school_class or s.assignment.group,
            "url": reverse("attendance:register", args=[s.public_id])
            + "?next="
            + reverse("attendance:missing_registers"),
        }
        for s in sessions[:WIDGET_MISSING_ITEMS]
    ]
    return {"missing_rows": rows, "missing_more": max(0, len(sessions) - WIDGET_MISSING_ITEMS)}


def exemptions_context(request, scope) -> dict | None:
    """The current and coming exemptions of the side's student (hidden when there are none). One query."""
    if scope.student is None:
        return None
    from carnet.attendance.web.registers_exemptions import current_exemptions

    items = current_exemptions(scope.user, scope.student)
    if not items:
        return None
    return {"exemption_items": items, "exemption_student": scope.student}


def register() -> None:
    from carnet.notifications import kinds, periodic
    from carnet.ui import navigation, widgets

    kinds.register(
        "attendance.register_missing",
        _("Appel non fait"),
        description=_("L'appel d'une de vos séances du jour n'est pas encore fait (un rappel par séance)."),
        default_modes={"email": "never", "push": "immediate"},
        sms_allowed=False,
        summary=ngettext_lazy("%(count)d appel non fait", "%(count)d appels non faits", "count"),
    )
    periodic.register("attendance.remind_missing_registers", _remind, every_seconds=REMINDER_CHECK_SECONDS)
    navigation.register(
        "attendance_roll_call",
        _("Appel"),
        "attendance:my_sessions",
        "clipboard-list",
        order=25,
        visible=_teacher,
        match=("attendance:my_sessions", "attendance:register"),
    )
    navigation.register(
        "attendance_missing",
        _("Appels non faits"),
        "attendance:missing_registers",
        "clock",
        order=41,
        visible=_school_life,
        match=("attendance:missing_registers",),
    )
    navigation.register(
        "attendance_exemptions",
        _("Dispenses"),
        "attendance:exemptions",
        "file-text",
        order=43,
        visible=_exemption_reader,
        match=("attendance:exemption",),
    )
    widgets.register(
        "teacher", "roll_call_today", "attendance/registers/widget_today.html", today_context, order=10
    )
    widgets.register(
        "staff", "missing_registers", "attendance/registers/widget_missing.html", missing_context, order=25
    )
    for side in ("student", "guardian"):
        widgets.register(
            side, "exemptions", "attendance/exemptions/widget.html", exemptions_context, order=60
        )
