"""The teacher's home for marks (/notes/saisie/), the grid page and its JSON endpoints.

Grid endpoints (POST, CSRF header, session auth; both answer JSON):

- `grades:grid_cell` — form fields `assessment` (public id), `student` (public id), `text` (what was
  typed), `version` (the mark's version the page last saw, "" when there was no mark), and
  optionally `comment`. 200 `{"ok": true, "text", "version", "comment", "average", "stats"}`;
  422 `{"ok": false, "code": "validation_failed", "message"}`; 409 `{"ok": false, "code":
  "mark_conflict", "message", "current": {"text", "version", "by", "at"}}`; 409 `{"code":
  "period_locked", "message"}`; 404 when out of scope.
- `grades:grid_column` — JSON body `{"assessment", "entries": [{"student", "text", "version"}]}`:
  all or nothing. 200 `{"ok": true, "cells": [{"student", "text", "version"}], "averages":
  {student: text}, "stats"}`; 422/409 `{"ok": false, "code", "message", "errors": [{"student",
  "name", "message"}]}`.
- `grades:grid_cell_dialog` (GET `?assessment=&student=`): the HTML of the comment and history
  dialog of one cell."""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import urlencode

from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carnet.core import errors
from carnet.grades import policies
from carnet.grades.marks import format_mark
from carnet.grades.models import Assessment, Mark
from carnet.grades.services import marks as mark_services
from carnet.grades.web.teacher import cells, data
from carnet.school.models import Period, TeachingAssignment
from carnet.school.roles import roles_of


def _teacher_or_404(request) -> None:
    if not roles_of(request.user).is_teacher:
        raise Http404


def _assignment(request, assignment_id) -> TeachingAssignment:
    return get_object_or_404(
        policies.assignments_editable_by(request.user).select_related(
            "establishment", "school_class", "group", "subject", "school_year"
        ),
        public_id=assignment_id,
    )


def _periods(assignment: TeachingAssignment) -> list[Period]:
    return list(Period.objects.filter(school_year_id=assignment.school_year_id).order_by("number"))


def _period(periods: list[Period], period_id) -> Period:
    period = next((p for p in periods if str(p.public_id) == str(period_id)), None)
    if period is None:
        raise Http404
    return period


def new_assessment_url(assignment: TeachingAssignment, period: Period) -> str:
    query = urlencode({"assignment": str(assignment.public_id), "period": str(period.public_id)})
    return f"{reverse('grades:assessment_new')}?{query}"


# --- pages ----------------------------------------------------------------------------------------
@require_GET
def teacher_home(request):
    """My teaching of the current year, by establishment, with the period switcher."""
    _teacher_or_404(request)
    blocks = data.teaching(request.user, request.GET.get("period"))
    return render(request, "grades/teacher/home.html", {"blocks": blocks})


@require_GET
def grid(request, assignment_id, period_id):
    assignment = _assignment(request, assignment_id)
    periods = _periods(assignment)
    period = _period(periods, period_id)
    started = time.perf_counter()
    table = data.build_grid(actor=request.user, assignment=assignment, period=period, periods=periods)
    messages_for_js = {
        "saving": _("Enregistrement…"),
        "saved": _("Enregistrée"),
        "error": _("Non enregistrée"),
        "network": _("La connexion a échoué : la note n'est pas enregistrée. Réessayez."),
        "negative": _("Une note ne peut pas être négative (« %(text)s ») : tapez un nombre entre 0 et %(scale)s."),
        "garbage": _("« %(text)s » n'est pas une note : tapez un nombre entre 0 et %(scale)s, ou abs, disp, nr."),
        "decimals": _("La note %(text)s a trop de décimales : 2 au plus (par exemple 12,25)."),
        "above": _("La note %(text)s dépasse le barème (sur %(scale)s)."),
        "conflict": _("Modifiée par %(by)s à %(at)s : %(text)s"),
        "conflict_empty": _("effacée"),
        "keep_mine": _("Garder la mienne"),
        "take_theirs": _("Reprendre la sienne"),
        "saved_for": _("Note de %(name)s enregistrée : %(text)s"),
        "error_for": _("Note de %(name)s non enregistrée : %(message)s"),
        "paste_too_long": _("Le collage contient %(count)s notes mais il ne reste que %(rows)s élèves sous cette case."),
        "paste_saved": _("%(count)s notes collées et enregistrées."),
        "paste_failed": _("Rien n'a été enregistré : corrigez ces notes puis collez à nouveau."),
        "paste_saving": _("Enregistrement de la colonne…"),
        "conflict_for": _("Note de %(name)s modifiée entre-temps par quelqu'un d'autre : choisissez laquelle garder."),
    }
    response = render(
        request,
        "grades/teacher/grid.html",
        {
            "grid": table,
            "grid_rows": cells.render_rows(table),
            "assignment": assignment,
            "period": period,
            "audience": assignment.audience,
            "new_url": new_assessment_url(assignment, period),
            "js_messages": messages_for_js,
            "codes_help": _("Tapez une note, ou abs (absent), disp (dispensé), nr (non rendu)."),
        },
    )
    response["Server-Timing"] = f"grid;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


# --- JSON endpoints -------------------------------------------------------------------------------
def _json_error(error: errors.DomainError, **extra) -> JsonResponse:
    payload = {"ok": False, "code": error.code, "message": str(error.message), **extra}
    return JsonResponse(payload, status=error.status)


def _version(raw) -> int | None:
    if raw in (None, "", "null"):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _uuid(raw) -> str:
    try:
        return str(uuid.UUID(str(raw)))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


def _grid_assessment(request, assignment, period, assessment_id) -> Assessment:
    return get_object_or_404(
        data.grid_assessments(request.user, assignment, period).select_related(
            "assignment__establishment", "assignment__school_class", "assignment__group"
        ),
        public_id=_uuid(assessment_id),
    )


def _grid_student(assessment: Assessment, student_id):
    return get_object_or_404(policies.students_of_assessment(assessment), public_id=_uuid(student_id))


def _conflict_payload(details, establishment) -> dict:
    """MarkConflict details ({student, current, version, by, at}) as the grid shows them."""
    details = details if isinstance(details, dict) else {}
    at = details.get("at")
    moment = parse_datetime(at) if isinstance(at, str) else at
    local = data.local_time(moment, establishment) if moment is not None else None
    return {
        "student": details.get("student", ""),
        "text": details.get("current") or "",
        "version": details.get("version"),
        "by": details.get("by") or "",
        "at": local.strftime("%H:%M") if local else "",
    }


@require_POST
def grid_cell(request, assignment_id, period_id):
    """Save one cell (see the module docstring)."""
    assignment = _assignment(request, assignment_id)
    period = _period(_periods(assignment), period_id)
    assessment = _grid_assessment(request, assignment, period, request.POST.get("assessment"))
    student = _grid_student(assessment, request.POST.get("student"))
    comment = request.POST.get("comment")
    try:
        mark = mark_services.save_mark(
            actor=request.user,
            assessment=assessment,
            student=student,
            text=request.POST.get("text", ""),
            expected_version=_version(request.POST.get("version")),
            comment=comment,
        )
    except errors.DomainError as error:
        if error.code == "mark_conflict":
            return _json_error(error, current=_conflict_payload(error.details, assignment.establishment))
        return _json_error(error)
    saved = mark.pk is not None  # saving "" where there was no mark leaves no row
    return JsonResponse(
        {
            "ok": True,
            "text": format_mark(mark),
            "version": mark.version if saved else None,
            "comment": mark.comment if saved else "",
            "average": data.row_averages(request.user, assignment, period, [student])[student.pk],
            "stats": data.assessment_column_stats(assessment),
        }
    )


@require_POST
def grid_column(request, assignment_id, period_id):
    """Save a pasted column, all or nothing (see the module docstring)."""
    assignment = _assignment(request, assignment_id)
    period = _period(_periods(assignment), period_id)
    try:
        body = json.loads(request.body or b"{}")
        raw_entries = list(body["entries"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest()
    assessment = _grid_assessment(request, assignment, period, body.get("assessment"))
    students = {str(s.public_id): s for s in policies.students_of_assessment(assessment)}
    entries = []
    for entry in raw_entries:
        student = students.get(str(entry.get("student", "")))
        if student is None:
            raise Http404
        entries.append((student, str(entry.get("text", "")), _version(entry.get("version"))))
    try:
        mark_services.save_column(actor=request.user, assessment=assessment, entries=entries)
    except errors.DomainError as error:
        return _json_error(error, errors=_column_errors(error, students, assignment.establishment))
    saved = {
        m.student_id: m
        for m in Mark.objects.filter(assessment=assessment, student__in=[s for s, _t, _v in entries])
    }
    averages = data.row_averages(request.user, assignment, period, [s for s, _t, _v in entries])
    return JsonResponse(
        {
            "ok": True,
            "cells": [
                {
                    "student": str(student.public_id),
                    "text": format_mark(saved.get(student.pk)),
                    "version": saved[student.pk].version if student.pk in saved else None,
                }
                for student, _text, _seen in entries
            ],
            "averages": {str(s.public_id): averages[s.pk] for s, _t, _v in entries},
            "stats": data.assessment_column_stats(assessment),
        }
    )


def _column_errors(error: errors.DomainError, students: dict, establishment) -> list[dict]:
    """The service's problems as [{student (public id), name, message}]: invalid marks
    (ValidationFailed) or marks changed meanwhile (MarkConflict)."""
    details = error.details if isinstance(error.details, list) else []
    problems = []
    for item in details:
        if not isinstance(item, dict):
            continue
        student = students.get(str(item.get("student", "")))
        name = item.get("name") or (student.full_name if student is not None else "")
        message = item.get("message")
        if message is None and error.code == "mark_conflict":
            theirs = _conflict_payload(item, establishment)
            message = _("Modifiée par %(by)s à %(at)s : %(text)s") % {
                "by": theirs["by"] or "?", "at": theirs["at"] or "?", "text": theirs["text"] or _("effacée"),
            }
        problems.append({"student": str(item.get("student", "")), "name": name, "message": str(message or error.message)})
    return problems


@require_GET
def grid_cell_dialog(request, assignment_id, period_id):
    """The comment form and the history of one mark, as a fragment for the grid's <dialog>."""
    assignment = _assignment(request, assignment_id)
    periods = _periods(assignment)
    period = _period(periods, period_id)
    assessment = _grid_assessment(request, assignment, period, request.GET.get("assessment"))
    student = _grid_student(assessment, request.GET.get("student"))
    mark, events = data.cell_history(request.user, assessment, student, assignment.establishment)
    return render(
        request,
        "grades/teacher/cell_dialog.html",
        {"assessment": assessment, "student": student, "mark": mark, "text": format_mark(mark), "events": events},
    )
