import pytest

from carnet.testing.browser import a11y, browser, desktop, phone  # noqa: F401 - fixtures of the browser journeys
from carnet.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """`login(user)` signs the test client in as `user` and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
