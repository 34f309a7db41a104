"""A registry of navigation entries. An app registers `(key, label, url_name, icon, visible)` in its
AppConfig.ready(); `visible(request) -> bool` decides per request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: object
    url_name: str
    icon: str
    order: int
    visible: Callable[[object], bool]


_REGISTRY: dict[str, NavEntry] = {}


def register(key: str, label, url_name: str, icon: str, *, order: int = 100, visible=None) -> None:
    _REGISTRY[key] = NavEntry(key, label, url_name, icon, order, visible or (lambda request: True))


def items_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    result = []
    for entry in sorted(_REGISTRY.values(), key=lambda e: e.order):
        if not entry.visible(request):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        namespace = entry.url_name.split(":")[0]
        result.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "icon": entry.icon,
                "current": current == entry.url_name or (entry.key != "home" and current.startswith(namespace + ":")),
            }
        )
    return result
