"""A registry of navigation entries. An app registers `(key, label, url_name, icon, visible)` in its
AppConfig.ready(); `visible(request) -> bool` decides per request.

The entry of the current page gets `current=True` (rendered as aria-current="page"): the entry whose
`url_name` is the current view, else the entry with the longest `match` prefix of the current view
name (by default its URL namespace, e.g. "school:"). When several entries tie, none is current."""

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
    match: tuple[str, ...] = ()

    def score(self, view_name: str) -> int:
        """How well this entry matches the current view: 0 for not at all."""
        if not view_name:
            return 0
        if view_name == self.url_name:
            return 10_000
        prefixes = self.match or ((self.url_name.split(":")[0] + ":",) if ":" in self.url_name else ())
        return max((len(p) for p in prefixes if view_name.startswith(p)), default=0)


_REGISTRY: dict[str, NavEntry] = {}


def register(
    key: str,
    label,
    url_name: str,
    icon: str,
    *,
    order: int = 100,
    visible=None,
    match: tuple[str, ...] | list[str] = (),
) -> None:
    """Declare (or replace) the entry `key`. `match`: view-name prefixes that also make it current
    (default: its URL namespace)."""
    _REGISTRY[key] = NavEntry(key, label, url_name, icon, order, visible or (lambda request: True), tuple(match))


def items_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    view_name = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    entries = []
    for entry in sorted(_REGISTRY.values(), key=lambda e: e.order):
        if not entry.visible(request):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        entries.append((entry, url, entry.score(view_name)))
    best = max((score for _e, _u, score in entries), default=0)
    current_key = None
    if best and sum(1 for _e, _u, score in entries if score == best) == 1:
        current_key = next(e.key for e, _u, score in entries if score == best)
    return [
        {"key": e.key, "label": e.label, "url": url, "icon": e.icon, "current": e.key == current_key}
        for e, url, _score in entries
    ]
