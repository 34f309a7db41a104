"""Setting up a real establishment: the establishment itself, its current school year, its evaluation
periods and its head's account, in one transaction.

The default dates are the usual ones of each country and are meant to be checked by the head on the
"Année scolaire" page: France from 1 September to the first Saturday of July (trimesters ending about
30 November and 10 March); Benin from 1 October to 15 July (semesters ending 31 January)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carnet.audit import services as audit
from carnet.core.errors import Conflict, ValidationFailed
from carnet.identity import services as identity
from carnet.school.models import Country, Establishment, Period, SchoolYear, StaffFunction

User = get_user_model()

DEFAULT_TIME_ZONES: dict[str, str] = {Country.FRANCE: "Europe/Paris", Country.BENIN: "Africa/Porto-Novo"}
DEFAULT_PERIOD_KINDS: dict[str, str] = {Country.FRANCE: Period.Kind.TRIMESTER, Country.BENIN: Period.Kind.SEMESTER}
PERIOD_COUNTS: dict[str, int] = {Period.Kind.SEMESTER: 2, Period.Kind.TRIMESTER: 3}

_YEAR_NAME = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{4})\s*$")


def parse_year_name(text: str) -> tuple[str, int]:
    """'2026-2027' -> ('2026-2027', 2026). Raises ValidationFailed for anything else."""
    match = _YEAR_NAME.match(text or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1 or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationFailed(
            _("Année scolaire invalide : « %(text)s ». Écrivez deux années qui se suivent, par exemple 2026-2027.")
            % {"text": text}
        )
    first = int(match.group(1))
    return f"{first}-{first + 1}", first


def default_year_dates(country: str, first_year: int) -> tuple[dt.date, dt.date]:
    """The usual first and last day of the school year starting in `first_year`."""
    if country == Country.BENIN:
        return dt.date(first_year, 10, 1), dt.date(first_year + 1, 7, 15)
    july_first = dt.date(first_year + 1, 7, 1)
    first_saturday = july_first + dt.timedelta(days=(5 - july_first.weekday()) % 7)
    return dt.date(first_year, 9, 1), first_saturday


def _usual_period_ends(country: str, kind: str, starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """The usual last days of every period but the last one."""
    first, second = starts_on.year, starts_on.year + 1
    if kind == Period.Kind.SEMESTER:
        return [dt.date(second, 1, 31)]
    if country == Country.BENIN:
        return [dt.date(first, 12, 31), dt.date(second, 3, 31)]
    return [dt.date(first, 11, 30), dt.date(second, 3, 10)]


def _equal_period_ends(count: int, starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    days = (ends_on - starts_on).days + 1
    return [starts_on + dt.timedelta(days=days * n // count - 1) for n in range(1, count)]


def period_name(kind: str, number: int, language: str = "fr") -> str:
    with translation.override(language):
        if kind == Period.Kind.SEMESTER:
            return _("Semestre %(number)s") % {"number": number}
        return _("Trimestre %(number)s") % {"number": number}


def default_periods(*, country: str, kind: str, starts_on: dt.date, ends_on: dt.date, language: str = "fr") -> list[dict]:
    """The periods of a year from `starts_on` to `ends_on`, following each other without gap: the
    country's usual dates when they fit inside the year, else an equal split.
    Each item: {"number", "name", "starts_on", "ends_on"}."""
    count = PERIOD_COUNTS[kind]
    ends = _usual_period_ends(country, kind, starts_on, ends_on)
    bounds = [starts_on, *ends, ends_on]
    if any(bounds[i] >= bounds[i + 1] for i in range(len(bounds) - 1)) or len(ends) != count - 1:
        ends = _equal_period_ends(count, starts_on, ends_on)
    result = []
    start = starts_on
    for number, end in enumerate([*ends, ends_on], start=1):
        result.append({"number": number, "name": period_name(kind, number, language), "starts_on": start, "ends_on": end})
        start = end + dt.timedelta(days=1)
    return result


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(
            _("Fuseau horaire inconnu : « %(zone)s » (exemples : Europe/Paris, Africa/Porto-Novo).") % {"zone": name}
        ) from exc
    if name not in available_timezones():
        raise ValidationFailed(
            _("Fuseau horaire inconnu : « %(zone)s » (exemples : Europe/Paris, Africa/Porto-Novo).") % {"zone": name}
        )
    return name


@dataclass(frozen=True)
class EstablishmentSetup:
    establishment: Establishment
    school_year: SchoolYear
    periods: list[Period]
    head: object
    activation_code: str

    @property
    def activation_url(self) -> str:
        from django.urls import reverse

        return settings.SITE_URL.rstrip("/") + reverse("identity:activate")


def create_establishment(
    *,
    actor,
    code: str,
    name: str,
    country: str,
    year_name: str,
    head_first_name: str,
    head_last_name: str,
    head_email: str = "",
    time_zone: str = "",
    city: str = "",
    language: str = "fr",
    period_kind: str = "",
) -> EstablishmentSetup:
    """Create an establishment with its current school year (default dates), its periods and its
    head's account (no usable password; an activation code, returned in clear, opens it).

    `actor` is None when run from the command line (the person installing the instance).
    Raises ValidationFailed for a bad value and Conflict for a code already in use; writes nothing then."""
    code = (code or "").strip()
    name = (name or "").strip()
    country = (country or "").strip().upper()
    if not code:
        raise ValidationFailed(_("Le code de l'établissement est obligatoire."))
    if not name:
        raise ValidationFailed(_("Le nom de l'établissement est obligatoire."))
    if country not in Country.values:
        raise ValidationFailed(
            _("Pays inconnu : « %(country)s ». Pays possibles : FR (France), BJ (Bénin).") % {"country": country}
        )
    year_name, first_year = parse_year_name(year_name)
    time_zone = check_time_zone((time_zone or "").strip() or DEFAULT_TIME_ZONES[country])
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Langue inconnue : « %(language)s ».") % {"language": language})
    period_kind = period_kind or DEFAULT_PERIOD_KINDS[country]
    if period_kind not in PERIOD_COUNTS:
        raise ValidationFailed(_("Découpage inconnu : semestres ou trimestres."))
    if not (head_first_name or "").strip() or not (head_last_name or "").strip():
        raise ValidationFailed(_("Le prénom et le nom du chef d'établissement sont obligatoires."))
    if Establishment.objects.filter(code__iexact=code).exists():
        raise Conflict(_("Un établissement a déjà le code « %(code)s ».") % {"code": code})

    starts_on, ends_on = default_year_dates(country, first_year)
    with transaction.atomic():
        establishment = Establishment.objects.create(
            code=code, name=name, country=country, time_zone=time_zone, language=language, city=(city or "").strip()
        )
        year = SchoolYear.objects.create(
            establishment=establishment, name=year_name, starts_on=starts_on, ends_on=ends_on, is_current=True
        )
        periods = Period.objects.bulk_create(
            [
                Period(establishment=establishment, school_year=year, kind=period_kind, **spec)
                for spec in default_periods(
                    country=country, kind=period_kind, starts_on=starts_on, ends_on=ends_on, language=language
                )
            ]
        )
        head = User(
            username=identity.unique_username(head_first_name.strip(), head_last_name.strip()),
            first_name=head_first_name.strip(),
            last_name=head_last_name.strip(),
            email=(head_email or "").strip(),
            language=language,
        )
        head.set_unusable_password()
        head.save()
        StaffFunction.objects.create(
            establishment=establishment, user=head, kind=StaffFunction.Kind.HEAD, starts_on=timezone.localdate()
        )
        audit.record(
            actor=actor,
            action="establishment.create",
            obj=establishment,
            establishment=establishment,
            changes={
                "code": (None, code),
                "name": (None, name),
                "country": (None, country),
                "time_zone": (None, time_zone),
                "school_year": (None, f"{year_name} ({starts_on.isoformat()} → {ends_on.isoformat()})"),
                "periods": (None, [f"{p.name} ({p.starts_on.isoformat()} → {p.ends_on.isoformat()})" for p in periods]),
                "head": (None, head.username),
            },
        )
        [(_user, activation_code)] = identity.issue_activation_codes(actor=actor, users=[head], establishment=establishment)
    return EstablishmentSetup(establishment=establishment, school_year=year, periods=periods, head=head, activation_code=activation_code)
