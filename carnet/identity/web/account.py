"""A signed-in person's security pages: active sessions and the TOTP second factor."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from carnet.identity import hooks, throttle, totp
from carnet.identity.models import UserSession
from carnet.identity.sessions import describe_user_agent, device_icon, end_other_sessions, end_session
from carnet.identity.web.forms import TotpConfirmForm, TotpDisableForm
from carnet.identity.web.signin import wait_message

SETUP_KEY = "_carnet_totp_setup"


# --- sessions ------------------------------------------------------------------------------------
@never_cache
def sessions(request):
    current = request.session.session_key
    rows = [
        {
            "row": row,
            "device": describe_user_agent(row.user_agent),
            "icon": device_icon(row.user_agent),
            "current": row.session_key == current,
        }
        for row in UserSession.objects.filter(user=request.user).order_by("-last_seen_at")
    ]
    rows.sort(key=lambda r: not r["current"])
    return render(request, "identity/sessions.html", {"rows": rows, "others": sum(not r["current"] for r in rows)})


@require_POST
def session_end(request, session_id):
    row = UserSession.objects.filter(user=request.user, public_id=session_id).first()
    if row is None:
        raise Http404
    if row.session_key == request.session.session_key:
        messages.info(request, _("Pour fermer la session de ce navigateur, utilisez « Se déconnecter »."))
        return redirect("identity:sessions")
    end_session(user=request.user, session_id=session_id)
    messages.success(request, _("La session est fermée : cet appareil devra se reconnecter."))
    return redirect("identity:sessions")


@require_POST
def sessions_end_others(request):
    ended = end_other_sessions(user=request.user, keep_session_key=request.session.session_key)
    if ended:
        messages.success(request, _("Toutes vos autres sessions sont fermées."))
    else:
        messages.info(request, _("Aucune autre session n'était ouverte."))
    return redirect("identity:sessions")


# --- second factor -------------------------------------------------------------------------------
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def totp_view(request):
    user = request.user
    required = hooks.totp_required(user)
    if user.has_totp:
        return _totp_enabled(request, user, required)
    secret = request.session.get(SETUP_KEY) or totp.new_secret()
    request.session[SETUP_KEY] = secret
    form = TotpConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if totp.confirm_setup(user=user, secret=secret, code=form.cleaned_data["code"]):
            request.session.pop(SETUP_KEY, None)
            messages.success(request, _("La double authentification est activée. À chaque connexion, Carnet vous demandera un code de votre application."))
            return redirect("identity:totp")
        form.add_error("code", _("Ce code ne convient pas. Vérifiez que l'heure de votre téléphone est juste et saisissez le code affiché maintenant."))
    uri = totp.provisioning_uri(user, secret)
    context = {
        "form": form,
        "required": required,
        "qr_svg": totp.qr_svg(uri),
        "secret": totp.grouped(secret),
    }
    return render(request, "identity/totp_setup.html", context)


def _totp_enabled(request, user, required: bool):
    form = TotpDisableForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and not required and form.is_valid():
        key = f"disable:{user.pk}"
        wait = throttle.second_factor().blocked_for(key)
        if wait:
            status = 429
            form.add_error(None, wait_message(wait))
        elif user.check_password(form.cleaned_data["password"]):
            throttle.second_factor().reset(key)
            totp.disable(user=user)
            messages.success(request, _("La double authentification est désactivée."))
            return redirect("identity:totp")
        else:
            throttle.second_factor().fail(key)
            form.add_error("password", _("Mot de passe incorrect."))
    elif form.is_bound and required:
        status = 403
    return render(request, "identity/totp_enabled.html", {"form": form, "required": required}, status=status)
