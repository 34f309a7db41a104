"""The catalogue of punishments and sanctions and the settings: defaults per country, created once;
changes by the discipline staff only, validated and audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carnet.audit.models import AuditEvent
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.discipline.errors import MeasureTypeInUse
from carnet.discipline.models import DisciplineSettings, MeasureType
from carnet.discipline.services import catalogue
from carnet.discipline.tests.helpers import decide, types_of
from carnet.school.models import StaffFunction

pytestmark = pytest.mark.django_db
R = MeasureType.Retention


def test_france_gets_the_punishments_and_sanctions_of_the_code_with_their_retention(world):
    types = catalogue.catalogue_of(world.lycee)
    rows = [
        (t.category, t.name, t.retention, t.retention_days, t.retention_years, t.conduct_points)
        for t in types
    ]
    assert rows == [
        ("punishment", "Observation écrite", R.YEAR_END, None, None, Decimal("0")),
        ("punishment", "Devoir supplémentaire", R.YEAR_END, None, None, Decimal("0")),
        ("punishment", "Retenue", R.YEAR_END, None, None, Decimal("0")),
        ("punishment", "Exclusion ponctuelle de cours", R.YEAR_END, None, None, Decimal("0")),
        ("sanction", "Avertissement", R.YEAR_END, None, None, Decimal("0")),
        ("sanction", "Blâme", R.YEARS_END, None, 1, Decimal("0")),
        ("sanction", "Mesure de responsabilisation", R.YEARS_END, None, 1, Decimal("0")),
        ("sanction", "Exclusion temporaire de la classe", R.YEARS_END, None, 2, Decimal("0")),
        ("sanction", "Exclusion temporaire de l'établissement", R.YEARS_END, None, 2, Decimal("0")),
        ("sanction", "Exclusion définitive", R.PERMANENT, None, None, Decimal("0")),
    ]


def test_benin_gets_its_catalogue_with_conduct_points(world):
    types = {t.name: t for t in catalogue.catalogue_of(world.ceg)}
    assert {n: (t.category, t.conduct_points) for n, t in types.items()} == {
        "Retenue": ("punishment", Decimal("1.00")),
        "Avertissement": ("sanction", Decimal("1.00")),
        "Blâme": ("sanction", Decimal("2.00")),
        "Exclusion temporaire": ("sanction", Decimal("4.00")),
        "Exclusion définitive": ("sanction", Decimal("8.00")),
    }
    assert (types["Blâme"].retention, types["Blâme"].retention_days) == (R.DAYS, 365)


def test_the_defaults_are_given_once_and_an_emptied_catalogue_stays_empty(world):
    assert not DisciplineSettings.objects.exists()
    catalogue.catalogue_of(world.lycee)
    catalogue.catalogue_of(world.lycee)
    assert MeasureType.objects.filter(establishment=world.lycee).count() == 10
    assert DisciplineSettings.objects.filter(establishment=world.lycee).count() == 1
    MeasureType.objects.filter(establishment=world.lycee).delete()
    assert catalogue.catalogue_of(world.lycee) == []


def test_the_cpe_adds_a_punishment_and_it_is_audited(world):
    created = catalogue.create_measure_type(
        actor=world.cpe,
        establishment=world.lycee,
        category="punishment",
        name="  Travail  d'intérêt scolaire ",
        retention="days",
        retention_days="30",
        conduct_points="0,5",
    )
    assert (created.name, created.retention_days, created.conduct_points, created.position) == (
        "Travail d'intérêt scolaire",
        30,
        Decimal("0.50"),
        11,
    )
    event = AuditEvent.objects.get(action="discipline.type_created")
    assert event.actor == world.cpe and event.establishment == world.lycee
    assert event.changes["retention_days"] == [None, 30]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "punishment", "name": ""}, "name"),
        ({"category": "reward", "name": "Félicitations"}, "category"),
        ({"category": "punishment", "name": "Retenue"}, "name"),  # already in the catalogue
        ({"category": "sanction", "name": "Blâme long", "retention": "days"}, "retention_days"),
        (
            {"category": "sanction", "name": "Blâme long", "retention": "years_end", "retention_years": 9},
            "retention_years",
        ),
        ({"category": "sanction", "name": "Blâme long", "retention": "forever"}, "retention"),
        ({"category": "sanction", "name": "Blâme long", "conduct_points": "vingt"}, "conduct_points"),
        ({"category": "sanction", "name": "Blâme long", "conduct_points": "21"}, "conduct_points"),
    ],
)
def test_bad_catalogue_values_are_refused_with_their_field(world, values, field):
    catalogue.catalogue_of(world.lycee)
    with pytest.raises(ValidationFailed) as refused:
        catalogue.create_measure_type(actor=world.head, establishment=world.lycee, **values)
    assert field in refused.value.details
    assert MeasureType.objects.filter(establishment=world.lycee).count() == 10


def test_a_teacher_and_the_secretary_may_not_change_the_catalogue(world):
    blame = types_of(world.lycee)["Blâme"]
    for person in (world.teacher_maths, world.secretary, world.outsider):
        with pytest.raises(PermissionDenied):
            catalogue.update_measure_type(
                actor=person, measure_type=blame, retention="days", retention_days=365
            )
    blame.refresh_from_db()
    assert blame.retention == R.YEARS_END
    assert not AuditEvent.objects.filter(action="discipline.type_updated").exists()


def test_changing_a_type_records_old_and_new_values(world):
    blame = types_of(world.lycee)["Blâme"]
    changes = catalogue.update_measure_type(
        actor=world.head, measure_type=blame, retention="days", retention_days=365
    )
    assert changes == {
        "retention": ("years_end", "days"),
        "retention_days": (None, 365),
        "retention_years": (1, None),
    }
    blame.refresh_from_db()
    assert (blame.retention, blame.retention_days, blame.retention_years) == ("days", 365, None)
    assert (
        catalogue.update_measure_type(
            actor=world.head, measure_type=blame, retention="days", retention_days=365
        )
        == {}
    )
    assert AuditEvent.objects.filter(action="discipline.type_updated").count() == 1


def test_a_used_type_cannot_be_deleted_but_an_unused_one_can(world):
    decide(world.cpe, world.alice, "Retenue", world.lycee)
    types = types_of(world.lycee)
    with pytest.raises(MeasureTypeInUse) as refused:
        catalogue.delete_measure_type(actor=world.head, measure_type=types["Retenue"])
    assert refused.value.details == {"measures": 1}
    catalogue.delete_measure_type(actor=world.head, measure_type=types["Observation écrite"])
    assert set(types_of(world.lycee)) == set(types) - {"Observation écrite"}
    assert AuditEvent.objects.filter(action="discipline.type_deleted").count() == 1


def test_the_settings_are_changed_by_the_staff_and_audited(world):
    give = StaffFunction.objects.create
    give(establishment=world.lycee, user=world.teacher_french, kind=StaffFunction.Kind.DEPUTY)
    changes = catalogue.update_settings(
        actor=world.teacher_french, establishment=world.lycee, guardians_see="all", notify_guardians=False
    )
    assert changes == {"guardians_see": ("measures", "all"), "notify_guardians": (True, False)}
    settings = catalogue.settings_for(world.lycee)
    assert (settings.guardians_see, settings.notify_guardians, settings.students_see) == ("all", False, True)
    with pytest.raises(ValidationFailed):
        catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="everything")
    with pytest.raises(PermissionDenied):
        catalogue.update_settings(
            actor=world.teacher_maths, establishment=world.lycee, guardians_see="nothing"
        )
    with pytest.raises(PermissionDenied):
        catalogue.update_settings(actor=world.outsider, establishment=world.lycee, guardians_see="nothing")
    assert catalogue.settings_for(world.lycee).guardians_see == "all"
    assert AuditEvent.objects.filter(action="discipline.settings_changed").count() == 1
