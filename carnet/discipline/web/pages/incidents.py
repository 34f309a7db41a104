"""/discipline/ (the incidents the person sees, filtered), /discipline/incidents/nouveau/ (report
one), /discipline/incidents/<id>/ (its detail) and …/modifier/ (change it, with its version: a
stale save answers 409 and shows the current values)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from carnet.core import errors
from carnet.discipline import policies, selectors
from carnet.discipline.models import Incident
from carnet.discipline.services import incidents as service
from carnet.discipline.services.incidents import zone_of
from carnet.discipline.web.pages.common import (
    PAGE_SIZE,
    choose_establishment,
    establishment_query,
    read_filters,
)
from carnet.discipline.web.pages.forms import (
    EMPTY_ROWS,
    MAX_ROWS,
    ROLE_CHOICES,
    IncidentForm,
    StudentPicker,
    add_service_error,
    participant_rows,
    rows_for,
)


@never_cache
def incident_list(request):
    establishment, establishments = choose_establishment(
        request, policies.reporting_establishment_ids(request.user)
    )
    filters = read_filters(request, establishment, students=policies.students_of_establishment(establishment))
    incidents = selectors.incidents_for(
        request.user,
        establishment=establishment,
        school_class=filters.school_class,
        student=filters.student,
        seriousness=filters.seriousness,
        since=filters.since,
        until=filters.until,
    )
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "establishment": establishment,
        "establishments": establishments,
        "establishment_query": establishment_query(establishment, establishments),
        "filters": filters,
        "page": page,
        "rows": selectors.incident_rows(request.user, page.object_list),
        "seriousness_choices": Incident.Seriousness.choices,
        "is_staff": policies.is_staff_in(request.user, establishment.pk),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "discipline/incidents/list.html#results", context)
    return render(request, "discipline/incidents/list.html", context)


def _picker(establishment) -> StudentPicker:
    return StudentPicker(
        policies.students_of_establishment(establishment).order_by("last_name", "first_name", "pk")
    )


def _form_page(
    request, *, form, establishment, establishments, picker, rows, incident=None, conflict="", status=200
):
    return render(
        request,
        "discipline/incidents/form.html",
        {
            "form": form,
            "incident": incident,
            "establishment": establishment,
            "establishments": establishments,
            "picker": picker,
            "rows": rows,
            "row_count": len(rows),
            "role_choices": ROLE_CHOICES,
            "conflict": conflict,
            "back_url": reverse("discipline:incident", args=[incident.public_id])
            if incident
            else reverse("discipline:home"),
        },
        status=status,
    )


def _row_count(request, current: int) -> int:
    try:
        count = int(request.POST.get("lignes", current))
    except ValueError:
        count = current
    count = max(0, min(count, MAX_ROWS))
    if "ajouter" in request.POST:
        count = min(count + EMPTY_ROWS, MAX_ROWS)
    return count


@never_cache
def incident_new(request):
    establishment, establishments = choose_establishment(
        request, policies.reporting_establishment_ids(request.user)
    )
    picker = _picker(establishment)
    if request.method != "POST":
        now = timezone.now().astimezone(zone_of(establishment))
        form = IncidentForm(
            initial={"occurred_on": now.date(), "occurred_time": now.time().replace(second=0, microsecond=0)}
        )
        return _form_page(
            request,
            form=form,
            establishment=establishment,
            establishments=establishments,
            picker=picker,
            rows=rows_for([], picker),
        )
    form = IncidentForm(request.POST)
    rows, pairs, problems = participant_rows(request.POST, picker, count=_row_count(request, EMPTY_ROWS))
    if "ajouter" in request.POST:
        form.is_valid()
        form.errors.clear()
        return _form_page(
            request,
            form=form,
            establishment=establishment,
            establishments=establishments,
            picker=picker,
            rows=rows,
        )
    if form.is_valid() and not problems:
        try:
            incident = service.report_incident(
                actor=request.user,
                establishment=establishment,
                occurred_at=form.occurred_at(zone_of(establishment)),
                place=form.cleaned_data["place"],
                description=form.cleaned_data["description"],
                seriousness=form.cleaned_data["seriousness"],
                participants=pairs,
            )
        except errors.ValidationFailed as error:
            add_service_error(form, error, {"occurred_at": "occurred_on"})
            _participants_error(form, error)
        else:
            messages.success(request, _("Incident enregistré."))
            return redirect("discipline:incident", incident.public_id)
    if problems:
        form.add_error(None, _("Vérifiez les élèves signalés."))
    return _form_page(
        request,
        form=form,
        establishment=establishment,
        establishments=establishments,
        picker=picker,
        rows=rows,
        status=422,
    )


def _participants_error(form, error: errors.DomainError) -> None:
    details = error.details if isinstance(error.details, dict) else {}
    if "participants" in details:
        form.add_error(None, details["participants"])


def _incident(request, incident_id) -> Incident:
    return get_object_or_404(
        policies.incidents_visible_to(request.user).select_related(
            "establishment", "reported_by", "school_year"
        ),
        public_id=incident_id,
    )


@never_cache
def incident_detail(request, incident_id):
    incident = _incident(request, incident_id)
    incidents = Incident.objects.filter(pk=incident.pk).prefetch_related("participants__student")
    row = selectors.incident_rows(request.user, incidents)[0]
    measures = list(
        policies.measures_visible_to(request.user)
        .filter(incident=incident)
        .select_related("student", "measure_type", "decided_by")
        .order_by("-decided_on", "-pk")
    )
    editable = policies.can_edit_incident(request.user, incident)
    deciders = set(
        policies.students_for_measures(request.user, incident.establishment)
        .filter(incident_parts__incident=incident)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "discipline/incidents/detail.html",
        {
            "incident": incident,
            "row": row,
            "measures": measures,
            "editable": editable,
            "can_decide_for": deciders,
            "zone": incident.establishment.time_zone,
        },
    )


@never_cache
def incident_edit(request, incident_id):
    incident = _incident(request, incident_id)
    if not policies.can_edit_incident(request.user, incident):
        raise PermissionDenied
    establishment = incident.establishment
    picker = _picker(establishment)
    participants = list(incident.participants.select_related("student").order_by("pk"))
    zone = zone_of(establishment)
    if request.method != "POST":
        local = incident.occurred_at.astimezone(zone)
        form = IncidentForm(
            initial={
                "occurred_on": local.date(),
                "occurred_time": local.time().replace(second=0, microsecond=0),
                "place": incident.place,
                "description": incident.description,
                "seriousness": incident.seriousness,
                "version": incident.version,
            }
        )
        return _form_page(
            request,
            form=form,
            establishment=establishment,
            establishments=[establishment],
            picker=picker,
            rows=rows_for(participants, picker),
            incident=incident,
        )
    form = IncidentForm(request.POST)
    rows, pairs, problems = participant_rows(
        request.POST, picker, count=_row_count(request, len(participants) + EMPTY_ROWS)
    )
    if "ajouter" in request.POST:
        form.is_valid()
        form.errors.clear()
        return _form_page(
            request,
            form=form,
            establishment=establishment,
            establishments=[establishment],
            picker=picker,
            rows=rows,
            incident=incident,
        )
    status = 422
    conflict = ""
    if form.is_valid() and not problems:
        try:
            changes = service.update_incident(
                actor=request.user,
                incident=incident,
                expected_version=form.cleaned_data.get("version") or 0,
                occurred_at=form.occurred_at(zone),
                place=form.cleaned_data["place"],
                description=form.cleaned_data["description"],
                seriousness=form.cleaned_data["seriousness"],
                participants=pairs,
            )
        except errors.Conflict:
            incident.refresh_from_db()
            conflict = _(
                "Quelqu'un a modifié cet incident pendant que vous le changiez : voici sa version actuelle. Reportez vos changements puis enregistrez."
            )
            local = incident.occurred_at.astimezone(zone)
            form = IncidentForm(
                initial={
                    "occurred_on": local.date(),
                    "occurred_time": local.time().replace(second=0, microsecond=0),
                    "place": incident.place,
                    "description": incident.description,
                    "seriousness": incident.seriousness,
                    "version": incident.version,
                }
            )
            rows = rows_for(list(incident.participants.select_related("student").order_by("pk")), picker)
            status = 409
        except errors.ValidationFailed as error:
            add_service_error(form, error, {"occurred_at": "occurred_on"})
            _participants_error(form, error)
        else:
            messages.success(request, _("Incident enregistré.") if changes else _("Aucun changement."))
            return redirect("discipline:incident", incident.public_id)
    if problems:
        form.add_error(None, _("Vérifiez les élèves signalés."))
    return _form_page(
        request,
        form=form,
        establishment=establishment,
        establishments=[establishment],
        picker=picker,
        rows=rows,
        incident=incident,
        conflict=conflict,
        status=status,
    )
