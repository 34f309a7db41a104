"""Every test in this folder is a browser journey (marker `e2e`); the fixtures live in
carnet/testing/browser.py and are offered to the whole suite by carnet/conftest.py."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e_tests" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
