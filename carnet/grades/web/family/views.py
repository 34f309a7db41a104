"""Family pages: the marks of a period (/notes/), the explanation of a subject average with its
what-if, and the explanation of the general average. Each page reads who is looked at through
`people.viewer_for` (404 for anyone else) and the data through `data` (visible marks only)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from carnet.grades import computation
from carnet.grades.engine.types import MARKED, MarkIn
from carnet.grades.models import BUILTIN_KIND_ROLES, Role
from carnet.grades.profiles import profile_for
from carnet.grades.web.family import data, rules
from carnet.grades.web.family.forms import WhatIfForm
from carnet.grades.web.family.people import Viewer, periods_of, pick_period, viewer_for


def _period_or_404(viewer: Viewer, period_id: uuid.UUID):
    period = next((p for p in periods_of(viewer) if p.public_id == period_id), None)
    if period is None:
        raise Http404
    return period


def _results_or_404(viewer: Viewer, period, now):
    results = computation.student_period_results(
        student=viewer.student, period=period, audience=viewer.audience, now=now
    )
    if results is None:
        raise Http404
    return results


@require_safe
def marks(request):
    viewer = viewer_for(request)
    periods = periods_of(viewer)
    period = pick_period(periods, request.GET.get("period"), timezone.localdate())
    page = data.marks_page(viewer, period, periods) if period is not None else None
    context = {"viewer": viewer, "periods": periods, "period": period, "page": page}
    return render(request, "grades/family/marks.html", context)


def _what_if(viewer: Viewer, period, info, form: WhatIfForm, now) -> dict[str, Any]:
    """Run the simulation of the form's mark in the subject: nothing is saved."""
    kind = form.cleaned_data["type"]
    extra = MarkIn(
        assessment="what-if",
        title=_("Note simulée"),
        role=BUILTIN_KIND_ROLES.get(kind, Role.OTHER),
        status=MARKED,
        value=form.cleaned_data["note"],
        scale=form.cleaned_data["sur"],
        coefficient=form.cleaned_data["coefficient"],
        held_on=timezone.localdate(),
    )
    subject_before, subject_after, general_before, general_after = computation.what_if(
        student=viewer.student, period=period, subject=info.subject, extra=extra, audience=viewer.audience, now=now
    )
    return {
        "subject_before": subject_before.value,
        "subject_after": subject_after.value,
        "subject_delta": _delta(subject_before.value, subject_after.value),
        "general_before": general_before.value,
        "general_after": general_after.value,
        "general_delta": _delta(general_before.value, general_after.value),
        "steps": subject_after.steps,
        "extra": extra,
    }


def _delta(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    return None if before is None or after is None else after - before


@require_safe
def explain(request, subject_id: uuid.UUID, period_id: uuid.UUID):
    viewer = viewer_for(request)
    period = _period_or_404(viewer, period_id)
    now = timezone.now()
    results = _results_or_404(viewer, period, now)
    info = results.subject(str(subject_id))
    result = results.subject_result(viewer.student.pk, str(subject_id)) if info is not None else None
    if info is None or result is None or info.subject is None:
        raise Http404
    profile = profile_for(results.establishment)
    stats_visible = profile.stats_visible_to_families
    marks = [m for m in data.period_marks(viewer, period, now=now) if m.assessment.assignment_id in info.assignment_ids]
    asked = "note" in request.GET
    form = WhatIfForm(request.GET if asked else None)
    simulation = _what_if(viewer, period, info, form, now) if asked and form.is_valid() else None
    context = {
        "viewer": viewer,
        "period": period,
        "info": info,
        "result": result,
        "rows": data.mark_rows(viewer, marks, stats_visible=stats_visible, now=now),
        "stats": results.subject_stats(info.key) if stats_visible else None,
        "rank": results.subject_rank(viewer.student.pk, info.key),
        "class_size": results.class_size,
        "stats_visible": stats_visible,
        "rules": rules.subject_rules(profile),
        "form": form,
        "simulation": simulation,
    }
    htmx: Any = getattr(request, "htmx", None)
    if htmx and asked and not htmx.history_restore_request:
        return render(request, "grades/family/explain.html#what_if", context)
    return render(request, "grades/family/explain.html", context)


@require_safe
def explain_general(request, period_id: uuid.UUID):
    viewer = viewer_for(request)
    period = _period_or_404(viewer, period_id)
    results = _results_or_404(viewer, period, timezone.now())
    sid = viewer.student.pk
    profile = profile_for(results.establishment)
    lines = []
    for info in results.subjects:
        result = results.subject_result(sid, info.key)
        if result is None:
            continue
        lines.append({"info": info, "average": result.value, "blocked_reason": result.blocked_reason})
    context = {
        "viewer": viewer,
        "period": period,
        "general": results.general(sid),
        "lines": lines,
        "stats": results.general_stats if profile.stats_visible_to_families else None,
        "rank": results.rank(sid),
        "class_size": results.class_size,
        "rules": rules.general_rules(profile),
    }
    return render(request, "grades/family/explain_general.html", context)
