"""Sign-in (password, then the second factor when it is on) and sign-out."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from carnet.identity import devices, signin
from carnet.identity.sessions import forget_current
from carnet.identity.web.forms import LoginForm, SecondFactorForm

GENERIC_ERROR = gettext_lazy("Identifiant ou mot de passe incorrect.")


def safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "Trop de tentatives. Par sécurité, patientez %(count)d seconde avant de réessayer.",
            "Trop de tentatives. Par sécurité, patientez %(count)d secondes avant de réessayer.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Trop de tentatives. Par sécurité, patientez %(count)d minute avant de réessayer.",
        "Trop de tentatives. Par sécurité, patientez %(count)d minutes avant de réessayer.",
        minutes,
    ) % {"count": minutes}


def finish_sign_in(request, user, next_url: str = ""):
    """The identity is proven by a first factor: ask the second one if it is on, else sign in."""
    if user.has_totp:
        signin.begin_second_step(request, user, next_url=next_url)
        return redirect("identity:login_totp")
    signin.start_session(request, user)
    response = redirect(next_url or reverse("portal:home"))
    devices.remember(request, response, user)
    return response


@login_not_required
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "portal:home")
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        attempt = signin.attempt_password(request, form.cleaned_data["identifier"], form.cleaned_data["password"])
        if attempt.user is not None:
            return finish_sign_in(request, attempt.user, next_url)
        if attempt.blocked:
            status = 429
            form.add_error(None, wait_message(attempt.wait))
        else:
            form.add_error(None, GENERIC_ERROR)
    return render(request, "identity/login.html", {"form": form, "next": next_url}, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_totp(request):
    user = signin.pending_user(request)
    if user is None:
        messages.info(request, _("Votre connexion a expiré. Recommencez, s'il vous plaît."))
        return redirect("identity:login")
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        attempt = signin.attempt_second_factor(request, user, form.cleaned_data["code"])
        if attempt.user is not None:
            next_url = signin.pending_next(request)
            signin.start_session(request, user)
            response = redirect(next_url or reverse("portal:home"))
            devices.remember(request, response, user)
            return response
        if attempt.blocked:
            status = 429
            form.add_error(None, wait_message(attempt.wait))
        else:
            form.add_error("code", _("Ce code ne convient pas. Vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant."))
    return render(request, "identity/login_totp.html", {"form": form}, status=status)


@login_not_required
@require_POST
def logout_view(request):
    forget_current(request)
    logout(request)
    messages.success(request, _("Vous êtes déconnecté. À bientôt !"))
    return redirect("identity:login")
