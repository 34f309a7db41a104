"""Background entry points (Django's Tasks API through django-tasks, queue "notifications").

`carnet worker` runs them and enqueues `send_digests` every few minutes."""

from __future__ import annotations

from django_tasks import task

from carnet.notifications import services


@task(queue_name="notifications")
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    """Send immediate deliveries; returns how many ended in each status."""
    return services.deliver_now(delivery_ids)


@task(queue_name="notifications")
def send_digests() -> dict[str, int]:
    """Send the digests that are due; returns how many deliveries ended in each status."""
    return services.send_digests()
