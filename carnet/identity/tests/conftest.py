import pytest
from django.core.cache import cache

from carnet.core import sms


@pytest.fixture(autouse=True)
def _fresh_counters_and_outboxes():
    """Throttle counters live in the (process-wide) cache: each test starts from zero."""
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


@pytest.fixture
def django_app_client_factory():
    """Another browser: a fresh test client with its own cookies."""
    from django.test import Client

    return Client
