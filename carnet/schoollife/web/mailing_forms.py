"""Forms of the mailing part: a letter template, and a mailing to prepare."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.schoollife.models import Channel, Mailing


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TemplateForm(forms.Form):
    etablissement = forms.ChoiceField(label=_("Établissement"))
    name = forms.CharField(
        label=_("Nom du modèle"),
        max_length=80,
        help_text=_("Pour le retrouver : « Absences non justifiées », « Convocation »…"),
    )
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(
        label=_("Texte de la lettre"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Écrivez les champs à remplacer entre accolades, par exemple {prenom} ; leur liste accompagne ce formulaire."
        ),
    )
    sms_body = forms.CharField(
        label=_("Texte du SMS (facultatif)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Un SMS fait 160 caractères ; sans ce texte, le SMS reprend l'objet et le début de la lettre."
        ),
    )

    def __init__(self, *args, establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.establishments = {str(e.public_id): e for e in establishments}
        self.fields["etablissement"].choices = [(key, e.name) for key, e in self.establishments.items()]
        if len(self.establishments) <= 1:
            self.fields["etablissement"].widget = forms.HiddenInput()
            if self.establishments:
                self.fields["etablissement"].initial = next(iter(self.establishments))

    @property
    def establishment(self):
        return self.establishments.get(self.cleaned_data.get("etablissement", ""))


class MailingForm(forms.Form):
    template = forms.ChoiceField(label=_("Modèle de lettre"))
    channel = forms.ChoiceField(
        label=_("Envoyer par"), choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.EMAIL
    )
    selection = forms.ChoiceField(
        label=_("Quels élèves ?"),
        choices=Mailing.Selection.choices,
        widget=forms.RadioSelect,
        initial=Mailing.Selection.CLASS,
    )
    classe = forms.ChoiceField(label=_("Classe"), required=False, help_text=_("Pour « Une classe »."))
    seuil = forms.IntegerField(
        label=_("Au moins ce nombre de demi-journées non justifiées"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Pour « Les élèves au-delà d'un seuil » : comptées entre les deux dates ci-dessous."),
    )
    eleves = forms.MultipleChoiceField(
        label=_("Élèves choisis"), required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(
        label=_("Du"), widget=DateInput, help_text=_("Les compteurs de la lettre portent sur cette période.")
    )
    ends_on = forms.DateField(label=_("Au"), widget=DateInput)

    def __init__(self, *args, templates=(), classes=(), picked=(), **kwargs):
        super().__init__(*args, **kwargs)
        several = len({t.establishment_id for t in templates}) > 1
        self.templates = {str(t.public_id): t for t in templates}
        self.fields["template"].choices = [
            (key, f"{t.name} · {t.establishment.name}" if several else t.name)
            for key, t in self.templates.items()
        ]
        self.fields["classe"].choices = [("", "—")] + [
            (str(c.public_id), f"{c.name} · {c.establishment.name}" if several else c.name) for c in classes
        ]
        self.fields["eleves"].choices = [(str(s.public_id), s.full_name) for s in picked]

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and starts_on > ends_on:
            self.add_error("ends_on", _("La date de fin précède la date de début."))
        kind = data.get("selection")
        if kind == Mailing.Selection.CLASS and not data.get("classe"):
            self.add_error("classe", _("Choisissez la classe."))
        if kind == Mailing.Selection.THRESHOLD and not data.get("seuil"):
            self.add_error("seuil", _("Donnez le seuil."))
        if kind == Mailing.Selection.STUDENTS and not data.get("eleves"):
            self.add_error(
                "eleves", _("Cochez au moins un élève (depuis la liste des élèves de la vie scolaire).")
            )
        return data

    @property
    def template_object(self):
        return self.templates.get(self.cleaned_data.get("template", ""))


def default_dates(today: dt.date, year_start: dt.date | None) -> tuple[dt.date, dt.date]:
    """From the start of the school year (or 30 days back) to today."""
    start = year_start if year_start and year_start <= today else today - dt.timedelta(days=30)
    return start, today
