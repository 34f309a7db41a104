"""From slots to dated sessions: school days only, week patterns, validity dates, idempotence,
regeneration that respects what people changed, and a constant number of queries."""

import datetime as dt

import pytest
from django.apps import apps

from carnet.school.models import CalendarEvent
from carnet.testing import timetable as tt
from carnet.timetable.calendar import generate_sessions, settings_for, touched_session_ids
from carnet.timetable.models import Session, SessionChange, TimetableSettings
from carnet.timetable.tests.timetable_helpers import MONDAY, holiday, maths_a, maths_b, small_timetable

pytestmark = pytest.mark.django_db


def _days(slot):
    return list(Session.objects.filter(slot=slot).order_by("held_on").values_list("held_on", flat=True))


def test_one_session_per_weekday_of_the_year(world):
    slot = tt.slot(maths_a(world), weekday=0, start="08:00", end="09:00")
    result = generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    days = _days(slot)
    assert result.created == len(days)
    assert days[0] == dt.date(2026, 9, 7)  # the first Monday on or after 1 September 2026 (a Tuesday)
    assert days[-1] == dt.date(2027, 6, 28)  # the last Monday before 4 July 2027
    assert all(day.weekday() == 0 for day in days)
    assert len(days) == 43
    session = Session.objects.get(slot=slot, original_on=MONDAY)
    assert (session.held_on, session.start_time, session.end_time) == (MONDAY, dt.time(8), dt.time(9))
    assert session.teacher == world.teacher_maths and session.assignment == maths_a(world)
    assert session.establishment == world.lycee and session.school_year == world.year
    assert not session.is_extra and session.status == Session.Status.SCHEDULED


def test_holidays_and_closed_days_have_no_sessions_but_exceptional_days_do(world):
    slot = tt.slot(maths_a(world), weekday=0)
    holiday(world, "Vacances de Noël", dt.date(2026, 12, 19), dt.date(2027, 1, 3))
    holiday(world, "Pont", dt.date(2026, 11, 30), dt.date(2026, 11, 30), kind=CalendarEvent.Kind.CLOSED)
    holiday(
        world,
        "Journée portes ouvertes",
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 7),
        kind=CalendarEvent.Kind.EXCEPTIONAL,
    )
    generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    days = set(_days(slot))
    assert dt.date(2026, 12, 21) not in days and dt.date(2026, 12, 28) not in days  # Christmas holidays
    assert MONDAY not in days  # closed day
    assert dt.date(2026, 12, 7) in days  # an exceptional day is a school day
    assert dt.date(2027, 1, 4) in days


def test_week_a_and_week_b(world):
    every = tt.slot(maths_a(world), weekday=1, start="10:00", end="11:00")
    week_a = tt.slot(maths_a(world), weekday=2, start="10:00", end="11:00", week_pattern="A")
    week_b = tt.slot(maths_b(world), weekday=2, start="10:00", end="11:00", week_pattern="B")
    generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    settings = TimetableSettings.objects.get(establishment=world.lycee)  # created lazily, with the defaults
    assert settings.week_a_parity == "odd"
    a_days, b_days = _days(week_a), _days(week_b)
    assert a_days and b_days
    assert all(day.isocalendar().week % 2 == 1 for day in a_days)
    assert all(day.isocalendar().week % 2 == 0 for day in b_days)
    assert not set(a_days) & set(b_days)
    assert len(_days(every)) == len(a_days) + len(b_days)
    assert dt.date(2026, 12, 2) in a_days  # ISO week 49
    assert dt.date(2026, 12, 9) in b_days  # ISO week 50


def test_even_weeks_can_be_week_a(world):
    settings = settings_for(world.lycee)
    settings.week_a_parity = "even"
    settings.save(update_fields=["week_a_parity"])
    week_a = tt.slot(maths_a(world), weekday=2, week_pattern="A")
    generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    assert all(day.isocalendar().week % 2 == 0 for day in _days(week_a))


def test_validity_dates_and_date_range(world):
    slot = tt.slot(maths_a(world), weekday=0)
    slot.valid_from, slot.valid_until = dt.date(2026, 11, 1), dt.date(2026, 12, 15)
    slot.save(update_fields=["valid_from", "valid_until"])
    generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    assert _days(slot) == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
        MONDAY,
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 14),
    ]
    other = tt.slot(maths_b(world), weekday=4)
    generate_sessions(
        establishment=world.lycee,
        school_year=world.year,
        start=dt.date(2027, 6, 20),
        end=dt.date(2027, 12, 31),
        slots=[other],
        today=world.year.starts_on,
    )
    assert _days(other) == [dt.date(2027, 6, 25), dt.date(2027, 7, 2)]  # clipped to the year's end (4 July)


def test_idempotent(world):
    small_timetable(world)
    count = Session.objects.count()
    again = generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged == count == Session.objects.count()


def test_regeneration_follows_the_slot_for_untouched_future_sessions_only(world):
    timetable = small_timetable(world)
    slot, b14 = timetable["maths_a"], timetable["b14"]
    today = MONDAY
    past = Session.objects.get(slot=slot, original_on=dt.date(2026, 11, 23))
    changed = Session.objects.get(slot=slot, original_on=dt.date(2026, 12, 7))
    changed.status = Session.Status.CANCELLED
    changed.save(update_fields=["status"])
    SessionChange.objects.create(establishment=world.lycee, session=changed, kind="cancelled")
    untouched = Session.objects.get(slot=slot, original_on=dt.date(2026, 12, 14))
    version = untouched.version

    slot.start_time, slot.end_time, slot.room = dt.time(10), dt.time(11), b14
    slot.save(update_fields=["start_time", "end_time", "room"])
    result = generate_sessions(
        establishment=world.lycee, school_year=world.year, start=today, slots=[slot], today=today
    )
    assert result.updated > 0 and result.created == 0 and result.deleted == 0

    untouched.refresh_from_db()
    assert (untouched.start_time, untouched.end_time, untouched.room) == (dt.time(10), dt.time(11), b14)
    assert untouched.version == version + 1
    changed.refresh_from_db()
    assert (
        changed.start_time == dt.time(8) and changed.status == Session.Status.CANCELLED
    )  # a person's change stays
    past.refresh_from_db()
    assert past.start_time == dt.time(8)  # history is not rewritten
    # whole-year regeneration from today leaves the past alone too
    again = generate_sessions(establishment=world.lycee, school_year=world.year, slots=[slot], today=today)
    past.refresh_from_db()
    assert past.start_time == dt.time(8) and again.kept >= 1


def test_regeneration_removes_untouched_sessions_that_no_longer_fit(world):
    timetable = small_timetable(world)
    slot = timetable["maths_a"]
    changed = Session.objects.get(slot=slot, original_on=dt.date(2026, 12, 7))
    SessionChange.objects.create(establishment=world.lycee, session=changed, kind="room")
    slot.weekday = 1  # Monday -> Tuesday
    slot.save(update_fields=["weekday"])
    result = generate_sessions(
        establishment=world.lycee, school_year=world.year, start=MONDAY, slots=[slot], today=MONDAY
    )
    assert result.deleted > 0 and result.created > 0 and result.kept == 1
    future = Session.objects.filter(slot=slot, held_on__gte=MONDAY)
    assert set(future.values_list("held_on", flat=True)) - {dt.date(2026, 12, 7)} == {
        d for d in future.values_list("held_on", flat=True) if d.weekday() == 1
    }
    assert Session.objects.filter(pk=changed.pk).exists()
    assert Session.objects.filter(
        slot=slot, held_on__lt=MONDAY, held_on__week_day=2
    ).exists()  # past Mondays kept

    holiday(world, "Grève", dt.date(2026, 12, 1), dt.date(2026, 12, 1), kind=CalendarEvent.Kind.CLOSED)
    generate_sessions(establishment=world.lycee, school_year=world.year, start=MONDAY, today=MONDAY)
    assert not Session.objects.filter(held_on=dt.date(2026, 12, 1)).exists()


def test_touched_sessions_include_rows_of_other_apps(world):
    timetable = small_timetable(world)
    session = Session.objects.get(slot=timetable["maths_a"], original_on=MONDAY)
    other = Session.objects.get(slot=timetable["maths_b"], original_on=MONDAY)
    # a register (attendance, an app above this one: reached through the app registry)
    register_model = apps.get_model("attendance", "Register")
    register_model.objects.create(establishment=world.lycee, session=session)
    assert touched_session_ids(Session.objects.filter(pk__in=[session.pk, other.pk])) == {session.pk}


def test_generation_runs_a_constant_number_of_queries(world, django_assert_max_num_queries):
    small_timetable(world, generate=False)
    with django_assert_max_num_queries(40):
        generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
    assert Session.objects.count() > 100
    # ten times more slots: the same number of queries (bulk writes)
    assignment = maths_a(world)
    for weekday in range(5):
        for hour in range(12, 18):
            tt.slot(assignment, weekday=weekday, start=f"{hour}:00", end=f"{hour}:55")
    with django_assert_max_num_queries(40):
        generate_sessions(establishment=world.lycee, school_year=world.year, today=world.year.starts_on)
