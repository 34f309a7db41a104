"""First sign-in with the code printed by the establishment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from carnet.identity import throttle
from carnet.identity.activation import CodeProblem, check_code
from carnet.identity.sessions import client_ip
from carnet.identity.signin import account_key, find_account
from carnet.identity.web.forms import ActivationForm
from carnet.identity.web.password import ACTIVATION, start_choosing
from carnet.identity.web.signin import wait_message

PROBLEMS = {
    CodeProblem.WRONG: _(
        "Identifiant ou code d'activation incorrect. Recopiez-les tels qu'ils figurent sur la fiche remise par l'établissement."
    ),
    CodeProblem.EXPIRED: _("Ce code d'activation a expiré. Demandez-en un nouveau au secrétariat de l'établissement."),
    CodeProblem.USED: _(
        "Ce code a déjà servi. Connectez-vous avec le mot de passe que vous avez choisi, ou utilisez « Mot de passe oublié »."
    ),
    CodeProblem.REPLACED: _("Ce code a été remplacé par un code plus récent : utilisez la dernière fiche reçue."),
}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    if request.user.is_authenticated:
        messages.info(request, _("Vous êtes déjà connecté. Pour activer un autre compte, déconnectez-vous d'abord."))
        return redirect("portal:home")
    form = ActivationForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        user = find_account(identifier)
        if user is not None and not user.is_active:
            user = None  # a closed account answers like an unknown one
        key, address = account_key(identifier, user), client_ip(request)
        wait = max(throttle.activation_account().blocked_for(key), throttle.activation_address().blocked_for(address))
        if wait:
            status = 429
            form.add_error(None, wait_message(wait))
        else:
            code, problem = check_code(user, form.cleaned_data["code"])
            if code is not None:
                throttle.activation_account().reset(key)
                start_choosing(request, user=user, kind=ACTIVATION, ref=code.pk)
                return redirect("identity:choose_password")
            throttle.activation_account().fail(key)
            throttle.activation_address().fail(address)
            form.add_error(None, PROBLEMS[problem])
    return render(request, "identity/activate.html", {"form": form}, status=status)
