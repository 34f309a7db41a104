"""/notes/reglages/: the grading profile, the subject coefficients of the current year and the
establishment's own assessment kinds, for the head and deputies (`policies.can_manage_grading`).

Someone who manages grading nowhere gets 403; an establishment or a row outside the ones the person
manages answers 404. Every write goes through `grades.services.settings` (audited)."""

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
from carnet.grades.models import CustomAssessmentKind, SubjectCoefficient
from carnet.grades.policies import GRADES_MANAGERS
from carnet.grades.profiles import profile_for
from carnet.grades.services import settings as service
from carnet.grades.web.settings.forms import CoefficientAddForm, CoefficientForm, KindForm, ProfileForm
from carnet.school.models import Establishment
from carnet.school.roles import roles_of


def managed_establishment_ids(user) -> list[int]:
    return [e for e, kinds in roles_of(user).functions.items() if kinds & GRADES_MANAGERS]


def manages_grading_somewhere(request) -> bool:
    """For the side menu: no query beyond the person's cached roles."""
    return bool(managed_establishment_ids(request.user))


def _establishment(request):
    ids = managed_establishment_ids(request.user)
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


def _url(establishment, establishments, anchor: str = "") -> str:
    url = reverse("grades:settings")
    if len(establishments) > 1:
        url += f"?etablissement={establishment.public_id}"
    return url + (f"#{anchor}" if anchor else "")


def _page(request, establishment, establishments, *, profile_form=None, coefficient_form=None, kind_form=None,
          row_errors=None, status=200):
    profile = profile_for(establishment)
    year = service.current_year(establishment)
    rows = list(service.coefficients_of(establishment, year)) if year else []
    previous = service.previous_year_with_coefficients(establishment, year) if year else None
    kinds = list(CustomAssessmentKind.objects.filter(establishment=establishment))
    context = {
        "establishment": establishment,
        "establishments": establishments,
        "profile": profile,
        "last_change": service.last_change(profile),
        "profile_form": profile_form or ProfileForm(initial=ProfileForm.initial_from(profile)),
        "year": year,
        "coefficients": rows,
        "previous_year": previous,
        "coefficient_form": coefficient_form or CoefficientAddForm(establishment=establishment),
        "kinds": kinds,
        "kind_form": kind_form or KindForm(),
        "row_errors": row_errors or {},
        "multiple": len(establishments) > 1,
    }
    return render(request, "grades/settings/index.html", context, status=status)


@never_cache
def settings_page(request):
    establishment, establishments = _establishment(request)
    if request.method != "POST":
        return _page(request, establishment, establishments)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _page(request, establishment, establishments, profile_form=form, status=422)
    try:
        _profile, changes = service.update_profile(actor=request.user, establishment=establishment,
                                                   expected_version=form.cleaned_data["version"], values=form.values())
    except errors.Conflict as error:
        messages.error(request, str(error.message))
        return _page(request, establishment, establishments, profile_form=form, status=409)
    except errors.ValidationFailed as error:
        for field, message in (error.details or {}).items():
            form.add_error(field if field in form.fields else None, message)
        return _page(request, establishment, establishments, profile_form=form, status=422)
    if changes:
        messages.success(request, _("Réglages enregistrés."))
    else:
        messages.info(request, _("Aucun changement."))
    return redirect(_url(establishment, establishments))


@require_POST
def coefficient_add(request):
    establishment, establishments = _establishment(request)
    form = CoefficientAddForm(request.POST, establishment=establishment)
    if form.is_valid():
        try:
            row = service.save_coefficient(actor=request.user, establishment=establishment, **form.cleaned_data)
        except errors.ValidationFailed as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Coefficient de %(subject)s ajouté.") % {"subject": row.subject.name})
            return redirect(_url(establishment, establishments, "coefficients"))
    return _page(request, establishment, establishments, coefficient_form=form, status=422)


def _row(request, model, public_id):
    ids = managed_establishment_ids(request.user)
    row = get_object_or_404(model.objects.filter(establishment_id__in=ids).select_related("establishment"), public_id=public_id)
    establishments = list(Establishment.objects.filter(id__in=ids).order_by("name"))
    return row, row.establishment, establishments


@require_POST
def coefficient_change(request, row_id):
    row, establishment, establishments = _row(request, SubjectCoefficient, row_id)
    if request.POST.get("action") == "delete":
        service.delete_coefficient(actor=request.user, row=row)
        messages.success(request, _("Coefficient retiré."))
        return redirect(_url(establishment, establishments, "coefficients"))
    form = CoefficientForm(request.POST)
    if form.is_valid():
        try:
            service.save_coefficient(actor=request.user, establishment=establishment, level=row.level, series=row.series,
                                     subject=row.subject, row=row, **form.cleaned_data)
        except errors.ValidationFailed as error:
            return _page(request, establishment, establishments, row_errors={row.pk: str(error.message)}, status=422)
        messages.success(request, _("Coefficient enregistré."))
        return redirect(_url(establishment, establishments, "coefficients"))
    message = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    return _page(request, establishment, establishments, row_errors={row.pk: message}, status=422)


@require_POST
def coefficients_copy(request):
    establishment, establishments = _establishment(request)
    try:
        count = service.copy_previous_coefficients(actor=request.user, establishment=establishment)
    except errors.ValidationFailed as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(count)s coefficient(s) copié(s) de l'année précédente.") % {"count": count})
    return redirect(_url(establishment, establishments, "coefficients"))


@require_POST
def kind_add(request):
    establishment, establishments = _establishment(request)
    form = KindForm(request.POST)
    if form.is_valid():
        try:
            kind = service.save_custom_kind(actor=request.user, establishment=establishment, **form.cleaned_data)
        except errors.ValidationFailed as error:
            form.add_error("name", str(error.message))
        else:
            messages.success(request, _("Type « %(name)s » ajouté.") % {"name": kind.name})
            return redirect(_url(establishment, establishments, "kinds"))
    return _page(request, establishment, establishments, kind_form=form, status=422)


@require_POST
def kind_change(request, kind_id):
    kind, establishment, establishments = _row(request, CustomAssessmentKind, kind_id)
    try:
        if request.POST.get("action") == "delete":
            service.delete_custom_kind(actor=request.user, kind=kind)
            messages.success(request, _("Type « %(name)s » supprimé.") % {"name": kind.name})
        else:
            form = KindForm(request.POST)
            if not form.is_valid():
                raise errors.ValidationFailed(_("Donnez un nom et un rôle."))
            service.save_custom_kind(actor=request.user, establishment=establishment, kind=kind, **form.cleaned_data)
            messages.success(request, _("Type enregistré."))
    except (errors.ValidationFailed, errors.Conflict) as error:
        messages.error(request, str(error.message))
    return redirect(_url(establishment, establishments, "kinds"))
