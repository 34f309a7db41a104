"""Forms of the sign-in and account pages (labels and help in French, for families)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _text(label, *, help_text="", **attrs):
    return forms.CharField(label=label, help_text=help_text, max_length=254, widget=forms.TextInput(attrs=attrs))


class LoginForm(forms.Form):
    identifier = _text(
        _("Identifiant ou adresse e-mail"),
        autocomplete="username", autocapitalize="none", spellcheck="false", autofocus=True,
    )
    password = forms.CharField(
        label=_("Mot de passe"), strip=False, max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        help_text=_("Le code affiché en ce moment par votre application d'authentification."),
        min_length=6, max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )


class ActivationForm(forms.Form):
    identifier = _text(
        _("Identifiant"),
        help_text=_("Il figure sur la fiche remise par l'établissement, par exemple « alice.martin »."),
        autocomplete="username", autocapitalize="none", spellcheck="false", autofocus=True,
    )
    code = forms.CharField(
        label=_("Code d'activation"),
        help_text=_("12 lettres et chiffres, par exemple ACDE-FGHJ-KMNP. Les tirets et les majuscules sont facultatifs."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class RecoverForm(forms.Form):
    target = _text(
        _("Adresse e-mail ou numéro de téléphone"),
        help_text=_("Celle ou celui que l'établissement a enregistré pour vous, par exemple 06 12 34 56 78 ou +229 97 00 00 01."),
        autocomplete="email", autocapitalize="none", spellcheck="false", autofocus=True,
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code reçu par SMS"),
        help_text=_("6 chiffres, valable 15 minutes."),
        min_length=6, max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True}
        ),
    )


class TotpConfirmForm(SecondFactorForm):
    pass


class TotpDisableForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"), strip=False, max_length=4096,
        help_text=_("Pour vérifier que c'est bien vous."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordRulesMixin:
    """The password rules shown as one readable paragraph under the new password, and a refusal
    shown there too, each reason once (two validators may refuse a password for the same reason)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = dict.fromkeys(str(text) for text in password_validation.password_validators_help_texts())
        self.fields["new_password1"].help_text = " ".join(rules)
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        password = self.cleaned_data.get("new_password1")
        if password and not self.has_error("new_password2"):
            try:
                password_validation.validate_password(password, self.user)
            except ValidationError as error:
                self.add_error("new_password1", list(dict.fromkeys(error.messages)))
        return forms.Form.clean(self)


class ChoosePasswordForm(PasswordRulesMixin, SetPasswordForm):
    pass


class ChangePasswordForm(PasswordRulesMixin, PasswordChangeForm):
    pass
