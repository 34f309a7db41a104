"""/reservations/ressources/: the resources of an establishment (rooms and equipment, in service or
not), adding one, changing one or putting it out of service, and the establishment's rule "every
booking is validated". For the head, deputies, school-life staff and the IT administrator
(`policies.RESOURCE_MANAGERS`): anyone else gets 403; a resource of another establishment 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carnet.core import errors
from carnet.school.models import Establishment
from carnet.timetable.booking import policies, resources
from carnet.timetable.booking.conflicts import settings_for
from carnet.timetable.models import Resource
from carnet.timetable.web.booking.forms import ResourceEditForm, ResourceForm, RuleForm
from carnet.timetable.web.booking.views import tabs_context


def _establishments(request) -> tuple[Establishment, list[Establishment]]:
    ids = policies.managed_establishment_ids(request.user)
    if not ids:
        raise PermissionDenied
    establishments = list(Establishment.objects.filter(id__in=ids).order_by("name"))
    chosen = request.POST.get("etablissement") or request.GET.get("etablissement")
    if chosen:
        for establishment in establishments:
            if str(establishment.public_id) == chosen:
                return establishment, establishments
        raise Http404
    return establishments[0], establishments


def _list_url(establishment, establishments) -> str:
    url = reverse("timetable:booking_resources")
    if len(establishments) > 1:
        url += f"?etablissement={establishment.public_id}"
    return url


def _apply_errors(form, error: errors.ValidationFailed) -> None:
    details = error.details if isinstance(error.details, dict) else {}
    for field, message in details.items():
        form.add_error(field if field in form.fields else None, message)
    if not details:
        form.add_error(None, str(error.message))


def _list_page(request, establishment, establishments, *, form=None, status=200):
    context = {
        "establishment": establishment,
        "establishments": establishments,
        "multiple": len(establishments) > 1,
        "resources": list(Resource.objects.filter(establishment=establishment).order_by("kind", "name")),
        "form": form or ResourceForm(),
        "rule_form": RuleForm(
            initial={"bookings_need_approval": settings_for(establishment.pk).bookings_need_approval}
        ),
        **tabs_context(request, "resources"),
    }
    return render(request, "timetable/booking/resources.html", context, status=status)


@never_cache
def resource_list(request):
    """GET: the list and the form to add a resource; POST: add it."""
    establishment, establishments = _establishments(request)
    if request.method != "POST":
        return _list_page(request, establishment, establishments)
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            resource = resources.create_resource(
                actor=request.user, establishment=establishment, **form.cleaned_data
            )
        except errors.ValidationFailed as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("« %(name)s » ajouté.") % {"name": resource.name})
            return redirect(_list_url(establishment, establishments))
    return _list_page(request, establishment, establishments, form=form, status=422)


@require_POST
def booking_rule(request):
    establishment, establishments = _establishments(request)
    form = RuleForm(request.POST)
    form.is_valid()
    value = bool(form.cleaned_data.get("bookings_need_approval"))
    resources.set_bookings_need_approval(actor=request.user, establishment=establishment, value=value)
    if value:
        messages.success(
            request, _("Désormais, toutes les réservations attendent la validation du personnel.")
        )
    else:
        messages.success(
            request, _("Désormais, seules les ressources qui le demandent attendent une validation.")
        )
    return redirect(_list_url(establishment, establishments))


@never_cache
def resource_edit(request, resource_id):
    resource = get_object_or_404(
        policies.resources_managed_by(request.user).select_related("establishment"), public_id=resource_id
    )
    establishments = list(
        Establishment.objects.filter(id__in=policies.managed_establishment_ids(request.user)).order_by("name")
    )
    status = 200
    if request.method == "POST":
        form = ResourceEditForm(request.POST)
        if form.is_valid():
            try:
                _resource, changes = resources.update_resource(
                    actor=request.user, resource=resource, **form.cleaned_data
                )
            except errors.ValidationFailed as error:
                _apply_errors(form, error)
            else:
                if changes:
                    messages.success(request, _("« %(name)s » enregistré.") % {"name": _resource.name})
                else:
                    messages.info(request, _("Aucun changement."))
                return redirect(_list_url(resource.establishment, establishments))
        status = 422
    else:
        form = ResourceEditForm(initial=ResourceEditForm.initial_from(resource))
    context = {
        "resource": resource,
        "form": form,
        "list_url": _list_url(resource.establishment, establishments),
        **tabs_context(request, "resources"),
    }
    return render(request, "timetable/booking/resource_edit.html", context, status=status)
