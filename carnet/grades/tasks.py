"""Background entry points of the grades app (Django's Tasks API)."""

from __future__ import annotations

from django_tasks import task

from carnet.grades.services import publication


@task(queue_name="default")
def notify_due_publications() -> int:
    """Announce the marks whose publication moment has passed; returns the number of notifications."""
    return publication.notify_due_publications()
