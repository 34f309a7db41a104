"""Background entry points (Django's Tasks API through django-tasks, default queue)."""

from __future__ import annotations

from django_tasks import task

from carnet.reportcards import services


@task()
def generate_batch(batch_id: str) -> dict[str, object]:
    """Publish a batch's report cards (see `services.run_batch`); returns its final state."""
    batch = services.run_batch(batch_id=batch_id)
    return {"status": batch.status, "done": batch.done, "total": batch.total}
