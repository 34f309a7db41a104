"""/discipline/catalogue/ (the punishments and sanctions of the establishment, with their retention
and conduct points) and /discipline/reglages/ (what guardians and students see and are told), for
the head, deputies and school life. Someone who is discipline staff nowhere gets 403; an
establishment or a type outside theirs answers 404. Every write goes through
`services.catalogue` (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carnet.core import errors
from carnet.discipline import policies
from carnet.discipline.models import MeasureType
from carnet.discipline.services import catalogue as service
from carnet.discipline.web.pages.common import choose_establishment, establishment_query
from carnet.discipline.web.pages.forms import MeasureTypeForm, SettingsForm, add_service_error
from carnet.school.models import Establishment


def _url(name: str, establishment, establishments, anchor: str = "") -> str:
    return (
        reverse(name) + establishment_query(establishment, establishments) + (f"#{anchor}" if anchor else "")
    )


def retention_text(measure_type: MeasureType) -> str:
    """How long a measure of this type stays on the record, as people say it."""
    R = MeasureType.Retention
    if measure_type.retention == R.YEAR_END:
        return _("dans le dossier jusqu'à la fin de l'année scolaire")
    if measure_type.retention == R.YEARS_END:
        return ngettext(
            "dans le dossier jusqu'à la fin de l'année scolaire suivante",
            "dans le dossier jusqu'à la fin de la %(count)se année scolaire suivante",
            measure_type.retention_years or 1,
        ) % {"count": measure_type.retention_years or 1}
    if measure_type.retention == R.DAYS:
        return ngettext(
            "dans le dossier %(count)s jour après la décision",
            "dans le dossier %(count)s jours après la décision",
            measure_type.retention_days or 0,
        ) % {"count": measure_type.retention_days or 0}
    return _("conservée dans le dossier")


def _catalogue_page(request, establishment, establishments, *, add_form=None, row_errors=None, status=200):
    types = service.catalogue_of(establishment)
    for measure_type in types:
        measure_type.retention_text = retention_text(measure_type)
    groups = [
        (value, label, [t for t in types if t.category == value])
        for value, label in MeasureType.Category.choices
    ]
    return render(
        request,
        "discipline/catalogue.html",
        {
            "establishment": establishment,
            "establishments": establishments,
            "groups": groups,
            "add_form": add_form
            or MeasureTypeForm(initial={"category": MeasureType.Category.PUNISHMENT, "is_active": True}),
            "row_errors": row_errors or {},
            "retention_choices": MeasureType.Retention.choices,
            "category_choices": MeasureType.Category.choices,
            "establishment_query": establishment_query(establishment, establishments),
        },
        status=status,
    )


@never_cache
def catalogue(request):
    establishment, establishments = choose_establishment(
        request, policies.staff_establishment_ids(request.user)
    )
    if request.method != "POST":
        return _catalogue_page(request, establishment, establishments)
    form = MeasureTypeForm(request.POST)
    if form.is_valid():
        try:
            measure_type = service.create_measure_type(
                actor=request.user, establishment=establishment, **form.values()
            )
        except errors.ValidationFailed as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("« %(name)s » ajouté au catalogue.") % {"name": measure_type.name})
            return redirect(
                _url("discipline:catalogue", establishment, establishments, f"type-{measure_type.public_id}")
            )
    return _catalogue_page(request, establishment, establishments, add_form=form, status=422)


@require_POST
def catalogue_type(request, type_id):
    ids = policies.staff_establishment_ids(request.user)
    measure_type = get_object_or_404(
        MeasureType.objects.filter(establishment_id__in=ids).select_related("establishment"),
        public_id=type_id,
    )
    establishment = measure_type.establishment
    establishments = list(Establishment.objects.filter(id__in=ids).order_by("name"))
    back = _url("discipline:catalogue", establishment, establishments, f"type-{measure_type.public_id}")
    if request.POST.get("action") == "delete":
        try:
            service.delete_measure_type(actor=request.user, measure_type=measure_type)
        except errors.Conflict as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("« %(name)s » retiré du catalogue.") % {"name": measure_type.name})
            back = _url("discipline:catalogue", establishment, establishments)
        return redirect(back)
    form = MeasureTypeForm(request.POST)
    if form.is_valid():
        try:
            changes = service.update_measure_type(
                actor=request.user, measure_type=measure_type, **form.values()
            )
        except errors.ValidationFailed as error:
            details = error.details if isinstance(error.details, dict) else {}
            message = " ".join(str(m) for m in details.values()) or str(error.message)
            return _catalogue_page(
                request, establishment, establishments, row_errors={measure_type.pk: message}, status=422
            )
        messages.success(
            request,
            _("« %(name)s » enregistré.") % {"name": measure_type.name}
            if changes
            else _("Aucun changement."),
        )
        return redirect(back)
    message = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    return _catalogue_page(
        request, establishment, establishments, row_errors={measure_type.pk: message}, status=422
    )


@never_cache
def settings_page(request):
    establishment, establishments = choose_establishment(
        request, policies.staff_establishment_ids(request.user)
    )
    settings = service.settings_for(establishment)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                changes = service.update_settings(
                    actor=request.user, establishment=establishment, **form.cleaned_data
                )
            except errors.ValidationFailed as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Réglages enregistrés.") if changes else _("Aucun changement."))
                return redirect(_url("discipline:settings", establishment, establishments))
        status = 422
    else:
        form = SettingsForm(
            initial={
                "guardians_see": settings.guardians_see,
                "notify_guardians": settings.notify_guardians,
                "students_see": settings.students_see,
            }
        )
    return render(
        request,
        "discipline/settings.html",
        {
            "establishment": establishment,
            "establishments": establishments,
            "form": form,
            "establishment_query": establishment_query(establishment, establishments),
        },
        status=status,
    )
