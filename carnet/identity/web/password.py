"""Choosing a password: after an activation code or a recovery (public), and changing it when
signed in. Every way ends the person's other sessions."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from carnet.identity import activation, hooks, recovery
from carnet.identity.sessions import end_all_sessions, end_other_sessions, rekey
from carnet.identity.web.forms import ChangePasswordForm, ChoosePasswordForm
from carnet.identity.web.signin import finish_sign_in

User = get_user_model()

CHOOSING_KEY = "_carnet_choosing_password"
CHOOSING_SECONDS = 15 * 60
ACTIVATION, SMS, LINK = "activation", "sms", "link"
START_PAGE = {ACTIVATION: "identity:activate", SMS: "identity:recover", LINK: "identity:recover"}


def start_choosing(request, *, user, kind: str, ref) -> None:
    """A first factor was shown (code or link): let this browser choose `user`'s password for a
    few minutes. The session key changes, so nobody who knew the old one can follow."""
    request.session.cycle_key()
    request.session[CHOOSING_KEY] = {"uid": user.pk, "kind": kind, "ref": ref, "at": time.time()}


def _choosing(request):
    state = request.session.get(CHOOSING_KEY)
    if not isinstance(state, dict) or time.time() - state.get("at", 0) > CHOOSING_SECONDS:
        return None, None
    user = User.objects.filter(pk=state.get("uid"), is_active=True).first()
    return (state, user) if user is not None else (None, None)


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def choose_password(request):
    state, user = _choosing(request)
    if state is None:
        messages.info(request, _("Cette page a expiré. Recommencez, s'il vous plaît."))
        return redirect("identity:activate")
    form = ChoosePasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        password = form.cleaned_data["new_password1"]
        kind = state["kind"]
        with transaction.atomic():
            if kind == ACTIVATION:
                done = activation.redeem(code_id=state["ref"], user=user, password=password)
            elif kind == SMS:
                done = recovery.use_sms_code(code_id=state["ref"], user=user, password=password)
            else:
                done = recovery.use_link(user=user, token=state["ref"], password=password)
            if done:
                end_all_sessions(user=user)
        request.session.pop(CHOOSING_KEY, None)
        if not done:
            messages.error(request, _("Ce code ou ce lien ne sert plus (il vient sans doute d'être utilisé). Recommencez, s'il vous plaît."))
            return redirect(START_PAGE.get(kind, "identity:activate"))
        messages.success(request, _("Votre mot de passe est enregistré. Retenez-le bien : il vous servira à chaque connexion."))
        return finish_sign_in(request, user)
    return render(request, "identity/choose_password.html", {"form": form, "person": user, "kind": state["kind"]})


@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's password; an account on a temporary (or no) password sets one without the old."""
    user = request.user
    must_set = user.must_change_password or not user.has_usable_password()
    data = request.POST if request.method == "POST" else None
    form = ChoosePasswordForm(user, data) if must_set else ChangePasswordForm(user, data)
    if form.is_bound and form.is_valid():
        old_key = request.session.session_key
        with transaction.atomic():
            user.set_password(form.cleaned_data["new_password1"])
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password"])
            if not must_set:
                hooks.security_event(user, "password_changed")
            ended = end_other_sessions(user=user, keep_session_key=old_key)
        update_session_auth_hash(request, user)
        rekey(old_key, request.session.session_key)
        if ended:
            messages.success(request, _("Votre mot de passe est changé. Vos autres sessions ont été fermées."))
        else:
            messages.success(request, _("Votre mot de passe est changé."))
        return redirect("portal:profile" if not must_set else "portal:home")
    return render(request, "identity/password_change.html", {"form": form, "must_set": must_set})
