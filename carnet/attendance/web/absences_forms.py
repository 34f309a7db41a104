"""Forms of the absences pages. They parse; the services decide (and give the French messages)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.attendance.models import AlertRule, FamilyContact, Regularisation
from carnet.attendance.services.settings import zone_of
from carnet.core.uploads import ACCEPT_ATTRIBUTE


def reason_choices(reasons, *, empty: str | None = None) -> list[tuple[str, str]]:
    choices = [("", empty)] if empty is not None else []
    for reason in reasons:
        label = (
            reason.label if reason.justifies else _("%(label)s — ne justifie pas") % {"label": reason.label}
        )
        choices.append((str(reason.public_id), str(label)))
    return choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class RangeForm(forms.Form):
    """A time range typed as two days and two optional times: without a time, the first day
    starts at midnight and the last ends at the end of the day."""

    starts_on = forms.DateField(label=_("Du"), widget=DateInput())
    starts_time = forms.TimeField(
        label=_("à partir de"),
        required=False,
        widget=TimeInput(),
        help_text=_("Laissez vide pour toute la journée."),
    )
    ends_on = forms.DateField(label=_("Au"), widget=DateInput())
    ends_time = forms.TimeField(
        label=_("jusqu'à"),
        required=False,
        widget=TimeInput(),
        help_text=_("Laissez vide pour toute la journée."),
    )

    def moments(self, establishment) -> tuple[dt.datetime, dt.datetime]:
        zone = zone_of(establishment)
        data = self.cleaned_data
        start = dt.datetime.combine(data["starts_on"], data.get("starts_time") or dt.time(0, 0), tzinfo=zone)
        if data.get("ends_time"):
            end = dt.datetime.combine(data["ends_on"], data["ends_time"], tzinfo=zone)
        else:
            end = dt.datetime.combine(data["ends_on"] + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
        return start, end


class RegulariseForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Régularisation"), choices=Regularisation.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label=_("Motif"), required=False)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reason_choices(reasons, empty=str(_("Aucun motif")))


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Moyen"), choices=FamilyContact.Channel.choices)
    contacted_on = forms.DateField(label=_("Le"), widget=DateInput())
    contacted_time = forms.TimeField(label=_("à"), widget=TimeInput())
    summary = forms.CharField(
        label=_("Résumé de l'échange"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def moment(self, establishment) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(
            data["contacted_on"], data["contacted_time"], tzinfo=zone_of(establishment)
        )


class CreateAbsenceForm(RangeForm):
    student = forms.ChoiceField(label=_("Élève"))
    reason = forms.ChoiceField(label=_("Motif"), required=False)
    state = forms.ChoiceField(
        label=_("Régularisation"), choices=Regularisation.choices, initial=Regularisation.TO_JUSTIFY
    )
    comment = forms.CharField(label=_("Commentaire"), required=False, max_length=300)

    field_order = [
        "student",
        "starts_on",
        "starts_time",
        "ends_on",
        "ends_time",
        "reason",
        "state",
        "comment",
    ]

    def __init__(self, *args, students=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [("", _("Choisissez l'élève"))] + [
            (str(s.public_id), f"{s.last_name.upper()} {s.first_name}") for s in students
        ]
        self.fields["reason"].choices = reason_choices(reasons, empty=str(_("Aucun motif pour l'instant")))


class DeclarationForm(RangeForm):
    reason = forms.ChoiceField(label=_("Motif"))
    message = forms.CharField(
        label=_("Message à la vie scolaire"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = forms.FileField(
        label=_("Justificatif (facultatif)"),
        required=False,
        help_text=_("Un PDF ou une photo (JPEG, PNG, WebP), 5 Mo au plus : certificat médical, mot signé…"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reason_choices(reasons, empty=str(_("Choisissez le motif")))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accepter")), ("reject", _("Refuser"))])
    note = forms.CharField(
        label=_("Réponse à la famille"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus ; la famille la lit avec la décision."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SettingsForm(forms.Form):
    afternoon_starts_at = forms.TimeField(
        label=_("L'après-midi commence à"),
        widget=TimeInput(),
        help_text=_("Sépare les deux demi-journées pour compter les absences."),
    )
    late_as_absence_minutes = forms.IntegerField(
        label=_("Un retard compte comme une absence au-delà de (minutes)"),
        min_value=0,
        max_value=240,
        help_text=_("0 : un retard ne devient jamais une absence."),
    )
    notify_guardians_same_day = forms.BooleanField(
        label=_("Prévenir les responsables le jour même (absences et retards)"), required=False
    )
    register_reminder_minutes = forms.IntegerField(
        label=_("Rappeler un appel non fait après (minutes)"),
        min_value=1,
        max_value=240,
    )
    correction_same_day_only = forms.BooleanField(
        label=_("L'appel ne se corrige que le jour même"), required=False
    )


class ReasonForm(forms.Form):
    label = forms.CharField(label=_("Motif"), max_length=80)
    justifies = forms.BooleanField(label=_("Recevable (justifie l'absence)"), required=False)


class ReasonEditForm(ReasonForm):
    is_active = forms.BooleanField(label=_("En service"), required=False)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'alerte"), choices=AlertRule.Kind.choices)
    threshold = forms.IntegerField(label=_("Seuil"), min_value=1, max_value=500, initial=5)
    window_days = forms.IntegerField(label=_("Sur (jours)"), min_value=1, max_value=366, initial=30)


class RuleEditForm(forms.Form):
    threshold = forms.IntegerField(label=_("Seuil"), min_value=1, max_value=500)
    window_days = forms.IntegerField(label=_("Sur (jours)"), min_value=1, max_value=366)
    is_active = forms.BooleanField(label=_("Active"), required=False)
