"""Forms of the grading settings and exports pages. The profile's lists (decision bands, mentions,
components of a custom formula, annual weights) are typed as short lines of text."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carnet.grades.models import GradingProfile, Role
from carnet.identity.names import fold

ROLE_WORDS = {"interrogation": Role.INTERROGATION, "interrogations": Role.INTERROGATION, "interro": Role.INTERROGATION,
              "devoir": Role.DEVOIR, "devoirs": Role.DEVOIR, "autre": Role.OTHER, "autres": Role.OTHER}
MODE_WORDS = {"moyenne": "mean", "chacun": "each", "chaque": "each", "chacune": "each"}
ROLE_TEXT = {Role.INTERROGATION: "interrogations", Role.DEVOIR: "devoirs", Role.OTHER: "autres"}
MODE_TEXT = {"mean": "moyenne", "each": "chacun"}


def _number_text(value) -> str:
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    formula = forms.ChoiceField(
        label=gettext_lazy("Formule"), choices=GradingProfile.Formula.choices, widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "France : chaque note est ramenée sur 20, puis on fait la moyenne pondérée par le coefficient de chaque "
            "évaluation. Bénin : la moyenne des interrogations (MI) compte comme un devoir : (MI + devoir 1 + devoir 2) / 3. "
            "Personnalisée : vous choisissez les parts ci-dessous."
        ),
    )
    custom_components = forms.CharField(
        label=gettext_lazy("Parts de la formule personnalisée"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Une part par ligne : le type de notes (interrogations, devoirs, autres), puis « moyenne » (une seule part "
            "pour leur moyenne) ou « chacun » (une part par note), puis le poids. Exemple : « interrogations moyenne 1 » "
            "et « devoirs chacun 1 » donnent la formule du Bénin."
        ),
    )
    missing_mark = forms.ChoiceField(
        label=gettext_lazy("Note manquante"), choices=GradingProfile.Missing.choices, widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Quand un élève n'a pas encore de note à une évaluation : l'ignorer (la moyenne se fait sur les autres "
            "notes), la compter 0, ou ne pas calculer la moyenne tant qu'elle manque (la raison est affichée)."
        ),
    )
    not_handed_in = forms.ChoiceField(
        label=gettext_lazy("Copie non rendue (NR)"), choices=GradingProfile.NotHandedIn.choices, widget=forms.RadioSelect,
        help_text=gettext_lazy("Un « NR » compte 0, ou ne compte pas. Les absences excusées et les dispenses ne comptent jamais."),
    )
    ranks_enabled = forms.BooleanField(
        label=gettext_lazy("Calculer les rangs"), required=False,
        help_text=gettext_lazy("Rang dans la classe et par matière ; les ex aequo partagent le rang (1, 1, 3)."),
    )
    annual_rule = forms.ChoiceField(
        label=gettext_lazy("Moyenne annuelle"), choices=GradingProfile.AnnualRule.choices, widget=forms.RadioSelect,
        help_text=gettext_lazy("Moyenne simple des périodes, ou pondérée par les poids ci-dessous."),
    )
    annual_weights = forms.CharField(
        label=gettext_lazy("Poids des périodes"), required=False, max_length=100,
        help_text=gettext_lazy("Un poids par période, dans l'ordre, séparés par des espaces : « 1 2 » donne (S1 + 2×S2) / 3. "
                               "Vide : (S1 + 2×S2) / 3 pour deux semestres."),
    )
    decision_bands = forms.CharField(
        label=gettext_lazy("Décisions de fin d'année"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Une décision par ligne : le seuil de moyenne annuelle, puis la décision. "
                               "Exemple : « 10 Passe » et « 0 Redouble »."),
    )
    mention_choices = forms.CharField(
        label=gettext_lazy("Mentions du conseil de classe"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Une mention par ligne, dans l'ordre où le conseil les propose."),
    )
    conduct_enabled = forms.BooleanField(
        label=gettext_lazy("La conduite compte comme une matière"), required=False,
        help_text=gettext_lazy("Une note de conduite sur 20 par élève et par période, saisie par la direction ou la vie scolaire."),
    )
    conduct_coefficient = forms.DecimalField(
        label=gettext_lazy("Coefficient de la conduite"), min_value=Decimal("0.01"), max_value=Decimal("99"), decimal_places=2,
        localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    stats_visible_to_families = forms.BooleanField(
        label=gettext_lazy("Les élèves et les familles voient les statistiques de la classe"), required=False,
        help_text=gettext_lazy("Moyenne, plus basse et plus haute note de la classe à côté de chaque note. Les enseignants les voient toujours."),
    )
    daily_publication_time = forms.TimeField(
        label=gettext_lazy("Heure de publication quotidienne"), required=False, widget=TimeInput(),
        help_text=gettext_lazy("Les notes qu'un enseignant publie « à l'heure de l'établissement » deviennent visibles à cette heure. "
                               "Vide : pas d'heure commune."),
    )
    guardian_delay_hours = forms.IntegerField(
        label=gettext_lazy("Délai avant que les responsables voient les notes (heures)"), min_value=0, max_value=168,
        help_text=gettext_lazy("0 : en même temps que l'élève. 24 : le lendemain, pour que l'élève en parle d'abord chez lui."),
    )

    @classmethod
    def initial_from(cls, profile: GradingProfile) -> dict:
        return {
            "version": profile.version,
            "formula": profile.formula,
            "custom_components": "\n".join(
                f"{ROLE_TEXT.get(c['role'], c['role'])} {MODE_TEXT.get(c.get('mode', 'mean'), 'moyenne')} {_number_text(c.get('weight', '1'))}"
                for c in profile.custom_components or []
            ),
            "missing_mark": profile.missing_mark,
            "not_handed_in": profile.not_handed_in,
            "ranks_enabled": profile.ranks_enabled,
            "annual_rule": profile.annual_rule,
            "annual_weights": " ".join(_number_text(w) for w in profile.annual_weights or []),
            "decision_bands": "\n".join(f"{_number_text(b['min'])} {b['label']}" for b in profile.decision_bands or []),
            "mention_choices": "\n".join(profile.mention_choices or []),
            "conduct_enabled": profile.conduct_enabled,
            "conduct_coefficient": profile.conduct_coefficient,
            "stats_visible_to_families": profile.stats_visible_to_families,
            "daily_publication_time": profile.daily_publication_time,
            "guardian_delay_hours": profile.guardian_delay_hours,
        }

    def clean_custom_components(self) -> list[dict]:
        components = []
        for number, line in enumerate(self._lines("custom_components"), start=1):
            words = fold(line).split()
            if len(words) == 2:
                words.append("1")
            if len(words) != 3 or words[0] not in ROLE_WORDS or words[1] not in MODE_WORDS:
                raise forms.ValidationError(
                    _("Ligne %(n)s, « %(line)s » : écrivez le type de notes, « moyenne » ou « chacun », puis le poids "
                      "(par exemple « devoirs chacun 1 »).") % {"n": number, "line": line})
            components.append({"role": ROLE_WORDS[words[0]], "mode": MODE_WORDS[words[1]], "weight": words[2].replace(",", ".")})
        return components

    def clean_annual_weights(self) -> list[str]:
        text = self.cleaned_data.get("annual_weights") or ""
        return [w.replace(",", ".") for w in re.split(r"[\s;/+]+", text.strip()) if w]

    def clean_decision_bands(self) -> list[dict]:
        bands = []
        for number, line in enumerate(self._lines("decision_bands"), start=1):
            match = re.match(r"^(\d+(?:[.,]\d+)?)\s*[:\-–]?\s*(.+)$", line)
            if not match:
                raise forms.ValidationError(
                    _("Ligne %(n)s, « %(line)s » : écrivez le seuil puis la décision (par exemple « 10 Passe »).")
                    % {"n": number, "line": line})
            bands.append({"min": match.group(1).replace(",", "."), "label": match.group(2).strip()})
        return bands

    def clean_mention_choices(self) -> list[str]:
        return self._lines("mention_choices")

    def _lines(self, name: str) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get(name) or "").splitlines() if line.strip()]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


class CoefficientAddForm(forms.Form):
    level: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("Niveau"), queryset=None, empty_label=None)
    series: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("Série"), queryset=None, required=False,
                                    empty_label=gettext_lazy("Toutes les séries"))
    subject: forms.ModelChoiceField = forms.ModelChoiceField(label=gettext_lazy("Matière"), queryset=None, empty_label=None)
    coefficient = forms.DecimalField(label=gettext_lazy("Coefficient"), min_value=Decimal("0.01"), max_value=Decimal("99"),
                                     decimal_places=2, localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}))
    is_bonus = forms.BooleanField(label=gettext_lazy("Facultative (points au-dessus de 10)"), required=False)

    def __init__(self, *args, establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = establishment.levels.all()  # type: ignore[attr-defined]
        self.fields["series"].queryset = establishment.series.all()  # type: ignore[attr-defined]
        self.fields["subject"].queryset = establishment.subjects.all()  # type: ignore[attr-defined]
        for name in ("level", "series", "subject"):
            self.fields[name].to_field_name = "public_id"  # type: ignore[attr-defined]


class CoefficientForm(forms.Form):
    coefficient = forms.DecimalField(label=gettext_lazy("Coefficient"), min_value=Decimal("0.01"), max_value=Decimal("99"),
                                     decimal_places=2, localize=True)
    is_bonus = forms.BooleanField(label=gettext_lazy("Facultative"), required=False)


class KindForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=60)
    role = forms.ChoiceField(
        label=gettext_lazy("Compte comme"), choices=Role.choices,
        help_text=gettext_lazy("Pour la formule du Bénin : une interrogation entre dans la moyenne des interrogations, "
                               "un devoir compte à part."),
    )


class ExportForm(forms.Form):
    classe = forms.ChoiceField(label=gettext_lazy("Classe"))
    periode = forms.ChoiceField(label=gettext_lazy("Période"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), widget=forms.RadioSelect, initial="csv",
        choices=[("csv", gettext_lazy("CSV (Excel, EducMaster)")), ("xlsx", gettext_lazy("Excel (.xlsx)")), ("json", "JSON")],
    )

    def __init__(self, *args, classes, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classe"].choices = [(str(c.public_id), c.name) for c in classes]  # type: ignore[attr-defined]
        self.fields["periode"].choices = [(str(p.public_id), p.name) for p in periods]  # type: ignore[attr-defined]
