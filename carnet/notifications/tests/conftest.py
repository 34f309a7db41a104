import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils.translation import ngettext_lazy

from carnet.core import sms
from carnet.notifications import kinds
from carnet.notifications.backends import push
from carnet.notifications.tests.push_helpers import push_service, web_push  # noqa: F401 - fixtures of the push tests

PARIS = ZoneInfo("Europe/Paris")
PORTO_NOVO = ZoneInfo("Africa/Porto-Novo")

#: Test kinds, shaped like the ones feature modules declare.
GRADE = "test.grade"
ABSENCE = "test.absence"
ALERT = "test.alert"


@pytest.fixture(autouse=True)
def _clean_outboxes():
    cache.clear()
    sms.outbox.clear()
    push.outbox.clear()
    mail.outbox = []
    yield
    sms.outbox.clear()
    push.outbox.clear()


@pytest.fixture(autouse=True)
def test_kinds():
    kinds.register(
        GRADE,
        "Nouvelle note",
        description="Une note est publiée.",
        default_modes={"email": "digest", "sms": "digest", "push": "immediate"},
        sms_allowed=True,
        summary=ngettext_lazy("%(count)d nouvelle note", "%(count)d nouvelles notes", "count"),
    )
    kinds.register(
        ABSENCE,
        "Absence",
        default_modes={"email": "immediate", "sms": "immediate", "push": "immediate"},
        sms_allowed=True,
        summary=ngettext_lazy("%(count)d absence", "%(count)d absences", "count"),
    )
    kinds.register(ALERT, "Alerte", default_modes={"email": "immediate", "push": "immediate"}, urgent=True)
    yield
    for code in (GRADE, ABSENCE, ALERT):
        kinds.unregister(code)


def at(tz, *args) -> dt.datetime:
    """An aware moment given as wall-clock time in `tz`."""
    return dt.datetime(*args, tzinfo=tz)
