"""What the timetable tells the apps above it.

`session_changed` is sent inside the transaction of a change to a session (cancelled, restored,
moved, room, replacement), with `session` (saved) and `kind` (a `SessionChange.Kind` value) and
`actor`: attendance listens to bring the absences taken on that session in line."""

from django.dispatch import Signal

session_changed = Signal()
