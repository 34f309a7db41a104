"""/etablissement/annee/: the current school year of each establishment a person administers —
its dates, its evaluation periods and its holiday calendar. The head and deputies edit them
(`services.calendar.can_edit_calendar`); the other administrative staff read them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carnet.core import errors
from carnet.school.models import CalendarEvent, Period
from carnet.school.roles import roles_of
from carnet.school.services import calendar as service


def administers_some_establishment(request) -> bool:
    """For the side menu: no query beyond the person's cached roles."""
    return bool(roles_of(request.user).administrative_establishment_ids)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodsForm(forms.Form):
    """One name, start and end per period, prefixed by the period number."""

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = list(periods)
        for period in self.periods:
            n = period.number
            self.fields[f"name_{n}"] = forms.CharField(label=gettext_lazy("Nom"), max_length=40, initial=period.name)
            self.fields[f"starts_on_{n}"] = forms.DateField(label=gettext_lazy("Début"), widget=DateInput(), initial=period.starts_on)
            self.fields[f"ends_on_{n}"] = forms.DateField(label=gettext_lazy("Fin"), widget=DateInput(), initial=period.ends_on)

    def groups(self):
        return [
            {"period": p, "fields": [self[f"name_{p.number}"], self[f"starts_on_{p.number}"], self[f"ends_on_{p.number}"]]}
            for p in self.periods
        ]

    def rows(self) -> list[dict]:
        return [
            {
                "name": self.cleaned_data[f"name_{p.number}"],
                "starts_on": self.cleaned_data[f"starts_on_{p.number}"],
                "ends_on": self.cleaned_data[f"ends_on_{p.number}"],
            }
            for p in self.periods
        ]


class SchemeForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Découpage"),
        choices=[
            (Period.Kind.TRIMESTER, gettext_lazy("3 trimestres")),
            (Period.Kind.SEMESTER, gettext_lazy("2 semestres")),
        ],
    )


class EventForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=CalendarEvent.Kind.choices)
    starts_on = forms.DateField(label=gettext_lazy("Du"), widget=DateInput())
    ends_on = forms.DateField(
        label=gettext_lazy("Au"), widget=DateInput(), help_text=gettext_lazy("Le même jour pour une seule journée.")
    )


def _forms_for(year, bound: dict | None = None) -> dict:
    prefix = f"y{year.pk}"
    forms_ = {
        "periods_form": PeriodsForm(periods=year.periods.all(), prefix=f"{prefix}-p"),
        "scheme_form": SchemeForm(prefix=f"{prefix}-s", initial={"kind": next((p.kind for p in year.periods.all()), "")}),
        "event_form": EventForm(prefix=f"{prefix}-e"),
    }
    forms_.update(bound or {})
    return forms_


def _page(request, *, bound_year=None, bound: dict | None = None, errors_list=(), status=200):
    years = list(service.current_years_visible_to(request.user))
    if not years and not roles_of(request.user).administrative_establishment_ids:
        raise PermissionDenied
    blocks = []
    for year in years:
        editable = service.can_edit_calendar(request.user, year.establishment)
        is_bound = bound_year is not None and year.pk == bound_year.pk
        blocks.append(
            {
                "year": year,
                "establishment": year.establishment,
                "periods": list(year.periods.all()),
                "events": list(year.calendar_events.all()),
                "editable": editable,
                "errors": list(errors_list) if is_bound else [],
                **(_forms_for(year, bound if is_bound else None) if editable else {}),
            }
        )
    return render(request, "school/calendar/index.html", {"blocks": blocks}, status=status)


def _year(request, year_id):
    year = get_object_or_404(service.current_years_visible_to(request.user), public_id=year_id)
    if not service.can_edit_calendar(request.user, year.establishment):
        raise PermissionDenied
    return year


def calendar(request):
    return _page(request)


@require_POST
def periods_update(request, year_id):
    year = _year(request, year_id)
    form = PeriodsForm(request.POST, periods=year.periods.all(), prefix=f"y{year.pk}-p")
    if not form.is_valid():
        return _page(request, bound_year=year, bound={"periods_form": form}, errors_list=[_("Vérifiez les dates des périodes.")], status=422)
    try:
        changed = service.update_periods(actor=request.user, school_year=year, rows=form.rows())
    except errors.ValidationFailed as error:
        problems = error.details if isinstance(error.details, list) else [error.message]
        return _page(request, bound_year=year, bound={"periods_form": form}, errors_list=problems, status=422)
    if changed:
        messages.success(request, _("Périodes enregistrées."))
    else:
        messages.info(request, _("Aucun changement."))
    return redirect("school:calendar")


@require_POST
def scheme_change(request, year_id):
    year = _year(request, year_id)
    form = SchemeForm(request.POST, prefix=f"y{year.pk}-s")
    if not form.is_valid():
        return _page(request, bound_year=year, bound={"scheme_form": form}, errors_list=[_("Choisissez un découpage.")], status=422)
    periods = service.change_period_scheme(actor=request.user, school_year=year, kind=form.cleaned_data["kind"])
    if periods:
        messages.success(
            request, _("L'année est désormais découpée en %(count)s périodes, avec des dates par défaut à vérifier.") % {"count": len(periods)}
        )
    else:
        messages.info(request, _("Aucun changement."))
    return redirect("school:calendar")


@require_POST
def event_add(request, year_id):
    year = _year(request, year_id)
    form = EventForm(request.POST, prefix=f"y{year.pk}-e")
    if not form.is_valid():
        return _page(request, bound_year=year, bound={"event_form": form}, errors_list=[_("Vérifiez le formulaire d'ajout.")], status=422)
    try:
        event = service.add_calendar_event(actor=request.user, school_year=year, **form.cleaned_data)
    except errors.ValidationFailed as error:
        return _page(request, bound_year=year, bound={"event_form": form}, errors_list=[error.message], status=422)
    messages.success(request, _("« %(name)s » ajouté au calendrier.") % {"name": event.name})
    return redirect("school:calendar")


def event_delete(request, event_id):
    event = get_object_or_404(service.calendar_events_visible_to(request.user), public_id=event_id)
    if not service.can_edit_calendar(request.user, event.establishment):
        raise PermissionDenied
    if request.method == "POST":
        service.delete_calendar_event(actor=request.user, event=event)
        messages.success(request, _("« %(name)s » retiré du calendrier.") % {"name": event.name})
        return redirect("school:calendar")
    return render(request, "school/calendar/event_delete.html", {"event": event})
