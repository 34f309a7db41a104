"""Whose page a family member is reading: a student reads their own, a guardian one of their children.

The child is chosen with `?child=<public id>` (only one's own children; anything else is 404) and
remembered in the session under CHILD_SESSION_KEY, the key of the portal's child switcher, so that
every family page (home, marks, absences, timetable, discipline) shows the same child."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from carnet.core.http import uuid_or_404
from carnet.school.models import Enrollment
from carnet.school.policies import children_of
from carnet.school.roles import current_enrollment_q, roles_of

#: The session key of the selected child (the portal's child switcher writes it too).
CHILD_SESSION_KEY = "portal.child"

STUDENT = "student"
GUARDIAN = "guardian"


@dataclass
class Viewer:
    """The student a family page is about, seen by `user` as `audience` (STUDENT or GUARDIAN)."""

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


def wanted_child(request, kids: list, wanted: str):
    """The child named by `wanted` among `kids` (the person's children), remembered as the selected
    one; Http404 for an identifier that is not one of them."""
    child_id = uuid_or_404(wanted)
    child = next((kid for kid in kids if kid.public_id == child_id), None)
    if child is None:
        raise Http404
    if request.session.get(CHILD_SESSION_KEY) != str(child.public_id):
        request.session[CHILD_SESSION_KEY] = str(child.public_id)
    return child


def remembered_child(request, kids: list):
    """The child selected earlier if still among `kids`, else the first; None without children."""
    if not kids:
        return None
    selected = request.session.get(CHILD_SESSION_KEY)
    return next((kid for kid in kids if str(kid.public_id) == selected), kids[0])


def viewer_for(request, *, wanted: str | None = None) -> Viewer:
    """The student a family page is about: oneself (a student) or one's child, chosen with
    `?child=` (or `wanted`) and remembered like the portal's child switcher. Http404 for a person
    who is neither a student nor a guardian, and for a child that is not one's own."""
    user = request.user
    roles = roles_of(user)
    wanted = wanted or request.GET.get("child")
    if wanted:
        kids = list(children_of(user))
        return with_enrollment(Viewer(user, wanted_child(request, kids, wanted), GUARDIAN, kids))
    if roles.is_student:
        return with_enrollment(Viewer(user, user, STUDENT))
    if roles.is_guardian:
        kids = list(children_of(user))
        if kids:
            return with_enrollment(Viewer(user, remembered_child(request, kids), GUARDIAN, kids))
    raise Http404


def with_enrollment(viewer: Viewer) -> Viewer:
    """`viewer` with the student's current enrollment (class, year, establishment) attached."""
    viewer.enrollment = (
        Enrollment.objects.filter(current_enrollment_q(), student=viewer.student)
        .select_related("school_class", "school_year", "establishment")
        .first()
    )
    return viewer
