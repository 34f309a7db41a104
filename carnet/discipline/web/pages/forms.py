"""Forms of the discipline pages, and the student picker (a text field with a datalist: a name
typed or picked, resolved among the students offered)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.core import errors
from carnet.discipline.models import DisciplineSettings, Incident, IncidentParticipant, Measure, MeasureType
from carnet.discipline.selectors import class_names

#: Participant rows the incident form shows at first (and adds on "Ajouter des lignes").
EMPTY_ROWS = 3
MAX_ROWS = 60


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _fold(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


class StudentPicker:
    """The students offered in a form, each with a unique label "NAME First — class" (a number is
    added to the rare homonyms of a class)."""

    def __init__(self, students) -> None:
        students = list(students)
        classes = class_names([s.pk for s in students]) if students else {}
        self.labels: dict[int, str] = {}
        self._by_label: dict[str, Any] = {}
        self.students: list = []
        ordered = sorted(
            students,
            key=lambda s: (classes.get(s.pk, ""), s.last_name.casefold(), s.first_name.casefold(), s.pk),
        )
        for student in ordered:
            label = (
                f"{student.full_name} — {classes[student.pk]}"
                if classes.get(student.pk)
                else student.full_name
            )
            if _fold(label) in self._by_label:
                number = 2
                while _fold(f"{label} ({number})") in self._by_label:
                    number += 1
                label = f"{label} ({number})"
            self.labels[student.pk] = label
            self._by_label[_fold(label)] = student
            self.students.append(student)

    @property
    def options(self) -> list[str]:
        return list(self.labels.values())

    def label_of(self, student) -> str:
        return self.labels.get(student.pk, student.full_name)

    def resolve(self, text: str):
        """The student whose label is `text` (spaces and case aside), else the only one whose name
        is `text`, else None."""
        wanted = _fold(text)
        if not wanted:
            return None
        found = self._by_label.get(wanted)
        if found is not None:
            return found
        by_name = [s for s in self._by_label.values() if _fold(s.full_name) == wanted]
        return by_name[0] if len(by_name) == 1 else None


def add_service_error(
    form: forms.Form, error: errors.DomainError, aliases: dict[str, str] | None = None
) -> None:
    """A service refusal on its field(s) (details {field: message}), else on the form."""
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for field, message in details.items():
        target = (aliases or {}).get(field, field)
        if target in form.fields and isinstance(message, str):
            form.add_error(target, message)
            placed = True
        elif isinstance(message, str) and field != "participants":
            form.add_error(None, message)
            placed = True
    if not placed and "participants" not in details:
        form.add_error(None, str(error.message))


# --- incidents ----------------------------------------------------------------------------------
class IncidentForm(forms.Form):
    occurred_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    occurred_time = forms.TimeField(label=gettext_lazy("Heure"), widget=TimeInput())
    place = forms.CharField(
        label=gettext_lazy("Lieu"),
        max_length=120,
        help_text=gettext_lazy("Par exemple : cour, salle B12, cantine, abords de l'établissement."),
    )
    seriousness = forms.TypedChoiceField(
        label=gettext_lazy("Gravité"),
        choices=Incident.Seriousness.choices,
        coerce=int,
        initial=Incident.Seriousness.MINOR,
    )
    description = forms.CharField(
        label=gettext_lazy("Ce qui s'est passé"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Les faits, sans jugement. Selon les réglages de l'établissement, les familles des élèves sanctionnés peuvent lire ce texte."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def occurred_at(self, zone) -> dt.datetime:
        return dt.datetime.combine(
            self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"], tzinfo=zone
        )


ROLE_CHOICES = IncidentParticipant.Role.choices


def participant_rows(
    data, picker: StudentPicker, *, count: int
) -> tuple[list[dict], list[tuple[Any, str]], list[str]]:
    """The participant rows posted (`eleve-N`, `role-N` for N < count): the rows to show again,
    the (student, role) pairs and the problems found (French sentences)."""
    rows: list[dict[str, Any]] = []
    pairs: list[tuple[Any, str]] = []
    problems: list[str] = []
    for index in range(min(count, MAX_ROWS)):
        text = str(data.get(f"eleve-{index}", "")).strip()
        role = str(data.get(f"role-{index}", IncidentParticipant.Role.AUTHOR))
        row: dict[str, Any] = {"index": index, "text": text, "role": role, "error": ""}
        if text:
            student = picker.resolve(text)
            if student is None:
                row["error"] = _(
                    "« %(text)s » n'est pas un élève de l'établissement : choisissez un nom dans la liste."
                ) % {"text": text[:80]}
                problems.append(row["error"])
            elif role not in IncidentParticipant.Role.values:
                row["error"] = _("Choisissez le rôle de cet élève.")
                problems.append(row["error"])
            else:
                pairs.append((student, role))
        rows.append(row)
    return rows, pairs, problems


def rows_for(participants, picker: StudentPicker, *, extra: int = EMPTY_ROWS) -> list[dict]:
    rows = [
        {"index": i, "text": picker.label_of(p.student), "role": p.role, "error": ""}
        for i, p in enumerate(participants)
    ]
    start = len(rows)
    rows += [
        {"index": start + i, "text": "", "role": IncidentParticipant.Role.AUTHOR, "error": ""}
        for i in range(extra)
    ]
    return rows


# --- measures -----------------------------------------------------------------------------------
class MeasureForm(forms.Form):
    student = forms.CharField(label=gettext_lazy("Élève"), max_length=200)
    measure_type = forms.ChoiceField(label=gettext_lazy("Punition ou sanction"))
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Lu par l'élève et sa famille si l'établissement leur montre cette mesure."),
    )
    decided_on = forms.DateField(label=gettext_lazy("Décidée le"), widget=DateInput())
    due_on = forms.DateField(
        label=gettext_lazy("À faire le"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Pour une retenue, un devoir : le jour où l'élève l'effectue (facultatif)."),
    )

    def __init__(
        self, *args, types: list[MeasureType], student_choices: list[tuple[str, str]] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.types = types
        cast(forms.ChoiceField, self.fields["measure_type"]).choices = [
            ("", gettext_lazy("Choisir…")),
            *[(str(t.public_id), t.name) for t in types],
        ]
        if student_choices is not None:
            self.fields["student"] = forms.ChoiceField(
                label=gettext_lazy("Élève"), choices=[("", gettext_lazy("Choisir…")), *student_choices]
            )
        else:
            self.fields["student"].widget.attrs.update(
                {"list": "discipline-students", "autocomplete": "off", "spellcheck": "false"}
            )
            self.fields["student"].help_text = gettext_lazy(
                "Tapez le début du nom puis choisissez dans la liste."
            )

    def type_groups(self, allowed_categories: set[str]) -> list[tuple[Any, list[MeasureType]]]:
        return [
            (label, [t for t in self.types if t.category == value])
            for value, label in MeasureType.Category.choices
            if value in allowed_categories and any(t.category == value for t in self.types)
        ]


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Suivi"), choices=Measure.Status.choices)
    due_on = forms.DateField(label=gettext_lazy("À faire le"), required=False, widget=DateInput())
    follow_up = forms.CharField(
        label=gettext_lazy("Commentaire de suivi"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Pour l'équipe : les familles ne le lisent pas."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, with_reason: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_reason:
            del self.fields["reason"]


# --- catalogue and settings ---------------------------------------------------------------------
class MeasureTypeForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Catégorie"), choices=MeasureType.Category.choices)
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=80)
    retention = forms.ChoiceField(
        label=gettext_lazy("Conservation dans le dossier"), choices=MeasureType.Retention.choices
    )
    retention_days = forms.IntegerField(
        label=gettext_lazy("Nombre de jours"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=gettext_lazy("Pour « un nombre de jours après la décision »."),
    )
    retention_years = forms.IntegerField(
        label=gettext_lazy("Nombre d'années scolaires suivantes"),
        required=False,
        min_value=1,
        max_value=5,
        help_text=gettext_lazy(
            "Pour « jusqu'à la fin d'une année scolaire suivante » : 1 pour l'année suivante, 2 pour la deuxième."
        ),
    )
    conduct_points = forms.CharField(
        label=gettext_lazy("Points retirés à la note de conduite"),
        max_length=8,
        required=False,
        help_text=gettext_lazy("Pour la suggestion de note de conduite (Bénin) ; 0 sinon."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("En service"), required=False, initial=True)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["conduct_points"] = data.get("conduct_points") or "0"
        return data


class SettingsForm(forms.Form):
    guardians_see = forms.ChoiceField(
        label=gettext_lazy("Ce que voient les responsables"),
        choices=DisciplineSettings.GuardianView.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Avec « les mesures et les incidents qui les motivent », les responsables lisent la date, le lieu et la description de l'incident, jamais le nom des autres élèves : rédigez les descriptions en conséquence."
        ),
    )
    notify_guardians = forms.BooleanField(
        label=gettext_lazy("Prévenir les responsables d'une nouvelle mesure qu'ils peuvent voir"),
        required=False,
    )
    students_see = forms.BooleanField(
        label=gettext_lazy("Les élèves voient leurs punitions et sanctions"), required=False
    )
