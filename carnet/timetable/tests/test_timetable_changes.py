"""Changes to sessions: cancel, restore, move, room, replacement, extra session. Each one is checked
(version, school year, closed days, clashes), recorded (SessionChange, audit, version) and told to
the people concerned after the commit — in the digest or held during quiet hours, except a same-day
change which passes quiet hours where the establishment allows urgent alerts."""

import datetime as dt

import pytest
import time_machine

from carnet.audit.models import AuditEvent
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.notifications import kinds
from carnet.notifications.models import Delivery, EstablishmentNotificationSettings, Notification
from carnet.school.models import CalendarEvent
from carnet.testing import timetable as tt
from carnet.timetable import notifying, services
from carnet.timetable.calendar import settings_for
from carnet.timetable.errors import SessionConflict, TimetableClash
from carnet.timetable.models import Booking, Session, SessionChange
from carnet.timetable.tests.timetable_helpers import (
    MONDAY,
    at,
    holiday,
    maths_a,
    maths_b,
    session_on,
    small_timetable,
)

pytestmark = pytest.mark.django_db
T = dt.time
S = Delivery.Status
#: Wednesday 25 November 2026, 10:00 in Paris: a working moment, the Monday after is next week.
WEDNESDAY = at(2026, 11, 25, 10)


@pytest.fixture
def timetable(world):
    with time_machine.travel(WEDNESDAY, tick=False):
        return small_timetable(world)


@pytest.fixture
def wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def _people(kind=None):
    rows = Notification.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return {n.recipient for n in rows}


def test_kinds_are_declared():
    calm, urgent = kinds.get(notifying.CHANGED), kinds.get(notifying.CHANGED_TODAY)
    assert (
        not calm.urgent
        and calm.default_mode("email") == "digest"
        and calm.default_mode("push") == "immediate"
    )
    assert urgent.urgent and urgent.default_mode("email") == "immediate"
    assert calm.summarize(2) == "2 changements d'emploi du temps"


def test_cancel_records_notifies_and_bumps_the_version(
    world, timetable, wednesday, django_capture_on_commit_callbacks
):
    session = session_on(timetable["maths_a"], MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.cancel_session(
            actor=world.head, session=session, expected_version=1, message="Professeur en formation"
        )
    assert changed.is_cancelled and changed.version == 2 and changed.note == "Professeur en formation"
    change = SessionChange.objects.get(session=session)
    assert (change.kind, change.actor, change.note) == ("cancelled", world.head, "Professeur en formation")
    event = AuditEvent.objects.get(action="timetable.session_cancelled")
    assert event.changes["status"] == ["scheduled", "cancelled"]
    assert event.object_repr == "Mathématiques — 2nde A — 30/11/2026 08:00–09:00"
    # the class's students, their guardians (Bruno's mother is the French teacher), the teacher; not the head
    assert _people() == {
        world.alice,
        world.bruno,
        world.alice_mother,
        world.teacher_french,
        world.teacher_maths,
    }
    notification = Notification.objects.get(recipient=world.alice)
    assert notification.kind == notifying.CHANGED
    assert notification.title == "Cours annulé : Mathématiques, lundi 30 novembre à 08:00"
    assert "Professeur en formation" in notification.body
    assert notification.url == f"/emploi-du-temps/seance/{session.public_id}/"
    assert notification.establishment == world.lycee


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, timetable, wednesday):
    session = session_on(timetable["maths_a"], MONDAY)
    services.move_session(
        actor=world.cpe, session=session, expected_version=1, held_on=MONDAY, start_time=T(11), end_time=T(12)
    )
    with pytest.raises(SessionConflict) as caught:
        services.cancel_session(actor=world.head, session=session, expected_version=1)
    assert caught.value.code == "session_conflict" and caught.value.status == 409
    assert caught.value.details["version"] == 2 and caught.value.details["by"] == "VIE-SCOLAIRE Claire"
    session.refresh_from_db()
    assert not session.is_cancelled and session.version == 2
    assert SessionChange.objects.filter(session=session).count() == 1


def test_move_is_checked_against_the_year_closed_days_and_clashes(world, timetable, wednesday):
    session = session_on(timetable["maths_a"], MONDAY)
    move = dict(actor=world.head, session=session, expected_version=1)
    with pytest.raises(ValidationFailed) as caught:
        services.move_session(**move, held_on=dt.date(2027, 7, 5), start_time=T(8), end_time=T(9))
    assert (
        caught.value.details["held_on"]
        == "Le 05/07/2027 est hors de l'année scolaire 2026-2027 (du 01/09/2026 au 04/07/2027)."
    )
    holiday(world, "Pont", dt.date(2026, 12, 4), dt.date(2026, 12, 4), kind=CalendarEvent.Kind.CLOSED)
    with pytest.raises(ValidationFailed) as caught:
        services.move_session(**move, held_on=dt.date(2026, 12, 4), start_time=T(8), end_time=T(9))
    assert caught.value.details["held_on"] == "Le 04/12/2026, l'établissement est fermé (Pont)."
    with pytest.raises(ValidationFailed) as caught:
        services.move_session(**move, held_on=MONDAY, start_time=T(9), end_time=T(8))
    assert "doit être après l'heure de début" in caught.value.details["end_time"]
    with pytest.raises(TimetableClash) as caught:  # Marc Maths teaches 2nde B at 09:00 in B12
        services.move_session(**move, held_on=MONDAY, start_time=T(9), end_time=T(10))
    assert {c["what"] for c in caught.value.details} == {"teacher", "room"}
    assert (
        caught.value.details[0]["message"]
        == "MATHS Marc a déjà cours le lundi 30 novembre de 09:00 à 10:00 (Mathématiques, 2nde B)."
    )
    session.refresh_from_db()
    assert (session.held_on, session.start_time, session.version) == (MONDAY, T(8), 1)

    moved = services.move_session(**move, held_on=dt.date(2026, 12, 1), start_time=T(15), end_time=T(16))
    assert (moved.held_on, moved.start_time, moved.original_on, moved.version) == (
        dt.date(2026, 12, 1),
        T(15),
        MONDAY,
        2,
    )
    change = SessionChange.objects.get(session=session)
    assert change.before["held_on"] == "2026-11-30" and change.after["start_time"] == "15:00"
    assert change.before["label"] == "lundi 30 novembre 08:00–09:00"


def test_restore_refuses_when_the_time_was_taken(world, timetable, wednesday):
    session = session_on(timetable["maths_a"], MONDAY)
    services.cancel_session(actor=world.head, session=session, expected_version=1)
    extra = services.add_extra_session(
        actor=world.head,
        assignment=maths_a(world),
        held_on=MONDAY,
        start_time=T(8),
        end_time=T(8, 45),
        room=timetable["b12"],
    )  # the cancelled session frees the time
    with pytest.raises(TimetableClash) as caught:
        services.restore_session(actor=world.head, session=session, expected_version=2)
    assert [c["what"] for c in caught.value.details] == ["teacher", "class", "room"]
    services.cancel_session(actor=world.head, session=extra, expected_version=extra.version)
    restored = services.restore_session(
        actor=world.head, session=session, expected_version=2, message="Finalement maintenu"
    )
    assert not restored.is_cancelled and restored.version == 3
    with pytest.raises(ValidationFailed):
        services.restore_session(actor=world.head, session=session, expected_version=3)


def test_room_change_checks_sessions_and_bookings(world, timetable, wednesday):
    session = session_on(timetable["maths_a"], MONDAY)
    with pytest.raises(TimetableClash) as caught:
        services.change_room(actor=world.head, session=session, expected_version=1, room=timetable["b14"])
    assert caught.value.details == [
        {
            "what": "room",
            "message": "La salle B14 est déjà occupée le lundi 30 novembre de 08:00 à 09:00 "
            "(Français, 2nde B avec FRANÇAIS Fanny).",
        }
    ]
    lab = tt.room(world.lycee, "Labo")
    Booking.objects.create(
        establishment=world.lycee,
        resource=lab,
        booked_by=world.teacher_french,
        booked_on=MONDAY,
        start_time=T(7, 30),
        end_time=T(8, 30),
        purpose="Préparation TP",
    )
    with pytest.raises(TimetableClash) as caught:
        services.change_room(actor=world.head, session=session, expected_version=1, room=lab)
    assert (
        caught.value.message
        == "La salle Labo est réservée le lundi 30 novembre de 07:30 à 08:30 par FRANÇAIS Fanny (Préparation TP)."
    )
    free = tt.room(world.lycee, "C01")
    changed = services.change_room(actor=world.head, session=session, expected_version=1, room=free)
    assert changed.room == free
    assert SessionChange.objects.get(session=session).before == {
        "room_id": timetable["b12"].pk,
        "room": "B12",
    }
    with pytest.raises(ValidationFailed):
        services.change_room(
            actor=world.head, session=session, expected_version=2, room=tt.room(world.ceg, "X")
        )


def test_replacement_teacher(world, timetable, wednesday, django_capture_on_commit_callbacks):
    session = session_on(timetable["maths_a"], MONDAY)
    with pytest.raises(TimetableClash) as caught:  # Fanny Français teaches 2nde B at 08:00
        services.replace_teacher(
            actor=world.head, session=session, expected_version=1, teacher=world.teacher_french
        )
    assert (
        caught.value.message
        == "FRANÇAIS Fanny a déjà cours le lundi 30 novembre de 08:00 à 09:00 (Français, 2nde B)."
    )
    with pytest.raises(ValidationFailed) as caught:
        services.replace_teacher(
            actor=world.head, session=session, expected_version=1, teacher=world.outsider
        )
    assert caught.value.message == "DEHORS Olivier n'enseigne pas dans l'établissement."
    later = session_on(timetable["maths_b"], MONDAY)  # 09:00, Fanny is free
    with django_capture_on_commit_callbacks(execute=True):
        replaced = services.replace_teacher(
            actor=world.head, session=later, expected_version=1, teacher=world.teacher_french
        )
    assert replaced.teacher == world.teacher_french and replaced.assignment.teacher == world.teacher_maths
    # the replacement teacher, the replaced one, 2nde B's student and her guardians
    assert _people() == {
        world.teacher_french,
        world.teacher_maths,
        world.chloe,
        world.alice_mother,
        world.chloe_father,
    }
    title = Notification.objects.get(recipient=world.chloe).title
    assert title == "Remplacement : Mathématiques, lundi 30 novembre à 09:00, avec FRANÇAIS Fanny"
    back = services.replace_teacher(actor=world.head, session=later, expected_version=2, teacher=None)
    assert back.teacher == world.teacher_maths


def test_extra_session(world, timetable, wednesday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        extra = services.add_extra_session(
            actor=world.cpe,
            assignment=maths_a(world),
            held_on=dt.date(2026, 12, 2),
            start_time=T(13),
            end_time=T(14),
            room=timetable["b12"],
            message="Soutien",
        )
    assert (
        extra.is_extra and extra.slot is None and extra.version == 1 and extra.teacher == world.teacher_maths
    )
    assert SessionChange.objects.get(session=extra).kind == "extra"
    assert _people() == {
        world.alice,
        world.bruno,
        world.alice_mother,
        world.teacher_french,
        world.teacher_maths,
    }
    with pytest.raises(TimetableClash):
        services.add_extra_session(
            actor=world.cpe,
            assignment=maths_b(world),
            held_on=dt.date(2026, 12, 2),
            start_time=T(13, 30),
            end_time=T(14, 30),
        )
    with pytest.raises(ValidationFailed):
        services.add_extra_session(
            actor=world.cpe,
            assignment=maths_b(world),
            held_on=dt.date(2026, 8, 31),
            start_time=T(13),
            end_time=T(14),
        )
    assert Session.objects.filter(is_extra=True).count() == 1


def test_only_timetable_managers_change_sessions(world, timetable, wednesday):
    session = session_on(timetable["maths_a"], MONDAY)
    for person in (world.secretary, world.teacher_maths, world.alice, world.alice_mother):
        with pytest.raises(PermissionDenied):
            services.cancel_session(actor=person, session=session, expected_version=1)
    from carnet.core.errors import NotFound

    with pytest.raises(NotFound):
        services.cancel_session(actor=world.outsider, session=session, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.add_extra_session(
            actor=world.teacher_maths,
            assignment=maths_a(world),
            held_on=MONDAY,
            start_time=T(17),
            end_time=T(18),
        )
    session.refresh_from_db()
    assert not session.is_cancelled and session.version == 1 and not SessionChange.objects.exists()


def test_no_notification_for_a_past_session(world, timetable, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(at(2026, 12, 2, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.cancel_session(
            actor=world.head, session=session_on(timetable["maths_a"], MONDAY), expected_version=1
        )
    assert not Notification.objects.exists()


# --- quiet hours -----------------------------------------------------------------------------------
def _email_status(person, kind):
    return Delivery.objects.get(recipient=person, channel="email", notification__kind=kind).status


def test_a_change_for_another_day_waits_during_quiet_hours(
    world, timetable, django_capture_on_commit_callbacks
):
    EstablishmentNotificationSettings.objects.create(
        establishment=world.lycee, allow_urgent_in_quiet_hours=True
    )
    with (
        time_machine.travel(at(2026, 11, 25, 22), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.cancel_session(
            actor=world.head, session=session_on(timetable["maths_a"], MONDAY), expected_version=1
        )
    assert {n.kind for n in Notification.objects.all()} == {notifying.CHANGED}
    # e-mail goes to the digest; push (immediate by default) is held by the quiet hours
    email = Delivery.objects.get(recipient=world.alice_mother, channel="email")
    assert email.in_digest
    push = Delivery.objects.filter(recipient=world.alice_mother, channel="push").first()
    assert push is None or push.status in (S.HELD_QUIET, S.SKIPPED_NO_ADDRESS)


def test_a_same_day_change_is_urgent_and_passes_quiet_hours_where_allowed(
    world, timetable, django_capture_on_commit_callbacks
):
    session = session_on(timetable["maths_a"], MONDAY)
    early = at(2026, 11, 30, 6, 30)  # Monday 06:30, quiet until 07:00; the lesson is at 08:00
    with time_machine.travel(early, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(actor=world.head, session=session, expected_version=1)
    assert {n.kind for n in Notification.objects.all()} == {notifying.CHANGED_TODAY}
    assert (
        _email_status(world.alice_mother, notifying.CHANGED_TODAY) == S.HELD_QUIET
    )  # the establishment does not allow it

    EstablishmentNotificationSettings.objects.create(
        establishment=world.lycee, allow_urgent_in_quiet_hours=True
    )
    Notification.objects.all().delete()
    with time_machine.travel(early, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.restore_session(actor=world.head, session=session, expected_version=2)
    assert _email_status(world.alice_mother, notifying.CHANGED_TODAY) == S.SENT

    # the timetable's own setting can keep same-day changes out of quiet hours
    settings = settings_for(world.lycee)
    settings.same_day_changes_in_quiet_hours = False
    settings.save(update_fields=["same_day_changes_in_quiet_hours"])
    Notification.objects.all().delete()
    with time_machine.travel(early, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(actor=world.head, session=session, expected_version=3)
    assert {n.kind for n in Notification.objects.all()} == {notifying.CHANGED}
    assert Delivery.objects.get(recipient=world.alice_mother, channel="email").in_digest


def test_moving_a_session_to_today_is_a_same_day_change(world, timetable, django_capture_on_commit_callbacks):
    session = session_on(timetable["maths_a"], dt.date(2026, 12, 7))
    with (
        time_machine.travel(at(2026, 11, 30, 12), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.move_session(
            actor=world.head,
            session=session,
            expected_version=1,
            held_on=MONDAY,
            start_time=T(16),
            end_time=T(17),
        )
    notification = Notification.objects.get(recipient=world.alice)
    assert notification.kind == notifying.CHANGED_TODAY
    assert notification.title == "Cours déplacé : Mathématiques, désormais lundi 30 novembre à 16:00"
    assert "Initialement : lundi 7 décembre 08:00–09:00." in notification.body


# --- the session page and its forms -----------------------------------------------------------------
def test_session_page_trio_and_forms(world, timetable, wednesday, login):
    session = session_on(timetable["maths_a"], MONDAY)
    url = f"/emploi-du-temps/seance/{session.public_id}/"
    for person in (world.alice, world.alice_mother, world.teacher_maths, world.secretary):
        response = login(person).get(url)
        assert response.status_code == 200
        assert "Annuler la séance" not in response.content.decode()
    for person in (world.chloe, world.chloe_father, world.outsider, world.dossou_parent):
        assert login(person).get(url).status_code == 404
    # refused: seen, not managed
    assert login(world.secretary).post(url + "annuler/", {"cancel-version": 1}).status_code == 403
    assert login(world.outsider).post(url + "annuler/", {"cancel-version": 1}).status_code == 404
    session.refresh_from_db()
    assert not session.is_cancelled

    client = login(world.cpe)
    page = client.get(url).content.decode()
    assert "Annuler la séance" in page and "Déplacer la séance" in page
    response = client.post(url + "annuler/", {"cancel-version": 1, "cancel-message": "Sortie scolaire"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled
    page = client.get(url).content.decode()
    assert "Annulée" in page and "Sortie scolaire" in page and "Rétablir" in page
    # stale version: 409 with the current state, nothing changed
    response = client.post(
        url + "deplacer/",
        {
            "move-version": 1,
            "move-held_on": "2026-12-01",
            "move-start_time": "10:00",
            "move-end_time": "11:00",
        },
    )
    assert response.status_code == 409
    assert "modifiée entre-temps" in response.content.decode()
    # a clash is shown on the form
    response = client.post(url + "salle/", {"room-version": 2, "room-room": timetable["b14"].pk})
    assert response.status_code == 302  # cancelled sessions occupy nothing: any room
    response = client.post(url + "retablir/", {"restore-version": 3})
    assert response.status_code == 409
    assert "La salle B14 est déjà occupée" in response.content.decode()


def test_extra_session_page(world, timetable, wednesday, login):
    url = f"/emploi-du-temps/classe/{world.seconde_a.public_id}/seance-supplementaire/"
    data = {
        "assignment": maths_a(world).pk,
        "held_on": "2026-12-02",
        "start_time": "13:00",
        "end_time": "14:00",
        "room": "",
        "message": "",
    }
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.secretary).post(url, data).status_code == 403
    assert login(world.teacher_maths).post(url, data).status_code == 403
    assert not Session.objects.filter(is_extra=True).exists()
    client = login(world.head)
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302
    assert Session.objects.filter(is_extra=True).count() == 1
    response = client.post(url, data)
    assert response.status_code == 409
