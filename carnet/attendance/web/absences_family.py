"""Family pages of absences (students and guardians, per child with `?child=`):

- `attendance:family_absences` (/absences/) — the child's absences and lateness of the year, their
  state, how each is counted in half-days, the totals and (for a guardian) the declarations;
- `attendance:declare` (/absences/declarer/) — a guardian declares an absence, in advance or after
  the fact, with a reason, a message and a document. Only for one's own child: anything else is
  404 and nothing is saved."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from carnet.attendance import policies
from carnet.attendance.services import declarations as service
from carnet.attendance.services.settings import reasons_of, zone_of
from carnet.attendance.web import absences_data as data
from carnet.attendance.web.absences_forms import DeclarationForm
from carnet.core import errors
from carnet.school.family import viewer_for


@never_cache
def family_absences(request):
    viewer = viewer_for(request)
    page = data.family_page(viewer)
    return render(request, "attendance/absences/family.html", {"viewer": viewer, "page": page})


@never_cache
def declare(request):
    wanted = request.POST.get("child") if request.method == "POST" else None
    viewer = viewer_for(request, wanted=wanted)
    if not viewer.is_guardian:
        raise Http404
    guardianship = policies.guardianship_of(request.user, viewer.student)
    if guardianship is None:
        raise Http404
    establishment = guardianship.establishment
    reasons = reasons_of(establishment, active_only=True)
    status = 200
    if request.method == "POST":
        form = DeclarationForm(request.POST, request.FILES, reasons=reasons)
        if form.is_valid():
            try:
                starts_at, ends_at = form.moments(establishment)
                service.declare_absence(
                    actor=request.user,
                    student=viewer.student,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    reason_id=data.parse_uuid(form.cleaned_data["reason"]),
                    message=form.cleaned_data["message"],
                    document=form.cleaned_data.get("document"),
                )
            except errors.ValidationFailed as error:
                mapping = {"starts_at": "starts_on", "ends_at": "ends_on"}
                for field, message in (error.details or {}).items():
                    name = mapping.get(field, field)
                    form.add_error(name if name in form.fields else None, message)
                if not error.details:
                    form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Absence déclarée. La vie scolaire la traitera et vous serez prévenu de sa réponse."),
                )
                return redirect(reverse("attendance:family_absences") + viewer.child_query + "#declarations")
        status = 422
    else:
        today = timezone.localtime(timezone.now(), zone_of(establishment)).date()
        initial = {
            "starts_on": _day(request.GET.get("du")) or today,
            "ends_on": _day(request.GET.get("au")) or today,
        }
        form = DeclarationForm(initial=initial, reasons=reasons)
    context = {"viewer": viewer, "form": form, "establishment": establishment}
    return render(request, "attendance/absences/declare.html", context, status=status)


def _day(value) -> dt.date | None:
    return data.parse_day(value)
