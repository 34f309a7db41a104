"""Absence statistics on a worked example: per student, per class and per month, the CSV for Excel,
a constant number of queries whatever the size of the establishment, the page and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.attendance import statistics
from carnet.attendance.tests import absences_helpers
from carnet.attendance.tests.absences_helpers import absence, lateness
from carnet.school.models import StaffFunction
from carnet.testing.factories import UserFactory, enroll, give_function

pytestmark = pytest.mark.django_db
frozen = absences_helpers.frozen
PAGE = "/vie-scolaire/statistiques/"
API = "/api/v1/attendance"
OCT = dt.date(2026, 10, 12)  # a Monday
NOV = dt.date(2026, 11, 16)  # a Monday


@pytest.fixture
def example(world, frozen):
    """Alice: October 2 half-days justified + 1 to justify; November 2 unjustified; 2 lateness (5 and 10 min).
    Bruno: November 1 to justify; 1 lateness of 15 min. Chloé: October 2 justified.
    Dossou (the CEG) is never counted in the lycée."""
    absence(world.alice, world.lycee, OCT, "08:00", "17:00", half_days=2, state="justified")
    absence(world.alice, world.lycee, OCT + dt.timedelta(days=1), "08:00", "10:00", half_days=1)
    absence(world.alice, world.lycee, NOV, "08:00", "17:00", half_days=2, state="unjustified")
    lateness(world.alice, world.lycee, OCT, "08:05", 5)
    lateness(world.alice, world.lycee, NOV, "14:10", 10)
    absence(world.bruno, world.lycee, NOV, "14:00", "16:00", half_days=1)
    lateness(world.bruno, world.lycee, NOV + dt.timedelta(days=1), "08:15", 15)
    absence(world.chloe, world.lycee, OCT, "08:00", "17:00", half_days=2, state="justified")
    absence(world.dossou, world.ceg, dt.date(2026, 11, 17), "08:00", "17:00", half_days=2)


def row(counts):
    return (
        counts.half_days,
        counts.justified,
        counts.unjustified,
        counts.to_justify,
        counts.lateness,
        counts.lateness_minutes,
    )


def test_the_worked_example(world, example):
    stats = statistics.establishment_stats(world.lycee, year=world.year)
    by_name = {s.first_name: row(s.counts) for s in stats.students}
    assert by_name == {
        "Alice": (5, 2, 2, 1, 2, 15),
        "Bruno": (1, 0, 0, 1, 1, 15),
        "Chloé": (2, 2, 0, 0, 0, 0),
    }
    assert [(c.name, c.students, row(c.counts)) for c in stats.classes] == [
        ("2nde A", 2, (6, 2, 2, 2, 3, 30)),
        ("2nde B", 1, (2, 2, 0, 0, 0, 0)),
    ]
    months = {m.month: row(m.counts) for m in stats.months}
    assert months[dt.date(2026, 10, 1)] == (5, 4, 0, 1, 1, 5)
    assert months[dt.date(2026, 11, 1)] == (3, 0, 2, 1, 2, 25)
    assert months[dt.date(2026, 9, 1)] == (0, 0, 0, 0, 0, 0)
    assert [m.month for m in stats.months][0] == dt.date(2026, 9, 1) and len(stats.months) == 11
    assert row(stats.total) == (8, 4, 2, 2, 3, 30) and stats.total.not_justified == 4
    only_b = statistics.establishment_stats(world.lycee, year=world.year, school_class=world.seconde_b)
    assert [s.first_name for s in only_b.students] == ["Chloé"]
    november = statistics.establishment_stats(
        world.lycee, year=world.year, since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 30)
    )
    assert row(november.total) == (3, 0, 2, 1, 2, 25)


def test_a_month_is_the_establishment_s_month(world, frozen):
    # 1 November 00:30 in Paris is still 31 October (23:30) in UTC: it counts in November.
    absence(world.alice, world.lycee, dt.date(2026, 11, 1), "00:30", "01:00", half_days=1)
    stats = statistics.establishment_stats(world.lycee, year=world.year)
    months = {m.month: m.counts.half_days for m in stats.months}
    assert months[dt.date(2026, 11, 1)] == 1 and months[dt.date(2026, 10, 1)] == 0


def test_the_csv_for_excel(world, example):
    stats = statistics.establishment_stats(world.lycee, year=world.year)
    content = statistics.as_csv(stats, "classes")
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "Classe;Élèves;Demi-journées d'absence;dont justifiées;dont non justifiées;dont à justifier;Retards;Minutes de retard"
    )
    assert lines[1:4] == ["2nde A;2;6;2;2;2;3;30", "2nde B;1;2;2;0;0;0;0", "Total;3;8;4;2;2;3;30"]
    students = statistics.as_csv(stats, "eleves").decode("utf-8-sig").split("\r\n")
    assert students[0].startswith("Classe;Nom;Prénom;") and "2nde A;MARTIN;Alice;5;2;2;1;2;15" in students
    months = statistics.as_csv(stats, "mois").decode("utf-8-sig").split("\r\n")
    assert "octobre 2026;5;4;0;1;1;5" in months
    assert statistics.csv_file_name(stats, "classes") == "absences-classes-2026-2027.csv"


def test_the_query_count_does_not_grow_with_the_establishment(world, example):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            statistics.establishment_stats(world.lycee, year=world.year)
        return len(queries)

    few = count()
    for i in range(30):
        student = UserFactory(username=f"stat{i}")
        enroll(student, world.seconde_a if i % 2 else world.seconde_b)
        absence(student, world.lycee, OCT + dt.timedelta(days=i % 4), "08:00", "17:00", half_days=2)
        lateness(student, world.lycee, NOV, "08:05", 5)
    assert count() == few <= 6


def test_the_page_and_its_csv(world, login, example, django_assert_max_num_queries):
    client = login(world.cpe)
    with django_assert_max_num_queries(25):
        response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Statistiques des absences 2026-2027" in html and "<svg" in html
    assert "Demi-journées d'absence par mois" in html and "oct" in html  # the chart and its text
    assert "Par classe" in html and "2nde A" in html and "MARTIN Alice" in html
    csv = client.get(PAGE, {"format": "csv", "vue": "mois"})
    assert (
        csv["Content-Type"].startswith("text/csv")
        and "absences-mois-2026-2027.csv" in csv["Content-Disposition"]
    )
    assert csv.content.startswith(b"\xef\xbb\xbf")
    assert client.get(PAGE, {"format": "csv", "vue": "autre"}).status_code == 404
    assert login(world.secretary).get(PAGE).status_code == 200
    for person in (world.teacher_maths, world.alice_mother, world.alice):
        assert login(person).get(PAGE).status_code == 403
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    assert login(world.outsider).get(PAGE, {"etablissement": str(world.lycee.public_id)}).status_code == 404
    assert "MARTIN" not in login(world.outsider).get(PAGE).content.decode()


def test_the_api(world, login, example):
    body = login(world.cpe).get(f"{API}/statistics").json()
    assert (
        body["year"] == "2026-2027"
        and body["total"]["half_days"] == 8
        and body["total"]["not_justified"] == 4
    )
    assert [(c["name"], c["counts"]["half_days"]) for c in body["classes"]] == [("2nde A", 6), ("2nde B", 2)]
    assert len(body["students"]) == 3 and len(body["months"]) == 11
    csv = login(world.cpe).get(f"{API}/statistics", {"format": "csv", "view": "classes"})
    assert csv.content.decode("utf-8-sig").split("\r\n")[1] == "2nde A;2;6;2;2;2;3;30"
    assert login(world.cpe).get(f"{API}/statistics", {"format": "xml"}).status_code == 422
    assert login(world.teacher_maths).get(f"{API}/statistics").json()["code"] == "forbidden"
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    assert (
        login(world.outsider)
        .get(f"{API}/statistics", {"establishment": str(world.lycee.public_id)})
        .status_code
        == 404
    )
    assert (
        login(world.outsider).get(f"{API}/statistics").json()["total"]["half_days"] == 2
    )  # Dossou, at the CEG
