"""A closed-loop load generator: N clients, each on its own keep-alive HTTP/1.1 connection,
send a request as soon as the previous answer is read, for T seconds.

Standard library only (threads + http.client). On a small machine the generator shares the CPU
with the server; the figures therefore compare an endpoint with a trivial view measured the same
way, and report that ratio beside the raw numbers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from carnet.bench.browser import Browser
from carnet.bench.stats import median, percentile


@dataclass
class LoadResult:
    path: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return median(self.latencies) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies, 0.95) * 1000

    def unexpected(self, expected: int = 200) -> int:
        return sum(count for status, count in self.statuses.items() if status != expected) + self.errors


def run_load(
    host: str,
    port: int,
    path: str,
    *,
    clients: int,
    seconds: float,
    cookies: dict[str, str] | None = None,
    warmup: float = 0.5,
) -> LoadResult:
    """Hammer `path` with `clients` concurrent connections; only requests that start after the
    warm-up and end before the deadline are counted."""
    result = LoadResult(path=path, clients=clients, seconds=seconds)
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    timing: dict[str, float] = {}

    def client() -> None:
        browser = Browser(host, port, cookies=dict(cookies or {}), decode=False)
        latencies: list[float] = []
        statuses: Counter = Counter()
        errors = 0
        barrier.wait()
        begin, end = timing["begin"], timing["end"]
        try:
            while True:
                started = time.perf_counter()
                if started >= end:
                    break
                try:
                    response = browser.get(path)
                except OSError:
                    errors += 1
                    browser.close()
                    continue
                finished = time.perf_counter()
                # A fixed jar: the load measures one person's page, not a changing session.
                browser.cookies = dict(cookies or {})
                if started >= begin and finished <= end:
                    latencies.append(finished - started)
                    statuses[response.status] += 1
        finally:
            browser.close()
            with lock:
                result.latencies.extend(latencies)
                result.statuses.update(statuses)
                result.errors += errors

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    timing["begin"] = now + warmup
    timing["end"] = now + warmup + seconds
    barrier.wait()
    for thread in threads:
        thread.join(timeout=warmup + seconds + 60)
    return result
