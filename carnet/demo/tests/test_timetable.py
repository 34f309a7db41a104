"""The demo's timetable: every hour of every assignment placed, never two lessons at once for a
teacher, a class or a room."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import time_machine

from carnet.demo.services import seed_demo
from carnet.school import models as school
from carnet.timetable.models import Slot

pytestmark = pytest.mark.django_db

OCTOBER = dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC)


def test_the_default_demo_timetable_is_complete_and_consistent():
    """One seed of the default size (400 students a school), three properties."""
    with time_machine.travel(OCTOBER, tick=False):
        seed_demo(400, report_cards=False, school_life=False)
    every_hour_of_every_assignment_is_placed()
    nobody_and_no_room_is_in_two_places_at_once()
    half_hours_alternate_weeks_and_sport_is_in_the_gym()


def _weeks(pattern: str) -> set[str]:
    return {"A", "B"} if pattern == "every" else {pattern}


def every_hour_of_every_assignment_is_placed():
    counts = Counter(Slot.objects.values_list("assignment_id", flat=True))
    for assignment in school.TeachingAssignment.objects.filter(school_year__is_current=True):
        hours = assignment.weekly_hours or Decimal(0)
        expected = int(hours) + (1 if hours - int(hours) >= Decimal("0.5") else 0)
        assert counts[assignment.pk] == expected, assignment


def nobody_and_no_room_is_in_two_places_at_once():
    group_classes = defaultdict(set)
    for group in school.TeachingGroup.objects.prefetch_related("classes"):
        group_classes[group.pk] = {c.pk for c in group.classes.all()}
    seen = defaultdict(set)
    for s in Slot.objects.select_related("assignment"):
        a = s.assignment
        keys = [("teacher", a.teacher_id), ("room", s.room_id)]
        keys += [("class", c) for c in ({a.school_class_id} if a.school_class_id else group_classes[a.group_id])]
        for week in _weeks(s.week_pattern):
            for key in keys:
                cell = (key, week, s.weekday, s.start_time)
                assert cell not in seen["cells"], cell
                seen["cells"].add(cell)


def half_hours_alternate_weeks_and_sport_is_in_the_gym():
    assert Slot.objects.filter(week_pattern="A").exists()
    assert set(Slot.objects.filter(assignment__subject__name="EPS").values_list("room__name", flat=True)) <= {
        "Gymnase", "Terrain de sport", "Plateau sportif"
    }


def test_sessions_are_generated_for_the_year_and_the_demo_can_be_reset():
    from carnet.demo.services import reset_demo
    from carnet.timetable.models import Session

    with time_machine.travel(OCTOBER, tick=False):
        seed_demo(30, report_cards=False, school_life=False)
        assert Session.objects.filter(held_on__lt=OCTOBER.date()).exists()
        assert not Session.objects.filter(held_on__gt=dt.date(2027, 7, 31)).exists()
        # No lesson on a holiday: the All Saints' break in France.
        assert not Session.objects.filter(establishment__country="FR", held_on=dt.date(2026, 10, 27)).exists()
        reset_demo()
        seed_demo(30, report_cards=False, school_life=False)
    assert Session.objects.exists()
