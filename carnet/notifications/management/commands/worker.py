"""`carnet worker`: run the background tasks and keep the digests going.

It runs the django-tasks-db worker loop on every queue ("default", "notifications", …) and, in a
small thread, enqueues `send_digests` every `--digest-every` seconds (five minutes by default;
never twice while one is waiting or running; old successful results of these tasks are pruned
on the way). Each establishment's digest leaves at its digest
hour, outside quiet hours, so checking every few minutes is enough.

    carnet worker                       # what `make demo` runs beside the web server
    carnet worker --batch               # run what is queued (and the due digests), then exit
    carnet worker --digest-every 0      # tasks only (digests sent by `carnet send-digests` in cron)

The same thread runs the periodic jobs other apps register with `carnet.notifications.periodic`
(publishing marks whose moment has come, …), each at its own interval; `--batch` runs them once.

Several workers may run at once: a delivery is claimed before it leaves, so none is sent twice.
It needs the database tasks backend (the default, CARNET_TASKS_BACKEND=database)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker, valid_interval
from django_tasks_db.models import DBTaskResult

from carnet.notifications import periodic
from carnet.notifications.tasks import deliver, send_digests

log = logging.getLogger("carnet.worker")

DEFAULT_DIGEST_EVERY = 300


#: How long the results of our own successful tasks are kept (the periodic digest run alone
#: writes 288 rows a day); failed ones stay for inspection.
KEEP_RESULTS = {send_digests.module_path: timedelta(days=1), deliver.module_path: timedelta(days=7)}


def prune_results() -> int:
    now = timezone.now()
    pruned = 0
    for task_path, keep in KEEP_RESULTS.items():
        pruned += DBTaskResult.objects.filter(task_path=task_path, status="SUCCESSFUL", finished_at__lt=now - keep).delete()[0]
    return pruned


def enqueue_digests() -> bool:
    """Enqueue one `send_digests` run unless one is already waiting or running; prune old results."""
    prune_results()
    waiting = DBTaskResult.objects.filter(task_path=send_digests.module_path, status__in=["READY", "RUNNING"])
    if waiting.exists():
        return False
    send_digests.enqueue()
    return True


class DigestScheduler(threading.Thread):
    """Enqueues the digest run every `every` seconds (0: never) and runs the registered periodic
    jobs when due. It wakes at the shortest of those intervals (at most every MAX_TICK seconds)."""

    MAX_TICK = 60.0

    def __init__(self, every: float) -> None:
        super().__init__(name="carnet-digests", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    @property
    def tick(self) -> float:
        candidates = [self.MAX_TICK]
        if self.every:
            candidates.append(self.every)
        shortest = periodic.shortest_interval()
        if shortest:
            candidates.append(shortest)
        return max(min(candidates), 0.05)

    def run(self) -> None:
        last_digest = time.monotonic()
        while not self.stopped.wait(self.tick):
            close_old_connections()
            if self.every and time.monotonic() - last_digest >= self.every:
                last_digest = time.monotonic()
                try:
                    if enqueue_digests():
                        log.info("Digest run enqueued")
                except Exception:  # a database hiccup must not kill the scheduler
                    log.exception("Could not enqueue the digest run")
            periodic.run_due()


class Command(BaseCommand):
    help = "Run background tasks (every queue) and enqueue the digest run every few minutes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queues to process, comma-separated; '*' for all (default).")
        parser.add_argument(
            "--interval", type=valid_interval, default=1.0, help="Seconds to wait when no task is ready (default: 1)."
        )
        parser.add_argument(
            "--digest-every",
            type=valid_interval,
            default=DEFAULT_DIGEST_EVERY,
            help="Seconds between digest runs (default: 300); 0 to leave digests to `carnet send-digests`.",
        )
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many tasks.")
        parser.add_argument("--no-startup-delay", action="store_false", dest="startup_delay")
        parser.add_argument("--worker-id", default="", help="Unique id of this worker (default: random).")

    def handle(self, *, queue_name, interval, digest_every, batch, max_tasks, startup_delay, worker_id, **options):
        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "`carnet worker` needs the database tasks backend (CARNET_TASKS_BACKEND=database). "
                "With the immediate backend, tasks run at once and digests are sent by `carnet send-digests`."
            )
        if digest_every and enqueue_digests():
            self.stdout.write("Digest run enqueued.")
        if batch:
            periodic.run_due(force=True)
        scheduler = None
        if (digest_every or periodic.jobs()) and not batch:
            scheduler = DigestScheduler(digest_every)
            scheduler.start()
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        self.stdout.write(f"Worker {worker.worker_id} processing queues {queue_name!r}.")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
            worker.reset_signals()
