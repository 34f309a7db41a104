"""Forms of the notification pages: the preference grid, one's quiet hours, an establishment's
settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.notifications.models import EstablishmentNotificationSettings
from carnet.notifications.selectors import PreferenceRow
from carnet.notifications.services import QuietChoice
from carnet.notifications.services.establishment import SENDER_NAME

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def field_name(kind_code: str, channel: str) -> str:
    return f"{kind_code}__{channel}"


class PreferencesForm(forms.Form):
    """One select per (kind, channel) the kind uses; `grid` pairs each row with its fields."""

    def __init__(self, *args, rows: list[PreferenceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            for cell in row.cells:
                if cell.choices:
                    self.fields[field_name(row.kind.code, cell.channel)] = forms.ChoiceField(
                        label=cell.channel_label, choices=cell.choices, initial=cell.mode
                    )

    def grid(self) -> list[dict]:
        return [
            {
                "kind": row.kind,
                "fields": [self[field_name(row.kind.code, c.channel)] for c in row.cells if c.choices],
            }
            for row in self.rows
        ]

    def modes(self) -> dict[tuple[str, str], str]:
        result = {}
        for name, value in self.cleaned_data.items():
            code, channel = name.rsplit("__", 1)
            result[(code, channel)] = value
        return result


class QuietHoursForm(forms.Form):
    FOLLOW, OWN = "establishment", "own"

    source = forms.ChoiceField(
        label=_("Mes heures calmes"),
        choices=[(FOLLOW, _("Celles de mon établissement")), (OWN, _("Les miennes"))],
        widget=forms.RadioSelect,
        initial=FOLLOW,
    )
    start = forms.TimeField(label=_("Début"), required=False, widget=TIME, help_text=_("Par exemple 20:00."))
    end = forms.TimeField(label=_("Fin"), required=False, widget=TIME, help_text=_("Par exemple 07:00."))
    weekends = forms.BooleanField(label=_("Calme tout le week-end"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if data.get("source") == self.OWN:
            for name in ("start", "end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Indiquez une heure pour vos propres heures calmes."))
        return data

    def choice(self) -> QuietChoice:
        data = self.cleaned_data
        return QuietChoice(
            follow_establishment=data["source"] == self.FOLLOW,
            start=data.get("start"),
            end=data.get("end"),
            weekends=bool(data.get("weekends")),
        )


class EstablishmentSettingsForm(forms.ModelForm):
    #: The version of the settings the person started from: a save over someone else's newer
    #: change is refused instead of silently overwriting it.
    seen_version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = EstablishmentNotificationSettings
        fields = [
            "quiet_start",
            "quiet_end",
            "quiet_weekends",
            "digest_hour",
            "allow_urgent_in_quiet_hours",
            "sms_monthly_budget",
            "sms_sender_name",
        ]
        widgets = {"quiet_start": TIME, "quiet_end": TIME, "digest_hour": TIME}
        help_texts = {
            "quiet_start": _("Rien n'est poussé (e-mail, SMS, notification) entre le début et la fin."),
            "quiet_end": _("Une fin égale au début : pas d'heures calmes la nuit."),
            "quiet_weekends": _("Ce qui arrive le week-end attend le résumé du lundi matin."),
            "digest_hour": _("Le résumé part à cette heure-là, hors heures calmes."),
            "allow_urgent_in_quiet_hours": _(
                "Seules les alertes déclarées urgentes (sécurité du compte…) passent alors pendant les heures calmes."
            ),
            "sms_monthly_budget": _("Au-delà, les SMS du mois ne partent plus ; l'application et l'e-mail continuent."),
            "sms_sender_name": _("Affiché en tête des SMS. 11 caractères au plus : lettres sans accent, chiffres, espaces."),
        }

    def clean_sms_sender_name(self):
        value = self.cleaned_data["sms_sender_name"].strip()
        if value and not SENDER_NAME.match(value):
            raise forms.ValidationError(_("11 caractères au plus : lettres sans accent, chiffres et espaces, dont une lettre."))
        return value
