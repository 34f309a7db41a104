"""Figures for other apps: a student's summary, a period's, a class's in a few queries, the report
card's absences section and the council grid's absences column ("4 (1 NJ)")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carnet.attendance import summaries
from carnet.attendance.tests import absences_helpers
from carnet.attendance.tests.absences_helpers import absence, lateness
from carnet.testing.factories import UserFactory, enroll

pytestmark = pytest.mark.django_db
frozen = absences_helpers.frozen
T1_DAY = dt.date(2026, 10, 12)  # in the first trimester
T2_DAY = dt.date(2027, 1, 11)  # in the second


@pytest.fixture
def figures(world, frozen):
    """Alice in T1: 2 half-days justified, 1 unjustified, 1 to justify, 2 lateness; in T2: 2 half-days.
    Bruno: nothing. Chloé (2nde B): 1 half-day to justify in T1."""
    absence(world.alice, world.lycee, T1_DAY, "08:00", "17:00", half_days=2, state="justified")
    absence(
        world.alice,
        world.lycee,
        T1_DAY + dt.timedelta(days=1),
        "08:00",
        "10:00",
        half_days=1,
        state="unjustified",
    )
    absence(world.alice, world.lycee, T1_DAY + dt.timedelta(days=2), "14:00", "16:00", half_days=1)
    lateness(world.alice, world.lycee, T1_DAY, "08:05", 5)
    lateness(world.alice, world.lycee, T1_DAY + dt.timedelta(days=7), "08:20", 20)
    absence(world.alice, world.lycee, T2_DAY, "08:00", "17:00", half_days=2)
    absence(world.chloe, world.lycee, T1_DAY, "08:00", "09:00", half_days=1)


def test_student_summary(world, figures):
    whole = summaries.student_summary(world.alice)
    assert whole == {
        "half_days": 6,
        "justified": 2,
        "unjustified": 1,
        "to_justify": 3,
        "not_justified": 4,
        "lateness": 2,
        "lateness_minutes": 25,
        "absences": 4,
    }
    first = summaries.student_summary(world.alice, since=dt.date(2026, 9, 1), until=dt.date(2026, 11, 30))
    assert (first["half_days"], first["not_justified"], first["lateness"]) == (4, 2, 2)
    one_day = summaries.student_summary(world.alice, since=T1_DAY, until=T1_DAY)
    assert (one_day["half_days"], one_day["lateness"]) == (2, 1)
    assert summaries.student_summary(world.bruno)["half_days"] == 0
    assert summaries.student_summary(UserFactory(username="personne")) == summaries.EMPTY


def test_period_summary_and_the_report_card_provider(world, figures):
    t1, t2, t3 = world.periods
    assert summaries.period_summary(world.alice, t1)["half_days"] == 4
    assert summaries.period_summary(world.alice, t2)["half_days"] == 2
    assert summaries.period_summary(world.bruno, t1)["half_days"] == 0  # attendance is used: zero, not None
    assert summaries.period_summary(world.alice, t3) is None  # nothing recorded in T3 yet
    assert summaries.report_card_absences(world.alice, t1) == {
        "Demi-journées d'absence": "4",
        "dont non justifiées": "2",
        "Retards": "2",
    }
    assert summaries.report_card_absences(world.alice, t3) is None


def test_class_period_counts_in_three_queries(world, figures):
    t1 = world.periods[0]
    with CaptureQueriesContext(connection) as queries:
        counts = summaries.class_period_counts(world.seconde_a, t1)
    assert len(queries) == 3
    assert set(counts) == {world.alice.pk, world.bruno.pk}
    assert (counts[world.alice.pk]["half_days"], counts[world.alice.pk]["not_justified"]) == (4, 2)
    assert counts[world.bruno.pk]["half_days"] == 0
    for i in range(10):
        student = UserFactory(username=f"classe{i}")
        enroll(student, world.seconde_a)
        absence(student, world.lycee, T1_DAY, "08:00", "10:00", half_days=1)
    with CaptureQueriesContext(connection) as queries:
        summaries.class_period_counts(world.seconde_a, t1)
    assert len(queries) == 3


def test_the_council_column(world, login, figures):
    t1 = world.periods[0]
    texts = summaries.council_absence_counts(world.seconde_a, t1)
    assert texts == {world.alice.pk: "4 (2 NJ)", world.bruno.pk: "0"}
    assert summaries.council_absence_counts(world.seconde_a, world.periods[2]) == {}
    url = reverse("grades:council", args=[world.seconde_a.public_id, t1.public_id])
    html = login(world.teacher_maths).get(url).content.decode()
    assert "4 (2 NJ)" in html and "suivi des absences" not in html


def test_the_published_report_card_shows_the_absences(world, login, figures, django_capture_on_commit_callbacks):
    import json

    body = {"scope": "class", "school_class": str(world.seconde_a.public_id), "period": str(world.periods[0].public_id)}
    with django_capture_on_commit_callbacks(execute=True):
        started = login(world.head).post("/api/v1/reportcards/batches", json.dumps(body), content_type="application/json")
    assert started.status_code == 201, started.content
    cards = login(world.alice_mother).get("/api/v1/reportcards/cards").json()["items"]
    card = next(c for c in cards if c["student_id"] == str(world.alice.public_id))
    content = login(world.alice_mother).get(f"/api/v1/reportcards/cards/{card['id']}").json()["content"]
    assert content["absences"] == [["Demi-journées d'absence", "4"], ["dont non justifiées", "2"], ["Retards", "2"]]


def test_the_report_card_provider_reads_a_batch_once(world, figures):
    from carnet.school.models import Period

    period = Period.objects.select_related("establishment").get(pk=world.periods[0].pk)
    with CaptureQueriesContext(connection) as queries:
        first = summaries.report_card_absences(world.alice, period)
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        others = [summaries.report_card_absences(student, period) for student in (world.bruno, world.chloe)]
    assert len(queries) == 0
    assert first["Demi-journées d'absence"] == "4"
    assert [o["Demi-journées d'absence"] for o in others] == ["0", "1"]
