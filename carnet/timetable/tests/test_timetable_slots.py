"""Slots: clashes refused with a message naming what occupies the time (teacher, class or group
sharing students, room; weeks A and B never meet), bad values refused, the staff page per class
(allowed, refused, outsider), and the sessions that follow a slot."""

import datetime as dt

import pytest
import time_machine

from carnet.audit.models import AuditEvent
from carnet.core.errors import PermissionDenied, ValidationFailed
from carnet.school.models import TeachingAssignment, TeachingGroup
from carnet.testing import timetable as tt
from carnet.testing.factories import give_function
from carnet.timetable import services
from carnet.timetable.errors import TimetableClash
from carnet.timetable.models import Session, SessionChange, Slot
from carnet.timetable.tests.timetable_helpers import MONDAY, at, french_b, maths_a, maths_b

pytestmark = pytest.mark.django_db
T = dt.time


def _create(world, assignment, **values):
    defaults = {"weekday": 0, "start_time": T(8), "end_time": T(9)}
    return services.create_slot(actor=world.head, assignment=assignment, **{**defaults, **values})


def _clash(world, assignment, **values) -> TimetableClash:
    with pytest.raises(TimetableClash) as caught:
        _create(world, assignment, **values)
    return caught.value


def test_teacher_clash_names_the_other_lesson(world):
    _create(world, maths_a(world))
    clash = _clash(world, maths_b(world), start_time=T(8, 30), end_time=T(9, 30))
    assert clash.code == "timetable_clash" and clash.status == 409
    assert str(clash.message) == "MATHS Marc a déjà cours le lundi de 08:00 à 09:00 (Mathématiques, 2nde A)."
    assert [c["what"] for c in clash.details] == ["teacher"]
    assert Slot.objects.count() == 1


def test_class_clash(world):
    _create(world, maths_b(world))
    clash = _clash(world, french_b(world))
    assert clash.details == [
        {
            "what": "class",
            "message": "La classe 2nde B a déjà cours le lundi de 08:00 à 09:00 "
            "(Mathématiques avec MATHS Marc).",
        }
    ]


def test_room_clash(world):
    b12 = tt.room(world.lycee, "B12")
    _create(world, maths_a(world), room=b12)
    clash = _clash(world, french_b(world), room=b12, start_time=T(8, 55), end_time=T(10))
    assert [c["what"] for c in clash.details] == ["room"]
    assert (
        clash.details[0]["message"]
        == "La salle B12 est déjà occupée le lundi de 08:00 à 09:00 (Mathématiques, 2nde A avec MATHS Marc)."
    )


def test_back_to_back_is_not_a_clash(world):
    b12 = tt.room(world.lycee, "B12")
    _create(world, maths_a(world), room=b12)
    _create(world, maths_b(world), room=b12, start_time=T(9), end_time=T(10))
    assert Slot.objects.count() == 2


def test_week_a_and_week_b_do_not_clash_but_every_week_clashes_with_both(world):
    b12 = tt.room(world.lycee, "B12")
    _create(world, maths_a(world), room=b12, week_pattern="A")
    _create(world, maths_b(world), room=b12, week_pattern="B")  # same teacher, same room, other weeks
    clash = _clash(world, french_b(world), room=b12)  # every week: meets both
    assert {c["what"] for c in clash.details} == {"room", "class"}
    assert "(semaine A)" in " ".join(c["message"] for c in clash.details)
    clash = _clash(world, maths_b(world), week_pattern="A", start_time=T(8, 30), end_time=T(9, 30))
    assert [c["what"] for c in clash.details] == ["teacher"]  # the week-A maths of 2nde A, not the week-B one


def test_groups_clash_with_their_class_and_with_groups_sharing_students(world):
    group_1 = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="2B G1")
    group_1.classes.add(world.seconde_b)
    group_1.students.add(world.chloe)
    group_2 = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="2B G2")
    group_2.classes.add(world.seconde_b)
    lab_1 = TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_maths,
        group=group_1,
        subject=world.maths,
    )
    lab_2 = TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_french,
        group=group_2,
        subject=world.french,
    )
    group_2.students.add(world.alice)  # another student: the half-classes do not share anyone
    _create(world, lab_1)
    _create(world, lab_2)  # two half-groups at the same time: fine
    clash = _clash(world, french_b(world), start_time=T(8, 30), end_time=T(9, 30))
    assert "Le groupe 2B G1 a déjà cours" in clash.details[0]["message"]
    group_2.students.add(world.chloe)  # now they share Chloé
    slot_2 = Slot.objects.get(assignment=lab_2)
    with pytest.raises(TimetableClash):
        services.update_slot(
            actor=world.head,
            slot=slot_2,
            weekday=0,
            start_time=T(8, 15),
            end_time=T(9),
            room=None,
            week_pattern="every",
        )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"start_time": T(10), "end_time": T(9)},
            "end_time",
            "L'heure de fin (09:00) doit être après l'heure de début (10:00).",
        ),
        (
            {"start_time": T(10), "end_time": T(10)},
            "end_time",
            "L'heure de fin (10:00) doit être après l'heure de début (10:00).",
        ),
        (
            {"valid_from": dt.date(2026, 8, 1)},
            "valid_from",
            "La date de début doit se situer dans l'année scolaire 2026-2027, du 01/09/2026 au 04/07/2027.",
        ),
        (
            {"valid_until": dt.date(2027, 8, 1)},
            "valid_until",
            "La date de fin doit se situer dans l'année scolaire 2026-2027, du 01/09/2026 au 04/07/2027.",
        ),
        (
            {"valid_from": dt.date(2027, 1, 10), "valid_until": dt.date(2027, 1, 1)},
            "valid_until",
            "La date de fin doit être après la date de début.",
        ),
        (
            {"week_pattern": "C"},
            "week_pattern",
            "Choisissez toutes les semaines, la semaine A ou la semaine B.",
        ),
        ({"weekday": 9}, "weekday", "Choisissez un jour de la semaine."),
    ],
)
def test_bad_values_are_refused_in_french(world, values, field, message):
    with pytest.raises(ValidationFailed) as caught:
        _create(world, maths_a(world), **values)
    assert caught.value.details[field] == message
    assert not Slot.objects.exists()


def test_room_of_another_establishment_is_refused(world):
    elsewhere = tt.room(world.ceg, "B12")
    with pytest.raises(ValidationFailed) as caught:
        _create(world, maths_a(world), room=elsewhere)
    assert caught.value.details == {"room": "Cette salle n'existe pas dans l'établissement."}


def test_who_manages_slots(world):
    give_function(world.dossou_parent, world.lycee, "it_admin")
    for allowed in (world.head, world.cpe, world.dossou_parent):
        services.create_slot(
            actor=allowed, assignment=maths_a(world), weekday=allowed.pk % 5, start_time=T(8), end_time=T(9)
        )
    count = Slot.objects.count()
    for refused in (world.secretary, world.teacher_maths, world.alice, world.alice_mother, world.outsider):
        with pytest.raises(PermissionDenied):
            services.create_slot(
                actor=refused, assignment=maths_a(world), weekday=4, start_time=T(15), end_time=T(16)
            )
    assert Slot.objects.count() == count


@time_machine.travel(at(2026, 11, 30, 10), tick=False)
def test_create_update_delete_keep_sessions_in_step_and_are_audited(world):
    slot = _create(world, maths_a(world))
    sessions = Session.objects.filter(slot=slot)
    assert sessions.exists() and sessions.earliest("held_on").held_on == MONDAY  # from today, not the past
    event = AuditEvent.objects.get(action="timetable.slot_created")
    assert event.changes["weekday"] == [None, "Lundi"] and event.changes["start_time"] == [None, "08:00"]

    cancelled = Session.objects.get(slot=slot, original_on=dt.date(2026, 12, 7))
    services.cancel_session(actor=world.head, session=cancelled, expected_version=cancelled.version)
    services.update_slot(
        actor=world.head,
        slot=slot,
        weekday=0,
        start_time=T(10),
        end_time=T(11),
        room=None,
        week_pattern="every",
    )
    assert set(
        Session.objects.filter(slot=slot).exclude(pk=cancelled.pk).values_list("start_time", flat=True)
    ) == {T(10)}
    cancelled.refresh_from_db()
    assert cancelled.start_time == T(8) and cancelled.is_cancelled
    assert AuditEvent.objects.get(action="timetable.slot_updated").changes["start_time"] == ["08:00", "10:00"]

    removed = services.delete_slot(actor=world.head, slot=slot)
    assert removed > 0
    assert not Slot.objects.exists()
    assert list(Session.objects.values_list("pk", flat=True)) == [cancelled.pk]  # the changed one stays
    assert SessionChange.objects.filter(session=cancelled).exists()


# --- the page of a class's slots ----------------------------------------------------------------------
def _url(world):
    return f"/emploi-du-temps/classe/{world.seconde_a.public_id}/creneaux/"


def _form(world, **values):
    return {
        "assignment": maths_a(world).pk,
        "weekday": 0,
        "start_time": "08:00",
        "end_time": "09:00",
        "room": "",
        "week_pattern": "every",
        "valid_from": "",
        "valid_until": "",
        **values,
    }


@time_machine.travel(at(2026, 11, 30, 10), tick=False)
def test_class_slots_page_trio(world, login, django_assert_max_num_queries):
    client = login(world.cpe)
    response = client.post(_url(world), _form(world))
    assert response.status_code == 302
    assert Slot.objects.count() == 1
    for weekday in range(1, 5):
        tt.slot(maths_a(world), weekday=weekday)
    with django_assert_max_num_queries(20):
        page = client.get(_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Créneaux de la 2nde A" in html and "MATHS Marc" in html and "<caption" in html
    # a clash is shown on the form, nothing saved
    response = client.post(_url(world), _form(world, start_time="08:30", end_time="09:30"))
    assert response.status_code == 409
    assert "MATHS Marc a déjà cours le lundi de 08:00 à 09:00" in response.content.decode()
    response = client.post(_url(world), _form(world, weekday=4, start_time="11:00", end_time="10:00"))
    assert response.status_code == 422
    assert "doit être après l&#x27;heure de début" in response.content.decode()
    assert Slot.objects.count() == 5

    # refused: seen but not managed (the secretary reads timetables), or not seen at all (a teacher)
    assert (
        login(world.secretary)
        .post(_url(world), _form(world, weekday=4, start_time="15:00", end_time="16:00"))
        .status_code
        == 403
    )
    assert login(world.teacher_maths).get(_url(world)).status_code == 403
    assert login(world.alice).get(_url(world)).status_code == 404
    assert login(world.outsider).get(_url(world)).status_code == 404
    assert Slot.objects.count() == 5


@time_machine.travel(at(2026, 11, 30, 10), tick=False)
def test_slot_edit_and_delete_pages(world, login):
    slot = tt.slot(maths_a(world))
    edit = f"/emploi-du-temps/creneau/{slot.public_id}/"
    delete = f"/emploi-du-temps/creneau/{slot.public_id}/supprimer/"
    assert login(world.outsider).get(edit).status_code == 404
    assert login(world.chloe).get(edit).status_code == 404  # not her class
    assert login(world.alice).get(edit).status_code == 403  # her class's slot: she sees it, may not change it
    assert (
        login(world.secretary).post(edit, _form(world, start_time="10:00", end_time="11:00")).status_code
        == 403
    )
    assert login(world.secretary).post(delete).status_code == 403
    slot.refresh_from_db()
    assert slot.start_time == T(8)

    client = login(world.head)
    assert client.get(edit).status_code == 200
    response = client.post(edit, _form(world, start_time="10:00", end_time="11:00"))
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.start_time == T(10)
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Slot.objects.exists()
