"""A sweep of every page without parameters, for every person of the test school and for an
anonymous visitor: nobody gets a server error, anonymous visitors are sent to the sign-in page
(except on public pages), and no page shows a person of the other establishment."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {
    "identity:login", "identity:activate", "identity:recover", "identity:recover_sent", "identity:recover_code",
    "identity:choose_password", "identity:login_totp", "healthz", "set_language", "javascript-catalog",
    "push_service_worker", "api:openapi-json", "api:openapi-view", "reportcards:verify_form",
}
SKIP = {"identity:logout", "set_language"}  # POST-only or redirect-only


def _pages(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _pages(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
            route = str(entry.pattern)
            if "<" not in route and "(?P" not in route:
                yield f"{namespace}{entry.name}"


def page_names() -> list[str]:
    return sorted({name for name in _pages() if name not in SKIP and not name.startswith("api:")})


def test_the_sweep_finds_the_pages():
    names = page_names()
    assert {"portal:home", "portal:directory", "school:imports", "school:accounts", "notifications:centre"} <= set(names)


def test_no_page_fails_for_anyone(world, client):
    from django.urls import reverse

    names = page_names()
    people = world.people()
    for name in names:
        url = reverse(name)
        anonymous = client.get(url)
        assert anonymous.status_code < 500, (name, "anonymous")
        if name not in PUBLIC:
            assert anonymous.status_code in {302, 401, 403, 404}, (name, anonymous.status_code)
        for who, person in people.items():
            client.force_login(person)
            response = client.get(url)
            assert response.status_code < 500, (name, who)
            if response.status_code == 200 and who not in {"outsider", "dossou", "dossou_parent"}:
                body = response.content.decode()
                assert "Dehors" not in body and "CEG Akpakpa" not in body, (name, who)
            client.logout()
