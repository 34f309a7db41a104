"""The what-if form: "Et si j'avais [14] sur [20] au prochain [devoir], coefficient [1] ?"."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.grades.marks import format_number
from carnet.grades.models import AssessmentKind

KIND_CHOICES = [
    (AssessmentKind.DEVOIR, gettext_lazy("devoir")),
    (AssessmentKind.INTERROGATION, gettext_lazy("interrogation")),
    (AssessmentKind.COMPOSITION, gettext_lazy("composition")),
    (AssessmentKind.ORAL, gettext_lazy("oral")),
    (AssessmentKind.PRACTICAL, gettext_lazy("TP")),
    (AssessmentKind.HOMEWORK, gettext_lazy("devoir maison")),
]


class DecimalText(forms.DecimalField):
    """A number typed with a comma or a dot."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
        return super().to_python(value)


class WhatIfForm(forms.Form):
    note = DecimalText(label=gettext_lazy("Note"), min_value=Decimal("0"), max_digits=5, decimal_places=2,
                       widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "4", "autocomplete": "off"}))
    sur = DecimalText(label=gettext_lazy("Barème"), initial=Decimal("20"), min_value=Decimal("1"), max_value=Decimal("100"),
                      max_digits=5, decimal_places=2,
                      widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "3", "autocomplete": "off"}))
    type = forms.ChoiceField(label=gettext_lazy("Type d'évaluation"), choices=KIND_CHOICES, initial=AssessmentKind.DEVOIR)
    coefficient = DecimalText(label=gettext_lazy("Coefficient"), initial=Decimal("1"), min_value=Decimal("0.01"),
                              max_value=Decimal("100"), max_digits=5, decimal_places=2,
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "3", "autocomplete": "off"}))

    def clean(self):
        data = super().clean()
        note, scale = data.get("note"), data.get("sur")
        if note is not None and scale is not None and note > scale:
            self.add_error(
                "note",
                _("La note %(note)s dépasse le barème (sur %(scale)s).") % {"note": format_number(note), "scale": format_number(scale)},
            )
        return data
