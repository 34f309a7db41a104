"""The child a guardian is looking at. A guardian with several children picks one (the choice is
kept in the session); every guardian page shows that child. Pages call `current_child(request)`."""

from __future__ import annotations

from carnet.school.family import CHILD_SESSION_KEY as SESSION_KEY
from carnet.school.policies import children_of

__all__ = ["SESSION_KEY", "children", "current_child", "select_child"]


def children(request) -> list:
    """The signed-in person's children (active accounts, by first name), computed once per request."""
    cached = getattr(request, "_carnet_children", None)
    if cached is None:
        cached = list(children_of(request.user))
        request._carnet_children = cached
    return cached


def current_child(request):
    """The selected child of the signed-in guardian: the one chosen with portal:switch_child if it
    is still theirs, else the first one; None for a person without children."""
    kids = children(request)
    if not kids:
        return None
    selected = request.session.get(SESSION_KEY)
    for child in kids:
        if str(child.public_id) == selected:
            return child
    return kids[0]


def select_child(request, child) -> None:
    """Remember `child` as the selected one. The caller fetched it through `children_of`."""
    request.session[SESSION_KEY] = str(child.public_id)
