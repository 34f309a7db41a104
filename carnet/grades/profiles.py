"""An establishment's grading profile, created on first use with its country's defaults, and read
into the engine's plain `Rules`."""

from __future__ import annotations

from decimal import Decimal

from carnet.grades.engine.types import Band, Component, Rules
from carnet.grades.models import GradingProfile
from carnet.school.models import Country, Establishment


def country_defaults(country: str) -> dict:
    """France: weighted mean, missing marks skipped, no ranks, plain annual mean.
    Benin (public): (MI + devoirs)/(1 + n), conduct as a subject, ranks, annual (S1 + 2×S2)/3,
    decision "Passe" from 10/20."""
    if country == Country.BENIN:
        return {
            "formula": GradingProfile.Formula.BENIN,
            "missing_mark": GradingProfile.Missing.SKIP,
            "ranks_enabled": True,
            "annual_rule": GradingProfile.AnnualRule.WEIGHTED,
            "annual_weights": ["1", "2"],
            "conduct_enabled": True,
            "decision_bands": [{"min": "10", "label": "Passe"}, {"min": "0", "label": "Redouble"}],
            "mention_choices": ["Tableau d'honneur", "Encouragements", "Félicitations", "Avertissement", "Blâme"],
        }
    return {
        "formula": GradingProfile.Formula.WEIGHTED,
        "missing_mark": GradingProfile.Missing.SKIP,
        "ranks_enabled": False,
        "annual_rule": GradingProfile.AnnualRule.MEAN,
        "annual_weights": [],
        "conduct_enabled": False,
        "decision_bands": [{"min": "10", "label": "Passage"}, {"min": "0", "label": "Redoublement"}],
    }


def profile_for(establishment: Establishment) -> GradingProfile:
    """The establishment's profile; created with the country's defaults the first time."""
    cached = getattr(establishment, "_grading_profile", None)
    if cached is not None:
        return cached
    profile, _created = GradingProfile.objects.get_or_create(
        establishment=establishment, defaults=country_defaults(establishment.country)
    )
    establishment._grading_profile = profile  # type: ignore[attr-defined]
    return profile


def rules_from(profile: GradingProfile) -> Rules:
    weights: tuple[Decimal, ...] = ()
    if profile.annual_rule == GradingProfile.AnnualRule.WEIGHTED:
        weights = tuple(Decimal(str(w)) for w in (profile.annual_weights or ["1", "2"]))
    return Rules(
        formula=profile.formula,
        components=tuple(
            Component(role=c["role"], mode=c.get("mode", "mean"), weight=Decimal(str(c.get("weight", "1"))))
            for c in (profile.custom_components or [])
        ),
        missing=profile.missing_mark,
        not_handed_in=profile.not_handed_in,
        ranks=profile.ranks_enabled,
        annual_weights=weights,
        decision_bands=tuple(
            sorted(
                (Band(minimum=Decimal(str(b["min"])), label=str(b["label"])) for b in (profile.decision_bands or [])),
                key=lambda band: band.minimum,
                reverse=True,
            )
        ),
        conduct_coefficient=profile.conduct_coefficient if profile.conduct_enabled else Decimal("0"),
    )


def rules_for(establishment: Establishment) -> Rules:
    return rules_from(profile_for(establishment))
