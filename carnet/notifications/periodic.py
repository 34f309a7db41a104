"""Periodic jobs: small functions that upper apps want run every few minutes (publishing marks
whose moment has come, …). The notifications app knows nothing of them: an app registers its job
at start-up, and the scheduler thread of `carnet worker` calls the due ones.

    from carnet.notifications import periodic
    periodic.register("grades.notify_due_publications", notify_due_publications, every_seconds=60)

A job takes no argument. It must be safe to run from several workers at once and must not take
long (it runs in the scheduler thread); one that raises is logged and tried again next time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("carnet.worker")


@dataclass
class Job:
    name: str
    func: Callable[[], object]
    every_seconds: float
    last_run: float | None = None  # time.monotonic() of the last start

    def is_due(self, now: float) -> bool:
        return self.last_run is None or now - self.last_run >= self.every_seconds


_JOBS: dict[str, Job] = {}
_LOCK = threading.Lock()


def register(name: str, func: Callable[[], object], every_seconds: float) -> Job:
    """Declare (or re-declare, harmlessly) a periodic job."""
    if every_seconds <= 0:
        raise ValueError(f"Periodic job {name!r} needs a positive interval")
    with _LOCK:
        existing = _JOBS.get(name)
        job = Job(name, func, every_seconds, existing.last_run if existing else None)
        _JOBS[name] = job
    return job


def unregister(name: str) -> None:
    with _LOCK:
        _JOBS.pop(name, None)


def jobs() -> list[Job]:
    with _LOCK:
        return sorted(_JOBS.values(), key=lambda j: j.name)


def shortest_interval() -> float | None:
    intervals = [job.every_seconds for job in jobs()]
    return min(intervals) if intervals else None


def run_due(*, force: bool = False, clock: Callable[[], float] = time.monotonic) -> dict[str, object]:
    """Run every due job (all of them with `force`); returns name -> result (the exception for a
    job that failed). A failing job never stops the others."""
    results: dict[str, object] = {}
    for job in jobs():
        now = clock()
        if not (force or job.is_due(now)):
            continue
        job.last_run = now
        try:
            results[job.name] = job.func()
        except Exception as error:  # one job's failure must not stop the scheduler
            log.exception("Periodic job %s failed", job.name)
            results[job.name] = error
    return results
