"""The icon sprite and the `{% icon %}` tag."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.template import Context, Template

from carnet.ui import navigation

CARNET = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"

#: The icons every helper may use (the design-system contract).
CONTRACT = [
    "home", "users", "user", "bell", "search", "upload", "download", "file-text", "check", "x", "alert-triangle",
    "info", "lock", "key", "shield", "log-out", "log-in", "settings", "book-open", "calendar", "clock", "mail",
    "phone", "message-square", "printer", "refresh-cw", "trash-2", "plus", "chevron-right", "chevron-left", "eye",
    "eye-off", "smartphone", "monitor", "list", "activity", "building", "graduation-cap", "clipboard-list",
    "history", "user-plus", "user-x",
]


def sprite_ids() -> set[str]:
    root = ET.parse(finders.find("ui/icons.svg")).getroot()
    symbols = root.findall(f"{SVG}symbol")
    assert all(s.get("viewBox") == "0 0 24 24" for s in symbols)
    return {s.get("id") for s in symbols}


def test_sprite_has_every_contract_icon():
    ids = sprite_ids()
    missing = [name for name in CONTRACT if f"i-{name}" not in ids]
    assert missing == []


def test_sprite_licence_is_kept():
    licence = Path(finders.find("ui/ICONS-LICENSE")).read_text()
    assert "Lucide" in licence and "ISC License" in licence


ICON_TAG = re.compile(r"""{%\s*icon\s+["']([a-z0-9-]+)["']""")
ICON_PARAM = re.compile(r"""\bicon=["']([a-z0-9-]+)["']""")


def icons_used_in_templates() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in CARNET.rglob("templates/**/*.html"):
        source = path.read_text(encoding="utf-8")
        for name in ICON_TAG.findall(source) + ICON_PARAM.findall(source):
            used.setdefault(name, set()).add(str(path.relative_to(CARNET)))
    return used


def test_every_icon_used_in_templates_exists():
    used = icons_used_in_templates()
    assert "book-open" in used  # the scan does see the templates
    ids = sprite_ids()
    missing = {name: sorted(files) for name, files in used.items() if f"i-{name}" not in ids}
    assert missing == {}


def test_every_navigation_icon_exists():
    assert apps.ready
    ids = sprite_ids()
    assert {e.icon for e in navigation._REGISTRY.values() if f"i-{e.icon}" not in ids} == set()


def test_decorative_icon_is_hidden_from_screen_readers():
    out = Template('{% icon "bell" %}').render(Context())
    assert 'aria-hidden="true"' in out and 'focusable="false"' in out
    assert 'href="/static/ui/icons.svg#i-bell"' in out
    assert 'width="20"' in out


def test_labelled_icon_is_announced():
    out = Template('{% icon "lock" label="Verrouillé" size=16 %}').render(Context())
    assert 'role="img"' in out and 'aria-label="Verrouillé"' in out and "aria-hidden" not in out
    assert 'width="16"' in out


def test_icon_label_is_escaped():
    out = Template('{% icon "lock" label=label %}').render(Context({"label": '"><script>'}))
    assert "<script>" not in out


@pytest.mark.parametrize("name", ["ui/favicon.svg", "ui/icons.svg"])
def test_svg_files_are_well_formed(name):
    ET.parse(finders.find(name))
