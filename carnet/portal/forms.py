"""Forms of the portal pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from carnet.school import phones
from carnet.school.models import Country


def normalize_phone(raw: str, country: str = Country.FRANCE) -> str | None:
    """The E.164 form of a phone number typed by a person, or None if it is not one: the same
    reading as the imports (`carnet.school.phones`), so a number typed on the profile and the same
    number in an import file are equal."""
    try:
        return phones.normalize_phone(raw or "", country)
    except phones.PhoneError:
        return None


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself, so a person who cannot read the current one finds theirs."""
    return [("", _("Langue du navigateur"))] + [
        (code, get_language_info(code)["name_local"].capitalize()) for code, _name in settings.LANGUAGES
    ]


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher une personne"), required=False, max_length=100)


class ContactDetailsForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        required=False,
        help_text=_("Pour recevoir les notifications et retrouver l'accès à votre compte."),
    )
    phone = forms.CharField(
        label=_("Téléphone mobile"),
        required=False,
        max_length=30,
        help_text=_("Pour recevoir les SMS. Exemple : 06 12 34 56 78 ou +229 01 97 00 00 01."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(label=_("Langue de l'interface"), required=False)

    def __init__(self, *args, country: str = Country.FRANCE, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip()
        if "@" in email:
            local, domain = email.rsplit("@", 1)
            email = f"{local}@{domain.lower()}"
        return email

    def clean_phone(self) -> str:
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        phone = normalize_phone(raw, self.country)
        if phone is None:
            raise forms.ValidationError(
                _(
                    "Ce numéro de téléphone n'est pas valide. Saisissez-le au format international "
                    "(par exemple +33 6 12 34 56 78) ou national (06 12 34 56 78)."
                ),
                code="invalid_phone",
            )
        return phone
