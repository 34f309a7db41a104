"""Forms of the timetable pages: they parse, the services decide (and their refusals are shown on the
form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.timetable.models import TimetableSettings, Weekday, WeekPattern
from carnet.timetable.services.changes import MESSAGE_MAX

TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        audience = obj.school_class or obj.group
        return f"{obj.subject.name} — {audience.name} — {obj.teacher.full_name}"


class SlotForm(forms.Form):
    assignment = AssignmentChoiceField(
        label=_("Cours (matière et enseignant)"), queryset=None, empty_label=None
    )
    weekday = forms.TypedChoiceField(label=_("Jour"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("Début"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Fin"), widget=TIME_WIDGET)
    room: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Salle"), queryset=None, required=False, empty_label=_("Sans salle")
    )
    week_pattern = forms.ChoiceField(
        label=_("Semaines"), choices=WeekPattern.choices, initial=WeekPattern.EVERY
    )
    valid_from = forms.DateField(
        label=_("À partir du"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Vide : dès le début de l'année."),
    )
    valid_until = forms.DateField(
        label=_("Jusqu'au"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Vide : jusqu'à la fin de l'année."),
    )

    def __init__(self, *args, assignments, rooms, with_assignment: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments  # type: ignore[attr-defined]
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]
        if not with_assignment:
            del self.fields["assignment"]


def message_field() -> forms.CharField:
    return forms.CharField(
        label=_("Message aux élèves, aux familles et aux enseignants"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.TextInput,
        help_text=_("Facultatif ; il accompagne la notification."),
    )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    message = message_field()


class CancelForm(VersionedForm):
    pass


class RestoreForm(VersionedForm):
    pass


class MoveForm(VersionedForm):
    held_on = forms.DateField(label=_("Nouvelle date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Début"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Fin"), widget=TIME_WIDGET)


class RoomForm(VersionedForm):
    room: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Nouvelle salle"), queryset=None, required=False, empty_label=_("Sans salle")
    )

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms


class ReplacementForm(VersionedForm):
    teacher = PersonChoiceField(label=_("Enseignant qui assure la séance"), queryset=None)

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers


class ExtraSessionForm(forms.Form):
    assignment = AssignmentChoiceField(
        label=_("Cours (matière et enseignant)"), queryset=None, empty_label=None
    )
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Début"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Fin"), widget=TIME_WIDGET)
    room: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Salle"), queryset=None, required=False, empty_label=_("Sans salle")
    )
    message = message_field()

    def __init__(self, *args, assignments, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["room"].queryset = rooms


class SettingsForm(forms.Form):
    week_a_parity = forms.ChoiceField(
        label=_("La semaine A est"),
        choices=TimetableSettings.Parity.choices,
        help_text=_("Selon le numéro de la semaine dans l'année (semaines ISO)."),
    )
    same_day_changes_in_quiet_hours = forms.BooleanField(
        label=_("Prévenir d'un changement du jour même pendant les heures calmes"),
        required=False,
        help_text=_(
            "Un cours annulé ou déplacé le jour même est alors une alerte urgente : elle passe les heures calmes "
            "si les réglages des notifications de l'établissement laissent passer les alertes urgentes."
        ),
    )


class DateForm(forms.Form):
    date = forms.DateField(label=_("Aller au"), widget=DATE_WIDGET, required=False)
