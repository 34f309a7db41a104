"""The family page of absences: a guardian sees each of their children (switcher), a student their
own; how each absence is counted, in words; totals; anyone else's child is 404."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest

from carnet.attendance.tests import absences_helpers
from carnet.attendance.tests.absences_helpers import TODAY, absence, lateness, reason
from carnet.testing.factories import UserFactory, guard

pytestmark = pytest.mark.django_db
frozen = absences_helpers.frozen
PAGE = "/absences/"


@pytest.fixture
def rows(world, frozen):
    whole = absence(world.alice, world.lycee, TODAY, "08:00", "16:00", half_days=2)
    friday = absence(
        world.alice,
        world.lycee,
        TODAY - dt.timedelta(days=3),
        "08:00",
        "10:00",
        half_days=1,
        state="justified",
        reason=reason(world.lycee, "Rendez-vous médical"),
    )
    lateness(world.alice, world.lycee, TODAY, "08:10", 10)
    absence(world.chloe, world.lycee, TODAY, "14:00", "15:00", half_days=1)
    return whole, friday


def test_the_guardian_sees_how_each_absence_is_counted(world, login, rows, django_assert_max_num_queries):
    client = login(world.alice_mother)
    client.get(PAGE, {"child": str(world.alice.public_id)})
    with django_assert_max_num_queries(25):
        response = client.get(PAGE, {"child": str(world.alice.public_id)})
    html = unescape(response.content.decode())
    assert "Absences et retards · Alice" in html
    assert "lundi 30 novembre matin et lundi 30 novembre après-midi = 2 demi-journées" in html
    assert "vendredi 27 novembre matin = 1 demi-journée" in html
    assert "Rendez-vous médical" in html and "Justifiée" in html and "À justifier" in html
    assert "10 minutes de retard" in html
    assert "le matin jusqu'à 12h30" in html
    # Totals: 3 half-days, 2 not justified, 1 lateness.
    assert (
        'class="stat-value">3<' in response.content.decode()
        and 'class="stat-value">2<' in response.content.decode()
    )
    assert "Justifier" in html and "Déclarer une absence" in html
    # Two children: the switcher; Chloé's page shows only Chloé's absence.
    assert "Choisir l’enfant" in html
    chloe = unescape(client.get(PAGE, {"child": str(world.chloe.public_id)}).content.decode())
    assert "lundi 30 novembre après-midi = 1 demi-journée" in chloe and "vendredi 27" not in chloe


def test_a_student_sees_their_own_and_nobody_else_s(world, login, rows):
    html = unescape(login(world.alice).get(PAGE).content.decode())
    assert "Mes absences et retards" in html and "= 2 demi-journées" in html
    assert "Déclarer une absence" not in html
    assert login(world.alice).get(PAGE, {"child": str(world.chloe.public_id)}).status_code == 404


def test_another_guardian_or_an_outsider_gets_404(world, login, rows):
    for person in (world.chloe_father, world.dossou_parent, world.outsider, world.teacher_maths):
        assert login(person).get(PAGE, {"child": str(world.alice.public_id)}).status_code == 404
    assert login(world.outsider).get(PAGE).status_code == 404
    assert login(world.alice_mother).get(PAGE, {"child": "pas-un-uuid"}).status_code == 404
    # Chloé's father reads Chloé's page, without Alice.
    html = login(world.chloe_father).get(PAGE).content.decode()
    assert "Chloé" in html and "vendredi 27" not in html


def test_a_guardian_recorded_in_another_establishment_sees_nothing_of_this_one(world, login, rows):
    stranger = UserFactory(username="tuteur.ceg")
    guard(stranger, world.alice, world.ceg, "guardian")  # a guardianship recorded at the CEG only
    html = unescape(login(stranger).get(PAGE).content.decode())
    assert "= 2 demi-journées" not in html
