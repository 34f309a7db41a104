"""/discipline/mesures/ (the measures the person sees, filtered), …/nouvelle/ (decide a punishment
or, for the head and deputies, a sanction; from an incident with `?incident=`, for a student with
`?eleve=`), …/<id>/ (a measure and its follow-up, changed with its version)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from carnet.core import errors
from carnet.core.http import uuid_or_404
from carnet.discipline import policies, selectors
from carnet.discipline.models import Measure, MeasureType
from carnet.discipline.services import measures as service
from carnet.discipline.services.catalogue import catalogue_of
from carnet.discipline.web.pages.common import (
    PAGE_SIZE,
    choose_establishment,
    establishment_query,
    read_filters,
)
from carnet.discipline.web.pages.forms import FollowUpForm, MeasureForm, StudentPicker, add_service_error

Category = MeasureType.Category


@never_cache
def measure_list(request):
    establishment, establishments = choose_establishment(
        request, policies.reporting_establishment_ids(request.user)
    )
    filters = read_filters(request, establishment, students=policies.students_of_establishment(establishment))
    measures = selectors.measures_for(
        request.user,
        establishment=establishment,
        school_class=filters.school_class,
        student=filters.student,
        category=filters.category,
        status=filters.status,
        since=filters.since,
        until=filters.until,
    )
    page = Paginator(measures, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    classes = selectors.class_names(m.student_id for m in items) if items else {}
    for measure in items:
        measure.class_name = classes.get(measure.student_id, "")
    context = {
        "establishment": establishment,
        "establishments": establishments,
        "establishment_query": establishment_query(establishment, establishments),
        "filters": filters,
        "page": page,
        "items": items,
        "is_staff": policies.is_staff_in(request.user, establishment.pk),
        "visible_incidents": set(
            policies.incidents_visible_to(request.user)
            .filter(pk__in={m.incident_id for m in items if m.incident_id})
            .values_list("pk", flat=True)
        )
        if any(m.incident_id for m in items)
        else set(),
        "category_choices": Category.choices,
        "status_choices": Measure.Status.choices,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "discipline/measures/list.html#results", context)
    return render(request, "discipline/measures/list.html", context)


def _allowed_categories(actor, establishment) -> set[str]:
    allowed = {Category.PUNISHMENT.value}
    if policies.can_decide_sanctions(actor, establishment.pk):
        allowed.add(Category.SANCTION.value)
    return allowed


@never_cache
def measure_new(request):
    source = request.POST if request.method == "POST" else request.GET
    incident = None
    if source.get("incident"):
        incident = get_object_or_404(
            policies.incidents_visible_to(request.user).select_related("establishment"),
            public_id=uuid_or_404(source["incident"]),
        )
        establishment, establishments = incident.establishment, [incident.establishment]
        if not policies.can_report_in(request.user, establishment):
            raise PermissionDenied
    else:
        establishment, establishments = choose_establishment(
            request, policies.reporting_establishment_ids(request.user)
        )
    types = catalogue_of(establishment, active_only=True)
    candidates = policies.students_for_measures(request.user, establishment).order_by(
        "last_name", "first_name", "pk"
    )
    if incident is not None:
        candidates = candidates.filter(incident_parts__incident=incident)
    picker = StudentPicker(candidates)
    by_public_id = {str(s.public_id): s for s in picker.students}
    choices = (
        [(str(s.public_id), picker.label_of(s)) for s in picker.students] if incident is not None else None
    )
    allowed = _allowed_categories(request.user, establishment)
    status = 200
    if request.method == "POST":
        form = MeasureForm(request.POST, types=types, student_choices=choices)
        status = 422
        if form.is_valid():
            raw = form.cleaned_data["student"]
            student = by_public_id.get(raw) if incident is not None else picker.resolve(raw)
            # The field's choices are these types: a valid form names one of them.
            measure_type = next(t for t in types if str(t.public_id) == form.cleaned_data["measure_type"])
            if student is None:
                form.add_error("student", _("Choisissez un élève dans la liste."))
            else:
                try:
                    measure = service.decide_measure(
                        actor=request.user,
                        student=student,
                        measure_type=measure_type,
                        reason=form.cleaned_data["reason"],
                        decided_on=form.cleaned_data["decided_on"],
                        due_on=form.cleaned_data.get("due_on"),
                        incident=incident,
                    )
                except errors.PermissionDenied as error:
                    form.add_error(None, str(error.message))
                    status = 403
                except errors.NotFound:
                    raise Http404 from None
                except errors.ValidationFailed as error:
                    add_service_error(form, error)
                else:
                    messages.success(
                        request,
                        _("Mesure enregistrée : %(type)s pour %(name)s.")
                        % {"type": measure.measure_type.name, "name": student.full_name},
                    )
                    return redirect("discipline:measure", measure.public_id)
    else:
        initial = {"decided_on": timezone.localdate()}
        wanted = request.GET.get("eleve")
        if wanted:
            chosen = by_public_id.get(str(uuid_or_404(wanted)))
            if chosen is not None:
                initial["student"] = (
                    str(chosen.public_id) if incident is not None else picker.label_of(chosen)
                )
        form = MeasureForm(initial=initial, types=types, student_choices=choices)
    return render(
        request,
        "discipline/measures/form.html",
        {
            "form": form,
            "incident": incident,
            "establishment": establishment,
            "establishments": establishments,
            "picker": picker,
            "type_groups": form.type_groups(allowed),
            "has_students": bool(picker.labels),
            "can_sanction": Category.SANCTION in allowed,
            "back_url": reverse("discipline:incident", args=[incident.public_id])
            if incident
            else reverse("discipline:measures"),
        },
        status=status,
    )


def _measure(request, measure_id) -> Measure:
    return get_object_or_404(
        policies.measures_visible_to(request.user).select_related(
            "student", "measure_type", "decided_by", "incident", "establishment", "school_year"
        ),
        public_id=measure_id,
    )


def _follow_up_initial(measure: Measure) -> dict:
    return {
        "status": measure.status,
        "due_on": measure.due_on,
        "follow_up": measure.follow_up,
        "reason": measure.reason,
        "version": measure.version,
    }


@never_cache
def measure_detail(request, measure_id):
    measure = _measure(request, measure_id)
    can_follow = policies.can_edit_measure(request.user, measure, policies.FOLLOW_UP_FIELDS)
    can_reason = policies.can_edit_measure(request.user, measure, {"reason"})
    status = 200
    conflict = ""
    if request.method == "POST":
        if not can_follow:
            raise PermissionDenied
        form = FollowUpForm(request.POST, with_reason=can_reason)
        if form.is_valid():
            values = {
                k: form.cleaned_data[k]
                for k in ("status", "due_on", "follow_up", "reason")
                if k in form.cleaned_data
            }
            try:
                changes = service.update_measure(
                    actor=request.user,
                    measure=measure,
                    expected_version=form.cleaned_data["version"],
                    **values,
                )
            except errors.Conflict:
                measure.refresh_from_db()
                conflict = _(
                    "Quelqu'un a modifié cette mesure pendant que vous la changiez : voici sa version actuelle. Reportez vos changements puis enregistrez."
                )
                form = FollowUpForm(initial=_follow_up_initial(measure), with_reason=can_reason)
                status = 409
            except errors.PermissionDenied as error:
                form.add_error(None, str(error.message))
                status = 403
            except errors.ValidationFailed as error:
                add_service_error(form, error)
                status = 422
            else:
                messages.success(request, _("Suivi enregistré.") if changes else _("Aucun changement."))
                return redirect("discipline:measure", measure.public_id)
        else:
            status = 422
    else:
        form = FollowUpForm(initial=_follow_up_initial(measure), with_reason=can_reason)
    incident_visible = bool(
        measure.incident_id
        and policies.incidents_visible_to(request.user).filter(pk=measure.incident_id).exists()
    )
    return render(
        request,
        "discipline/measures/detail.html",
        {
            "measure": measure,
            "form": form if can_follow else None,
            "conflict": conflict,
            "incident_visible": incident_visible,
            "class_name": selectors.class_names([measure.student_id]).get(measure.student_id, ""),
        },
        status=status,
    )
