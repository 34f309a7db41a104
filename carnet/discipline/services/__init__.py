"""Writes of the discipline app: keyword-only, typed, taking an actor, authorizing, atomic,
returning what changed. One module per concern: the catalogue and settings, incidents, measures,
and the retention task."""
