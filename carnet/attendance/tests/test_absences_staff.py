"""The school-life pages of absences and lateness: the list to regularise (filters, query count),
an absence's page, regularising with the version read (a stale save is refused and nothing is
overwritten), contacts with the family, an absence entered by hand (half-days by the rule), and
the permission trio on each page."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse

from carnet.attendance.models import Absence, FamilyContact, Lateness, Regularisation
from carnet.attendance.services import absences as service
from carnet.attendance.services import contacts
from carnet.attendance.tests import absences_helpers
from carnet.attendance.tests.absences_helpers import TODAY, absence, at, lateness, reason
from carnet.audit.models import AuditEvent
from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.school.models import CalendarEvent, StaffFunction
from carnet.testing.factories import UserFactory, enroll, give_function

pytestmark = pytest.mark.django_db
frozen = absences_helpers.frozen
LIST = "/vie-scolaire/absences/"
MONDAY = TODAY
FRIDAY = TODAY - dt.timedelta(days=3)


@pytest.fixture
def ceg_cpe(world):
    give_function(world.outsider, world.ceg, StaffFunction.Kind.SCHOOL_LIFE)
    return world.outsider


@pytest.fixture
def alice_monday(world, frozen):
    return absence(world.alice, world.lycee, MONDAY, "08:00", "10:00")


# --- list ---------------------------------------------------------------------------------------
def test_the_list_trio_and_filters(world, login, frozen, ceg_cpe):
    first = absence(world.alice, world.lycee, MONDAY, "08:00", "10:00")
    absence(world.chloe, world.lycee, FRIDAY, "14:00", "16:00", state=Regularisation.JUSTIFIED)
    absence(world.dossou, world.ceg, MONDAY, "08:00", "09:00")
    html = login(world.cpe).get(LIST).content.decode()
    assert "MARTIN Alice" in html and "DURAND Chloé" not in html and "DOSSOU" not in html
    assert reverse("attendance:absence", args=[first.public_id]) in html
    assert "2nde A" in html
    every = login(world.cpe).get(LIST, {"etat": "toutes"}).content.decode()
    assert "DURAND Chloé" in every
    only_b = (
        login(world.cpe)
        .get(LIST, {"etat": "toutes", "classe": str(world.seconde_b.public_id)})
        .content.decode()
    )
    assert "DURAND Chloé" in only_b and "MARTIN Alice" not in only_b
    friday = (
        login(world.cpe)
        .get(LIST, {"etat": "toutes", "du": FRIDAY.isoformat(), "au": FRIDAY.isoformat()})
        .content.decode()
    )
    assert "DURAND Chloé" in friday and "MARTIN Alice" not in friday
    # The secretary reads; a teacher and a guardian are refused; the CEG's CPE sees only the CEG.
    assert login(world.secretary).get(LIST).status_code == 200
    for person in (world.teacher_maths, world.alice_mother, world.alice):
        assert login(person).get(LIST).status_code == 403
    ceg = login(ceg_cpe).get(LIST).content.decode()
    assert "DOSSOU" in ceg and "MARTIN" not in ceg
    assert login(ceg_cpe).get(LIST, {"etablissement": str(world.lycee.public_id)}).status_code == 404
    assert login(ceg_cpe).get(LIST, {"classe": str(world.seconde_a.public_id)}).status_code == 404


def test_the_list_query_count_does_not_grow(world, login, frozen, django_assert_max_num_queries):
    client = login(world.cpe)
    absence(world.alice, world.lycee, MONDAY)
    client.get(LIST)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for i in range(15):
        student = UserFactory(username=f"eleve{i}")
        enroll(student, world.seconde_a)
        absence(student, world.lycee, MONDAY - dt.timedelta(days=i % 5))
        lateness(student, world.lycee, MONDAY)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert "16 absences" in response.content.decode()
    with django_assert_max_num_queries(len(few)):
        assert client.get(LIST, {"type": "retards"}).status_code == 200


def test_htmx_filters_answer_the_results_only(world, login, frozen):
    absence(world.alice, world.lycee, MONDAY)
    response = login(world.cpe).get(LIST, {"etat": "toutes"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "MARTIN Alice" in body


# --- regularising -------------------------------------------------------------------------------
def test_regularise_justified_with_a_reason(world, frozen, alice_monday):
    sick = reason(world.lycee, "Maladie")
    saved, changes = service.regularise_absence(
        actor=world.cpe,
        absence=alice_monday,
        state="justified",
        reason=sick,
        comment="Certificat reçu.",
        expected_version=1,
    )
    assert (saved.state, saved.reason, saved.version, saved.comment) == (
        "justified",
        sick,
        2,
        "Certificat reçu.",
    )
    assert changes["state"] == ("to_justify", "justified") and changes["reason"] == (None, "Maladie")
    event = AuditEvent.objects.get(action="attendance.absence_regularised")
    assert event.actor == world.cpe and event.changes["state"] == ["to_justify", "justified"]


def test_regularise_refuses_inconsistent_states(world, frozen, alice_monday):
    with pytest.raises(ValidationFailed) as error:
        service.regularise_absence(
            actor=world.cpe, absence=alice_monday, state="justified", reason=None, expected_version=1
        )
    assert "reason" in error.value.details
    other = reason(world.lycee, "Autre (non recevable)")
    with pytest.raises(ValidationFailed) as error:
        service.regularise_absence(
            actor=world.cpe, absence=alice_monday, state="justified", reason=other, expected_version=1
        )
    assert "n'est pas recevable" in str(error.value.message)
    with pytest.raises(ValidationFailed):
        service.regularise_absence(
            actor=world.cpe, absence=alice_monday, state="forgiven", reason=None, expected_version=1
        )
    benin_reason = reason(world.ceg, "Maladie")
    with pytest.raises(ValidationFailed):
        service.regularise_absence(
            actor=world.cpe, absence=alice_monday, state="justified", reason=benin_reason, expected_version=1
        )
    alice_monday.refresh_from_db()
    assert (alice_monday.state, alice_monday.version) == ("to_justify", 1)


def test_regularise_permissions(world, frozen, alice_monday, ceg_cpe):
    for person in (world.secretary, world.alice_mother):
        with pytest.raises(PermissionDenied):
            service.regularise_absence(
                actor=person, absence=alice_monday, state="unjustified", reason=None, expected_version=1
            )
    for person in (ceg_cpe, world.teacher_maths, world.chloe_father):
        with pytest.raises(NotFound):
            service.regularise_absence(
                actor=person, absence=alice_monday, state="unjustified", reason=None, expected_version=1
            )
    alice_monday.refresh_from_db()
    assert alice_monday.state == "to_justify" and alice_monday.version == 1


def test_two_people_regularising_never_overwrite_each_other(world, frozen, alice_monday, login):
    give_function(world.head, world.lycee, StaffFunction.Kind.SCHOOL_LIFE)
    url = reverse("attendance:absence", args=[alice_monday.public_id])
    sick = reason(world.lycee, "Maladie")
    first = login(world.cpe).post(
        url, {"state": "justified", "reason": str(sick.public_id), "comment": "", "version": "1"}
    )
    assert first.status_code == 302
    second = login(world.head).post(
        url, {"state": "unjustified", "reason": "", "comment": "Pas de mot.", "version": "1"}
    )
    assert second.status_code == 409
    body = unescape(second.content.decode())
    assert "modifiée par quelqu" in body and "rien n'a été enregistré" in body
    alice_monday.refresh_from_db()
    assert (alice_monday.state, alice_monday.comment, alice_monday.version) == ("justified", "", 2)
    with pytest.raises(service.AbsenceConflict) as error:
        service.regularise_absence(
            actor=world.head, absence=alice_monday, state="unjustified", reason=None, expected_version=1
        )
    assert error.value.details["state"] == "justified" and error.value.details["version"] == 2


def test_the_absence_page_trio(world, login, frozen, alice_monday, ceg_cpe, django_assert_max_num_queries):
    url = reverse("attendance:absence", args=[alice_monday.public_id])
    client = login(world.cpe)
    client.get(url)
    with django_assert_max_num_queries(30):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "lundi 30 novembre matin = 1 demi-journée" in html
    assert "Régulariser" in html and "Noter un contact" in html
    secretary = login(world.secretary).get(url).content.decode()
    assert "Lecture seule" in secretary and "Noter un contact" not in secretary
    refused = login(world.secretary).post(url, {"state": "unjustified", "version": "1"})
    assert refused.status_code == 403
    assert login(world.teacher_maths).get(url).status_code == 404
    assert login(ceg_cpe).get(url).status_code == 404
    assert login(world.chloe_father).get(url).status_code == 404
    # The guardian is sent to their own page.
    response = login(world.alice_mother).get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("attendance:family_absences"))
    assert login(world.alice_mother).post(url, {"state": "justified", "version": "1"}).status_code == 302
    alice_monday.refresh_from_db()
    assert alice_monday.version == 1


# --- contacts -----------------------------------------------------------------------------------
def test_log_a_contact_from_the_page(world, login, frozen, alice_monday, ceg_cpe):
    url = reverse("attendance:absence_contact", args=[alice_monday.public_id])
    data = {
        "channel": "call",
        "contacted_on": "2026-11-30",
        "contacted_time": "09:30",
        "summary": "Mère jointe : malade.",
    }
    response = login(world.cpe).post(url, data)
    assert response.status_code == 302
    contact = FamilyContact.objects.get()
    assert (contact.channel, contact.absence, contact.recorded_by, contact.student) == (
        "call",
        alice_monday,
        world.cpe,
        world.alice,
    )
    assert contact.contacted_at == at(TODAY, "09:30")
    page = login(world.cpe).get(reverse("attendance:absence", args=[alice_monday.public_id])).content.decode()
    assert "Mère jointe : malade." in page and "Appel téléphonique" in page
    future = login(world.cpe).post(url, {**data, "contacted_time": "18:00"})
    assert future.status_code == 422 and "futur" in unescape(future.content.decode())
    assert login(world.secretary).post(url, data).status_code == 403
    assert login(ceg_cpe).post(url, data).status_code == 404
    assert FamilyContact.objects.count() == 1


def test_record_contact_service_rules(world, frozen, alice_monday):
    with pytest.raises(ValidationFailed) as error:
        contacts.record_contact(
            actor=world.cpe, establishment=world.lycee, student=world.alice, channel="pigeon", summary=""
        )
    assert set(error.value.details) == {"channel", "summary"}
    with pytest.raises(NotFound):
        contacts.record_contact(
            actor=world.cpe, establishment=world.lycee, student=world.dossou, channel="sms", summary="Test"
        )
    with pytest.raises(NotFound):
        contacts.record_contact(
            actor=world.cpe,
            establishment=world.lycee,
            student=world.chloe,
            channel="sms",
            summary="Test",
            absence=alice_monday,
        )
    with pytest.raises(PermissionDenied):
        contacts.record_contact(
            actor=world.teacher_maths,
            establishment=world.lycee,
            student=world.alice,
            channel="sms",
            summary="Test",
        )
    assert not FamilyContact.objects.exists()


# --- entering an absence by hand ----------------------------------------------------------------
def test_create_an_absence_counts_half_days_by_the_rule(world, frozen):
    whole_monday = service.create_absence(
        actor=world.cpe,
        establishment=world.lycee,
        student=world.alice,
        starts_at=at(MONDAY, "00:00"),
        ends_at=at(MONDAY + dt.timedelta(days=1), "00:00"),
    )
    assert (whole_monday.half_days, whole_monday.source, whole_monday.created_by) == (2, "staff", world.cpe)
    # Friday afternoon to Monday noon: the weekend is not counted. Friday pm + Monday am = 2.
    weekend = service.create_absence(
        actor=world.cpe,
        establishment=world.lycee,
        student=world.chloe,
        starts_at=at(FRIDAY, "14:00"),
        ends_at=at(MONDAY, "12:00"),
        reason=reason(world.lycee),
        state="justified",
    )
    assert (
        weekend.half_days == 2 and weekend.state == "justified" and weekend.guardians_notified_at is not None
    )
    # A holiday in the calendar is not counted either.
    CalendarEvent.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        kind="holiday",
        name="Pont",
        starts_on=TODAY + dt.timedelta(days=1),
        ends_on=TODAY + dt.timedelta(days=1),
    )
    bridge = service.create_absence(
        actor=world.cpe,
        establishment=world.lycee,
        student=world.bruno,
        starts_at=at(TODAY + dt.timedelta(days=1), "08:00"),
        ends_at=at(TODAY + dt.timedelta(days=2), "12:00"),
    )
    assert bridge.half_days == 1
    assert AuditEvent.objects.filter(action="attendance.absence_created").count() == 3


def test_create_an_absence_bad_input_saves_nothing(world, frozen):
    base = {"actor": world.cpe, "establishment": world.lycee, "student": world.alice}
    with pytest.raises(ValidationFailed) as error:
        service.create_absence(**base, starts_at=at(MONDAY, "10:00"), ends_at=at(MONDAY, "08:00"))
    assert error.value.details == {"ends_at": "La fin doit être après le début."}
    with pytest.raises(ValidationFailed) as error:
        service.create_absence(
            **base, starts_at=at(dt.date(2027, 8, 2), "08:00"), ends_at=at(dt.date(2027, 8, 2), "10:00")
        )
    assert "en dehors de l'année scolaire" in str(error.value.message)
    saturday = TODAY - dt.timedelta(days=2)
    with pytest.raises(ValidationFailed) as error:
        service.create_absence(**base, starts_at=at(saturday, "08:00"), ends_at=at(saturday, "12:00"))
    assert "aucune demi-journée" in str(error.value.message)
    absence(world.alice, world.lycee, MONDAY, "08:00", "10:00")
    with pytest.raises(ValidationFailed) as error:
        service.create_absence(**base, starts_at=at(MONDAY, "09:00"), ends_at=at(MONDAY, "11:00"))
    assert "déjà enregistrée du 30/11/2026 08:00" in str(error.value.message)
    with pytest.raises(NotFound):
        service.create_absence(
            actor=world.cpe,
            establishment=world.lycee,
            student=world.dossou,
            starts_at=at(MONDAY, "08:00"),
            ends_at=at(MONDAY, "10:00"),
        )
    with pytest.raises(PermissionDenied):
        service.create_absence(
            actor=world.secretary,
            establishment=world.lycee,
            student=world.bruno,
            starts_at=at(MONDAY, "08:00"),
            ends_at=at(MONDAY, "10:00"),
        )
    assert Absence.objects.count() == 1


def test_create_from_the_page(world, login, frozen, ceg_cpe):
    url = reverse("attendance:absence_new")
    client = login(world.cpe)
    page = client.get(url, {"classe": str(world.seconde_a.public_id)}).content.decode()
    assert "MARTIN Alice" in page and "DURAND" not in page
    data = {
        "classe": str(world.seconde_a.public_id),
        "student": str(world.alice.public_id),
        "starts_on": "2026-11-30",
        "starts_time": "",
        "ends_on": "2026-11-30",
        "ends_time": "",
        "reason": "",
        "state": "to_justify",
        "comment": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    created = Absence.objects.get(student=world.alice)
    assert created.half_days == 2 and response.url == reverse("attendance:absence", args=[created.public_id])
    again = client.post(url, {**data, "starts_time": "10:00"})
    assert again.status_code == 422 and "déjà enregistrée" in unescape(again.content.decode())
    backwards = client.post(url, {**data, "student": str(world.bruno.public_id), "ends_on": "2026-11-27"})
    assert backwards.status_code == 422 and "La fin doit être après le début." in unescape(
        backwards.content.decode()
    )
    # A student of another class than the one posted is not offered: refused as a bad choice.
    other = client.post(url, {**data, "student": str(world.chloe.public_id)})
    assert other.status_code == 422
    assert login(world.secretary).get(url).status_code == 403
    assert login(world.teacher_maths).post(url, data).status_code == 403
    assert login(ceg_cpe).post(url, {**data, "etablissement": str(world.lycee.public_id)}).status_code == 404
    assert Absence.objects.count() == 1


# --- lateness -----------------------------------------------------------------------------------
def test_regularise_a_lateness(world, login, frozen, ceg_cpe):
    late = lateness(world.bruno, world.lycee, MONDAY, "08:12", 12)
    url = reverse("attendance:lateness", args=[late.public_id])
    html = login(world.cpe).get(url).content.decode()
    assert "12 minutes" in html
    bus = reason(world.lycee, "Transport")
    response = login(world.cpe).post(
        url, {"state": "justified", "reason": str(bus.public_id), "comment": "Bus", "version": "1"}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.state, late.reason, late.version) == ("justified", bus, 2)
    stale = login(world.cpe).post(url, {"state": "unjustified", "reason": "", "comment": "", "version": "1"})
    assert stale.status_code == 409 and "modifié par quelqu" in unescape(stale.content.decode())
    assert login(world.secretary).post(url, {"state": "unjustified", "version": "2"}).status_code == 403
    assert login(ceg_cpe).get(url).status_code == 404
    assert login(world.teacher_french).get(url).status_code == 302  # Bruno's mother: sent to her own page
    late.refresh_from_db()
    assert late.state == "justified" and Lateness.objects.count() == 1
    listed = login(world.cpe).get(LIST, {"type": "retards", "etat": "toutes"}).content.decode()
    assert "FRANÇAIS Bruno" in listed and reverse("attendance:lateness", args=[late.public_id]) in listed


def test_navigation_entries(world, login):
    html = login(world.cpe).get(reverse("school:calendar")).content.decode()
    assert "Absences et retards" in html
    html = login(world.alice_mother).get(reverse("attendance:family_absences")).content.decode()
    assert 'href="/absences/"' in html
    html = login(world.teacher_maths).get(reverse("grades:teacher_home")).content.decode()
    assert "Absences et retards" not in html


def test_the_staff_home_widget(world, login, frozen):
    absence(world.alice, world.lycee, MONDAY, "08:00", "10:00")
    html = login(world.cpe).get("/").content.decode()
    assert "Vie scolaire : à traiter" in html and "Absences à justifier" in html
    assert reverse("attendance:declarations") in html
    assert "Vie scolaire : à traiter" not in login(world.secretary).get("/").content.decode()


def test_the_list_for_one_student(world, login, frozen):
    absence(world.alice, world.lycee, MONDAY)
    absence(world.bruno, world.lycee, MONDAY)
    html = (
        login(world.cpe).get(LIST, {"etat": "toutes", "eleve": str(world.bruno.public_id)}).content.decode()
    )
    assert "FRANÇAIS Bruno" in html and "MARTIN Alice" not in html and "Tous les élèves" in html
    assert login(world.cpe).get(LIST, {"eleve": "pas-un-uuid"}).status_code == 404
