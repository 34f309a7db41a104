"""A first visit (empty cache) must stay light on a slow phone line: at most 100 KB transferred,
compressed, for the sign-in page and for a home page, everything they load included."""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

BUDGET = 100 * 1024
ASSET = re.compile(r'(?:href|src)="(' + re.escape(settings.STATIC_URL) + r'[^"#?]+)')


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def first_visit_weight(html: bytes) -> dict[str, int]:
    weights = {"html": compressed(html)}
    for url in sorted(set(ASSET.findall(html.decode()))):
        path = finders.find(url[len(settings.STATIC_URL):])
        assert path, f"{url} is referenced but not found"
        with open(path, "rb") as f:
            weights[url] = compressed(f.read())
    return weights


def test_sign_in_page_weight(client, db):
    response = client.get(reverse("identity:login"))
    assert response.status_code == 200
    weights = first_visit_weight(response.content)
    assert any(url.endswith("carnet.css") for url in weights)
    assert any(url.endswith("htmx.min.js") for url in weights)
    assert sum(weights.values()) <= BUDGET, weights


@pytest.mark.parametrize("who", ["head", "teacher_french", "alice_mother", "alice"])
def test_home_page_weight(world, login, who):
    response = login(getattr(world, who)).get(reverse("portal:home"))
    weights = first_visit_weight(response.content)
    assert any(url.endswith("icons.svg") for url in weights)
    assert sum(weights.values()) <= BUDGET, weights


def test_stylesheet_stays_small():
    with open(finders.find("ui/carnet.css"), "rb") as f:
        assert len(f.read()) <= 30 * 1024
