"""`find_conflicts`: what occupies a resource on a date and times, by the timetable (weekly slots,
week A/B, validity, the day's sessions: cancelled, moved, room changed, extra), the other
bookings and the school calendar; and its constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.school.models import CalendarEvent
from carnet.testing import timetable as tt
from carnet.timetable.booking.conflicts import find_conflicts
from carnet.timetable.booking.occupancy import occupancy
from carnet.timetable.models import Booking, Session, TimetableSettings
from carnet.timetable.tests import booking_helpers
from carnet.timetable.tests.booking_helpers import (
    CHRISTMAS_MONDAY,
    MONDAY,
    NEXT_MONDAY,
    TUESDAY,
    booking,
    christmas,
    t,
)

pytestmark = pytest.mark.django_db

# The fixtures this module uses, from the booking helpers.
b12 = booking_helpers.b12
french_b = booking_helpers.french_b
lesson = booking_helpers.lesson
maths_a = booking_helpers.maths_a
people = booking_helpers.people


def kinds(found):
    return [c.kind for c in found]


def test_a_weekly_slot_occupies_its_room_every_week(people, lesson, b12):
    found = find_conflicts(b12, MONDAY, t("10:30"), t("11:30"))
    assert kinds(found) == ["slot"]
    assert found[0].description == "Cours de Mathématiques — 2nde A, M. Maths, 10:00–11:00"
    assert found[0].as_dict()["field"] == "start_time"
    assert kinds(find_conflicts(b12, NEXT_MONDAY, t("09:00"), t("12:00"))) == ["slot"]


def test_touching_times_other_days_and_other_rooms_are_free(world, lesson, b12):
    assert find_conflicts(b12, MONDAY, t("11:00"), t("12:00")) == []
    assert find_conflicts(b12, MONDAY, t("08:00"), t("10:00")) == []
    assert find_conflicts(b12, TUESDAY, t("10:00"), t("11:00")) == []
    assert find_conflicts(tt.room(world.lycee, "C1"), MONDAY, t("10:00"), t("11:00")) == []


def test_a_week_b_slot_leaves_a_week_a_day_free(world, maths_a, b12):
    tt.slot(maths_a, weekday=0, start="14:00", end="16:00", room=b12, week_pattern="B")
    assert not TimetableSettings.objects.filter(establishment=world.lycee).exists()
    assert find_conflicts(b12, MONDAY, t("14:00"), t("15:00")) == []  # week 49: A
    assert TimetableSettings.objects.filter(establishment=world.lycee).exists()  # created with its defaults
    assert kinds(find_conflicts(b12, NEXT_MONDAY, t("14:00"), t("15:00"))) == ["slot"]  # week 50: B


def test_week_a_follows_the_establishments_parity(world, maths_a, b12):
    TimetableSettings.objects.create(establishment=world.lycee, week_a_parity="even")
    tt.slot(maths_a, weekday=0, start="14:00", end="16:00", room=b12, week_pattern="A")
    assert find_conflicts(b12, MONDAY, t("14:00"), t("15:00")) == []
    assert kinds(find_conflicts(b12, NEXT_MONDAY, t("14:00"), t("15:00"))) == ["slot"]


def test_a_slot_counts_only_inside_its_validity(lesson, b12):
    lesson.valid_from = dt.date(2026, 12, 1)
    lesson.save(update_fields=["valid_from"])
    assert find_conflicts(b12, MONDAY, t("10:00"), t("11:00")) == []
    assert kinds(find_conflicts(b12, NEXT_MONDAY, t("10:00"), t("11:00"))) == ["slot"]
    lesson.valid_until = dt.date(2026, 12, 6)
    lesson.save(update_fields=["valid_until"])
    assert find_conflicts(b12, NEXT_MONDAY, t("10:00"), t("11:00")) == []


def test_a_cancelled_session_frees_the_room(maths_a, lesson, b12):
    tt.session(
        maths_a, MONDAY, start="10:00", end="11:00", room=b12, slot=lesson, status=Session.Status.CANCELLED
    )
    assert find_conflicts(b12, MONDAY, t("10:00"), t("11:00")) == []
    assert kinds(find_conflicts(b12, NEXT_MONDAY, t("10:00"), t("11:00"))) == ["slot"]


def test_a_moved_session_occupies_its_new_time_and_frees_the_old_one(people, maths_a, lesson, b12):
    moved = tt.session(maths_a, MONDAY, start="14:00", end="15:00", room=b12, slot=lesson)
    moved.held_on = TUESDAY
    moved.save(update_fields=["held_on"])
    assert find_conflicts(b12, MONDAY, t("10:00"), t("11:00")) == []
    found = find_conflicts(b12, TUESDAY, t("14:30"), t("16:00"))
    assert kinds(found) == ["session"]
    assert found[0].description == "Cours de Mathématiques — 2nde A, M. Maths, 14:00–15:00"


def test_a_room_change_moves_the_occupation_to_the_other_room(world, maths_a, lesson, b12):
    c1 = tt.room(world.lycee, "C1")
    tt.session(maths_a, MONDAY, start="10:00", end="11:00", room=c1, slot=lesson)
    assert find_conflicts(b12, MONDAY, t("10:00"), t("11:00")) == []
    assert kinds(find_conflicts(c1, MONDAY, t("10:00"), t("11:00"))) == ["session"]


def test_a_generated_session_in_place_is_one_conflict_not_two(maths_a, lesson, b12):
    tt.session(maths_a, MONDAY, start="10:00", end="11:00", room=b12, slot=lesson)
    assert kinds(find_conflicts(b12, MONDAY, t("10:00"), t("11:00"))) == ["session"]


def test_an_extra_session_occupies_the_room(people, french_b, b12):
    tt.session(french_b, TUESDAY, start="16:00", end="17:00", room=b12)
    found = find_conflicts(b12, TUESDAY, t("15:00"), t("16:30"))
    assert [c.description for c in found] == ["Cours de Français — 2nde B, Mme Français, 16:00–17:00"]


def test_other_bookings_that_hold_the_resource(people, b12):
    held = booking(b12, people.cpe, MONDAY, "14:00", "16:00", purpose="réunion parents")
    booking(b12, people.head, MONDAY, "16:00", "17:00", status=Booking.Status.PENDING, purpose="Conseil")
    booking(b12, people.head, MONDAY, "08:00", "09:00", status=Booking.Status.CANCELLED)
    booking(b12, people.head, MONDAY, "09:00", "10:00", status=Booking.Status.REFUSED)
    found = find_conflicts(b12, MONDAY, t("08:00"), t("18:00"))
    assert [c.description for c in found] == [
        "Réservé par Mme Vie-Scolaire : réunion parents, 14:00–16:00",
        "Demandé par Mme Proviseur (en attente de validation) : Conseil, 16:00–17:00",
    ]
    assert kinds(find_conflicts(b12, MONDAY, t("14:00"), t("16:00"), exclude_booking=held)) == []


def test_holidays_and_closed_days_refuse_the_whole_day_but_not_exceptional_days(world, lesson, b12):
    christmas(world)
    found = find_conflicts(b12, CHRISTMAS_MONDAY, t("14:00"), t("15:00"))
    assert kinds(found) == ["closed"]
    assert "Vacances de Noël" in found[0].description
    assert found[0].as_dict()["field"] == "booked_on"
    CalendarEvent.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        kind="closed",
        name="Pont",
        starts_on=TUESDAY,
        ends_on=TUESDAY,
    )
    assert "Pont" in find_conflicts(b12, TUESDAY, t("14:00"), t("15:00"))[0].description
    CalendarEvent.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        kind="exceptional",
        name="Journée portes ouvertes",
        starts_on=NEXT_MONDAY,
        ends_on=NEXT_MONDAY,
    )
    assert kinds(find_conflicts(b12, NEXT_MONDAY, t("14:00"), t("15:00"))) == []


def test_another_establishments_calendar_does_not_close_this_one(world, b12):
    CalendarEvent.objects.create(
        establishment=world.ceg,
        school_year=world.ceg_year,
        kind="holiday",
        name="Fête",
        starts_on=MONDAY,
        ends_on=MONDAY,
    )
    assert find_conflicts(b12, MONDAY, t("14:00"), t("15:00")) == []


def test_a_day_outside_the_school_year_and_times_backwards(b12):
    assert kinds(find_conflicts(b12, dt.date(2027, 7, 14), t("10:00"), t("11:00"))) == ["outside_year"]
    assert kinds(find_conflicts(b12, MONDAY, t("11:00"), t("10:00"))) == ["invalid_times"]
    assert kinds(find_conflicts(b12, MONDAY, t("11:00"), t("11:00"))) == ["invalid_times"]


def test_conflicts_come_in_time_order(people, maths_a, lesson, b12):
    booking(b12, people.cpe, MONDAY, "08:00", "09:00")
    tt.session(maths_a, MONDAY, start="12:00", end="13:00", room=b12)
    assert kinds(find_conflicts(b12, MONDAY, t("07:00"), t("18:00"))) == ["booking", "slot", "session"]


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_the_query_count_is_constant_whatever_the_size_of_the_timetable(
    world, maths_a, french_b, lesson, b12
):
    TimetableSettings.objects.create(establishment=world.lycee)
    tt.slot(french_b, weekday=0, start="14:00", end="15:00", room=b12, week_pattern="B")

    def check():
        return find_conflicts(b12, MONDAY, t("07:00"), t("19:00"))

    before = _count(check)
    for weekday in range(5):
        for hour in range(8, 18):
            tt.slot(
                maths_a,
                weekday=weekday,
                start=f"{hour:02d}:00",
                end=f"{hour:02d}:30",
                room=b12,
                week_pattern="A" if hour % 2 else "every",
            )
    for day in range(1, 28):
        on = MONDAY + dt.timedelta(days=day)
        tt.session(french_b, on, start="07:00", end="07:30", room=b12)
        booking(b12, world.cpe, on, "18:00", "18:30")
    tt.session(french_b, MONDAY, start="07:00", end="07:30", room=b12)
    for hour in range(8, 18):
        booking(b12, world.cpe, MONDAY, f"{hour:02d}:30", f"{hour + 1:02d}:00")
    found = []

    def check_again():
        found.extend(check())

    after = _count(check_again)
    assert len(found) > 20
    assert after == before <= 6


def test_occupancy_reads_a_week_in_a_constant_number_of_queries(people, maths_a, french_b, lesson, b12):
    TimetableSettings.objects.create(establishment=people.lycee)
    christmas(people)
    tt.slot(french_b, weekday=4, start="08:00", end="09:00", room=b12, week_pattern="B")
    first, last = MONDAY, MONDAY + dt.timedelta(days=27)
    before = _count(lambda: occupancy(b12, first, last))
    for weekday in range(4):
        tt.slot(french_b, weekday=weekday, start="15:00", end="16:00", room=b12, week_pattern="B")
    tt.session(maths_a, MONDAY, start="10:00", end="11:00", room=b12, slot=lesson, status="cancelled")
    for day in range(0, 14):
        booking(b12, people.cpe, MONDAY + dt.timedelta(days=day), "17:00", "18:00")
    days = []
    after = _count(lambda: days.extend(occupancy(b12, first, last)))
    assert after == before <= 7
    monday = days[0]
    assert [e.kind for e in monday.entries] == ["booking"]  # the lesson is cancelled; week A: no week-B slot
    assert (t("08:00"), t("17:00")) in monday.free
    assert [e.title for e in days[1].entries] == ["Réunion"]  # Tuesday, week A
    assert [e.title for e in days[8].entries] == ["Français — 2nde B", "Réunion"]  # Tuesday, week B
    assert [e.title for e in days[4].entries] == ["Réunion"]  # Friday, week A
    assert [(e.start, e.title) for e in days[11].entries] == [
        (t("08:00"), "Français — 2nde B"),
        (t("17:00"), "Réunion"),
    ]
    assert not days[21].is_open and days[21].free == [] and "Vacances de Noël" in days[21].closures[0]
