"""Fixtures of the school-life tests: a fixed moment inside the first trimester (a Tuesday at
10:00 in Paris, outside quiet hours), clean outboxes, conduct counted by the lycée."""

from __future__ import annotations

import pytest
from django.core import mail

from carnet.core import sms
from carnet.grades.profiles import profile_for
from carnet.schoollife.tests.helpers import NOW


@pytest.fixture(autouse=True)
def _tuesday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _clean_outboxes():
    sms.outbox.clear()
    mail.outbox = []
    yield
    sms.outbox.clear()


@pytest.fixture
def conduct_on(world):
    """The lycée counts conduct as a subject (as a Beninese establishment does)."""
    profile = profile_for(world.lycee)
    profile.conduct_enabled = True
    profile.save(update_fields=["conduct_enabled"])
    return profile
