"""Booking pages: the navigation entry, the resources to book, a resource's occupancy with the
booking form (errors next to the fields and in a summary naming the conflict), "Mes réservations",
"À valider" and the management of resources. Each with the allowed / refused / outsider trio."""

import datetime as dt

import pytest

from carnet.audit.models import AuditEvent
from carnet.testing import timetable as tt
from carnet.timetable.models import Booking, Resource, TimetableSettings
from carnet.timetable.tests import booking_helpers
from carnet.timetable.tests.booking_helpers import (
    MONDAY,
    TUESDAY,
    booking,
    christmas,
    t,
)

pytestmark = pytest.mark.django_db

# The fixtures this module uses, from the booking helpers.
b12 = booking_helpers.b12
ceg_room = booking_helpers.ceg_room
french_b = booking_helpers.french_b
frozen = booking_helpers.frozen
lesson = booking_helpers.lesson
maths_a = booking_helpers.maths_a
outsider_head = booking_helpers.outsider_head
people = booking_helpers.people

INDEX = "/reservations/"
MINE = "/reservations/mes-reservations/"
PENDING = "/reservations/a-valider/"
RESOURCES = "/reservations/ressources/"


def page(resource, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/reservations/ressource/{resource.public_id}/" + (f"?{query}" if query else "")


def form(on=TUESDAY, start="14:00", end="16:00", purpose="Réunion parents"):
    return {"booked_on": on.isoformat(), "start_time": start, "end_time": end, "purpose": purpose}


# --- navigation and the list of resources ------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "shown"),
    [("teacher_maths", True), ("cpe", True), ("secretary", True), ("alice", False), ("alice_mother", False)],
)
def test_the_menu_entry(world, login, frozen, name, shown):
    content = login(getattr(world, name)).get("/").content.decode()
    assert ('href="/reservations/"' in content) is shown


def test_the_resources_to_book(world, login, frozen, b12, ceg_room):
    Resource.objects.create(
        establishment=world.lycee, name="Vidéoprojecteur 1", kind=Resource.Kind.EQUIPMENT, needs_approval=True
    )
    tt.room(world.lycee, "Ancienne salle", is_active=False)
    tt.room(world.lycee, "Salle des professeurs", bookable=False)
    response = login(world.teacher_maths).get(INDEX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "B12" in content and "30 places" in content and "Vidéoprojecteur 1" in content
    assert "Validée par le personnel" in content
    assert (
        "Ancienne salle" not in content
        and "Salle des professeurs" not in content
        and "Salle 1" not in content
    )
    assert f"/reservations/ressource/{b12.public_id}/?jour=2026-11-30" in content
    outsider = login(world.outsider).get(INDEX).content.decode()
    assert "Salle 1" in outsider and "B12" not in outsider


@pytest.mark.parametrize("name", ["alice", "alice_mother", "chloe_father"])
def test_students_and_guardians_get_403_on_every_page(world, login, frozen, b12, name):
    client = login(getattr(world, name))
    theirs = booking(b12, world.teacher_maths, TUESDAY, "14:00", "15:00", status=Booking.Status.PENDING)
    for url in (INDEX, page(b12), MINE, PENDING, RESOURCES, f"{RESOURCES}{b12.public_id}/"):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(page(b12), form()).status_code == 403
    for url in (
        f"/reservations/reservation/{theirs.public_id}/annuler/",
        f"/reservations/reservation/{theirs.public_id}/decision/",
    ):
        assert client.post(url, {"action": "approve"}).status_code == 404
    assert client.post(RESOURCES, {"kind": "room", "name": "X"}).status_code == 403
    theirs.refresh_from_db()
    assert (
        theirs.status == Booking.Status.PENDING
        and Booking.objects.count() == 1
        and Resource.objects.count() == 1
    )


# --- a resource's occupancy and the booking form -------------------------------------------------
def test_the_occupancy_of_a_day(people, login, frozen, lesson, b12):
    booking(b12, people.cpe, MONDAY, "14:00", "16:00", purpose="réunion parents")
    response = login(people.teacher_french).get(page(b12, jour="2026-11-30"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Occupation du lundi 30 novembre 2026" in content
    assert "Mathématiques — 2nde A" in content and "Cours, M. Maths" in content
    assert "réunion parents" in content and "Réservé par Mme Vie-Scolaire" in content
    assert "?jour=2026-11-30&amp;debut=11:00&amp;fin=14:00#booking-form" in content  # a free slot to book
    assert 'id="booking-form"' in content


def test_the_week_view_and_closed_days(world, login, frozen, lesson, b12):
    christmas(world)
    content = login(world.teacher_maths).get(page(b12, jour="2026-12-22", vue="semaine")).content.decode()
    assert "Occupation du 21 décembre au 26 décembre 2026" in content
    assert content.count("Établissement fermé : Vacances de Noël") == 6
    content = login(world.teacher_maths).get(page(b12, jour="2026-12-02", vue="semaine")).content.decode()
    assert "Lundi 30 novembre" in content and "Samedi 5 décembre" in content
    assert content.count("Mathématiques — 2nde A") == 1


def test_a_bad_or_absurd_day_shows_today(world, login, frozen, b12):
    client = login(world.teacher_maths)
    for value in ("2026-13-45", "0001-01-01", "9999-12-31", "hier"):
        response = client.get(page(b12, jour=value))
        assert (
            response.status_code == 200
            and "Occupation du lundi 30 novembre 2026" in response.content.decode()
        )


def test_the_form_is_prefilled_from_a_free_slot(world, login, frozen, b12):
    content = (
        login(world.teacher_maths)
        .get(page(b12, jour="2026-12-01", debut="11:00", fin="14:00"))
        .content.decode()
    )
    assert 'value="2026-12-01"' in content and 'value="11:00"' in content and 'value="14:00"' in content


def test_booking_from_the_page(world, login, frozen, b12):
    response = login(world.teacher_maths).post(page(b12, jour="2026-12-01"), form())
    assert response.status_code == 302
    assert response["Location"] == page(b12, jour="2026-12-01")
    made = Booking.objects.get()
    assert (made.booked_by, made.booked_on, made.start_time, made.status) == (
        world.teacher_maths,
        TUESDAY,
        t("14:00"),
        "approved",
    )
    content = login(world.teacher_maths).get(response["Location"]).content.decode()
    assert "Réservation confirmée : B12 le 01/12/2026 de 14:00 à 16:00." in content


def test_a_conflict_is_shown_next_to_the_field_and_in_the_summary(people, login, frozen, lesson, b12):
    response = login(people.teacher_french).post(page(b12), form(on=MONDAY, start="10:30", end="11:30"))
    assert response.status_code == 409
    content = response.content.decode()
    assert "La réservation n'est pas enregistrée" in content
    assert (
        '<a href="#id_start_time">Début : Cours de Mathématiques — 2nde A, M. Maths, 10:00–11:00</a>'
        in content
    )
    assert 'id="id_start_time_error"' in content and 'aria-invalid="true"' in content
    assert not Booking.objects.exists()


def test_a_holiday_and_bad_values_are_shown_next_to_their_fields(world, login, frozen, b12):
    christmas(world)
    response = login(world.teacher_maths).post(page(b12), form(on=dt.date(2026, 12, 21)))
    assert response.status_code == 409
    assert "Jour : Établissement fermé : Vacances de Noël" in response.content.decode()
    response = login(world.teacher_maths).post(page(b12), form(start="15:00", end="14:00", purpose=""))
    assert response.status_code == 422
    content = response.content.decode()
    assert "Fin : L&#x27;heure de fin doit être après l&#x27;heure de début." in content
    assert "Motif : Ce champ est obligatoire." in content
    response = login(world.teacher_maths).post(page(b12), form(on=dt.date(2026, 11, 27)))
    assert response.status_code == 422 and "Jour : Ce jour est passé." in response.content.decode()
    assert not Booking.objects.exists()


def test_a_resource_that_needs_approval(world, login, frozen, b12):
    b12.needs_approval = True
    b12.save(update_fields=["needs_approval"])
    client = login(world.teacher_maths)
    assert "Demander la réservation" in client.get(page(b12)).content.decode()
    response = client.post(page(b12), form(), follow=True)
    assert "Elle attend la validation du personnel" in response.content.decode()
    assert Booking.objects.get().status == Booking.Status.PENDING


def test_an_out_of_service_resource_is_hidden_from_bookers_but_not_from_managers(world, login, frozen, b12):
    b12.is_active = False
    b12.save(update_fields=["is_active"])
    assert login(world.teacher_maths).get(page(b12)).status_code == 404
    assert login(world.teacher_maths).post(page(b12), form()).status_code == 404
    content = login(world.cpe).get(page(b12)).content.decode()
    assert "Cette ressource est hors service" in content
    assert login(world.cpe).post(page(b12), form()).status_code == 403
    assert not Booking.objects.exists()


def test_another_establishments_resource_is_404(world, login, frozen, b12, outsider_head):
    for person in (world.outsider, outsider_head):
        assert login(person).get(page(b12)).status_code == 404
        assert login(person).post(page(b12), form()).status_code == 404
    assert not Booking.objects.exists()


def test_the_occupancy_page_query_count_is_constant(
    people, login, frozen, maths_a, french_b, lesson, b12, django_assert_max_num_queries
):
    TimetableSettings.objects.create(establishment=people.lycee)
    tt.slot(french_b, weekday=2, start="08:00", end="09:00", room=b12, week_pattern="A")
    booking(b12, people.cpe, MONDAY, "17:00", "18:00")
    client = login(people.teacher_maths)
    client.get(page(b12))
    url = page(b12, jour="2026-12-02", vue="semaine")
    with django_assert_max_num_queries(20) as before:
        client.get(url)
    for weekday in range(6):
        for hour in (8, 13, 15):
            tt.slot(
                french_b,
                weekday=weekday,
                start=f"{hour:02d}:00",
                end=f"{hour:02d}:45",
                room=b12,
                week_pattern="B" if hour == 15 else "every",
            )
    for day in range(6):
        on = MONDAY + dt.timedelta(days=day)
        tt.session(maths_a, on, start="12:00", end="12:45", room=b12)
        booking(b12, people.head, on, "16:00", "17:00", purpose=f"Réunion {day}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Réunion ") >= 6


# --- my bookings ---------------------------------------------------------------------------------
def test_my_bookings_and_cancelling_one(world, login, frozen, b12, django_assert_max_num_queries):
    mine = booking(b12, world.teacher_maths, TUESDAY, "14:00", "15:00", purpose="Devoir commun")
    booking(
        b12, world.teacher_maths, MONDAY - dt.timedelta(days=7), "14:00", "15:00", purpose="Ancien devoir"
    )
    booking(b12, world.teacher_french, TUESDAY, "15:00", "16:00", purpose="Pas le mien")
    client = login(world.teacher_maths)
    client.get(MINE)
    with django_assert_max_num_queries(15):
        content = client.get(MINE).content.decode()
    assert "Devoir commun" in content and "Ancien devoir" in content and "Pas le mien" not in content
    assert "Passée" in content
    response = client.post(f"/reservations/reservation/{mine.public_id}/annuler/")
    assert response.status_code == 302 and response["Location"] == MINE
    mine.refresh_from_db()
    assert mine.status == Booking.Status.CANCELLED


def test_my_bookings_query_count_does_not_grow(world, login, frozen, b12):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.teacher_maths)
    booking(b12, world.teacher_maths, TUESDAY, "08:00", "09:00")
    client.get(MINE)
    with CaptureQueriesContext(connection) as before:
        client.get(MINE)
    for day in range(1, 20):
        booking(b12, world.teacher_maths, TUESDAY + dt.timedelta(days=day), "08:00", "09:00")
        booking(
            b12, world.teacher_maths, TUESDAY + dt.timedelta(days=day), "10:00", "11:00", status="cancelled"
        )
    with CaptureQueriesContext(connection) as after:
        client.get(MINE)
    assert len(after) == len(before)


def test_cancelling_someone_elses_booking(world, login, frozen, b12, outsider_head):
    theirs = booking(b12, world.teacher_maths, TUESDAY, "14:00", "15:00")
    url = f"/reservations/reservation/{theirs.public_id}/annuler/"
    assert login(world.teacher_french).post(url).status_code == 403
    assert login(world.outsider).post(url).status_code == 404
    assert login(outsider_head).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.APPROVED
    response = login(world.cpe).post(url, {"next": PENDING})
    assert response.status_code == 302 and response["Location"] == PENDING
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CANCELLED


def test_cancel_does_not_redirect_elsewhere(world, login, frozen, b12):
    mine = booking(b12, world.teacher_maths, TUESDAY, "14:00", "15:00")
    response = login(world.teacher_maths).post(
        f"/reservations/reservation/{mine.public_id}/annuler/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == MINE


# --- bookings to decide --------------------------------------------------------------------------
def test_the_list_to_decide_and_deciding(world, login, frozen, b12, django_assert_max_num_queries):
    first = booking(b12, world.teacher_maths, TUESDAY, "14:00", "15:00", status="pending", purpose="Soutien")
    second = booking(
        b12, world.teacher_french, TUESDAY, "15:00", "16:00", status="pending", purpose="Théâtre"
    )
    client = login(world.cpe)
    client.get(PENDING)
    with django_assert_max_num_queries(15):
        content = client.get(PENDING).content.decode()
    assert "2 demandes" in content and "Soutien" in content and "Théâtre" in content
    response = client.post(f"/reservations/reservation/{first.public_id}/decision/", {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == PENDING
    client.post(
        f"/reservations/reservation/{second.public_id}/decision/",
        {"action": "refuse", "note": "Pas ce jour-là"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "approved" and (second.status, second.decision_note) == (
        "refused",
        "Pas ce jour-là",
    )
    content = client.get(PENDING).content.decode()
    assert "Rien à valider" in content


def test_deciding_is_for_the_staff_of_the_establishment(world, login, frozen, b12, outsider_head):
    request = booking(b12, world.teacher_french, TUESDAY, "14:00", "15:00", status="pending")
    url = f"/reservations/reservation/{request.public_id}/decision/"
    assert login(world.teacher_maths).get(PENDING).status_code == 403
    assert login(world.teacher_maths).post(url, {"action": "approve"}).status_code == 404
    assert login(world.secretary).post(url, {"action": "approve"}).status_code == 404
    assert login(outsider_head).get(PENDING).status_code == 200
    assert "Rien à valider" in login(outsider_head).get(PENDING).content.decode()
    assert login(outsider_head).post(url, {"action": "approve"}).status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


# --- managing resources --------------------------------------------------------------------------
def test_managing_resources_from_the_pages(world, login, frozen, b12, django_assert_max_num_queries):
    client = login(world.cpe)
    client.get(RESOURCES)
    with django_assert_max_num_queries(15):
        content = client.get(RESOURCES).content.decode()
    assert "B12" in content and "Ajouter une salle ou un matériel" in content
    response = client.post(
        RESOURCES,
        {
            "kind": "equipment",
            "name": "Chariot de tablettes",
            "capacity": "16",
            "description": "16 tablettes",
            "bookable": "on",
            "needs_approval": "on",
        },
    )
    assert response.status_code == 302
    cart = Resource.objects.get(name="Chariot de tablettes")
    assert (cart.kind, cart.capacity, cart.needs_approval) == ("equipment", 16, True)
    response = client.post(RESOURCES, {"kind": "room", "name": "b 12", "bookable": "on"})
    assert response.status_code == 422
    assert "Nom : Une salle porte déjà ce nom." in response.content.decode()
    edit = f"{RESOURCES}{b12.public_id}/"
    assert 'value="B12"' in client.get(edit).content.decode()
    response = client.post(edit, {"kind": "room", "name": "B12", "capacity": "32", "bookable": "on"})
    assert response.status_code == 302
    b12.refresh_from_db()
    assert (b12.capacity, b12.is_active) == (32, False)  # "En service" left unchecked: out of service
    assert AuditEvent.objects.filter(action="timetable.resource_updated").count() == 1
    client.post("/reservations/ressources/regle/", {"bookings_need_approval": "on"})
    assert TimetableSettings.objects.get(establishment=world.lycee).bookings_need_approval


def test_managing_resources_is_refused_to_teachers_and_the_secretary(
    world, login, frozen, b12, outsider_head
):
    edit = f"{RESOURCES}{b12.public_id}/"
    for person in (world.teacher_maths, world.secretary):
        client = login(person)
        assert client.get(RESOURCES).status_code == 403
        assert (
            client.post(RESOURCES, {"kind": "room", "name": "Salle 9", "bookable": "on"}).status_code == 403
        )
        assert client.get(edit).status_code == 404
        assert (
            client.post("/reservations/ressources/regle/", {"bookings_need_approval": "on"}).status_code
            == 403
        )
    client = login(outsider_head)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"kind": "room", "name": "Pris", "bookable": "on"}).status_code == 404
    assert client.get(f"{RESOURCES}?etablissement={world.lycee.public_id}").status_code == 404
    b12.refresh_from_db()
    assert b12.name == "B12" and Resource.objects.count() == 1
    assert not TimetableSettings.objects.filter(
        establishment=world.lycee, bookings_need_approval=True
    ).exists()
