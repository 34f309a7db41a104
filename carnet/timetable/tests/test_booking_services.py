"""Booking services: book (refused on conflicts, with a message naming what occupies), the
approval flow with its notifications, cancel, the concurrency guarantee, and resource management."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from carnet.audit.models import AuditEvent
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.notifications.models import Notification
from carnet.testing import timetable as tt
from carnet.timetable.booking import conflicts, resources, services
from carnet.timetable.booking.errors import (
    BookingConflict,
    BookingNotActive,
    BookingNotPending,
    ResourceNotBookable,
)
from carnet.timetable.models import Booking, Resource, TimetableSettings
from carnet.timetable.tests import booking_helpers
from carnet.timetable.tests.booking_helpers import (
    CHRISTMAS_MONDAY,
    MONDAY,
    TUESDAY,
    booking,
    christmas,
    t,
)

pytestmark = pytest.mark.django_db

# The fixtures this module uses, from the booking helpers.
b12 = booking_helpers.b12
frozen = booking_helpers.frozen
lesson = booking_helpers.lesson
maths_a = booking_helpers.maths_a
outsider_head = booking_helpers.outsider_head
people = booking_helpers.people


def book(actor, resource, on=TUESDAY, start="14:00", end="16:00", purpose="Réunion parents"):
    return services.book(actor=actor, resource=resource, on=on, start=t(start), end=t(end), purpose=purpose)


# --- booking ------------------------------------------------------------------------------------
def test_a_teacher_books_a_free_slot(world, frozen, b12):
    made = book(world.teacher_french, b12, purpose="  Devoir   commun ")
    assert made.status == Booking.Status.APPROVED
    assert (made.booked_by, made.booked_on, made.purpose, made.establishment) == (
        world.teacher_french,
        TUESDAY,
        "Devoir commun",
        world.lycee,
    )
    event = AuditEvent.objects.get(action="timetable.booking_created")
    assert event.establishment == world.lycee and event.actor == world.teacher_french
    assert event.changes["purpose"] == [None, "Devoir commun"] and event.changes["status"] == [
        None,
        "approved",
    ]


def test_a_staff_member_books_too(world, frozen, b12):
    assert book(world.secretary, b12).status == Booking.Status.APPROVED


def test_a_conflict_is_refused_with_a_message_naming_what_occupies_it(people, frozen, lesson, b12):
    with pytest.raises(BookingConflict) as caught:
        book(people.teacher_french, b12, on=MONDAY, start="10:30", end="12:00")
    assert str(caught.value.message) == (
        "B12 n'est pas libre sur ce créneau : Cours de Mathématiques — 2nde A, M. Maths, 10:00–11:00."
    )
    assert caught.value.details["conflicts"] == [
        {
            "kind": "slot",
            "description": "Cours de Mathématiques — 2nde A, M. Maths, 10:00–11:00",
            "start": "10:00",
            "end": "11:00",
            "field": "start_time",
        }
    ]
    assert not Booking.objects.exists()
    book(people.teacher_french, b12, purpose="Réunion")
    with pytest.raises(BookingConflict, match="Réservé par Mme Français : Réunion, 14:00–16:00"):
        book(people.cpe, b12, start="15:00", end="17:00")
    assert Booking.objects.count() == 1


def test_a_holiday_is_refused(world, frozen, b12):
    christmas(world)
    with pytest.raises(
        BookingConflict, match="Impossible de réserver ce jour-là. Établissement fermé : Vacances de Noël"
    ):
        book(world.teacher_maths, b12, on=CHRISTMAS_MONDAY)


@pytest.mark.parametrize(
    ("on", "start", "end", "purpose", "field"),
    [
        (MONDAY - dt.timedelta(days=1), "14:00", "15:00", "Réunion", "booked_on"),
        (MONDAY, "06:00", "07:00", "Réunion", "end_time"),  # already over at 07:00
        (TUESDAY, "15:00", "14:00", "Réunion", "end_time"),
        (TUESDAY, "14:00", "15:00", "   ", "purpose"),
        (MONDAY + dt.timedelta(days=500), "14:00", "15:00", "Réunion", "booked_on"),
    ],
)
def test_bad_requests_are_explained_and_nothing_is_saved(world, frozen, b12, on, start, end, purpose, field):
    with pytest.raises(ValidationFailed) as caught:
        book(world.teacher_maths, b12, on=on, start=start, end=end, purpose=purpose)
    assert field in caught.value.details
    assert not Booking.objects.exists()


def test_a_resource_out_of_service_or_not_bookable_is_refused(world, frozen, b12):
    b12.is_active = False
    b12.save(update_fields=["is_active"])
    with pytest.raises(ResourceNotBookable):
        book(world.teacher_maths, b12)
    lab = tt.room(world.lycee, "Labo", bookable=False)
    with pytest.raises(ResourceNotBookable):
        book(world.teacher_maths, lab)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("name", ["alice", "alice_mother", "outsider"])
def test_students_guardians_and_outsiders_cannot_book(world, frozen, b12, name):
    with pytest.raises(PermissionDenied):
        book(getattr(world, name), b12)
    assert not Booking.objects.exists()


# --- approval -----------------------------------------------------------------------------------
def test_the_approval_flow(people, frozen, b12, django_capture_on_commit_callbacks):
    b12.needs_approval = True
    b12.save(update_fields=["needs_approval"])
    with django_capture_on_commit_callbacks(execute=True):
        request = book(people.teacher_french, b12, purpose="Conseil pédagogique")
    assert request.status == Booking.Status.PENDING
    told = Notification.objects.filter(kind="timetable.booking_requested")
    assert {n.recipient for n in told} == {people.head, people.cpe}  # not the secretary, not the requester
    assert "Mme Français demande B12" in told[0].body
    with pytest.raises(BookingConflict, match="en attente de validation"):
        book(people.teacher_maths, b12, start="15:00", end="15:30")  # a pending request holds the slot
    with pytest.raises(PermissionDenied):
        services.decide(actor=people.teacher_maths, booking=request, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.decide(actor=people.cpe, booking=request, approve=True, note="Clés à la loge")
    assert (decided.status, decided.decided_by, decided.decision_note) == (
        Booking.Status.APPROVED,
        people.cpe,
        "Clés à la loge",
    )
    answer = Notification.objects.get(kind="timetable.booking_decided")
    assert answer.recipient == people.teacher_french
    assert answer.title == "Réservation validée : B12"
    assert "Clés à la loge" in answer.body and answer.url == "/reservations/mes-reservations/"
    assert AuditEvent.objects.get(action="timetable.booking_approved").changes["status"] == [
        "pending",
        "approved",
    ]
    with pytest.raises(BookingNotPending):
        services.decide(actor=people.head, booking=request, approve=False)


def test_a_refusal_frees_the_slot_and_tells_the_requester(
    people, frozen, b12, django_capture_on_commit_callbacks
):
    TimetableSettings.objects.create(establishment=people.lycee, bookings_need_approval=True)
    request = book(people.teacher_maths, b12)
    assert request.status == Booking.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            actor=people.head, booking=request, approve=False, note="Salle prise pour les examens"
        )
    request.refresh_from_db()
    assert request.status == Booking.Status.REFUSED
    answer = Notification.objects.get(kind="timetable.booking_decided", recipient=people.teacher_maths)
    assert answer.title == "Réservation refusée : B12" and "examens" in answer.body
    assert book(people.teacher_french, b12).status == Booking.Status.PENDING


def test_staff_who_decide_are_not_asked_to_approve_their_own_booking(world, frozen, b12):
    b12.needs_approval = True
    b12.save(update_fields=["needs_approval"])
    assert book(world.cpe, b12).status == Booking.Status.APPROVED
    assert book(world.secretary, b12, start="16:00", end="17:00").status == Booking.Status.PENDING


def test_approving_rechecks_the_timetable(world, frozen, maths_a, b12):
    b12.needs_approval = True
    b12.save(update_fields=["needs_approval"])
    request = book(world.teacher_french, b12)
    tt.session(maths_a, TUESDAY, start="15:00", end="16:00", room=b12)  # an extra lesson put there since
    with pytest.raises(BookingConflict, match="Cours de Mathématiques"):
        services.decide(actor=world.head, booking=request, approve=True)
    request.refresh_from_db()
    assert request.status == Booking.Status.PENDING


# --- cancelling ---------------------------------------------------------------------------------
def test_cancelling_ones_own_booking_frees_the_slot(world, frozen, b12, django_capture_on_commit_callbacks):
    mine = book(world.teacher_maths, b12)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel(actor=world.teacher_maths, booking=mine)
    assert cancelled.status == Booking.Status.CANCELLED and cancelled.decided_by is None
    assert not Notification.objects.filter(kind="timetable.booking_decided").exists()
    assert AuditEvent.objects.get(action="timetable.booking_cancelled").changes["status"] == [
        "approved",
        "cancelled",
    ]
    with pytest.raises(BookingNotActive):
        services.cancel(actor=world.teacher_maths, booking=mine)
    assert book(world.teacher_french, b12).status == Booking.Status.APPROVED


def test_a_colleague_cannot_cancel_but_the_staff_can_and_the_booker_is_told(
    people, frozen, b12, django_capture_on_commit_callbacks
):
    theirs = book(people.teacher_maths, b12)
    with pytest.raises(PermissionDenied):
        services.cancel(actor=people.teacher_french, booking=theirs)
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(actor=people.head, booking=theirs, note="Salle réquisitionnée")
    theirs.refresh_from_db()
    assert (theirs.status, theirs.decided_by, theirs.decision_note) == (
        Booking.Status.CANCELLED,
        people.head,
        "Salle réquisitionnée",
    )
    answer = Notification.objects.get(kind="timetable.booking_decided", recipient=people.teacher_maths)
    assert answer.title == "Réservation annulée : B12" and "par Mme Proviseur" in answer.body


def test_the_staff_of_another_establishment_cannot_decide_nor_cancel(world, frozen, b12, outsider_head):
    request = booking(b12, world.teacher_maths, TUESDAY, "14:00", "15:00", status=Booking.Status.PENDING)
    with pytest.raises(PermissionDenied):
        services.decide(actor=outsider_head, booking=request, approve=True)
    with pytest.raises(PermissionDenied):
        services.cancel(actor=outsider_head, booking=request)
    request.refresh_from_db()
    assert request.status == Booking.Status.PENDING


# --- two people at once -------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_once_do_not_both_succeed(world, frozen, b12, monkeypatch):
    checked = threading.Event()
    original = conflicts.find_conflicts
    calls = []

    def slow_check(*args, **kwargs):
        found = original(*args, **kwargs)
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            checked.set()  # the first booker has checked under its lock: let the second one start
            time.sleep(0.5)  # …and take its time before writing
        return found

    monkeypatch.setattr(conflicts, "find_conflicts", slow_check)
    outcomes: dict[str, object] = {}

    def attempt(person):
        try:
            outcomes[person.username] = book(person, b12, purpose=f"Cours de {person.first_name}")
        except BookingConflict as error:
            outcomes[person.username] = error
        finally:
            connection.close()

    first = threading.Thread(target=attempt, args=(world.teacher_maths,), name="first")
    second = threading.Thread(target=attempt, args=(world.teacher_french,), name="second")
    first.start()
    assert checked.wait(10)
    second.start()
    first.join(20)
    second.join(20)
    assert isinstance(outcomes["marc.maths"], Booking)
    assert isinstance(outcomes["fanny.francais"], BookingConflict)
    assert "Réservé par Marc Maths" in str(outcomes["fanny.francais"].message)
    assert Booking.objects.count() == 1


# --- resources ----------------------------------------------------------------------------------
def test_managing_resources(world):
    room = resources.create_resource(
        actor=world.cpe, establishment=world.lycee, name=" Salle  B 12 ", capacity=30
    )
    assert (room.name, room.kind, room.capacity, room.is_active) == ("Salle B 12", "room", 30, True)
    assert AuditEvent.objects.get(action="timetable.resource_created").changes["name"] == [None, "Salle B 12"]
    with pytest.raises(ValidationFailed) as caught:
        resources.create_resource(actor=world.head, establishment=world.lycee, name="salle b12")
    assert caught.value.details == {"name": "Une salle porte déjà ce nom."}
    projector = resources.create_resource(
        actor=world.head, establishment=world.lycee, name="Salle B12", kind=Resource.Kind.EQUIPMENT
    )  # another kind: allowed
    assert resources.create_resource(
        actor=world.head, establishment=world.lycee, name="CDI", capacity=None
    ).pk
    with pytest.raises(ValidationFailed):
        resources.update_resource(actor=world.head, resource=projector, kind=Resource.Kind.ROOM)
    updated, changes = resources.update_resource(
        actor=world.head, resource=room, is_active=False, needs_approval=True
    )
    assert changes == {"is_active": (True, False), "needs_approval": (False, True)}
    event = AuditEvent.objects.get(action="timetable.resource_updated")
    assert event.changes == {"is_active": [True, False], "needs_approval": [False, True]}
    assert resources.update_resource(actor=world.head, resource=room, is_active=False) == (updated, {})
    with pytest.raises(ValidationFailed) as caught:
        resources.update_resource(actor=world.head, resource=room, capacity=0)
    assert "capacity" in caught.value.details


@pytest.mark.parametrize("name", ["teacher_maths", "secretary", "alice", "outsider"])
def test_only_the_staff_who_manage_change_resources(world, b12, name):
    person = getattr(world, name)
    with pytest.raises(PermissionDenied):
        resources.create_resource(actor=person, establishment=world.lycee, name="Salle 2")
    with pytest.raises(PermissionDenied):
        resources.update_resource(actor=person, resource=b12, name="Autre")
    with pytest.raises(PermissionDenied):
        resources.set_bookings_need_approval(actor=person, establishment=world.lycee, value=True)
    b12.refresh_from_db()
    assert b12.name == "B12" and Resource.objects.count() == 1


def test_the_establishments_rule(world):
    settings = resources.set_bookings_need_approval(actor=world.head, establishment=world.lycee, value=True)
    assert settings.bookings_need_approval
    assert AuditEvent.objects.get(action="timetable.booking_rule_changed").changes == {
        "bookings_need_approval": [False, True]
    }
