"""Conduct marks: parsing (decimal comma, 0..20, 2 decimals), who sets them, the establishment's
setting, closed councils, conflicts, audit; the page and the API endpoint."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades.errors import PeriodLocked
from carnet.grades.models import ConductMark, GradingProfile
from carnet.grades.profiles import profile_for
from carnet.grades.services.conduct import ConductConflict, parse_conduct, set_conduct
from carnet.grades.services.council import close_council, council_for

pytestmark = pytest.mark.django_db
API = "/api/v1/grades/conduct"


@pytest.fixture
def enabled(world):
    profile = profile_for(world.lycee)
    profile.conduct_enabled = True
    profile.save(update_fields=["conduct_enabled"])
    return profile


@pytest.mark.parametrize(
    ("text", "value"),
    [("15,5", Decimal("15.50")), ("15.5", Decimal("15.50")), (" 20 ", Decimal("20.00")), ("0", Decimal("0.00")),
     ("12,25", Decimal("12.25")), ("", None), ("  ", None)],
)
def test_parse_accepts(text, value):
    assert parse_conduct(text) == value


@pytest.mark.parametrize("text", ["21", "-1", "abc", "12,345", "20,01", "1e1", "NaN", "inf", "12,5,5"])
def test_parse_refuses(text):
    with pytest.raises(ValidationFailed):
        parse_conduct(text)


def test_staff_set_conduct_and_it_is_audited(world, enabled):
    mark = set_conduct(actor=world.cpe, period=world.periods[0], student=world.alice, value="15,5", expected_version=None)
    assert mark.value == Decimal("15.50") and mark.version == 1 and mark.set_by == world.cpe
    changed = set_conduct(actor=world.head, period=world.periods[0], student=world.alice, value="16", expected_version=1)
    assert changed.version == 2
    with pytest.raises(ConductConflict) as caught:
        set_conduct(actor=world.cpe, period=world.periods[0], student=world.alice, value="10", expected_version=1)
    assert caught.value.details["current_value"] == "16" and caught.value.details["updated_by"] == world.head.full_name
    events = AuditEvent.objects.filter(action="grades.conduct_saved").order_by("id")
    assert [e.changes["value"] for e in events] == [[None, "15.50"], ["15.50", "16.00"]]
    assert set_conduct(actor=world.cpe, period=world.periods[0], student=world.alice, value="", expected_version=2) is None
    assert not ConductMark.objects.exists()


@pytest.mark.parametrize("value", ["21", "-1", "abc"])
def test_bad_values_save_nothing(world, enabled, value):
    with pytest.raises(ValidationFailed):
        set_conduct(actor=world.cpe, period=world.periods[0], student=world.alice, value=value, expected_version=None)
    assert not ConductMark.objects.exists()


def test_who_may_set_conduct(world, enabled):
    period = world.periods[0]
    for person in (world.teacher_maths, world.secretary, world.alice_mother):
        with pytest.raises(PermissionDenied):
            set_conduct(actor=person, period=period, student=world.alice, value="12", expected_version=None)
    for person in (world.outsider, world.teacher_french, world.chloe_father):
        with pytest.raises(NotFound):
            set_conduct(actor=person, period=period, student=world.alice, value="12", expected_version=None)
    assert not ConductMark.objects.exists()


def test_conduct_needs_the_setting(world):
    with pytest.raises(ValidationFailed):
        set_conduct(actor=world.head, period=world.periods[0], student=world.alice, value="12", expected_version=None)


def test_a_closed_council_locks_conduct(world, enabled):
    council = council_for(period=world.periods[0], school_class=world.seconde_a)
    close_council(actor=world.head, council=council, expected_version=council.version)
    with pytest.raises(PeriodLocked):
        set_conduct(actor=world.cpe, period=world.periods[0], student=world.alice, value="12", expected_version=None)


# --- pages -------------------------------------------------------------------------------------
def url(world, school_class=None):
    return reverse("grades:conduct", args=[(school_class or world.seconde_a).public_id, world.periods[0].public_id])


def test_the_page_lists_the_students_and_their_marks(world, login, enabled):
    set_conduct(actor=world.cpe, period=world.periods[0], student=world.alice, value="15,5", expected_version=None)
    response = login(world.cpe).get(url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "MARTIN Alice" in body and 'value="15,5"' in body and "FRANÇAIS Bruno" in body and "Chloé" not in body


def test_the_page_explains_how_to_turn_conduct_on(world, login):
    body = login(world.head).get(url(world)).content.decode()
    assert "conduite comptée comme une matière" in body and "MARTIN Alice" not in body


def test_page_permissions(world, login, enabled):
    assert login(world.head).get(url(world)).status_code == 200
    assert login(world.teacher_maths).get(url(world)).status_code == 403
    assert login(world.teacher_french).get(url(world, world.seconde_b)).status_code == 403
    for person in (world.outsider, world.alice, world.alice_mother, world.teacher_french):
        assert login(person).get(url(world)).status_code == 404


def test_conduct_home(world, login, enabled):
    body = login(world.cpe).get(reverse("grades:conduct_home")).content.decode()
    assert "2nde A" in body and "Trimestre 1" in body
    for person in (world.teacher_maths, world.alice, world.outsider):
        assert login(person).get(reverse("grades:conduct_home")).status_code == 403
    # a French lycée without conduct says so
    GradingProfile.objects.filter(pk=enabled.pk).update(conduct_enabled=False)
    assert "Conduite non comptée" in login(world.cpe).get(reverse("grades:conduct_home")).content.decode()


# --- API ---------------------------------------------------------------------------------------
def put(client, world, value, version=None, student=None):
    return client.put(
        API,
        {"period": str(world.periods[0].public_id), "student": str((student or world.alice).public_id),
         "value": value, "expected_version": version},
        content_type="application/json",
    )


def test_api(world, login, enabled):
    client = login(world.cpe)
    ok = put(client, world, "15,5")
    assert ok.status_code == 200 and ok.json()["text"] == "15,5" and ok.json()["version"] == 1
    bad = put(client, world, "21", version=1)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"
    conflict = put(client, world, "12", version=None)
    assert conflict.status_code == 409 and conflict.json()["code"] == "conduct_conflict"
    assert put(login(world.teacher_maths), world, "12", version=1).status_code == 403
    assert put(login(world.outsider), world, "12", version=1).status_code == 404
    assert ConductMark.objects.get().value == Decimal("15.50")
