"""Figure: a student's and a teacher's week view (`timetable:mine`, /emploi-du-temps/): query count
in the demo at both data sizes (constant), and throughput with 2 server workers on loopback beside
the "hello" baseline (/healthz) on the same server, as the home-page figure does.

The people are the demo lycée's printed student and teacher; the week shown is the current one (the
demo's timetable covers the whole school year). In-process parts run as
`python -m carnet.bench.figures.week_view TASK --out FILE` (the bench worker's protocol)."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from typing import Any

from carnet.bench import worker
from carnet.bench.figures import TITLES, Context, Figure, Table, fmt
from carnet.bench.figures.home import HELLO, _measure
from carnet.bench.scratch import BenchError, Scratch
from carnet.bench.server import Server
from carnet.bench.stats import median, spread

TITLES.setdefault(
    "week_view",
    (
        "A student's and a teacher's week view",
        "constant query count; throughput with 2 workers on loopback beside the \"hello\" baseline (/healthz)",
    ),
)
ACCOUNTS = {"student": "lycee-eleve", "teacher": "lycee-professeur"}  # carnet.demo.data.account_key
PATH = "/emploi-du-temps/"


def in_process(scratch: Scratch, task: str, *args: str, timeout: float = 900) -> dict:
    out = scratch.directory / f"week-{task}-{time.monotonic_ns()}.json"
    scratch.run([sys.executable, "-m", "carnet.bench.figures.week_view", task, "--out", str(out), *args],
                timeout=timeout, what=f"week view task {task}")
    return json.loads(out.read_text(encoding="utf-8"))


# --- in process -------------------------------------------------------------------------------------


def _person(key: str):
    from carnet.demo.models import DemoAccount

    user = DemoAccount.objects.select_related("user").get(key=key).user
    if not user.has_usable_password():
        user.set_password("banc-essai-mot-de-passe")
        user.save(update_fields=["password"])
    return user


def _client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT_ENCODING="gzip")


def task_sessions(options) -> dict:
    from django.conf import settings

    result = {}
    for side, key in ACCOUNTS.items():
        client = _client()
        client.force_login(_person(key))
        response = client.get(PATH)
        result[side] = {"status": response.status_code,
                        "cookies": {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}}
    return result


def task_queries(options) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carnet.timetable.models import Session

    result: dict[str, Any] = {"sessions_in_database": Session.objects.count()}
    for side, key in ACCOUNTS.items():
        client = _client()
        client.force_login(_person(key))
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(PATH)
            counts.append(len(captured.captured_queries))
        seconds = []
        for _ in range(options.count):
            started = time.perf_counter()
            client.get(PATH)
            seconds.append(time.perf_counter() - started)
        result[side] = {
            "status": response.status_code,
            "first": counts[0],
            "repeat": counts[-1],
            "in_process_ms": median(seconds) * 1000,
            "bytes": len(response.content),
        }
    return result


worker.task("week-sessions")(task_sessions)
worker.task("week-queries")(task_queries)


# --- the figure -------------------------------------------------------------------------------------


def run(ctx: Context) -> Figure:
    small, large = ctx.seed_sizes
    figure = Figure.new("week_view")
    queries = {}
    for size in (small, large):
        scratch = ctx.seeded_scratch(size)
        ctx.log(f"week view: counting queries at {size} students per establishment")
        queries[size] = in_process(scratch, "week-queries", "--count", "5" if ctx.quick else "20")
        for side in ACCOUNTS:
            if queries[size][side]["status"] != 200:
                raise BenchError(f"the {side}'s week view answered {queries[size][side]['status']} in process")
    table = Table(headers=["who", "students per establishment", "sessions in the database", "queries (repeat view)",
                           "first view of a session", "in-process ms (median)", "page KiB"])
    for side in ACCOUNTS:
        constant = queries[small][side]["repeat"] == queries[large][side]["repeat"]
        figure.check(f"{side}: same query count at {small} and {large} students per establishment", constant)
        for size in (small, large):
            info = queries[size][side]
            table.rows.append([side, f"{size:,}", f"{queries[size]['sessions_in_database']:,}", str(info["repeat"]),
                               str(info["first"]), fmt(info["in_process_ms"]), fmt(info["bytes"] / 1024)])
    figure.tables.append(("Queries of the week view (the demo lycée's printed student and teacher)", table))

    scratch = ctx.seeded_scratch(large)
    sessions = in_process(scratch, "week-sessions")
    targets: dict[str, tuple[str, dict]] = {HELLO: ("/healthz", {})}
    for side in ACCOUNTS:
        if sessions[side]["status"] != 200:
            raise BenchError(f"the {side}'s week view answered {sessions[side]['status']} in process")
        targets[f"{side}'s week ({PATH})"] = (PATH, sessions[side]["cookies"])
    window = dataclasses.replace(ctx, load_seconds=max(ctx.load_seconds, 3.0 if ctx.quick else 8.0))
    with Server(scratch) as server:
        server_text = server.description
        ctx.log(f"week view: server up on port {server.port}: {server_text}")
        results = _measure(window, server, targets)

    hello_rps = median([r.rps for r in results[HELLO]["loaded"]])
    hello_single = median([r.median_ms for r in results[HELLO]["single"]])
    load = Table(headers=[
        "page", "median ms, 1 client", f"median ms, {ctx.load_clients} clients", f"p95 ms, {ctx.load_clients} clients",
        f"req/s, {ctx.load_clients} clients (min–max)", "time ÷ hello (1 client)", "req/s ÷ hello",
    ])
    for name, modes in results.items():
        single = median([r.median_ms for r in modes["single"]])
        rps = [r.rps for r in modes["loaded"]]
        low, high = spread(rps)
        load.rows.append([
            name, fmt(single, 2), fmt(median([r.median_ms for r in modes["loaded"]]), 2),
            fmt(median([r.p95_ms for r in modes["loaded"]]), 2), f"{fmt(median(rps), 0)} ({fmt(low, 0)}–{fmt(high, 0)})",
            "1" if name == HELLO else f"{single / hello_single:.1f}×",
            "1" if name == HELLO else (f"{median(rps) / hello_rps:.2f}" if median(rps) else "–"),
        ])
    figure.tables.append((f"Under load on loopback (data: {large:,} students per establishment)", load))
    parts = []
    for side in ACCOUNTS:
        side_rps = median([r.rps for r in results[f"{side}'s week ({PATH})"]["loaded"]])
        parts.append(
            f"{side} {fmt(side_rps, 0)} req/s ({side_rps / hello_rps:.2f} × hello), {queries[large][side]['repeat']} queries"
        )
    figure.headline = "; ".join(parts)
    figure.method = (
        f"The demo seeded at {small} and {large} students per establishment (a whole school year of sessions); "
        f"the current week of the printed lycée student and teacher. Queries: `CaptureQueriesContext` around a "
        f"signed-in GET (third view of a session). Load: the home figure's closed-loop generator against {server_text} "
        f"on 127.0.0.1, 1 client then {ctx.load_clients} clients, {fmt(window.load_seconds, 0)} s per run after a "
        f"0.5 s warm-up, median of {ctx.runs_text}, interleaved with /healthz on the same server."
    )
    return figure


if __name__ == "__main__":
    worker.main()
