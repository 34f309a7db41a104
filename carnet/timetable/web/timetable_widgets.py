"""The « Aujourd'hui » home widget: today's sessions of the student, of the guardian's selected
child, or of the teacher, with cancellations and changes marked. Four queries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from carnet.timetable import selectors
from carnet.timetable.weeks import local_today


def today_context(request, scope) -> dict | None:
    user = request.user
    if scope.side in ("student", "guardian"):
        if scope.student is None:
            return None
        target = {"student": scope.student}
        query = f"?child={scope.student.public_id}&vue=jour" if scope.side == "guardian" else "?vue=jour"
    elif scope.side == "teacher":
        target = {"teacher": user}
        query = "?vue=jour"
    else:
        return None
    today = local_today()
    day = selectors.day_for(user, day=today, today=today, **target)
    return {
        "today_day": day,
        "today_title": _("Aujourd'hui"),
        "today_query": query,
        "today_side": scope.side,
        "today_show_teacher": scope.side != "teacher",
    }
