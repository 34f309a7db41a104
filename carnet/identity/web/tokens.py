"""The page where a person manages their personal API tokens: list, create (the secret is shown
once, in the answer to the creation, and never stored), revoke."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.errors import ValidationFailed
from carnet.identity import api_tokens
from carnet.identity.middleware import client_ip

LIFETIME_CHOICES = [
    ("30", _("30 jours")),
    ("90", _("90 jours")),
    ("365", _("1 an")),
    ("", _("Sans expiration (jusqu'à révocation)")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=api_tokens.NAME_MAX_LENGTH,
        help_text=_("Pour vous rappeler à quoi il sert : « Export des notes », « Application mobile »…"),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Validité"),
        choices=LIFETIME_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
        help_text=_("Un jeton qui expire limite les dégâts s'il est perdu."),
    )


def _list_page(request, *, form, issued=None, status=200):
    context = {
        "form": form,
        "tokens": list(api_tokens.tokens_of(request.user)),
        "issued": issued,
        "token_prefix": api_tokens.TOKEN_PREFIX,
    }
    return render(request, "identity/tokens/list.html", context, status=status)


@require_GET
def token_list(request):
    return _list_page(request, form=TokenForm())


@never_cache
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form=form, status=422)
    try:
        issued = api_tokens.create_token(
            actor=request.user,
            name=form.cleaned_data["name"],
            expires_in_days=form.cleaned_data["expires_in_days"],
            ip_address=client_ip(request),
        )
    except ValidationFailed as error:
        form.add_error(None, error.message)
        return _list_page(request, form=form, status=422)
    # The secret goes out in this answer only (never in a redirect, a session or a log).
    return _list_page(request, form=TokenForm(), issued=issued)


@require_http_methods(["GET", "POST"])
def token_revoke(request, public_id):
    token = get_object_or_404(api_tokens.tokens_of(request.user), public_id=public_id)
    if request.method == "POST":
        api_tokens.revoke_token(actor=request.user, token=token, ip_address=client_ip(request))
        messages.success(
            request,
            _("Le jeton « %(name)s » est révoqué : il ne permet plus d'accéder à Carnet.")
            % {"name": token.name},
        )
        return redirect("identity:tokens")
    return render(
        request, "identity/tokens/revoke.html", {"token": token, "token_prefix": api_tokens.TOKEN_PREFIX}
    )
