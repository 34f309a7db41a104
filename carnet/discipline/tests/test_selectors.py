"""Who sees which incidents and measures (the scopes), a student's record per reader, and the
inputs of the conduct-mark suggestion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from carnet.discipline import policies, selectors
from carnet.discipline.services import catalogue, measures
from carnet.discipline.tests.helpers import decide, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    """Alice (2nde A) hit Chloé (2nde B) in front of Bruno (2nde A), reported by Fanny (who teaches
    2nde B only); the CPE gave Alice a retenue and the head a blâme. Another incident where Chloé
    is only a victim, reported by the CPE."""
    fight = report(
        world.teacher_french,
        world.lycee,
        participants=[
            (world.alice, "author"),
            (world.chloe, "victim"),
            (world.bruno, "witness"),
        ],
        description="Alice a frappé Chloé dans l'escalier.",
    )
    retenue = decide(
        world.cpe, world.alice, "Retenue", world.lycee, incident=fight, reason="Violence envers une camarade."
    )
    blame = decide(world.head, world.alice, "Blâme", world.lycee, incident=fight)
    theft = report(
        world.cpe, world.lycee, participants=[(world.chloe, "victim")], description="Vol d'un téléphone."
    )
    return {"fight": fight, "retenue": retenue, "blame": blame, "theft": theft}


def names(row) -> set[str]:
    return {p["student"].first_name for p in row["participants"]}


def test_staff_see_every_incident_and_measure_of_their_establishment(world, scene):
    for person in (world.head, world.cpe):
        assert set(policies.incidents_visible_to(person)) == {scene["fight"], scene["theft"]}
        assert set(policies.measures_visible_to(person)) == {scene["retenue"], scene["blame"]}
    for person in (world.secretary, world.outsider, world.alice, world.alice_mother, world.chloe_father):
        assert not policies.incidents_visible_to(person).exists()
        assert not policies.measures_visible_to(person).exists()


def test_a_teacher_sees_what_they_reported_and_their_students_as_authors(world, scene):
    # Marc teaches Alice (the author) and Chloé (victim of the theft): he sees the fight, not the theft.
    assert set(policies.incidents_visible_to(world.teacher_maths)) == {scene["fight"]}
    assert set(policies.measures_visible_to(world.teacher_maths)) == {scene["retenue"], scene["blame"]}
    # Fanny reported the fight; she teaches Chloé only, so she sees none of Alice's measures.
    assert set(policies.incidents_visible_to(world.teacher_french)) == {scene["fight"]}
    assert not policies.measures_visible_to(world.teacher_french).exists()


def test_a_teacher_reads_only_the_names_of_the_students_they_teach(world, scene):
    fight = selectors.incidents_for(world.teacher_maths).get(pk=scene["fight"].pk)
    [row] = selectors.incident_rows(world.teacher_maths, [fight])
    assert names(row) == {"Alice", "Chloé", "Bruno"}  # Marc teaches all three
    [row] = selectors.incident_rows(world.teacher_french, [fight])
    assert names(row) == {"Alice", "Chloé", "Bruno"}  # Fanny reported it
    from carnet.school.models import SchoolClass
    from carnet.testing.factories import SubjectFactory, assign

    physics = SubjectFactory(establishment=world.lycee, name="Physique")
    newcomer = world.secretary
    assign(newcomer, SchoolClass.objects.get(name="2nde B"), physics)
    assert selectors.incidents_for(newcomer).count() == 0  # Chloé, his only student there, is a victim
    incident = report(world.cpe, world.lycee, participants=[(world.chloe, "author"), (world.alice, "victim")])
    [row] = selectors.incident_rows(newcomer, selectors.incidents_for(newcomer))
    assert row["incident"] == incident and names(row) == {"Chloé"} and row["hidden"] == 1


def test_incident_filters(world, scene):
    listed = lambda **f: set(selectors.incidents_for(world.cpe, establishment=world.lycee, **f))  # noqa: E731
    assert listed(school_class=world.seconde_a) == {scene["fight"]}
    assert listed(school_class=world.seconde_b) == {scene["fight"], scene["theft"]}
    assert listed(student=world.bruno) == {scene["fight"]}
    assert listed(seriousness=2) == {scene["fight"], scene["theft"]}
    assert listed(seriousness=4) == set()
    assert listed(since=dt.date(2026, 11, 27), until=dt.date(2026, 11, 27)) == {
        scene["fight"],
        scene["theft"],
    }
    assert listed(since=dt.date(2026, 11, 28)) == set()


def test_measure_filters(world, scene):
    listed = lambda **f: set(selectors.measures_for(world.cpe, establishment=world.lycee, **f))  # noqa: E731
    assert listed(category="sanction") == {scene["blame"]}
    assert listed(status="done") == set()
    assert listed(school_class=world.seconde_b) == set()
    assert listed(student=world.alice, since=dt.date(2026, 11, 30)) == {scene["retenue"], scene["blame"]}


# --- a student's record ---------------------------------------------------------------------------
def test_the_record_for_the_school_side(world, scene):
    record = selectors.student_record(world.cpe, world.alice)
    assert record["audience"] == "staff"
    assert [m["type"] for m in record["measures"]] == ["Blâme", "Retenue"]
    assert record["measures"][0]["url"] == f"/discipline/mesures/{scene['blame'].public_id}/"
    [incident] = record["incidents"]
    assert incident["role"] == "author" and names(incident) == {"Alice", "Chloé", "Bruno"}
    teacher = selectors.student_record(world.teacher_maths, world.alice)
    assert teacher["audience"] == "teacher" and len(teacher["measures"]) == 2
    # Chloé's record, for Marc: the fight (Alice, his student, is its author), not the theft.
    assert [
        i["incident"] for i in selectors.student_record(world.teacher_maths, world.chloe)["incidents"]
    ] == [scene["fight"]]
    assert selectors.student_record(world.outsider, world.alice) == {
        "audience": None,
        "measures": [],
        "incidents": [],
    }
    assert selectors.student_record(world.chloe_father, world.alice)["audience"] is None


@pytest.mark.parametrize(
    ("guardians_see", "types", "with_incident"),
    [
        ("nothing", [], False),
        ("sanctions", ["Blâme"], False),
        ("measures", ["Blâme", "Retenue"], False),
        ("all", ["Blâme", "Retenue"], True),
    ],
)
def test_guardians_see_what_the_establishment_says_and_never_other_names(
    world, scene, guardians_see, types, with_incident
):
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see=guardians_see)
    record = selectors.student_record(world.alice_mother, world.alice)
    assert record["audience"] == "guardian"
    assert [m["type"] for m in record["measures"]] == types
    assert all(m["follow_up"] == "" and m["url"] is None for m in record["measures"])
    if with_incident:
        [incident] = record["incidents"]
        assert (
            incident["role"] == "author"
            and names(incident) == {"Alice"}
            and incident["hidden_participants"] == 0
        )
        assert all(m["incident"] == scene["fight"].public_id for m in record["measures"])
    else:
        assert record["incidents"] == [] and all(m["incident"] is None for m in record["measures"])
    # Chloé's father sees nothing of Alice, and Chloé's own record holds no measure.
    assert selectors.student_record(world.chloe_father, world.alice)["measures"] == []
    assert selectors.student_record(world.chloe_father, world.chloe)["measures"] == []


def test_students_see_their_measures_when_the_establishment_lets_them(world, scene):
    record = selectors.student_record(world.alice, world.alice)
    assert record["audience"] == "student" and len(record["measures"]) == 2
    catalogue.update_settings(actor=world.head, establishment=world.lycee, students_see=False)
    assert selectors.student_record(world.alice, world.alice)["measures"] == []
    assert selectors.student_record(world.bruno, world.alice)["audience"] is None


def test_families_never_see_a_cancelled_measure(world, scene):
    measures.update_measure(actor=world.cpe, measure=scene["retenue"], expected_version=1, status="cancelled")
    assert [m["type"] for m in selectors.student_record(world.alice_mother, world.alice)["measures"]] == [
        "Blâme"
    ]
    assert len(selectors.student_record(world.cpe, world.alice)["measures"]) == 2


def test_the_record_takes_a_constant_number_of_queries(world, scene, django_assert_max_num_queries):
    for _ in range(3):
        incident = report(
            world.cpe, world.lycee, participants=[(world.alice, "author"), (world.bruno, "victim")]
        )
        decide(world.cpe, world.alice, "Retenue", world.lycee, incident=incident)
    catalogue.update_settings(actor=world.head, establishment=world.lycee, guardians_see="all")
    for person in (world.cpe, world.teacher_maths, world.alice_mother):
        person = type(person).objects.get(pk=person.pk)  # roles not cached yet
        with django_assert_max_num_queries(14):
            selectors.student_record(person, world.alice)


# --- the conduct suggestion -------------------------------------------------------------------------
def test_conduct_inputs_list_the_measures_of_a_period(world):
    from carnet.school.models import StaffFunction
    from carnet.testing.factories import give_function

    give_function(world.outsider, world.ceg, StaffFunction.Kind.HEAD)
    retenue = decide(world.outsider, world.dossou, "Retenue", world.ceg, decided_on=dt.date(2026, 10, 5))
    decide(world.outsider, world.dossou, "Blâme", world.ceg, decided_on=dt.date(2026, 11, 2))
    cancelled = decide(
        world.outsider, world.dossou, "Avertissement", world.ceg, decided_on=dt.date(2026, 11, 3)
    )
    measures.update_measure(actor=world.outsider, measure=cancelled, expected_version=1, status="cancelled")
    decide(world.outsider, world.dossou, "Avertissement", world.ceg, decided_on=dt.date(2026, 11, 30))
    assert retenue.measure_type.conduct_points == Decimal("1.00")
    assert selectors.conduct_inputs(
        world.dossou, since=dt.date(2026, 10, 1), until=dt.date(2026, 11, 29)
    ) == [
        ("Retenue", "punishment", Decimal("1.00"), dt.date(2026, 10, 5)),
        ("Blâme", "sanction", Decimal("2.00"), dt.date(2026, 11, 2)),
    ]
    assert (
        selectors.conduct_inputs(
            world.dossou, since=dt.date(2026, 10, 1), until=dt.date(2026, 11, 30), establishment=world.lycee
        )
        == []
    )
