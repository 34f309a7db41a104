"""Attendance settings, reasons and alert rules: lazy defaults per country, the settings page (CPE
allowed, teacher and secretary refused, outsider 404), its writes (audited) and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from carnet.attendance.models import AbsenceReason, AlertRule, AttendanceSettings
from carnet.attendance.services import settings as service
from carnet.audit.models import AuditEvent
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.school.models import StaffFunction
from carnet.testing.factories import give_function

pytestmark = pytest.mark.django_db
URL = "/vie-scolaire/reglages/"
API = "/api/v1/attendance"


@pytest.fixture
def ceg_cpe(world):
    """The outsider is also school-life staff of the CEG: a manager, but of another establishment."""
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    return world.outsider


# --- defaults -----------------------------------------------------------------------------------
def test_defaults_are_created_once_per_country(world):
    france = [r.label for r in service.reasons_of(world.lycee)]
    assert france == [
        "Maladie",
        "Rendez-vous médical",
        "Raison familiale",
        "Transport",
        "Convocation officielle",
        "Autre (non recevable)",
    ]
    assert [r.label for r in service.reasons_of(world.lycee, active_only=True)] == france
    assert not AbsenceReason.objects.get(establishment=world.lycee, label="Autre (non recevable)").justifies
    benin = [r.label for r in service.reasons_of(world.ceg)]
    assert "Deuil" in benin and benin[0] == "Maladie"
    service.reasons_of(world.lycee)
    assert AbsenceReason.objects.filter(establishment=world.lycee).count() == 6
    rules = service.rules_of(world.lycee)
    assert [(r.kind, r.threshold, r.window_days) for r in rules] == [
        ("consecutive_days", 3, 30),
        ("unjustified_half_days", 4, 30),
    ]
    row = service.settings_for(world.lycee)
    assert row.afternoon_starts_at == dt.time(12, 30) and row.notify_guardians_same_day
    assert service.settings_for(world.lycee).pk == row.pk


def test_a_reason_out_of_service_is_not_reseeded(world):
    service.reasons_of(world.lycee)
    AbsenceReason.objects.filter(establishment=world.lycee).update(is_active=False)
    assert service.reasons_of(world.lycee, active_only=True) == []
    assert len(service.reasons_of(world.lycee)) == 6


# --- services -----------------------------------------------------------------------------------
def test_update_settings_records_old_and_new(world):
    row, changes = service.update_settings(
        actor=world.cpe,
        establishment=world.lycee,
        values={"afternoon_starts_at": dt.time(13, 0), "notify_guardians_same_day": False, "unknown": 1},
    )
    assert row.afternoon_starts_at == dt.time(13, 0) and not row.notify_guardians_same_day
    assert set(changes) == {"afternoon_starts_at", "notify_guardians_same_day"}
    event = AuditEvent.objects.get(action="attendance.settings_updated")
    assert event.changes["notify_guardians_same_day"] == [True, False]
    assert event.changes["afternoon_starts_at"] == ["12:30:00", "13:00:00"]
    assert (
        service.update_settings(
            actor=world.cpe, establishment=world.lycee, values={"afternoon_starts_at": dt.time(13, 0)}
        )[1]
        == {}
    )


def test_settings_refused_and_invalid(world):
    with pytest.raises(PermissionDenied):
        service.update_settings(
            actor=world.teacher_maths, establishment=world.lycee, values={"late_as_absence_minutes": 5}
        )
    with pytest.raises(PermissionDenied):
        service.update_settings(
            actor=world.secretary, establishment=world.lycee, values={"late_as_absence_minutes": 5}
        )
    with pytest.raises(ValidationFailed) as error:
        service.update_settings(
            actor=world.cpe, establishment=world.lycee, values={"afternoon_starts_at": dt.time(22, 0)}
        )
    assert "afternoon_starts_at" in error.value.details
    assert not AttendanceSettings.objects.filter(
        establishment=world.lycee, late_as_absence_minutes=5
    ).exists()


def test_reasons_add_rename_deactivate_and_reorder(world):
    added = service.add_reason(
        actor=world.cpe, establishment=world.lycee, label="  Sortie   scolaire ", justifies=True
    )
    assert added.label == "Sortie scolaire" and added.position == 6
    with pytest.raises(ValidationFailed) as error:
        service.add_reason(actor=world.cpe, establishment=world.lycee, label="maladie", justifies=True)
    assert "existe déjà" in str(error.value.message)
    with pytest.raises(ValidationFailed):
        service.add_reason(actor=world.cpe, establishment=world.lycee, label="   ", justifies=True)
    changes = service.update_reason(
        actor=world.cpe, reason=added, label="Voyage scolaire", justifies=True, is_active=False
    )
    assert changes == {"label": ("Sortie scolaire", "Voyage scolaire"), "is_active": (True, False)}
    assert service.move_reason(actor=world.cpe, reason=added, direction="up")
    labels = [r.label for r in service.reasons_of(world.lycee)]
    assert labels[-2:] == ["Voyage scolaire", "Autre (non recevable)"]
    first = service.reasons_of(world.lycee)[0]
    assert not service.move_reason(actor=world.cpe, reason=first, direction="up")
    assert AuditEvent.objects.filter(action="attendance.reasons_reordered").count() == 1
    with pytest.raises(PermissionDenied):
        service.add_reason(actor=world.secretary, establishment=world.lycee, label="Grève", justifies=True)


def test_rules_add_and_update(world):
    rule = service.add_rule(
        actor=world.cpe, establishment=world.lycee, kind="lateness", threshold=5, window_days=30
    )
    assert service.update_rule(actor=world.cpe, rule=rule, threshold=6, window_days=14, is_active=False) == {
        "threshold": (5, 6),
        "window_days": (30, 14),
        "is_active": (True, False),
    }
    with pytest.raises(ValidationFailed) as error:
        service.add_rule(
            actor=world.cpe, establishment=world.lycee, kind="weather", threshold=0, window_days=400
        )
    assert set(error.value.details) == {"kind", "threshold", "window_days"}
    assert AlertRule.objects.filter(establishment=world.lycee).count() == 3  # two defaults + the new one


# --- page ---------------------------------------------------------------------------------------
def test_the_page_trio(world, login, ceg_cpe, django_assert_max_num_queries):
    client = login(world.cpe)
    client.get(URL)  # the first read creates the defaults
    with django_assert_max_num_queries(18):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rendez-vous médical" in html and "Demi-journées non justifiées sur une période glissante" in html
    for person in (world.teacher_maths, world.secretary, world.alice_mother):
        assert login(person).get(URL).status_code == 403
    assert login(ceg_cpe).get(URL).status_code == 200  # their own CEG
    assert login(ceg_cpe).get(URL, {"etablissement": str(world.lycee.public_id)}).status_code == 404
    response = login(ceg_cpe).post(
        URL,
        {
            "etablissement": str(world.lycee.public_id),
            "afternoon_starts_at": "13:00",
            "late_as_absence_minutes": "0",
            "register_reminder_minutes": "20",
        },
    )
    assert response.status_code == 404
    assert service.settings_for(world.lycee).afternoon_starts_at == dt.time(12, 30)


def test_the_page_saves_settings_reasons_and_rules(world, login):
    client = login(world.cpe)
    response = client.post(
        URL,
        {
            "afternoon_starts_at": "13:15",
            "late_as_absence_minutes": "15",
            "register_reminder_minutes": "10",
            "notify_guardians_same_day": "on",
        },
    )
    assert response.status_code == 302
    row = service.settings_for(world.lycee)
    assert (row.afternoon_starts_at, row.late_as_absence_minutes, row.correction_same_day_only) == (
        dt.time(13, 15),
        15,
        False,
    )
    response = client.post(
        reverse("attendance:absences_reason_add"), {"label": "Grève des transports", "justifies": "on"}
    )
    assert response.status_code == 302
    reason = AbsenceReason.objects.get(establishment=world.lycee, label="Grève des transports")
    response = client.post(
        reverse("attendance:absences_reason", args=[reason.public_id]), {"label": "Grève", "action": "save"}
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert (reason.label, reason.justifies, reason.is_active) == ("Grève", False, False)
    client.post(reverse("attendance:absences_reason", args=[reason.public_id]), {"action": "up"})
    reason.refresh_from_db()
    assert reason.position == 5
    service.rules_of(world.lycee)
    rule = AlertRule.objects.get(establishment=world.lycee, kind="unjustified_half_days")
    response = client.post(
        reverse("attendance:absences_rule", args=[rule.public_id]),
        {"threshold": "6", "window_days": "30", "is_active": "on"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 6
    response = client.post(
        reverse("attendance:absences_rule_add"), {"kind": "lateness", "threshold": "0", "window_days": "30"}
    )
    assert response.status_code == 422
    assert not AlertRule.objects.filter(kind="lateness").exists()
    duplicate = client.post(reverse("attendance:absences_reason_add"), {"label": "maladie"})
    assert duplicate.status_code == 422 and "existe déjà" in duplicate.content.decode()


def test_a_reason_of_another_establishment_is_404(world, login, ceg_cpe):
    reason = service.reasons_of(world.lycee)[0]
    response = login(ceg_cpe).post(
        reverse("attendance:absences_reason", args=[reason.public_id]), {"label": "Piraté"}
    )
    assert response.status_code == 404
    reason.refresh_from_db()
    assert reason.label == "Maladie"


# --- API ----------------------------------------------------------------------------------------
def test_api_settings_reasons_and_rules(world, login, ceg_cpe):
    client = login(world.cpe)
    body = client.get(f"{API}/settings").json()
    assert body["afternoon_starts_at"] == "12:30:00" and body["notify_guardians_same_day"] is True
    response = client.put(
        f"{API}/settings", data=json.dumps({"late_as_absence_minutes": 20}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["late_as_absence_minutes"] == 20
    assert [r["label"] for r in client.get(f"{API}/reasons").json()][0] == "Maladie"
    created = client.post(
        f"{API}/reasons",
        data=json.dumps({"label": "Examen", "justifies": True}),
        content_type="application/json",
    )
    assert created.status_code == 201
    rules = client.get(f"{API}/rules").json()
    assert {r["kind"] for r in rules} == {"unjustified_half_days", "consecutive_days"}
    changed = client.put(
        f"{API}/rules/{rules[0]['id']}",
        data=json.dumps({"threshold": 9, "window_days": 30}),
        content_type="application/json",
    )
    assert changed.json()["threshold"] == 9
    # A secretary reads but does not write; a teacher has nothing here; the CEG's CPE sees the CEG only.
    assert login(world.secretary).get(f"{API}/settings").status_code == 200
    refused = login(world.secretary).put(
        f"{API}/settings", data=json.dumps({"late_as_absence_minutes": 1}), content_type="application/json"
    )
    assert refused.status_code == 403
    assert login(world.teacher_maths).get(f"{API}/settings").json()["code"] == "forbidden"
    assert (
        login(ceg_cpe).get(f"{API}/settings", {"establishment": str(world.lycee.public_id)}).status_code
        == 404
    )
    assert (
        login(ceg_cpe)
        .put(
            f"{API}/rules/{rules[0]['id']}",
            data=json.dumps({"threshold": 1, "window_days": 1}),
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert service.settings_for(world.lycee).late_as_absence_minutes == 20
    # A guardian reads the active reasons of their child's establishment.
    reasons = login(world.alice_mother).get(f"{API}/reasons", {"student": str(world.alice.public_id)}).json()
    assert "Examen" in [r["label"] for r in reasons]
    assert (
        login(world.chloe_father).get(f"{API}/reasons", {"student": str(world.alice.public_id)}).status_code
        == 404
    )
