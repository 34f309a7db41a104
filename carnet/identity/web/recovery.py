"""A forgotten password, by e-mail link or SMS code. Every answer is the same whether or not an
account matches what was typed: the lookup and the sending happen in a background task."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from carnet.identity import recovery, tasks, throttle
from carnet.identity.sessions import client_ip, forget_current
from carnet.identity.web.forms import RecoverForm, RecoveryCodeForm
from carnet.identity.web.password import LINK, SMS, start_choosing
from carnet.identity.web.signin import wait_message

PHONE_KEY = "_carnet_recovery_phone"


def _signed_in(request):
    messages.info(request, _("Vous êtes connecté : changez votre mot de passe depuis votre compte."))
    return redirect("identity:password_change")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def recover(request):
    if request.user.is_authenticated:
        return _signed_in(request)
    form = RecoverForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        target = recovery.parse_target(form.cleaned_data["target"])
        if target is None:
            form.add_error("target", _("Saisissez une adresse e-mail (avec @) ou un numéro de téléphone."))
        else:
            wait = throttle.recovery_address().hit(client_ip(request)) or throttle.recovery_target().hit(
                f"{target.kind}:{target.value}"
            )
            if wait:
                status = 429
                form.add_error(None, wait_message(wait))
            elif target.kind == "email":
                tasks.send_recovery_email.enqueue(target.value)
                return redirect("identity:recover_sent")
            else:
                tasks.send_recovery_sms.enqueue(target.value)
                request.session[PHONE_KEY] = target.value
                return redirect("identity:recover_code")
    return render(request, "identity/recover.html", {"form": form}, status=status)


@login_not_required
def recover_sent(request):
    return render(request, "identity/recover_sent.html")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def recover_code(request):
    number = request.session.get(PHONE_KEY)
    if not number:
        return redirect("identity:recover")
    form = RecoveryCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        address = client_ip(request)
        wait = throttle.recovery_code_address().blocked_for(address)
        if wait:
            status = 429
            form.add_error(None, wait_message(wait))
        else:
            code = recovery.check_sms_code(number, form.cleaned_data["code"])
            if code is not None:
                request.session.pop(PHONE_KEY, None)
                start_choosing(request, user=code.user, kind=SMS, ref=code.pk)
                return redirect("identity:choose_password")
            throttle.recovery_code_address().fail(address)
            form.add_error(
                "code",
                _("Ce code ne convient pas ou a expiré. Après 5 essais il ne fonctionne plus : demandez alors un nouveau code."),
            )
    return render(request, "identity/recover_code.html", {"form": form}, status=status)


@login_not_required
@never_cache
def recover_link(request, user_id, token):
    """The link of the e-mail. The token leaves the address bar at once (it would otherwise
    travel in the Referer of the next page)."""
    if request.user.is_authenticated:
        # Someone else's browser (a family computer): this link is for one person only.
        forget_current(request)
        logout(request)
    user = recovery.check_link(user_id, token)
    if user is None:
        return render(request, "identity/recover_link_invalid.html", status=400)
    start_choosing(request, user=user, kind=LINK, ref=token)
    return redirect("identity:choose_password")
