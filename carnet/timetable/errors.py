"""Refusals of the timetable services, with stable codes (the API answers `{code, message, details}`).

| code | HTTP | class |
|---|---|---|
| `timetable_clash` | 409 | TimetableClash: a teacher, a class (or group) or a room is already taken at that time |
| `session_conflict` | 409 | SessionConflict: the session changed since the client read it (stale `version`) |
| `validation_failed` | 422 | carnet.core.errors.ValidationFailed: end before start, outside the school year… |"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.core.errors import Conflict


class TimetableClash(Conflict):
    """`details`: a list of {"what": "teacher" | "class" | "room", "message": str} — one per clash."""

    code = "timetable_clash"
    default_message = _("Ce créneau est déjà occupé.")


class SessionConflict(Conflict):
    """`details`: {"version": the current version, "by": who changed it last, "at": when (ISO 8601)}."""

    code = "session_conflict"
    default_message = _(
        "Cette séance a été modifiée entre-temps par quelqu'un d'autre : rechargez-la avant de recommencer."
    )
