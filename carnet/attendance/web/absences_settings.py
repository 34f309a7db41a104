"""`attendance:absences_settings` (/vie-scolaire/reglages/): the establishment's attendance settings,
its list of absence reasons (add, rename, say whether it justifies, put out of service, reorder)
and its alert rules (threshold and window, on or off), for the school-life managers. Every write
goes through `services.settings` (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carnet.attendance import policies
from carnet.attendance.models import AbsenceReason, AlertRule
from carnet.attendance.services import settings as service
from carnet.attendance.web import absences_data as data
from carnet.attendance.web.absences_forms import (
    ReasonEditForm,
    ReasonForm,
    RuleEditForm,
    RuleForm,
    SettingsForm,
)
from carnet.attendance.web.absences_staff import _common
from carnet.core import errors


def _url(establishment, establishments, anchor: str = "") -> str:
    url = reverse("attendance:absences_settings")
    if len(establishments) > 1:
        url += f"?etablissement={establishment.public_id}"
    return url + (f"#{anchor}" if anchor else "")


def _page(
    request,
    establishment,
    establishments,
    *,
    settings_form=None,
    reason_form=None,
    rule_form=None,
    row_errors=None,
    status=200,
):
    row = service.settings_for(establishment)
    row_errors = row_errors or {}
    reasons = service.reasons_of(establishment)
    for reason in reasons:
        reason.error = row_errors.get(reason.pk, "")
    rules = service.rules_of(establishment)
    for rule in rules:
        rule.error = row_errors.get(("rule", rule.pk), "")
    context = {
        **_common(request, establishment, establishments),
        "tab": "settings",
        "settings_form": settings_form
        or SettingsForm(initial={f: getattr(row, f) for f in service.SETTINGS_FIELDS}),
        "reasons": reasons,
        "rules": rules,
        "reason_form": reason_form or ReasonForm(initial={"justifies": True}),
        "rule_form": rule_form or RuleForm(),
    }
    return render(request, "attendance/absences/settings.html", context, status=status)


def _apply_errors(form, error: errors.ValidationFailed) -> None:
    for field, message in (error.details or {}).items():
        form.add_error(field if field in form.fields else None, message)
    if not error.details:
        form.add_error(None, str(error.message))


@never_cache
def settings_page(request):
    establishment, establishments = data.staff_establishment(request, manage=True)
    if request.method != "POST":
        return _page(request, establishment, establishments)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, establishment, establishments, settings_form=form, status=422)
    try:
        _row, changes = service.update_settings(
            actor=request.user, establishment=establishment, values=form.cleaned_data
        )
    except errors.ValidationFailed as error:
        _apply_errors(form, error)
        return _page(request, establishment, establishments, settings_form=form, status=422)
    messages.success(request, _("Réglages enregistrés.") if changes else _("Aucun changement."))
    return redirect(_url(establishment, establishments))


@require_POST
def reason_add(request):
    establishment, establishments = data.staff_establishment(request, manage=True)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            reason = service.add_reason(actor=request.user, establishment=establishment, **form.cleaned_data)
        except errors.ValidationFailed as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Motif « %(label)s » ajouté.") % {"label": reason.label})
            return redirect(_url(establishment, establishments, "reasons"))
    return _page(request, establishment, establishments, reason_form=form, status=422)


def _row(request, model, public_id):
    ids = policies.managed_establishment_ids(request.user)
    row = (
        model.objects.filter(establishment_id__in=ids, public_id=public_id)
        .select_related("establishment")
        .first()
    )
    if row is None:
        raise Http404
    establishments = list(policies.managed_establishments(request.user))
    return row, row.establishment, establishments


@require_POST
def reason_change(request, reason_id):
    reason, establishment, establishments = _row(request, AbsenceReason, reason_id)
    action = request.POST.get("action")
    if action in ("up", "down"):
        service.move_reason(actor=request.user, reason=reason, direction=action)
        return redirect(_url(establishment, establishments, "reasons"))
    form = ReasonEditForm(request.POST)
    if form.is_valid():
        try:
            changes = service.update_reason(actor=request.user, reason=reason, **form.cleaned_data)
        except errors.ValidationFailed as error:
            return _page(
                request, establishment, establishments, row_errors={reason.pk: str(error.message)}, status=422
            )
        messages.success(request, _("Motif enregistré.") if changes else _("Aucun changement."))
        return redirect(_url(establishment, establishments, "reasons"))
    message = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    return _page(request, establishment, establishments, row_errors={reason.pk: message}, status=422)


@require_POST
def rule_add(request):
    establishment, establishments = data.staff_establishment(request, manage=True)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            service.add_rule(actor=request.user, establishment=establishment, **form.cleaned_data)
        except errors.ValidationFailed as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Règle d'alerte ajoutée."))
            return redirect(_url(establishment, establishments, "rules"))
    return _page(request, establishment, establishments, rule_form=form, status=422)


@require_POST
def rule_change(request, rule_id):
    rule, establishment, establishments = _row(request, AlertRule, rule_id)
    form = RuleEditForm(request.POST)
    if form.is_valid():
        try:
            changes = service.update_rule(actor=request.user, rule=rule, **form.cleaned_data)
        except errors.ValidationFailed as error:
            return _page(
                request,
                establishment,
                establishments,
                row_errors={("rule", rule.pk): str(error.message)},
                status=422,
            )
        messages.success(request, _("Règle enregistrée.") if changes else _("Aucun changement."))
        return redirect(_url(establishment, establishments, "rules"))
    message = " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)
    return _page(request, establishment, establishments, row_errors={("rule", rule.pk): message}, status=422)
