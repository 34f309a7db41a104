"""Browser fixtures for the journeys: Playwright (Python) driving Debian's Chromium against pytest-django's live
server. Every page a journey visits is checked with axe-core: no serious or critical violation.

Screenshots of each checked page land in test-results/screenshots/ for people to look at."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CARNET_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package `chromium` (.ci/run does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", device_scale_factor=1, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


_axe = None


def check_page(page, name: str) -> None:
    """axe-core on the current page (no serious/critical violation) and a screenshot."""
    global _axe
    from axe_playwright_python.sync_playwright import Axe

    _axe = _axe or Axe()
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=str(SHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}-{width}.png"), full_page=True)
    details = "\n".join(f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in bad)
    assert not bad, f"Accessibility violations on {name}:\n{details}"


@pytest.fixture
def a11y():
    return check_page


def sign_in(page, base: str, identifier: str, password: str) -> None:
    """Sign in through the real form at `base` and wait for the page it leads to (the home page,
    `next`, the second factor, or the form again with its message) to have loaded, so that the next
    step finds the page's stylesheet and script in place."""
    page.goto(base + "/compte/connexion/")
    page.get_by_label("Identifiant ou adresse e-mail").fill(identifier)
    page.get_by_label("Mot de passe").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()


def follow_nav(page, name: str, *, exact: bool = False) -> None:
    """Click the main navigation's entry `name`; on a phone, entries after the fourth live in the
    "Plus" sheet, which is opened first.

    Which entry is visible depends on the stylesheet (side bar on a desktop, tab bar and sheet on a
    phone): right after a navigation it may not apply yet, so this waits for the page to load and
    then looks again until an entry shows, opening the sheet when it is closed."""
    nav = page.get_by_role("navigation", name="Navigation principale")
    links = nav.get_by_role("link", name=name, exact=exact)
    menu = nav.locator(".nav-more-menu")
    page.wait_for_load_state("load")
    deadline = time.monotonic() + 10
    while True:
        if time.monotonic() > deadline:
            raise AssertionError(f"no visible navigation entry named {name!r}")
        shown = [link for link in links.all() if link.is_visible()]
        if shown:
            try:
                shown[0].click(timeout=2000)
                return
            except PlaywrightTimeoutError:  # hidden meanwhile by the stylesheet: look again
                continue
        summary = menu.locator("> summary")
        if summary.count() and summary.is_visible() and menu.get_attribute("open") is None:
            summary.click()
        page.wait_for_timeout(100)
