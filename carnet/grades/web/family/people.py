"""Whose marks a family page shows, and to which audience.

A student sees their own marks (audience "student": assessments with `published_at <= now`); a
guardian sees the selected child's (audience "guardian": `guardians_published_at <= now`). The
child is chosen with `?child=<public id>` (only one's own children; anything else is 404) and
remembered in the session under the same key as the portal's child switcher, so the home page
and the marks page show the same child. grades may not import portal: the key is repeated here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from carnet.school.models import Enrollment, Period
from carnet.school.policies import children_of
from carnet.school.roles import current_enrollment_q, roles_of

#: carnet.portal.children.SESSION_KEY
CHILD_SESSION_KEY = "portal.child"

STUDENT = "student"
GUARDIAN = "guardian"


@dataclass
class Viewer:
    """The student a family page is about, seen by `user` as `audience`."""

    user: Any
    student: Any
    audience: str
    children: list = field(default_factory=list)
    enrollment: Enrollment | None = None

    @property
    def is_guardian(self) -> bool:
        return self.audience == GUARDIAN

    @property
    def child_query(self) -> str:
        """The query string that keeps this child in links ("?child=…", or "")."""
        return f"?child={self.student.public_id}" if self.is_guardian else ""


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def viewer_for(request) -> Viewer:
    """The student whose marks `request.user` reads here; Http404 for a person who is neither a
    student nor a guardian, or for a `child` that is not theirs."""
    user = request.user
    roles = roles_of(user)
    wanted = request.GET.get("child")
    if wanted:
        kids = list(children_of(user))
        child_id = _uuid_or_404(wanted)
        child = next((kid for kid in kids if kid.public_id == child_id), None)
        if child is None:
            raise Http404
        if request.session.get(CHILD_SESSION_KEY) != str(child.public_id):
            request.session[CHILD_SESSION_KEY] = str(child.public_id)
        return _with_enrollment(Viewer(user, child, GUARDIAN, kids))
    if roles.is_student:
        return _with_enrollment(Viewer(user, user, STUDENT))
    if roles.is_guardian:
        kids = list(children_of(user))
        if kids:
            selected = request.session.get(CHILD_SESSION_KEY)
            child = next((kid for kid in kids if str(kid.public_id) == selected), kids[0])
            return _with_enrollment(Viewer(user, child, GUARDIAN, kids))
    raise Http404


def _with_enrollment(viewer: Viewer) -> Viewer:
    viewer.enrollment = (
        Enrollment.objects.filter(current_enrollment_q(), student=viewer.student)
        .select_related("school_class", "school_year", "establishment")
        .first()
    )
    return viewer


def periods_of(viewer: Viewer) -> list[Period]:
    if viewer.enrollment is None:
        return []
    return list(Period.objects.filter(school_year_id=viewer.enrollment.school_year_id).order_by("number"))


def pick_period(periods: list[Period], wanted: str | None, today) -> Period | None:
    """The period asked for (404 if not one of the year's), else the one containing today, else
    the last one started, else the first."""
    if wanted:
        period_id = _uuid_or_404(wanted)
        chosen = next((p for p in periods if p.public_id == period_id), None)
        if chosen is None:
            raise Http404
        return chosen
    for period in periods:
        if period.starts_on <= today <= period.ends_on:
            return period
    started = [p for p in periods if p.starts_on <= today]
    if started:
        return started[-1]
    return periods[0] if periods else None
