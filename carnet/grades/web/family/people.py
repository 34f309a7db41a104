"""Whose marks a family page shows, and to which audience.

A student sees their own marks (audience "student": assessments with `published_at <= now`); a
guardian sees the selected child's (audience "guardian": `guardians_published_at <= now`). The
child is chosen with `?child=<public id>` (only one's own children; anything else is 404) and
remembered in the session under the same key as the portal's child switcher, so the home page
and the marks page show the same child: `carnet.school.family`, which every family page shares."""

from __future__ import annotations

from django.http import Http404

from carnet.core.http import uuid_or_404
from carnet.school.family import CHILD_SESSION_KEY, GUARDIAN, STUDENT, Viewer, viewer_for
from carnet.school.models import Period

__all__ = ["CHILD_SESSION_KEY", "GUARDIAN", "STUDENT", "Viewer", "periods_of", "pick_period", "viewer_for"]


def periods_of(viewer: Viewer) -> list[Period]:
    if viewer.enrollment is None:
        return []
    return list(Period.objects.filter(school_year_id=viewer.enrollment.school_year_id).order_by("number"))


def pick_period(periods: list[Period], wanted: str | None, today) -> Period | None:
    """The period asked for (404 if not one of the year's), else the one containing today, else
    the last one started, else the first."""
    if wanted:
        period_id = uuid_or_404(wanted)
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
