"""The establishment's grading rules said in plain French, for the explanation pages."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from carnet.grades.engine import fmt
from carnet.grades.models import GradingProfile

F = GradingProfile.Formula


def _role_name(role: str) -> str:
    return {"interrogation": _("les interrogations"), "devoir": _("les devoirs")}.get(role, _("les autres notes"))


def subject_rules(profile: GradingProfile) -> list[str]:
    """How a subject average is made in this establishment, one sentence per rule."""
    lines = []
    if profile.formula == F.BENIN:
        lines.append(
            _(
                "Dans votre établissement, la moyenne d'une matière se calcule ainsi : (MI + somme des devoirs) "
                "÷ (1 + nombre de devoirs), où MI est la moyenne des interrogations."
            )
        )
    elif profile.formula == F.CUSTOM:
        parts = []
        for component in profile.custom_components or []:
            weight = fmt(Decimal(str(component.get("weight", "1"))))
            if component.get("mode") == "each":
                parts.append(_("%(role)s, chacune avec le poids %(weight)s") % {"role": _role_name(component.get("role", "")), "weight": weight})
            else:
                parts.append(_("la moyenne de %(role)s, avec le poids %(weight)s") % {"role": _role_name(component.get("role", "")), "weight": weight})
        lines.append(
            _("Dans votre établissement, la moyenne d'une matière est une moyenne pondérée de : %(parts)s.")
            % {"parts": " ; ".join(parts) or _("aucune partie définie")}
        )
    else:
        lines.append(
            _(
                "Dans votre établissement, la moyenne d'une matière est la moyenne des notes ramenées sur 20, "
                "chacune comptant autant de fois que son coefficient."
            )
        )
    missing: dict[str, str] = {
        GradingProfile.Missing.SKIP: _("Une note manquante n'est pas comptée."),
        GradingProfile.Missing.ZERO: _("Une note manquante compte 0."),
        GradingProfile.Missing.BLOCK: _("Tant qu'une note manque, la moyenne n'est pas calculée."),
    }
    lines.append(missing.get(profile.missing_mark, ""))
    lines.append(
        _("Une copie non rendue compte 0.")
        if profile.not_handed_in == GradingProfile.NotHandedIn.ZERO
        else _("Une copie non rendue n'est pas comptée.")
    )
    lines.append(_("Une absence excusée ou une dispense n'est jamais comptée."))
    lines.append(_("Une évaluation « bonus » ne compte que si elle fait monter la moyenne."))
    lines.append(
        _(
            "Une note sur un autre barème est ramenée sur 20 (par exemple 7 sur 10 devient 14 sur 20). "
            "Les notes ramenées sur 20 et les moyennes sont arrondies au centième le plus proche "
            "(0,005 et plus vers le haut)."
        )
    )
    return [line for line in lines if line]


def general_rules(profile: GradingProfile) -> list[str]:
    """How the general average is made in this establishment."""
    lines = [
        _(
            "Dans votre établissement, la moyenne générale est la moyenne des moyennes des matières, "
            "chacune comptant autant de fois que son coefficient."
        ),
        _("Une matière sans moyenne sur la période n'est pas comptée."),
        _(
            "Une matière facultative n'ajoute que ses points au-dessus de 10, multipliés par son coefficient : "
            "elle ne peut que faire monter la moyenne générale."
        ),
    ]
    if profile.conduct_enabled:
        lines.append(
            _("La conduite compte comme une matière, avec le coefficient %(coef)s.") % {"coef": fmt(profile.conduct_coefficient)}
        )
    if profile.missing_mark == GradingProfile.Missing.BLOCK:
        lines.append(_("Si la moyenne d'une matière est bloquée par une note manquante, la moyenne générale l'est aussi."))
    lines.append(
        _("Les élèves sont classés : les ex æquo partagent le même rang.")
        if profile.ranks_enabled
        else _("Votre établissement ne calcule pas de rang.")
    )
    lines.append(_("La moyenne générale est arrondie au centième le plus proche."))
    return lines
