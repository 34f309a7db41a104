"""The timetable settings of an establishment (week A or B, same-day changes during quiet hours) and
the button that brings the coming sessions up to date after the calendar or the settings changed."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carnet.timetable import services
from carnet.timetable.calendar import current_year
from carnet.timetable.models import Session, Slot, TimetableSettings
from carnet.timetable.web.timetable_forms import SettingsForm
from carnet.timetable.web.timetable_views import ensure_manager, pick_establishment, readable_establishments
from carnet.timetable.weeks import local_today


def _establishment(request):
    establishment = pick_establishment(request, list(readable_establishments(request.user)))
    ensure_manager(request.user, establishment)
    return establishment


def _back(establishment, multiple: bool) -> str:
    url = reverse("timetable:settings")
    return f"{url}?etablissement={establishment.public_id}" if multiple else url


@require_http_methods(["GET", "POST"])
def settings_page(request):
    establishments = list(readable_establishments(request.user))
    establishment = _establishment(request)
    row = TimetableSettings.objects.filter(establishment=establishment).first() or TimetableSettings(
        establishment=establishment
    )
    initial = {
        "week_a_parity": row.week_a_parity,
        "same_day_changes_in_quiet_hours": row.same_day_changes_in_quiet_hours,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_timetable_settings(
            actor=request.user, establishment=establishment, **form.cleaned_data
        )
        messages.success(
            request, _("Réglages enregistrés. Mettez à jour les séances à venir si la semaine A a changé.")
        )
        return redirect(_back(establishment, len(establishments) > 1))
    year = current_year(establishment)
    context = {
        "establishment": establishment,
        "multiple": len(establishments) > 1,
        "form": form,
        "year": year,
        "slot_count": Slot.objects.filter(establishment=establishment, school_year=year).count()
        if year
        else 0,
        "session_count": Session.objects.filter(establishment=establishment, school_year=year).count()
        if year
        else 0,
        "week_now": row.week_of(local_today(establishment)),
    }
    return render(request, "timetable/settings.html", context, status=422 if form.errors else 200)


@require_POST
def regenerate(request):
    establishments = list(readable_establishments(request.user))
    establishment = _establishment(request)
    result = services.regenerate_sessions(actor=request.user, establishment=establishment)
    messages.success(
        request,
        _(
            "Séances à venir mises à jour : %(created)d créée(s), %(updated)d modifiée(s), %(deleted)d retirée(s) ; "
            "%(kept)d séance(s) changée(s) à la main ou déjà appelée(s) sont restées telles quelles."
        )
        % result.as_dict(),
    )
    return redirect(_back(establishment, len(establishments) > 1))
