"""A registry of home-page widgets, per side (student, guardian, teacher, staff).

It lives in the design system, the lowest layer, so that any feature app (grades, attendance,
homework…) can register a widget in its AppConfig.ready() without importing the portal above it:

    from carnet.ui import widgets
    widgets.register("student", "latest_marks", "grades/widgets/latest_marks.html",
                     context=latest_marks_context, order=30)

`context(request, scope) -> dict | None` computes what the template needs; returning None hides the
widget for this request (nothing to show, or not allowed). It must run a constant number of queries.
`scope` is built by the portal for the side being shown; it carries at least:
  - `scope.side`: the side's key;
  - `scope.user`: the signed-in person;
  - `scope.roles`: their roles (carnet.school.roles.Roles);
  - `scope.student`: the student the side is about (oneself on the student side, the selected
    child on the guardian side, None elsewhere);
  - `scope.establishment_ids`: the establishments the side covers.
The widget template is rendered inside the home page, so it sees the page's context plus its own;
it is a `<section class="card">` whose header holds an `<h2>`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SIDES = ("student", "guardian", "teacher", "staff")

ContextFn = Callable[[Any, Any], "dict | None"]


@dataclass(frozen=True)
class Widget:
    side: str
    key: str
    template_name: str
    context: ContextFn | None
    order: int
    wide: bool

    def build_context(self, request, scope) -> dict | None:
        if self.context is None:
            return {}
        return self.context(request, scope)


_REGISTRY: dict[tuple[str, str], Widget] = {}


def register(
    side: str,
    key: str,
    template_name: str,
    context: ContextFn | None = None,
    *,
    order: int = 100,
    wide: bool = False,
) -> Widget:
    """Declare (or replace) the widget `key` of `side`. `wide` widgets span the whole row."""
    if side not in SIDES:
        raise ValueError(f"Unknown side {side!r}; expected one of {', '.join(SIDES)}.")
    widget = Widget(side, key, template_name, context, order, wide)
    _REGISTRY[(side, key)] = widget
    return widget


def unregister(side: str, key: str) -> None:
    _REGISTRY.pop((side, key), None)


def for_side(side: str) -> list[Widget]:
    """The widgets of `side`, by order then key."""
    return sorted((w for (s, _k), w in _REGISTRY.items() if s == side), key=lambda w: (w.order, w.key))


def render_list(request, scope) -> list[dict]:
    """The widgets of `scope.side` with their computed contexts, ready for the `render_widget` tag;
    widgets whose context is None are left out."""
    result = []
    for widget in for_side(scope.side):
        context = widget.build_context(request, scope)
        if context is None:
            continue
        result.append({"key": widget.key, "template_name": widget.template_name, "context": context, "wide": widget.wide})
    return result
