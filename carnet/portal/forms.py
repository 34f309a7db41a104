"""Forms of the portal pages."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from carnet.school.models import Country

_SEPARATORS = re.compile(r"[\s.\-()/]")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{7,14}$")


def normalize_phone(raw: str, country: str = Country.FRANCE) -> str | None:
    """The E.164 form of a phone number typed by a person, or None if it is not one.

    Spaces, dots, dashes, slashes and brackets are ignored; "00" stands for "+". A national number
    is read in the person's country: in France "06 12 34 56 78" is +33612345678; in Benin the
    10-digit "01 97 00 00 01" is +2290197000001 and the former 8-digit numbers get +229."""
    text = _SEPARATORS.sub("", raw or "")
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+") and text.isdigit():
        if country == Country.BENIN and (len(text) == 8 or (len(text) == 10 and text.startswith("01"))):
            text = "+229" + text
        elif country == Country.FRANCE and len(text) == 10 and text.startswith("0") and text[1] != "0":
            text = "+33" + text[1:]
    return text if _INTERNATIONAL.match(text) else None


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
