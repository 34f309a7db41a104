"""`attendance:statistics`: absence statistics of the establishment for the current year, per class
and per month (with a bar chart and its text alternative), the students with the most half-days
not justified, and the CSV export of each table (`?format=csv&vue=eleves|classes|mois`), for the
staff who read attendance (head, deputies, school life, secretary)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from carnet.attendance import statistics
from carnet.attendance.web import absences_data as data
from carnet.attendance.web.absences_staff import _common
from carnet.ui.charts import bars_svg

TOP_STUDENTS = 20


@never_cache
def statistics_page(request):
    establishment, establishments = data.staff_establishment(request)
    year = data.current_year(establishment)
    if year is None:
        raise Http404
    classes = data.current_classes(establishment)
    wanted = data.parse_uuid(request.GET.get("classe"))
    school_class = None
    if wanted:
        school_class = next((c for c in classes if c.public_id == wanted), None)
        if school_class is None:
            raise Http404
    stats = statistics.establishment_stats(
        establishment,
        year=year,
        since=data.parse_day(request.GET.get("du")),
        until=data.parse_day(request.GET.get("au")),
        school_class=school_class,
    )
    if request.GET.get("format") == "csv":
        view = request.GET.get("vue", "eleves")
        if view not in statistics.VIEWS:
            raise Http404
        response = HttpResponse(statistics.as_csv(stats, view), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{statistics.csv_file_name(stats, view)}"'
        return response
    chart = bars_svg(
        bars=[(formats.date_format(m.month, "N"), m.counts.half_days) for m in stats.months],
        title=_("Demi-journées d'absence par mois"),
    )
    top = sorted(
        (s for s in stats.students if s.counts.not_justified or s.counts.half_days),
        key=lambda s: (-s.counts.not_justified, -s.counts.half_days, s.last_name),
    )[:TOP_STUDENTS]
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("vue", None)
    context = {
        **_common(request, establishment, establishments),
        "tab": "statistics",
        "stats": stats,
        "classes": classes,
        "school_class": school_class,
        "chart": chart,
        "top": top,
        "base_query": query.urlencode(),
    }
    return render(request, "attendance/absences/statistics.html", context)
