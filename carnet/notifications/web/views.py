"""The notification centre, one's preferences (with the browsers that receive web push: their
endpoints are in `push.py`), and an establishment's notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carnet.core.errors import Conflict, ValidationFailed
from carnet.notifications import selectors, services
from carnet.notifications.policies import notifications_visible_to, settings_establishments_for
from carnet.notifications.vapid import application_server_key
from carnet.notifications.web.forms import EstablishmentSettingsForm, PreferencesForm, QuietHoursForm

PAGE_SIZE = 20
UNREAD_FILTER = "non-lues"


def _back_to_centre(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:centre")


def centre(request):
    unread_only = request.GET.get("filtre") == UNREAD_FILTER
    page = Paginator(selectors.notifications_for(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/centre.html",
        {"page": page, "unread_only": unread_only, "unread_filter": UNREAD_FILTER},
    )


def open_notification(request, public_id):
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(notifications_visible_to(request.user), public_id=public_id)
    services.mark_read(actor=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:centre")


@require_POST
def mark_read(request, public_id):
    notification = get_object_or_404(notifications_visible_to(request.user), public_id=public_id)
    services.mark_read(actor=request.user, notification=notification)
    if request.htmx:
        return render(
            request,
            "notifications/centre.html#item-read",
            {"notification": notification, "unread_count": selectors.unread_count(request.user)},
        )
    return _back_to_centre(request)


@require_POST
def mark_all_read(request):
    marked = services.mark_all_read(actor=request.user)
    if marked:
        messages.success(
            request,
            ngettext("%(count)d notification marquée comme lue.", "%(count)d notifications marquées comme lues.", marked)
            % {"count": marked},
        )
    return _back_to_centre(request)


def preferences(request):
    rows = selectors.preference_grid(request.user)
    own = selectors.own_quiet_hours(request.user)
    governing = selectors.governing_settings(request.user)
    if own is not None:
        quiet_initial = {"source": QuietHoursForm.OWN, "start": own.quiet_start, "end": own.quiet_end, "weekends": own.quiet_weekends}
    elif governing is not None:
        quiet_initial = {
            "source": QuietHoursForm.FOLLOW,
            "start": governing.quiet_start,
            "end": governing.quiet_end,
            "weekends": governing.quiet_weekends,
        }
    else:
        quiet_initial = {"source": QuietHoursForm.FOLLOW}
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, rows=rows, prefix="m")
    quiet_form = QuietHoursForm(data, initial=quiet_initial, prefix="q")
    if data is not None and form.is_valid() and quiet_form.is_valid():
        try:
            services.save_preferences(actor=request.user, modes=form.modes(), quiet=quiet_form.choice())
        except ValidationFailed as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "quiet_form": quiet_form,
            "governing": governing,
            "managed": settings_establishments_for(request.user).exists(),
            "push_key": application_server_key(),
            "push_devices": selectors.push_devices_for(request.user),
        },
    )


def establishment_settings(request, establishment_id=None):
    """Quiet hours, digest hour and SMS budget of an establishment the person administers."""
    administered = settings_establishments_for(request.user).order_by("name")
    if establishment_id is None:
        establishment = administered.first()
        if establishment is None:
            raise Http404()
    else:
        establishment = get_object_or_404(administered, public_id=establishment_id)
    current = selectors.settings_for(establishment)
    budget = current.sms_monthly_budget
    form = EstablishmentSettingsForm(
        request.POST or None, instance=current, initial={"seen_version": services.settings_version(current)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_establishment_settings(actor=request.user, establishment=establishment, **form.cleaned_data)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect(reverse("notifications:establishment_settings_for", args=[establishment.public_id]))
        except ValidationFailed as error:
            for name, message in (error.details or {}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Les réglages des notifications sont enregistrés."))
            return redirect(reverse("notifications:establishment_settings_for", args=[establishment.public_id]))
    deliveries = selectors.delivery_counts_this_month(establishment)
    return render(
        request,
        "notifications/establishment_settings.html",
        {
            "establishment": establishment,
            "others": [e for e in administered if e.pk != establishment.pk],
            "form": form,
            "budget": budget,
            "sms_used": selectors.sms_used_this_month(establishment),
            "sms_history": selectors.sms_usage_history(establishment),
            "deliveries": deliveries,
            "waiting": sum(row["waiting"] for row in deliveries),
            "unreachable": selectors.unreachable_by_sms(establishment),
        },
    )
