"""Writes of the timetable. Keyword-only, each takes its `actor`, authorizes, runs atomically and
returns what it changed:

- slots: `create_slot`, `update_slot`, `delete_slot`;
- sessions: `cancel_session`, `restore_session`, `move_session`, `change_room`, `replace_teacher`,
  `add_extra_session` (each with `expected_version`: a stale one raises `SessionConflict`);
- regeneration of the coming sessions: `regenerate_sessions` (the generation itself, without an
  actor, is `carnet.timetable.calendar.generate_sessions`);
- feed: `create_feed_token`, `revoke_feed_token`;
- settings: `update_timetable_settings`."""

from carnet.timetable.services.changes import (
    add_extra_session,
    cancel_session,
    change_room,
    move_session,
    replace_teacher,
    restore_session,
)
from carnet.timetable.services.feeds import create_feed_token, revoke_feed_token
from carnet.timetable.services.generation import regenerate_sessions
from carnet.timetable.services.settings import update_timetable_settings
from carnet.timetable.services.slots import create_slot, delete_slot, update_slot

__all__ = [
    "add_extra_session",
    "cancel_session",
    "change_room",
    "create_feed_token",
    "create_slot",
    "delete_slot",
    "move_session",
    "regenerate_sessions",
    "replace_teacher",
    "restore_session",
    "revoke_feed_token",
    "update_slot",
    "update_timetable_settings",
]
