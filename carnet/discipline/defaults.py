"""The catalogues an establishment starts with, per country: data that the establishment then
edits (names, retention, conduct points). Created once, when the establishment's discipline is
first used (`services.catalogue.settings_for`).

France (Code de l'éducation, R.511-13 as amended by the décret n° 2019-906 of 30 August 2019, and
the circular on punishments): punishments (punitions scolaires) are internal measures that are not
written in the student's administrative file: they leave the record at the end of the school
year. Sanctions are erased from the administrative file: the avertissement at the end of the
school year; the blâme and the mesure de responsabilisation at the end of the following school
year; the temporary exclusions (from the class, from the establishment) at the end of the second
following school year; the exclusion définitive stays (it is erased when the student's secondary
schooling ends, which Carnet does not follow). Conduct points are 0: French schools have no
conduct mark.

Benin: the punishments and sanctions of the CEG rules with the points each takes off the conduct
mark (/20) in the suggestion of the school-life record. No national retention rule is encoded:
the avertissement and the retenue leave the record at the end of the year, the blâme and the
temporary exclusion after 365 days, the exclusion définitive stays."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from carnet.discipline.models import MeasureType

P = MeasureType.Category.PUNISHMENT
S = MeasureType.Category.SANCTION
R = MeasureType.Retention


class DefaultType(NamedTuple):
    category: str
    name: str
    retention: str
    retention_days: int | None = None
    retention_years: int | None = None
    conduct_points: Decimal = Decimal("0")


FRANCE = (
    DefaultType(P, "Observation écrite", R.YEAR_END),
    DefaultType(P, "Devoir supplémentaire", R.YEAR_END),
    DefaultType(P, "Retenue", R.YEAR_END),
    DefaultType(P, "Exclusion ponctuelle de cours", R.YEAR_END),
    DefaultType(S, "Avertissement", R.YEAR_END),
    DefaultType(S, "Blâme", R.YEARS_END, retention_years=1),
    DefaultType(S, "Mesure de responsabilisation", R.YEARS_END, retention_years=1),
    DefaultType(S, "Exclusion temporaire de la classe", R.YEARS_END, retention_years=2),
    DefaultType(S, "Exclusion temporaire de l'établissement", R.YEARS_END, retention_years=2),
    DefaultType(S, "Exclusion définitive", R.PERMANENT),
)

BENIN = (
    DefaultType(P, "Retenue", R.YEAR_END, conduct_points=Decimal("1")),
    DefaultType(S, "Avertissement", R.YEAR_END, conduct_points=Decimal("1")),
    DefaultType(S, "Blâme", R.DAYS, retention_days=365, conduct_points=Decimal("2")),
    DefaultType(S, "Exclusion temporaire", R.DAYS, retention_days=365, conduct_points=Decimal("4")),
    DefaultType(S, "Exclusion définitive", R.PERMANENT, conduct_points=Decimal("8")),
)

BY_COUNTRY = {"FR": FRANCE, "BJ": BENIN}


def defaults_for(country: str) -> tuple[DefaultType, ...]:
    """The default catalogue of a country (France's for a country Carnet does not know)."""
    return BY_COUNTRY.get(country, FRANCE)
