"""The conduct-mark suggestion: worked examples of the rule, what counts and what does not, and the
validation that alone writes the conduct mark (through the grades service: closed councils,
versions, audit), on the service, the class page and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades.errors import PeriodLocked
from carnet.grades.models import ClassCouncil, ConductMark
from carnet.schoollife.counting import AttendanceCounts
from carnet.schoollife.errors import SuggestionChanged
from carnet.schoollife.models import ConductRule
from carnet.schoollife.services import conduct as service
from carnet.schoollife.services.conduct import MeasureLine, compute, suggest_conduct
from carnet.schoollife.tests.helpers import absence, lateness, measure, measure_type

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 5)


def rule(**values) -> ConductRule:
    return ConductRule(
        **{
            "starting_mark": Decimal("18"),
            "per_unjustified_half_day": Decimal("0.5"),
            "per_lateness": Decimal("0.25"),
            **values,
        }
    )


# --- worked examples (no database) ---------------------------------------------------------------
def test_the_issue_example_three_half_days_and_a_blame_give_14_50():
    suggestion = compute(
        rule(),
        AttendanceCounts(unjustified=3),
        [MeasureLine(name="Blâme", decided_on=OCT, points=Decimal("2"))],
    )
    assert suggestion.value == Decimal("14.50")
    assert suggestion.reasons == [
        "Note de départ fixée par l'établissement : 18 / 20.",
        "3 demi-journées d'absence non justifiées × 0,5 = −1,5.",
        "Aucun retard non justifié.",
        "Blâme du 05/10/2026 : −2.",
    ]


def test_lateness_counts_unless_justified_and_pending_absences_do_not_count():
    counts = AttendanceCounts(unjustified=2, to_justify=3, lateness=5, lateness_justified=1)
    suggestion = compute(rule(), counts, [])
    # 18 − 2 × 0.5 − 4 × 0.25 = 16
    assert suggestion.value == Decimal("16.00")
    assert "3 demi-journées encore à justifier ne sont pas comptées." in suggestion.reasons
    assert "4 retards non justifiés × 0,25 = −1." in suggestion.reasons


def test_caps_limit_each_category_and_the_mark_never_goes_below_zero():
    counts = AttendanceCounts(unjustified=30, lateness=12)
    capped = compute(rule(cap_absences=Decimal("6"), cap_lateness=Decimal("2")), counts, [])
    assert capped.value == Decimal("10.00")  # 18 − 6 − 2
    assert "Plafond des absences : 6 retiré(s) au plus, au lieu de 15." in capped.reasons
    floor = compute(rule(), counts, [MeasureLine(name="Exclusion", decided_on=OCT, points=Decimal("5"))])
    assert floor.value == Decimal("0.00")
    assert floor.reasons[-1] == "La note ne descend pas sous 0."


def test_rounding_is_half_up_to_two_places():
    assert compute(
        rule(starting_mark=Decimal("17.5"), per_lateness=Decimal("0.33")), AttendanceCounts(lateness=1), []
    ).value == Decimal("17.17")


@given(
    half_days=st.integers(min_value=0, max_value=80),
    late=st.integers(min_value=0, max_value=80),
    points=st.lists(st.decimals(min_value=0, max_value=10, places=2), max_size=5),
)
def test_the_suggestion_is_between_zero_and_the_start_and_never_rises_with_more_absences(
    half_days, late, points
):
    lines = [MeasureLine(name="M", decided_on=OCT, points=p) for p in points]
    value = compute(rule(), AttendanceCounts(unjustified=half_days, lateness=late), lines).value
    assert Decimal("0") <= value <= Decimal("18")
    assert value == value.quantize(Decimal("0.01"))
    more = compute(rule(), AttendanceCounts(unjustified=half_days + 1, lateness=late), lines).value
    assert more <= value


# --- from the record -----------------------------------------------------------------------------
@pytest.fixture
def blame(world):
    return measure_type(world, "Blâme", "sanction", "2")


def test_suggestion_reads_the_record_of_the_period_only(world, blame):
    t1, t2 = world.periods[0], world.periods[1]
    absence(world.alice, world, on=dt.date(2026, 10, 5), half_days=2, state="unjustified")
    absence(world.alice, world, on=dt.date(2026, 10, 12), state="unjustified")
    absence(world.alice, world, on=dt.date(2026, 10, 13), state="justified")
    absence(world.alice, world, on=dt.date(2026, 12, 7), half_days=4, state="unjustified")  # second trimester
    absence(world.bruno, world, on=dt.date(2026, 10, 5), half_days=6, state="unjustified")  # someone else
    measure(world.alice, world, blame, on=dt.date(2026, 11, 2))
    measure(world.alice, world, blame, on=dt.date(2026, 11, 3), status="cancelled")
    suggestion = suggest_conduct(world.alice, t1)
    assert suggestion.value == Decimal("14.50")
    assert suggestion.unjustified_half_days == 3 and len(suggestion.measures) == 1
    assert suggest_conduct(world.alice, t2).value == Decimal("16.00")
    assert not ConductMark.objects.exists()  # suggesting writes nothing


def test_an_absence_late_in_the_evening_belongs_to_its_local_day(world):
    # 30 Nov at 23:00 in Paris: the last day of the first trimester, counted up to local midnight.
    from carnet.attendance.models import Absence
    from carnet.schoollife.tests.helpers import PARIS

    Absence.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        student=world.alice,
        source="staff",
        state="unjustified",
        starts_at=dt.datetime(2026, 11, 30, 23, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 11, 30, 23, 30, tzinfo=PARIS),
    )
    assert suggest_conduct(world.alice, world.periods[0]).unjustified_half_days == 1
    assert suggest_conduct(world.alice, world.periods[1]).unjustified_half_days == 0


# --- validation ----------------------------------------------------------------------------------
def test_validation_writes_the_mark_only_then_and_is_audited(world, blame, conduct_on):
    t1 = world.periods[0]
    absence(world.alice, world, on=OCT, half_days=3, state="unjustified")
    measure(world.alice, world, blame, on=OCT)
    assert not ConductMark.objects.exists()
    mark = service.validate_suggestion(
        actor=world.cpe, period=t1, student=world.alice, expected_value="14,5", expected_version=None
    )
    assert mark.value == Decimal("14.50") and mark.set_by == world.cpe
    assert AuditEvent.objects.filter(action="grades.conduct_saved", object_id=str(mark.pk)).count() == 1
    # The record moves: the suggestion shown before is refused, nothing changes.
    lateness(world.alice, world, on=OCT)
    with pytest.raises(SuggestionChanged):
        service.validate_suggestion(
            actor=world.cpe, period=t1, student=world.alice, expected_value="14,5", expected_version=1
        )
    assert ConductMark.objects.get().value == Decimal("14.50")
    mark = service.validate_suggestion(
        actor=world.cpe, period=t1, student=world.alice, expected_value="14,25", expected_version=1
    )
    assert mark.value == Decimal("14.25") and mark.version == 2


def test_a_closed_council_refuses_the_validation(world, conduct_on):
    t1 = world.periods[0]
    ClassCouncil.objects.create(
        establishment=world.lycee, period=t1, school_class=world.seconde_a, status="closed"
    )
    with pytest.raises(PeriodLocked) as caught:
        service.validate_suggestion(
            actor=world.cpe, period=t1, student=world.alice, expected_value=None, expected_version=None
        )
    assert "clos pour 2nde A" in str(caught.value.message)
    assert not ConductMark.objects.exists()


def test_validate_all_is_all_or_nothing(world, conduct_on):
    t1 = world.periods[0]
    items = [
        service.Validation(student=world.alice, expected_value="18", expected_version=None),
        service.Validation(student=world.bruno, expected_value="12", expected_version=None),  # not what it is
    ]
    with pytest.raises(SuggestionChanged):
        service.validate_many(actor=world.cpe, period=t1, items=items)
    assert not ConductMark.objects.exists()


def test_who_may_validate(world, conduct_on):
    t1 = world.periods[0]
    with pytest.raises(PermissionDenied):
        # The main teacher sees Alice's record but does not set conduct.
        service.validate_suggestion(
            actor=world.teacher_maths,
            period=t1,
            student=world.alice,
            expected_value=None,
            expected_version=None,
        )
    for person in (world.teacher_french, world.outsider, world.chloe_father, world.secretary):
        with pytest.raises(NotFound):
            service.validate_suggestion(
                actor=person, period=t1, student=world.alice, expected_value=None, expected_version=None
            )
    assert not ConductMark.objects.exists()
    assert service.validate_suggestion(
        actor=world.head, period=t1, student=world.alice, expected_value="18", expected_version=None
    )


def test_without_conduct_counted_the_validation_is_refused(world):
    with pytest.raises(ValidationFailed):
        service.validate_suggestion(
            actor=world.cpe,
            period=world.periods[0],
            student=world.alice,
            expected_value=None,
            expected_version=None,
        )
    assert not ConductMark.objects.exists()


# --- the rule ------------------------------------------------------------------------------------
def test_the_head_edits_the_rule_and_the_cpe_may_not(world):
    rule_row = service.rule_for(world.lycee)
    assert (rule_row.starting_mark, rule_row.per_unjustified_half_day, rule_row.per_lateness) == (
        Decimal("18"),
        Decimal("0.5"),
        Decimal("0.25"),
    )
    values = {
        "starting_mark": "17",
        "per_unjustified_half_day": "1",
        "per_lateness": "0,5",
        "cap_absences": "",
        "cap_lateness": "",
        "cap_measures": "4",
    }
    with pytest.raises(PermissionDenied):
        service.update_rule(actor=world.cpe, establishment=world.lycee, values=values, expected_version=1)
    updated = service.update_rule(
        actor=world.head, establishment=world.lycee, values=values, expected_version=1
    )
    assert (
        updated.starting_mark == Decimal("17")
        and updated.cap_measures == Decimal("4")
        and updated.version == 2
    )
    assert AuditEvent.objects.get(action="schoollife.conduct_rule_updated").changes["starting_mark"] == [
        "18.00",
        "17.00",
    ]
    with pytest.raises(ValidationFailed):
        service.update_rule(
            actor=world.head,
            establishment=world.lycee,
            values={**values, "per_lateness": "21"},
            expected_version=2,
        )


# --- the class page ------------------------------------------------------------------------------
def class_url(world, period=None):
    return reverse(
        "schoollife:conduct_class", args=[world.seconde_a.public_id, (period or world.periods[0]).public_id]
    )


def validate_url(world, period=None):
    return reverse(
        "schoollife:conduct_validate",
        args=[world.seconde_a.public_id, (period or world.periods[0]).public_id],
    )


def test_class_page_lists_each_student_with_reasons(world, login, blame, conduct_on):
    absence(world.alice, world, on=OCT, half_days=3, state="unjustified")
    measure(world.alice, world, blame, on=OCT)
    response = login(world.cpe).get(class_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "14,5" in html and "3 demi-journées d&#x27;absence non justifiées × 0,5 = −1,5." in html
    assert "Valider les 2 suggestions" in html


@pytest.mark.parametrize(
    "who", ["teacher_maths", "teacher_french", "alice_mother", "alice", "secretary", "outsider"]
)
def test_class_page_is_404_for_others(world, login, who, conduct_on):
    client = login(getattr(world, who))
    assert client.get(class_url(world)).status_code == 404
    assert client.post(validate_url(world), {"all": "1"}).status_code == 404
    assert client.get(reverse("schoollife:conduct_home")).status_code == 404
    assert not ConductMark.objects.exists()


def test_class_page_validates_one_then_all(world, login, conduct_on):
    client = login(world.cpe)
    key = str(world.alice.public_id)
    response = client.post(
        validate_url(world), {"student": key, f"expected-{key}": "18,00", f"version-{key}": ""}
    )
    assert response.status_code == 302
    assert ConductMark.objects.get(student=world.alice).value == Decimal("18")
    bruno = str(world.bruno.public_id)
    client.post(validate_url(world), {"all": "1", f"expected-{bruno}": "18", f"version-{bruno}": ""})
    assert ConductMark.objects.filter(period=world.periods[0]).count() == 2
    page = client.get(class_url(world)).content.decode()
    assert "Valider les" not in page and "Validée" in page


def test_class_page_shows_the_lock_message(world, login, conduct_on):
    ClassCouncil.objects.create(
        establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a, status="closed"
    )
    client = login(world.cpe)
    key = str(world.alice.public_id)
    response = client.post(
        validate_url(world), {"student": key, f"expected-{key}": "18", f"version-{key}": ""}, follow=True
    )
    assert "Le conseil de classe de « Trimestre 1 » est clos pour 2nde A" in response.content.decode()
    assert not ConductMark.objects.exists()


def test_class_page_query_count_does_not_grow_with_the_class(
    world, login, conduct_on, django_assert_max_num_queries, blame
):
    client = login(world.cpe)
    client.get(class_url(world))
    from carnet.testing.factories import UserFactory, enroll

    for n in range(12):
        student = UserFactory(first_name=f"Élève{n}", last_name="Test")
        enroll(student, world.seconde_a)
        absence(student, world, on=OCT, state="unjustified")
        measure(student, world, blame, on=OCT)
    with django_assert_max_num_queries(20):
        response = client.get(class_url(world))
    assert response.content.decode().count("Pourquoi cette note") == 14


def test_rule_page(world, login):
    client = login(world.head)
    page = client.get(reverse("schoollife:conduct_rule"))
    assert page.status_code == 200
    response = client.post(
        reverse("schoollife:conduct_rule"),
        {
            "version": "1",
            "starting_mark": "16",
            "per_unjustified_half_day": "0,5",
            "per_lateness": "0,25",
            "cap_absences": "",
            "cap_lateness": "",
            "cap_measures": "",
        },
    )
    assert response.status_code == 302 and service.rule_for(world.lycee).starting_mark == Decimal("16")
    assert login(world.cpe).get(reverse("schoollife:conduct_rule")).status_code == 404
    bad = login(world.head).post(
        reverse("schoollife:conduct_rule"),
        {
            "version": "2",
            "starting_mark": "abc",
            "per_unjustified_half_day": "0,5",
            "per_lateness": "0,25",
        },
    )
    assert bad.status_code == 422 and "n&#x27;est pas un nombre" in bad.content.decode()


# --- the API -------------------------------------------------------------------------------------
API = "/api/v1/schoollife/conduct"


def test_api_suggestions_and_validation(world, login, blame, conduct_on):
    absence(world.alice, world, on=OCT, half_days=3, state="unjustified")
    measure(world.alice, world, blame, on=OCT)
    url = f"{API}/{world.seconde_a.public_id}/{world.periods[0].public_id}"
    client = login(world.cpe)
    body = client.get(url).json()
    alice = next(row for row in body["students"] if row["student"] == str(world.alice.public_id))
    assert (
        alice["value"] == "14.50"
        and alice["mark"] is None
        and body["enabled"] is True
        and body["locked"] is False
    )
    payload = {
        "items": [{"student": str(world.alice.public_id), "expected_value": "14.5", "expected_version": None}]
    }
    response = client.post(f"{url}/validate", payload, content_type="application/json")
    assert response.status_code == 200 and response.json()[0]["value"] == "14.50"
    stale = client.post(f"{url}/validate", payload, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "conduct_conflict"
    payload["items"][0]["expected_value"] = "15"
    payload["items"][0]["expected_version"] = 1
    changed = client.post(f"{url}/validate", payload, content_type="application/json")
    assert changed.status_code == 409 and changed.json()["code"] == "suggestion_changed"


@pytest.mark.parametrize("who", ["teacher_maths", "alice_mother", "outsider"])
def test_api_conduct_is_404_for_others(world, login, who, conduct_on):
    url = f"{API}/{world.seconde_a.public_id}/{world.periods[0].public_id}"
    client = login(getattr(world, who))
    assert client.get(url).status_code == 404
    payload = {
        "items": [{"student": str(world.alice.public_id), "expected_value": None, "expected_version": None}]
    }
    assert client.post(f"{url}/validate", payload, content_type="application/json").status_code == 404
    assert not ConductMark.objects.exists()


def test_api_locked_period(world, login, conduct_on):
    ClassCouncil.objects.create(
        establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a, status="closed"
    )
    url = f"{API}/{world.seconde_a.public_id}/{world.periods[0].public_id}/validate"
    payload = {
        "items": [{"student": str(world.alice.public_id), "expected_value": None, "expected_version": None}]
    }
    response = login(world.cpe).post(url, payload, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "period_locked"
    assert not ConductMark.objects.exists()
