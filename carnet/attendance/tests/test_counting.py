"""Half-day counting: worked examples, then properties (order does not matter, a day counts at most
two, merging touching intervals changes nothing, adding an interval never lowers the count)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.attendance.counting import AFTERNOON, MORNING, half_days, halves

PARIS = ZoneInfo("Europe/Paris")
NOON = dt.time(12, 30)


def at(day: int, hour: int, minute: int = 0, month: int = 11, tz=PARIS) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=tz)


def test_one_morning_session_is_one_half_day():
    assert half_days([(at(30, 8), at(30, 9))], NOON, PARIS) == 1


def test_two_sessions_of_the_same_morning_count_once():
    assert half_days([(at(30, 8), at(30, 9)), (at(30, 10), at(30, 11))], NOON, PARIS) == 1


def test_morning_and_afternoon_count_two():
    assert half_days([(at(30, 11), at(30, 15))], NOON, PARIS) == 2
    assert halves([(at(30, 11), at(30, 15))], NOON, PARIS) == {
        (dt.date(2026, 11, 30), MORNING),
        (dt.date(2026, 11, 30), AFTERNOON),
    }


def test_ending_exactly_when_the_afternoon_starts_stays_in_the_morning():
    assert half_days([(at(30, 11, 30), at(30, 12, 30))], NOON, PARIS) == 1
    assert half_days([(at(30, 12, 30), at(30, 13, 30))], NOON, PARIS) == 1
    assert halves([(at(30, 12, 30), at(30, 13, 30))], NOON, PARIS) == {(dt.date(2026, 11, 30), AFTERNOON)}


def test_the_establishment_chooses_when_the_afternoon_starts():
    interval = [(at(30, 12), at(30, 13))]
    assert half_days(interval, dt.time(12, 30), PARIS) == 2
    assert half_days(interval, dt.time(14, 0), PARIS) == 1


def test_several_days():
    # Monday 8:00 to Wednesday 12:00: Mon am+pm, Tue am+pm, Wed am
    assert half_days([(at(30, 8), at(2, 12, month=12))], NOON, PARIS) == 5


def test_days_left_out_by_the_calendar():
    # Friday 27 to Monday 30 November, weekend left out: Fri am+pm, Mon am+pm
    weekdays = lambda day: day.weekday() < 5  # noqa: E731
    assert half_days([(at(27, 8), at(30, 17))], NOON, PARIS, counts_day=weekdays) == 4
    assert half_days([(at(27, 8), at(30, 17))], NOON, PARIS) == 8


def test_local_time_decides_the_half():
    # 11:45 UTC is 12:45 in Paris and in Porto-Novo (both UTC+1 in winter): the afternoon in Paris
    utc = dt.datetime(2026, 11, 30, 11, 45, tzinfo=dt.UTC)
    assert halves([(utc, utc + dt.timedelta(minutes=10))], NOON, "Europe/Paris") == {
        (dt.date(2026, 11, 30), AFTERNOON)
    }
    # The same moment is still the morning where the afternoon starts at 14:00
    assert halves([(utc, utc + dt.timedelta(minutes=10))], dt.time(14), "Africa/Porto-Novo") == {
        (dt.date(2026, 11, 30), MORNING)
    }


def test_empty_and_backwards_intervals_count_nothing():
    assert half_days([], NOON, PARIS) == 0
    assert half_days([(at(30, 9), at(30, 9))], NOON, PARIS) == 0
    assert half_days([(at(30, 10), at(30, 9))], NOON, PARIS) == 0


def test_daylight_saving_change_day():
    # 25 October 2026, Paris goes from UTC+2 to UTC+1 at 03:00
    assert half_days([(at(25, 1, month=10), at(25, 18, month=10))], NOON, PARIS) == 2


# --- properties ---------------------------------------------------------------------------------------
BASE = dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC)

moments = st.integers(min_value=0, max_value=14 * 24 * 60).map(lambda m: BASE + dt.timedelta(minutes=m))
intervals = st.tuples(moments, st.integers(min_value=1, max_value=3 * 24 * 60)).map(
    lambda pair: (pair[0], pair[0] + dt.timedelta(minutes=pair[1]))
)
interval_lists = st.lists(intervals, max_size=8)
afternoons = st.sampled_from([dt.time(12, 0), dt.time(12, 30), dt.time(13, 45), dt.time(14, 0)])
zones = st.sampled_from(["Europe/Paris", "Africa/Porto-Novo", "UTC", "America/Cayenne"])


@settings(max_examples=200, deadline=None)
@given(interval_lists, afternoons, zones, st.randoms())
def test_order_does_not_matter(items, afternoon, zone, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert half_days(shuffled, afternoon, zone) == half_days(items, afternoon, zone)


@settings(max_examples=200, deadline=None)
@given(interval_lists, afternoons, zones)
def test_never_more_than_two_per_day(items, afternoon, zone):
    covered = halves(items, afternoon, zone)
    days = {day for day, _half in covered}
    assert len(covered) <= 2 * len(days)
    assert half_days(items, afternoon, zone) == len(covered)


@settings(max_examples=200, deadline=None)
@given(intervals, st.integers(min_value=1, max_value=2 * 24 * 60), afternoons, zones)
def test_merging_touching_intervals_changes_nothing(first, extra, afternoon, zone):
    start, middle = first
    end = middle + dt.timedelta(minutes=extra)
    assert half_days([(start, middle), (middle, end)], afternoon, zone) == half_days(
        [(start, end)], afternoon, zone
    )


@settings(max_examples=200, deadline=None)
@given(interval_lists, intervals, afternoons, zones)
def test_more_absence_never_counts_less(items, extra, afternoon, zone):
    assert half_days([*items, extra], afternoon, zone) >= half_days(items, afternoon, zone)
    assert half_days([*items, *items], afternoon, zone) == half_days(items, afternoon, zone)
