"""/conseils/: the classes whose council a person may run, and a class's council for a period —
the class grid, the class statistics, a student's panel (radar chart, subject averages and
appraisals, the council's appraisal, mention and decision), closing and the staff unlock."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carnet.core import errors
from carnet.grades import hooks, policies
from carnet.grades.computation import annual_results, period_results
from carnet.grades.models import Appraisal, ClassCouncil
from carnet.grades.services import council as service
from carnet.grades.services.appraisals import AppraisalConflict
from carnet.grades.web.council.common import class_and_period, optional_version
from carnet.grades.web.staff.data import council_grid_links, student_grid_links
from carnet.school.models import Period
from carnet.ui.charts import radar_svg


# --- index -------------------------------------------------------------------------------------
def index(request):
    """Every class the person may run, with the state of each period's council."""
    classes = list(
        service.classes_for_council(request.user)
        .select_related("establishment", "school_year", "level")
        .order_by("establishment__name", "level__rank", "normalized_name")
    )
    if not classes:
        raise PermissionDenied
    year_ids = {c.school_year_id for c in classes}
    periods_by_year: dict[int, list[Period]] = {}
    for period in Period.objects.filter(school_year_id__in=year_ids).order_by("number"):
        periods_by_year.setdefault(period.school_year_id, []).append(period)
    councils = {
        (c.school_class_id, c.period_id): c
        for c in ClassCouncil.objects.filter(school_class__in=classes).select_related("closed_by")
    }
    blocks: dict[int, dict] = {}
    for school_class in classes:
        periods = periods_by_year.get(school_class.school_year_id, [])
        block = blocks.get(school_class.establishment_id)
        if block is None:
            establishment = school_class.establishment
            sets_conduct = policies.can_set_conduct(request.user, establishment)
            block = blocks[school_class.establishment_id] = {
                "establishment": establishment,
                "periods": periods,
                "rows": [],
                "conduct_url": reverse("grades:conduct_home") if sets_conduct else None,
            }
        block["rows"].append(
            {
                "school_class": school_class,
                "cells": [{"period": p, "council": councils.get((school_class.pk, p.pk))} for p in periods],
            }
        )
    return render(request, "grades/council/index.html", {"blocks": list(blocks.values())})


# --- a council ---------------------------------------------------------------------------------
def _target(request, class_id, period_id):
    school_class, period = class_and_period(request.user, class_id, period_id)
    if not policies.can_run_council(request.user, school_class):
        raise PermissionDenied
    return school_class, period


def _grid(results, appraisals) -> dict:
    """The grid's rows and statistics from the engine's results (no query)."""
    subjects = list(results.subjects)
    mentions = {a.student_id: a for a in appraisals if a.kind == Appraisal.Kind.COUNCIL}
    rows = []
    for info in results.students:
        student = info.user
        general = results.general(student.pk, explain=False)
        rows.append(
            {
                "student": student,
                "info": info,
                "cells": [
                    getattr(results.subject_result(student.pk, s.key, explain=False), "value", None) for s in subjects
                ],
                "general": general.value if general else None,
                "rank": results.rank(student.pk),
                "council": mentions.get(student.pk),
            }
        )
    stats = [results.subject_stats(s.key) for s in subjects]
    return {"subjects": subjects, "rows": rows, "stats": stats, "general_stats": results.general_stats}


def _panel(
    request, *, school_class, period, council, results, appraisals, student, grid, grid_links, form=None, status=None
):
    """Everything the student panel shows; each subject links to the read-only grid that shows the
    student (`grid_links`: by subject key, see `staff.data.council_grid_links`)."""
    if student is None:
        return None
    student_links = student_grid_links(grid_links, student)
    order = [row["student"] for row in grid["rows"]]
    index = next(i for i, s in enumerate(order) if s.pk == student.pk)
    row = grid["rows"][index]
    subjects = grid["subjects"]
    by_subject = {
        a.subject_id: a for a in appraisals if a.student_id == student.pk and a.kind == Appraisal.Kind.SUBJECT
    }
    main = next((a for a in appraisals if a.student_id == student.pk and a.kind == Appraisal.Kind.MAIN_TEACHER), None)
    record = row["council"]
    lines = [
        {
            "subject": s,
            "value": value,
            "mean": stat.mean,
            "appraisal": by_subject.get(s.subject.pk) if s.subject is not None else None,
            "grid_link": student_links.get(s.key),
        }
        for s, value, stat in zip(subjects, row["cells"], grid["stats"], strict=True)
    ]
    radar = None
    if len(subjects) >= 3:
        radar = radar_svg(
            axes=[s.short_name or s.name for s in subjects],
            series=[
                (student.full_name, list(row["cells"])),
                (_("Moyenne de la classe"), [stat.mean for stat in grid["stats"]]),
            ],
            maximum=20,
            title=_("Moyennes de %(name)s comparées à celles de la classe") % {"name": student.full_name},
        )
    last_period = service.is_last_period(period)
    suggested = None
    if last_period:
        annual = annual_results(school_class=school_class, school_year=period.school_year, audience="staff")
        suggested = annual.decision(student.pk)
    closed = council.status == ClassCouncil.Status.CLOSED
    if form is None:
        form = {
            "text": record.text if record else "",
            "mention": record.mention if record else "",
            "decision": record.decision if record else "",
            "version": record.version if record else "",
        }
    return {
        "student": student,
        "row": row,
        "position": index + 1,
        "count": len(order),
        "previous": order[index - 1] if index > 0 else None,
        "next": order[index + 1] if index + 1 < len(order) else None,
        "lines": lines,
        "radar": radar,
        "main": main,
        "record": record,
        "form": form,
        "status": status,
        "closed": closed,
        "last_period": last_period,
        "suggested_decision": suggested,
        "mentions": service.mention_choices(school_class.establishment),
        "decisions": service.decision_choices(school_class.establishment),
    }


def _context(request, school_class, period, *, student_id=None, form=None, status=None) -> dict:
    council = service.council_for(period=period, school_class=school_class)
    results = period_results(school_class=school_class, period=period, audience="staff")
    student_ids = [info.user.pk for info in results.students]
    appraisals = list(
        Appraisal.objects.filter(period=period, student_id__in=student_ids).select_related("author", "subject")
    )
    grid = _grid(results, appraisals)
    absences = hooks.absence_counts(school_class, period)
    for row in grid["rows"]:
        row["absences"] = absences.get(row["student"].pk)
    grid_links = council_grid_links(request.user, results, period)
    grid["columns"] = [{"subject": s, "links": grid_links.get(s.key, [])} for s in grid["subjects"]]
    selected = None
    if student_id:
        selected = next((info.user for info in results.students if str(info.user.public_id) == str(student_id)), None)
    if selected is None and results.students:
        selected = results.students[0].user
    panel = _panel(
        request, school_class=school_class, period=period, council=council, results=results,
        appraisals=appraisals, student=selected, grid=grid, grid_links=grid_links, form=form, status=status,
    )
    return {
        "school_class": school_class,
        "period": period,
        "periods": service.periods_of(school_class),
        "council": council,
        "closed": council.status == ClassCouncil.Status.CLOSED,
        "results": results,
        "ranks": bool(results.rules.ranks),
        "grid": grid,
        "panel": panel,
        "can_unlock": policies.can_manage_grading(request.user, school_class.establishment),
        "page_url": reverse("grades:council", args=[school_class.public_id, period.public_id]),
    }


def council(request, class_id, period_id):
    school_class, period = _target(request, class_id, period_id)
    context = _context(request, school_class, period, student_id=request.GET.get("student"))
    if request.htmx and request.htmx.target == "council-panel":
        return render(request, "grades/council/council.html#panel", context)
    return render(request, "grades/council/council.html", context)


def _student_of_referer(request) -> str:
    """The `?student=` of the page the form was sent from (the panel moves by htmx, so the page's
    own forms do not know it), so that the council comes back on the same student."""
    from urllib.parse import parse_qs, urlsplit
    from uuid import UUID

    values = parse_qs(urlsplit(request.META.get("HTTP_REFERER", "")).query).get("student", [])
    try:
        return "?" + urlencode({"student": str(UUID(values[0]))}) if values else ""
    except ValueError:
        return ""


def _back(school_class, period, student=None) -> str:
    url = reverse("grades:council", args=[school_class.public_id, period.public_id])
    if student is not None:
        url += "?" + urlencode({"student": str(student.public_id)})
    return url


@require_POST
def record(request, class_id, period_id, student_id):
    """Save the council's appraisal, mention and decision of a student (htmx: answers the panel)."""
    school_class, period = _target(request, class_id, period_id)
    results_students = policies.students_visible_for_marks(request.user)
    student = get_object_or_404(results_students, public_id=student_id)
    form = {
        "text": request.POST.get("text", ""),
        "mention": request.POST.get("mention", ""),
        "decision": request.POST.get("decision", ""),
        "version": request.POST.get("version", ""),
    }
    status: dict = {}
    try:
        service.save_council_record(
            actor=request.user, period=period, student=student, appraisal_text=form["text"],
            mention=form["mention"], decision=form["decision"], expected_version=optional_version(form["version"]),
        )
        status = {"kind": "saved", "message": _("Enregistré.")}
        form_out = None
    except AppraisalConflict as error:
        status = {"kind": "conflict", "message": str(error.message), "details": error.details}
        form_out = {**form, "version": (error.details or {}).get("version") or ""}
    except errors.DomainError as error:
        status = {"kind": "error", "message": str(error.message)}
        form_out = form
    if not request.htmx:
        if status["kind"] == "saved":
            messages.success(request, status["message"])
        else:
            messages.error(request, status["message"])
        return redirect(_back(school_class, period, student))
    context = _context(request, school_class, period, student_id=student.public_id, form=form_out, status=status)
    # htmx swaps only 2xx answers: for htmx the state (saved, conflict, error) travels in the panel.
    return render(request, "grades/council/council.html#panel", context)


@require_POST
def close(request, class_id, period_id):
    school_class, period = _target(request, class_id, period_id)
    council = service.council_for(period=period, school_class=school_class)
    try:
        service.close_council(actor=request.user, council=council, expected_version=optional_version(request.POST.get("version")) or 0)
        messages.success(request, _("Le conseil est clos : les notes de la période sont verrouillées pour la classe."))
    except errors.DomainError as error:
        messages.error(request, str(error.message))
    return redirect(_back(school_class, period) + _student_of_referer(request))


@require_POST
def unlock(request, class_id, period_id):
    school_class, period = class_and_period(request.user, class_id, period_id)
    if not policies.can_manage_grading(request.user, school_class.establishment):
        raise PermissionDenied
    council = service.council_for(period=period, school_class=school_class)
    try:
        service.unlock_council(actor=request.user, council=council, reason=request.POST.get("reason", ""))
        messages.success(request, _("Le conseil est rouvert : les notes de la période peuvent de nouveau être modifiées."))
    except errors.DomainError as error:
        messages.error(request, str(error.message))
    return redirect(_back(school_class, period))
