"""Refusals of the school-life services, with stable codes (the API answers `{code, message, details}`).

| code | HTTP | class |
|---|---|---|
| `unknown_placeholder` | 422 | UnknownPlaceholder: a template names a placeholder that does not exist |
| `empty_selection` | 422 | EmptySelection: no student matches the mailing's selection |
| `suggestion_changed` | 409 | SuggestionChanged: the conduct suggestion moved since it was shown |
| `conduct_rule_conflict` | 409 | ConductRuleConflict: the rule changed since it was read |
| `period_locked` | 409 | grades' PeriodLocked: the class council of the period is closed |"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.core.errors import Conflict, ValidationFailed


class UnknownPlaceholder(ValidationFailed):
    """`details`: {"placeholders": ["{foo}", …], "field": "body"}."""

    code = "unknown_placeholder"
    default_message = _("Le modèle contient un champ à remplacer inconnu.")


class EmptySelection(ValidationFailed):
    code = "empty_selection"
    default_message = _("Aucun élève ne correspond à cette sélection : aucun courrier n'est préparé.")


class SuggestionChanged(Conflict):
    """`details`: {"student": uuid, "expected": "14,5", "current": "14"}."""

    code = "suggestion_changed"
    default_message = _(
        "La suggestion a changé depuis l'affichage de la page (une absence ou une mesure a été saisie entre-temps) : "
        "rechargez la page et vérifiez la nouvelle suggestion avant de la valider."
    )


class ConductRuleConflict(Conflict):
    code = "conduct_rule_conflict"
    default_message = _(
        "La règle de conduite a été modifiée entre-temps par quelqu'un d'autre ; rechargez la page."
    )
