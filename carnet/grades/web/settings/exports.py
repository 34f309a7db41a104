"""/notes/exports/: a class's averages for a period as a file (CSV, Excel or JSON) shaped for
EducMaster entry, for the staff who read every mark of the establishment (`exports.can_export_averages`:
head, deputy, school life, secretary). Someone with none of those functions gets 403; a class or a
period of another establishment answers 404."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from carnet.grades import exports
from carnet.grades.web.settings.forms import ExportForm
from carnet.school.models import Period, SchoolClass


def can_export_somewhere(request) -> bool:
    from carnet.grades.policies import GRADES_READERS
    from carnet.school.roles import roles_of

    return any(kinds & GRADES_READERS for kinds in roles_of(request.user).functions.values())


def _uuid(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        raise Http404 from None


@never_cache
def exports_page(request):
    establishments = exports.exporting_establishments(request.user)
    if not establishments:
        raise PermissionDenied
    ids = [e.pk for e in establishments]
    chosen = request.GET.get("etablissement")
    establishment = establishments[0]
    if chosen:
        establishment = next((e for e in establishments if str(e.public_id) == chosen), None)
        if establishment is None:
            raise Http404
    if request.GET.get("telecharger"):
        school_class = get_object_or_404(
            SchoolClass.objects.filter(establishment_id__in=ids, school_year__is_current=True).select_related("establishment"),
            public_id=_uuid(request.GET.get("classe")),
        )
        period = get_object_or_404(Period.objects.filter(school_year_id=school_class.school_year_id),
                                   public_id=_uuid(request.GET.get("periode")))
        fmt = request.GET.get("format", "csv")
        if fmt not in exports.FORMATS:
            raise Http404
        content, content_type, name = exports.render(fmt, school_class=school_class, period=period)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    classes = exports.classes_of(establishment)
    periods = exports.periods_of(establishment)
    today = timezone.localdate()
    current = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
    form = ExportForm(classes=classes, periods=periods, initial={"periode": str(current.public_id)} if current else None)
    return render(request, "grades/settings/exports.html", {
        "establishment": establishment,
        "establishments": establishments,
        "form": form,
        "has_choices": bool(classes and periods),
    })
