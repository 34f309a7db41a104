"""The roll-call pages: "Mes séances du jour" (/appel/), the register of a session
(/appel/<session>/) and the registers not taken (/vie-scolaire/appels-non-faits/).

The register form works without JavaScript: one group of radio buttons per student (present,
absent, late) and a minutes field; `attendance/register.js` turns each row into one button that
cycles present -> absent -> late with quick minute choices, and fills the same radio buttons, so
the POST is the same either way. Fields: `version` (the register's version the page showed, empty
when it showed none), `st-<student public id>` ("present", "absent" or "late") and
`mn-<student public id>` (minutes when late). A conflict (someone saved meanwhile) re-renders the
page with their version named and the person's own choices kept, to save over it deliberately or
reload theirs."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from carnet.attendance import register_policies as policies
from carnet.attendance.services import registers as service
from carnet.attendance.services import reminders
from carnet.core.errors import ValidationFailed
from carnet.school.roles import roles_of


def _is_teacher(request) -> bool:
    return roles_of(request.user).is_teacher


def _row_state(session, register) -> dict:
    """What the session list shows about one session's register."""
    if session.is_cancelled:
        return {"key": "cancelled", "label": _("Séance annulée")}
    if register is None:
        return {"key": "todo", "label": _("Appel à faire")}
    taken = service.local_time(register.taken_at, session.establishment)
    if register.version > 1:
        return {
            "key": "done",
            "label": _("Appel fait à %(time)s, corrigé à %(corrected)s")
            % {"time": taken, "corrected": service.local_time(register.updated_at, session.establishment)},
        }
    return {"key": "done", "label": _("Appel fait à %(time)s") % {"time": taken}}


def session_rows(sessions) -> list[dict]:
    rows = []
    for session in sessions:
        register = service.register_of(session)
        rows.append(
            {
                "session": session,
                "audience": session.assignment.school_class or session.assignment.group,
                "register": register,
                "state": _row_state(session, register),
                "url": reverse("attendance:register", args=[session.public_id]),
            }
        )
    return rows


# --- my sessions of the day -----------------------------------------------------------------------
@require_GET
def my_sessions(request):
    """The sessions the person teaches today with their register state. One query for the list."""
    if not _is_teacher(request):
        raise Http404
    rows = session_rows(service.sessions_of_teacher_on(request.user))
    return render(
        request,
        "attendance/registers/my_sessions.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "to_do": sum(1 for r in rows if r["state"]["key"] == "todo"),
        },
    )


# --- the register ---------------------------------------------------------------------------------
def _posted_entries(request, sheet) -> tuple[dict, dict]:
    """(entries for save_register, what the page shows again per student public id)."""
    entries: dict = {}
    shown: dict[str, tuple[str, int | str | None]] = {}
    for row in sheet.rows:
        key = str(row.student.public_id)
        status = request.POST.get(f"st-{key}", service.PRESENT)
        raw = (request.POST.get(f"mn-{key}") or "").strip()
        minutes: int | str | None = None
        if raw:
            minutes = int(raw) if raw.isdigit() else raw
        if status not in service.STATUSES:
            status = service.PRESENT
        shown[key] = (status, minutes if status == service.LATE else None)
        if status == service.ABSENT:
            entries[row.student] = (service.ABSENT, None)
        elif status == service.LATE:
            entries[row.student] = (service.LATE, minutes)
    return entries, shown


def _version(raw) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _next_url(request, session) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    if session.teacher_id == request.user.pk:
        return reverse("attendance:my_sessions")
    return reverse("attendance:register", args=[session.public_id])


def _page(
    request, session, sheet, *, shown=None, errors=None, problem=None, conflict=None, version=None, status=200
):
    rows = []
    for row in sheet.rows:
        key = str(row.student.public_id)
        state, minutes = (shown or {}).get(key, (row.status, row.minutes))
        rows.append(
            {
                "student": row.student,
                "key": key,
                "state": state,
                "minutes": minutes if minutes is not None else "",
                "exemption": row.exemption,
                "error": (errors or {}).get(key),
                "theirs": (conflict or {}).get("theirs", {}).get(key),
            }
        )
    counts = {"present": 0, "absent": 0, "late": 0}
    for row in rows:
        counts[row["state"]] += 1
    register = sheet.register
    context = {
        "session": session,
        "audience": session.assignment.school_class or session.assignment.group,
        "sheet": sheet,
        "rows": rows,
        "counts": counts,
        "register": register,
        "version": version if version is not None else (sheet.version or ""),
        "errors": errors,
        "problem": problem,
        "conflict": conflict,
        "can_edit": sheet.closed_reason is None,
        "taken_at": service.local_time(register.taken_at, session.establishment) if register else "",
        "updated_at": service.local_time(register.updated_at, session.establishment) if register else "",
        "next": request.POST.get("next") or request.GET.get("next") or "",
        "quick_minutes": (5, 10, 15),
        "min_late": service.MIN_LATE,
        "max_late": service.MAX_LATE,
        "back_url": reverse("attendance:my_sessions")
        if session.teacher_id == request.user.pk
        else reverse("attendance:missing_registers"),
    }
    return render(request, "attendance/registers/register.html", context, status=status)


@require_http_methods(["GET", "POST"])
def register(request, session_id):
    session = service.register_session(request.user, session_id)
    sheet = service.register_sheet(actor=request.user, session=session)
    if request.method == "GET":
        return _page(request, session, sheet)
    entries, shown = _posted_entries(request, sheet)
    try:
        saved = service.save_register(
            actor=request.user,
            session=session,
            entries=entries,
            version=_version(request.POST.get("version")),
        )
    except service.RegisterConflict as conflict:
        details = conflict.details or {}
        theirs = {item["student"]: (item["status"], item["minutes"]) for item in details.get("entries", [])}
        info = {
            "message": str(conflict.message),
            "by": details.get("by", ""),
            "theirs": {
                row_key: service.status_label(*theirs.get(row_key, (service.PRESENT, None)))
                for row_key in shown
                if theirs.get(row_key, (service.PRESENT, None)) != shown[row_key]
            },
        }
        fresh = service.register_sheet(actor=request.user, session=session)
        return _page(
            request, session, fresh, shown=shown, conflict=info, version=details.get("version"), status=409
        )
    except service.RegisterClosed as closed:
        return _page(request, session, sheet, shown=shown, problem=str(closed.message), status=403)
    except ValidationFailed as error:
        details = error.details if isinstance(error.details, list) else []
        per_student = {
            item["student"]: item["message"]
            for item in details
            if isinstance(item, dict) and "student" in item
        }
        return _page(
            request,
            session,
            sheet,
            shown=shown,
            errors=per_student,
            problem=str(error.message),
            version=request.POST.get("version", ""),
            status=422,
        )
    counts = {"absent": 0, "late": 0}
    for status, _minutes in entries.values():
        counts[status] += 1
    messages.success(
        request,
        _("Appel enregistré (version %(version)s) : %(absent)s absent(s), %(late)s retard(s).")
        % {"version": saved.version, "absent": counts["absent"], "late": counts["late"]},
    )
    return redirect(_next_url(request, session))


# --- registers not taken --------------------------------------------------------------------------
MISSING_DAYS = 7


@require_GET
def missing_registers(request):
    """Registers not taken (school-life staff): the last seven days, or one day (`?date=`)."""
    if not policies.can_see_missing_registers(request.user):
        raise Http404
    raw = request.GET.get("date") or ""
    on = None
    if raw:
        try:
            on = dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Date invalide : choisissez un jour dans le calendrier."))
    sessions = reminders.missing_registers(actor=request.user, on=on, days=1 if on else MISSING_DAYS)
    days: list[dict] = []
    for session in sessions:
        if not days or days[-1]["day"] != session.held_on:
            days.append({"day": session.held_on, "rows": []})
        days[-1]["rows"].append(
            {
                "session": session,
                "audience": session.assignment.school_class or session.assignment.group,
                "url": reverse("attendance:register", args=[session.public_id])
                + "?next="
                + reverse("attendance:missing_registers"),
            }
        )
    return render(
        request,
        "attendance/registers/missing.html",
        {
            "days": days,
            "count": len(sessions),
            "on": on,
            "date_value": on.isoformat() if on else "",
            "period_label": formats.date_format(on, "l j F Y") if on else _("les sept derniers jours"),
        },
    )
