"""The cache-based throttle: a limit per window, then short blocks that grow gently."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from carnet.identity import throttle
from carnet.identity.throttle import Throttle


def test_blocks_at_the_limit_and_not_before():
    t = Throttle("t", limit=3, window=300)
    assert t.fail("k") == 0
    assert t.fail("k") == 0
    assert t.blocked_for("k") == 0
    assert t.fail("k") == 60  # the third failure starts a one-minute block
    assert 55 <= t.blocked_for("k") <= 60
    assert t.blocked_for("other") == 0


def test_blocks_grow_gently_and_are_capped():
    t = Throttle("t", limit=1, window=300, lock_base=60, lock_max=900)
    durations = []
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(6):
            durations.append(t.fail("k"))
            traveller.shift(timedelta(seconds=durations[-1] + 1))
    assert durations == [60, 120, 240, 480, 900, 900]


def test_block_expires_with_time():
    t = Throttle("t", limit=2, window=300)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        t.fail("k")
        t.fail("k")
        assert t.blocked_for("k") == 60
        traveller.shift(timedelta(seconds=30))
        assert t.blocked_for("k") == 30
        traveller.shift(timedelta(seconds=31))
        assert t.blocked_for("k") == 0


def test_failures_outside_the_window_do_not_add_up():
    t = Throttle("t", limit=2, window=60)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        t.fail("k")
        traveller.shift(timedelta(seconds=61))
        assert t.fail("k") == 0
        assert t.blocked_for("k") == 0


def test_reset_forgets_failures_and_past_blocks():
    t = Throttle("t", limit=2, window=300)
    t.fail("k")
    t.fail("k")
    assert t.blocked_for("k")
    t.reset("k")
    assert t.blocked_for("k") == 0
    assert t.fail("k") == 0


def test_hit_counts_requests_and_refuses_beyond_the_limit():
    t = Throttle("t", limit=3, window=3600, lock_base=900)
    assert [t.hit("k") for _ in range(3)] == [0, 0, 0]
    assert t.hit("k") > 0


def test_empty_keys_are_never_blocked():
    t = Throttle("t", limit=1, window=60)
    assert t.fail(None) == 0
    assert t.blocked_for(None) == 0


@override_settings(CARNET_LOGIN_THROTTLE={"per_account": 7, "per_address": 40, "window_seconds": 120})
def test_login_throttles_follow_the_settings():
    assert throttle.login_account().limit == 7
    assert throttle.login_address().limit == 40
    assert throttle.login_device().window == 120
