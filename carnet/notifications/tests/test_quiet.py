"""Quiet hours and digest times, as wall-clock rules in the establishment's time zone."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from carnet.notifications.quiet import QuietHours, Schedule
from carnet.notifications.tests.conftest import PARIS, PORTO_NOVO, at

DEFAULT = QuietHours()  # 20:00–07:00 and weekends


def test_default_quiet_hours_are_evenings_nights_and_weekends():
    # 2027-01-12 is a Tuesday.
    assert not DEFAULT.is_quiet_local(at(PARIS, 2027, 1, 12, 7, 0))
    assert not DEFAULT.is_quiet_local(at(PARIS, 2027, 1, 12, 19, 59))
    assert DEFAULT.is_quiet_local(at(PARIS, 2027, 1, 12, 20, 0))
    assert DEFAULT.is_quiet_local(at(PARIS, 2027, 1, 13, 6, 59))
    assert DEFAULT.is_quiet_local(at(PARIS, 2027, 1, 16, 12, 0))  # Saturday noon
    assert DEFAULT.is_quiet_local(at(PARIS, 2027, 1, 17, 12, 0))  # Sunday noon
    assert not DEFAULT.is_quiet_local(at(PARIS, 2027, 1, 18, 7, 30))  # Monday morning


def test_a_daytime_window_and_an_empty_one():
    lunch = QuietHours(dt.time(12, 0), dt.time(14, 0), weekends=False)
    assert lunch.is_quiet_local(at(PARIS, 2027, 1, 12, 13, 0))
    assert not lunch.is_quiet_local(at(PARIS, 2027, 1, 12, 14, 0))
    assert not lunch.is_quiet_local(at(PARIS, 2027, 1, 16, 10, 0))  # Saturday: weekends not quiet here
    never = QuietHours(dt.time(20, 0), dt.time(20, 0), weekends=False)
    assert not never.is_quiet_local(at(PARIS, 2027, 1, 12, 23, 0))


def test_the_same_instant_is_quiet_in_paris_and_not_in_porto_novo_in_summer():
    # 18:30 UTC on Tuesday 8 June 2027: 20:30 in Paris (UTC+2), 19:30 in Porto-Novo (UTC+1).
    instant = dt.datetime(2027, 6, 8, 18, 30, tzinfo=dt.UTC)
    assert Schedule("Europe/Paris").is_quiet(instant)
    assert not Schedule("Africa/Porto-Novo").is_quiet(instant)


def test_next_digest_is_the_next_morning_then_monday_after_a_weekend():
    paris = Schedule("Europe/Paris")
    tuesday_noon = at(PARIS, 2027, 1, 12, 12, 0)
    assert paris.next_digest(tuesday_noon) == at(PARIS, 2027, 1, 13, 7, 0)
    assert paris.next_digest(at(PARIS, 2027, 1, 12, 6, 0)) == at(PARIS, 2027, 1, 12, 7, 0)
    assert paris.next_digest(at(PARIS, 2027, 1, 15, 21, 0)) == at(PARIS, 2027, 1, 18, 7, 0)  # Friday night
    assert paris.next_digest(at(PARIS, 2027, 1, 16, 10, 0)) == at(PARIS, 2027, 1, 18, 7, 0)  # Saturday
    porto_novo = Schedule("Africa/Porto-Novo")
    assert porto_novo.next_digest(at(PORTO_NOVO, 2027, 1, 12, 21, 0)) == at(PORTO_NOVO, 2027, 1, 13, 7, 0)


def test_own_quiet_hours_ending_after_the_digest_hour_delay_the_digest_that_morning():
    late_riser = Schedule("Europe/Paris", quiet=QuietHours(dt.time(22, 0), dt.time(9, 0), weekends=False))
    assert late_riser.next_digest(at(PARIS, 2027, 1, 12, 23, 0)) == at(PARIS, 2027, 1, 13, 9, 0)
    # Without weekends, Saturday's digest comes on Saturday.
    assert late_riser.next_digest(at(PARIS, 2027, 1, 15, 23, 0)) == at(PARIS, 2027, 1, 16, 9, 0)


def test_urgent_kinds_pass_quiet_hours_only_where_allowed():
    night = at(PARIS, 2027, 1, 12, 23, 0)
    assert not Schedule("Europe/Paris").may_push(night, urgent=True)
    allowed = Schedule("Europe/Paris", urgent_allowed=True)
    assert allowed.may_push(night, urgent=True)
    assert not allowed.may_push(night, urgent=False)


@given(
    moment=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2029, 12, 31), timezones=st.just(dt.UTC)),
    zone=st.sampled_from(["Europe/Paris", "Africa/Porto-Novo"]),
    start=st.times(), end=st.times(), weekends=st.booleans(), digest=st.times(),
)
def test_next_digest_is_never_earlier_and_never_quiet(moment, zone, start, end, weekends, digest):
    schedule = Schedule(zone, quiet=QuietHours(start, end, weekends), digest_hour=digest)
    when = schedule.next_digest(moment)
    assert when >= moment
    assert not schedule.is_quiet(when)
    assert when - moment <= dt.timedelta(days=10)
