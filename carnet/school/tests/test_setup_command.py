"""`carnet create-establishment`: a real establishment sets itself up from the command line."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carnet.audit.models import AuditEvent
from carnet.identity.models import ActivationCode, digest
from carnet.school.models import Establishment, Period, SchoolYear, StaffFunction
from carnet.school.roles import roles_of
from carnet.school.services.setup import default_periods, default_year_dates, parse_year_name

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("create-establishment", *args, stdout=out)
    return out.getvalue()


FR = ["--code", "0690001Z", "--name", "Lycée du Parc", "--country", "FR", "--year", "2026-2027",
      "--head-first-name", "Paule", "--head-last-name", "Directrice", "--head-email", "paule@example.org", "--city", "Lyon"]


def test_creates_french_establishment_with_year_trimesters_and_head(settings):
    settings.SITE_URL = "https://carnet.example.org"
    output = run(*FR)
    establishment = Establishment.objects.get(code="0690001Z")
    assert (establishment.country, establishment.time_zone, establishment.city) == ("FR", "Europe/Paris", "Lyon")
    year = SchoolYear.objects.get(establishment=establishment)
    assert year.is_current and year.name == "2026-2027"
    assert (year.starts_on, year.ends_on) == (dt.date(2026, 9, 1), dt.date(2027, 7, 3))  # first Saturday of July 2027
    periods = list(Period.objects.filter(school_year=year).order_by("number"))
    assert [(p.kind, p.name, p.starts_on, p.ends_on) for p in periods] == [
        ("trimester", "Trimestre 1", dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
        ("trimester", "Trimestre 2", dt.date(2026, 12, 1), dt.date(2027, 3, 10)),
        ("trimester", "Trimestre 3", dt.date(2027, 3, 11), dt.date(2027, 7, 3)),
    ]
    head = StaffFunction.objects.get(establishment=establishment, kind="head").user
    assert head.username == "paule.directrice" and head.email == "paule@example.org"
    assert not head.has_usable_password()
    assert roles_of(head).has_function(establishment.pk, "head")
    assert "Identifiant : paule.directrice" in output
    code = output.split("Code d'activation : ")[1].split()[0]
    assert ActivationCode.objects.filter(user=head, code_digest=digest(code), used_at__isnull=True).exists()
    assert "https://carnet.example.org/" in output and "activation" in output
    event = AuditEvent.objects.get(action="establishment.create")
    assert event.actor is None and event.establishment == establishment and event.changes["code"] == [None, "0690001Z"]


def test_same_code_is_refused_and_nothing_more_is_created():
    run(*FR)
    with pytest.raises(CommandError, match="déjà le code « 0690001Z »"):
        run(*FR)
    assert Establishment.objects.count() == 1 and StaffFunction.objects.count() == 1


def test_benin_defaults_to_two_semesters_and_porto_novo_time():
    run("--code", "BJ-CEG-777", "--name", "CEG Cotonou", "--country", "bj", "--year", "2026-2027",
        "--head-first-name", "Koffi", "--head-last-name", "Agbo")
    establishment = Establishment.objects.get(code="BJ-CEG-777")
    assert establishment.time_zone == "Africa/Porto-Novo" and establishment.country == "BJ"
    year = establishment.years.get()
    assert (year.starts_on, year.ends_on) == (dt.date(2026, 10, 1), dt.date(2027, 7, 15))
    assert [(p.name, p.starts_on, p.ends_on) for p in establishment.periods.order_by("number")] == [
        ("Semestre 1", dt.date(2026, 10, 1), dt.date(2027, 1, 31)),
        ("Semestre 2", dt.date(2027, 2, 1), dt.date(2027, 7, 15)),
    ]


def test_periods_option_overrides_the_country_default():
    run(*FR[:-4], "--periods", "semesters")
    assert list(Period.objects.values_list("kind", flat=True)) == ["semester", "semester"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--country", "DE"), "Pays inconnu : « DE »"),
        (("--year", "2026"), "Année scolaire invalide : « 2026 »"),
        (("--year", "2026-2028"), "Année scolaire invalide"),
        (("--time-zone", "Mars/Olympus"), "Fuseau horaire inconnu : « Mars/Olympus »"),
    ],
)
def test_bad_inputs_are_refused_in_french_and_write_nothing(change, message):
    args = list(FR)
    if change[0] in args:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += list(change)
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Establishment.objects.exists() and not AuditEvent.objects.exists()


def test_defaults_fall_back_to_an_equal_split_when_usual_dates_do_not_fit():
    periods = default_periods(country="FR", kind="trimester", starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 12, 20))
    assert [p["starts_on"] for p in periods][0] == dt.date(2027, 1, 4)
    assert periods[-1]["ends_on"] == dt.date(2027, 12, 20)
    for before, after in zip(periods, periods[1:], strict=False):
        assert after["starts_on"] == before["ends_on"] + dt.timedelta(days=1)
        assert before["starts_on"] < before["ends_on"]


def test_year_helpers():
    assert parse_year_name(" 2027/2028 ") == ("2027-2028", 2027)
    assert default_year_dates("FR", 2025) == (dt.date(2025, 9, 1), dt.date(2026, 7, 4))
