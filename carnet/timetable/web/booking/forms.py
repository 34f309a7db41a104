"""Forms of the booking pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.timetable.booking.resources import MAX_CAPACITY
from carnet.timetable.models import Resource


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__({"step": 300, **(attrs or {})}, format="%H:%M")


class BookingForm(forms.Form):
    booked_on = forms.DateField(label=gettext_lazy("Jour"), widget=DateInput())
    start_time = forms.TimeField(label=gettext_lazy("Début"), widget=TimeInput())
    end_time = forms.TimeField(label=gettext_lazy("Fin"), widget=TimeInput())
    purpose = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=200,
        help_text=gettext_lazy(
            "Ce que vous y ferez, visible des collègues : « Réunion parents-professeurs », « Devoir commun »…"
        ),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("L'heure de fin doit être après l'heure de début."))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Message pour le demandeur"), max_length=200, required=False)


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=Resource.Kind.choices, initial=Resource.Kind.ROOM
    )
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=80)
    capacity = forms.IntegerField(
        label=gettext_lazy("Capacité (places)"), min_value=1, max_value=MAX_CAPACITY, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Par exemple « Vidéoprojecteur, 16 ordinateurs »."),
    )
    bookable = forms.BooleanField(
        label=gettext_lazy("Réservable par les enseignants et le personnel"), required=False, initial=True
    )
    needs_approval = forms.BooleanField(
        label=gettext_lazy("Chaque réservation est validée par le personnel"), required=False
    )


class ResourceEditForm(ResourceForm):
    is_active = forms.BooleanField(
        label=gettext_lazy("En service"),
        required=False,
        help_text=gettext_lazy(
            "Hors service, la ressource n'est plus proposée à la réservation ; ses réservations restent."
        ),
    )

    @classmethod
    def initial_from(cls, resource: Resource) -> dict:
        return {name: getattr(resource, name) for name in cls.base_fields}


class RuleForm(forms.Form):
    bookings_need_approval = forms.BooleanField(
        label=gettext_lazy("Toutes les réservations sont validées par le personnel"),
        required=False,
        help_text=gettext_lazy(
            "Sinon, seules les ressources marquées « validée par le personnel » attendent une réponse. "
            "Une réservation faite par la direction ou la vie scolaire est validée d'office."
        ),
    )
