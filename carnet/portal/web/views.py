"""Portal pages: home (one panel per side), child switch, directory, profile."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from carnet.portal import directory as people
from carnet.portal import home as homepage
from carnet.portal import services
from carnet.portal.children import select_child
from carnet.portal.forms import ContactDetailsForm, DirectorySearchForm
from carnet.school.models import Country
from carnet.school.policies import children_of, establishments_of_person
from carnet.school.roles import roles_of
from carnet.ui import widgets
from carnet.ui.templatetags.ui import phone as format_phone

SIDE_SESSION_KEY = "portal.side"
DIRECTORY_PAGE_SIZE = 25


def _partial_for(request, target: str) -> bool:
    """An htmx request that swaps only `target` (a history restore needs the whole page)."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == target and not htmx.history_restore_request


@require_safe
def home(request):
    sides = roles_of(request.user).sides
    wanted = request.GET.get("vue") or request.session.get(SIDE_SESSION_KEY)
    side = wanted if wanted in sides else (sides[0] if sides else None)
    if side and "vue" in request.GET and request.session.get(SIDE_SESSION_KEY) != side:
        request.session[SIDE_SESSION_KEY] = side
    context = {
        "today": timezone.localdate(),
        "side": side,
        "tabs": [
            {"key": s, "label": homepage.SIDE_LABELS[s][0], "icon": homepage.SIDE_LABELS[s][1]} for s in sides
        ],
        "widgets": widgets.render_list(request, homepage.scope_for(request, side)) if side else [],
    }
    template = "portal/home.html#side_panel" if _partial_for(request, "side-panel") else "portal/home.html"
    return render(request, template, context)


def _child_id_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404() from None


@require_POST
def switch_child(request):
    child = get_object_or_404(children_of(request.user), public_id=_child_id_or_404(request.POST.get("child")))
    select_child(request, child)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(reverse("portal:home") + "?vue=guardian")


@require_safe
def directory(request):
    form = DirectorySearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = Paginator(people.search_people(request.user, query), DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "query": query, "page": page, "cards": people.describe(request.user, page.object_list)}
    template = "portal/directory.html#results" if _partial_for(request, "directory-results") else "portal/directory.html"
    return render(request, template, context)


def _country_of(user) -> str:
    countries = set(establishments_of_person(user).values_list("country", flat=True))
    return Country.BENIN if countries == {Country.BENIN} else Country.FRANCE


@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    country = _country_of(user)
    if request.method == "POST":
        form = ContactDetailsForm(request.POST, country=country)
        if form.is_valid():
            changes = services.update_contact_details(actor=user, **form.cleaned_data)
            language = user.language or translation.get_language_from_request(request)
            translation.activate(language)
            if changes:
                messages.success(request, _("Vos coordonnées et préférences sont enregistrées."))
            else:
                messages.info(request, _("Aucune modification à enregistrer."))
            response = redirect("portal:profile")
            if "language" in changes:
                if user.language:
                    response.set_cookie(
                        settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite="Lax", secure=request.is_secure(),
                    )
                else:
                    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    else:
        form = ContactDetailsForm(
            initial={"email": user.email, "phone": format_phone(user.phone), "language": user.language}, country=country
        )
    context = {
        "form": form,
        "card": people.describe(user, [user])[0],
        "establishments": list(establishments_of_person(user).order_by("name")),
    }
    return render(request, "portal/profile.html", context)
