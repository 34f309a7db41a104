"""Discipline test fixtures: a fixed "today" inside the world's school year."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from carnet.discipline.tests.helpers import PARIS, TODAY


@pytest.fixture(autouse=True)
def _inside_the_school_year(request):
    """Every discipline test runs on TODAY (10:00 in Paris), whatever the real date: measures and
    incidents need a date inside the world's school year. Not the browser journeys: travelling in
    time inside the process stalls the live server that Chromium talks to."""
    if request.node.get_closest_marker("e2e"):
        yield
        return
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=PARIS), tick=True):
        yield
