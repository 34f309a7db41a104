"""Forms of the record part: the students search and the conduct rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carnet.schoollife.models import ConductRule


class StudentSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom ou prénom"), required=False, max_length=100)
    classe = forms.ChoiceField(label=_("Classe"), required=False)
    suivi = forms.BooleanField(label=_("Seulement les élèves de la liste de suivi"), required=False)

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        several = len({c.establishment_id for c in classes}) > 1
        self.classes = {str(c.public_id): c for c in classes}
        self.fields["classe"].choices = [("", _("Toutes les classes"))] + [
            (str(c.public_id), f"{c.name} · {c.establishment.name}" if several else c.name) for c in classes
        ]

    @property
    def school_class(self):
        if not self.is_valid():
            return None
        return self.classes.get(self.cleaned_data.get("classe") or "")


def _points(label, help_text="", required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=6,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )


class ConductRuleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    starting_mark = _points(
        ConductRule._meta.get_field("starting_mark").verbose_name,
        _("Par exemple 18 : la note d'un élève sans absence injustifiée, retard ni sanction."),
    )
    per_unjustified_half_day = _points(
        ConductRule._meta.get_field("per_unjustified_half_day").verbose_name,
        _("Par exemple 0,5. Les absences encore à justifier ne comptent pas."),
    )
    per_lateness = _points(
        ConductRule._meta.get_field("per_lateness").verbose_name,
        _("Par exemple 0,25. Un retard justifié ne compte pas."),
    )
    cap_absences = _points(
        ConductRule._meta.get_field("cap_absences").verbose_name,
        _("Laissez vide pour ne pas plafonner."),
        required=False,
    )
    cap_lateness = _points(
        ConductRule._meta.get_field("cap_lateness").verbose_name,
        _("Laissez vide pour ne pas plafonner."),
        required=False,
    )
    cap_measures = _points(
        ConductRule._meta.get_field("cap_measures").verbose_name,
        _(
            "Chaque punition ou sanction retire les points fixés dans le catalogue de la discipline. Laissez vide pour ne pas plafonner."
        ),
        required=False,
    )


def rule_initial(rule: ConductRule) -> dict:
    def text(value):
        if value is None:
            return ""
        return format(value.normalize(), "f").replace(".", ",")

    return {
        "version": rule.version,
        **{
            name: text(getattr(rule, name))
            for name in (
                "starting_mark",
                "per_unjustified_half_day",
                "per_lateness",
                "cap_absences",
                "cap_lateness",
                "cap_measures",
            )
        },
    }
