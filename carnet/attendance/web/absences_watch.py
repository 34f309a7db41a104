"""`attendance:watch` ("Élèves à suivre"): the students an alert rule put on the watch list, with
the reason in words, for the school-life managers; taking a student off the list keeps who and
when. `attendance:watch_clear` (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carnet.attendance import policies
from carnet.attendance.services import alerts
from carnet.attendance.web import absences_data as data
from carnet.attendance.web.absences_staff import _common


@never_cache
def watch(request):
    establishment, establishments = data.staff_establishment(request, manage=True)
    context = {
        **_common(request, establishment, establishments),
        "tab": "watch",
        "entries": list(data.open_watch_entries(request.user, establishment)),
        "cleared": list(data.recently_cleared(request.user, establishment)),
    }
    return render(request, "attendance/absences/watch.html", context)


@require_POST
def watch_clear(request, entry_id):
    entry = (
        policies.watch_entries_visible_to(request.user)
        .select_related("student", "establishment")
        .filter(public_id=entry_id)
        .first()
    )
    if entry is None:
        raise Http404
    alerts.clear_entry(actor=request.user, entry=entry)
    messages.success(
        request,
        _("%(name)s est retiré(e) de la liste des élèves à suivre.") % {"name": entry.student.full_name},
    )
    url = reverse("attendance:watch")
    if len(policies.managed_establishment_ids(request.user)) > 1:
        url += f"?etablissement={entry.establishment.public_id}"
    return redirect(url)
