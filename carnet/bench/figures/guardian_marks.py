"""Figure: a guardian's marks page (`grades:marks`, /notes/) — throughput with 2 server workers on
loopback beside the "hello" baseline (/healthz) on the same server, as the home-page figure does;
and its query count in the demo at both data sizes (constant).

The guardian is the demo's printed lycée parent (two children); the page shows the first child's
first trimester (complete in the demo whatever the day). In-process parts run as
`python -m carnet.bench.figures.guardian_marks TASK --out FILE` (the bench worker's protocol)."""

from __future__ import annotations

import dataclasses
import json
import sys
import time

from carnet.bench import worker
from carnet.bench.figures import TITLES, Context, Figure, Table, fmt
from carnet.bench.figures.home import HELLO, _measure
from carnet.bench.scratch import BenchError, Scratch
from carnet.bench.server import Server
from carnet.bench.stats import median, spread

TITLES.setdefault(
    "guardian_marks",
    (
        "A guardian's marks page",
        "throughput with 2 workers on loopback beside the \"hello\" baseline (/healthz); constant query count",
    ),
)
ACCOUNT = "lycee-parent"


def in_process(scratch: Scratch, task: str, *args: str, timeout: float = 900) -> dict:
    out = scratch.directory / f"guardian-{task}-{time.monotonic_ns()}.json"
    scratch.run([sys.executable, "-m", "carnet.bench.figures.guardian_marks", task, "--out", str(out), *args],
                timeout=timeout, what=f"guardian marks task {task}")
    return json.loads(out.read_text(encoding="utf-8"))


# --- in process -------------------------------------------------------------------------------------


def _guardian_and_path():
    from carnet.demo.models import DemoAccount
    from carnet.school.models import Period

    account = DemoAccount.objects.select_related("user", "establishment").get(key=ACCOUNT)
    user = account.user
    if not user.has_usable_password():  # an activated account, or every page leads to choosing a password
        user.set_password("banc-essai-mot-de-passe")
        user.save(update_fields=["password"])
    period = Period.objects.filter(establishment=account.establishment, school_year__is_current=True).order_by("number").first()
    if period is None:
        raise BenchError("the demo lycée has no period")
    return user, f"/notes/?period={period.public_id}"


def _client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT_ENCODING="gzip")


def task_session(options) -> dict:
    from django.conf import settings

    user, path = _guardian_and_path()
    client = _client()
    client.force_login(user)
    response = client.get(path)
    return {
        "username": user.username,
        "path": path,
        "status": response.status_code,
        "cookies": {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value},
    }


def task_queries(options) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carnet.grades.models import Mark

    user, path = _guardian_and_path()
    client = _client()
    client.force_login(user)
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        counts.append(len(captured.captured_queries))
    seconds = []
    for _ in range(options.count):
        started = time.perf_counter()
        client.get(path)
        seconds.append(time.perf_counter() - started)
    return {
        "username": user.username,
        "status": response.status_code,
        "first": counts[0],
        "repeat": counts[-1],
        "in_process_ms": median(seconds) * 1000,
        "marks_in_database": Mark.objects.count(),
        "sql": [q["sql"][:200] for q in captured.captured_queries],
    }


worker.task("guardian-session")(task_session)
worker.task("guardian-queries")(task_queries)


# --- the figure -------------------------------------------------------------------------------------


def run(ctx: Context) -> Figure:
    small, large = ctx.seed_sizes
    figure = Figure.new("guardian_marks")
    queries = {}
    for size in (small, large):
        scratch = ctx.seeded_scratch(size)
        ctx.log(f"guardian marks: counting queries at {size} students per establishment")
        queries[size] = in_process(scratch, "guardian-queries", "--count", "5" if ctx.quick else "20")
        if queries[size]["status"] != 200:
            raise BenchError(f"the guardian's marks page answered {queries[size]['status']} in process")
    constant = queries[small]["repeat"] == queries[large]["repeat"]
    figure.check(f"same query count at {small} and {large} students per establishment", constant)
    table = Table(headers=["students per establishment", "marks in the database", "queries (repeat view)",
                           "first view of a session", "in-process ms (median)"])
    for size in (small, large):
        info = queries[size]
        table.rows.append([f"{size:,}", f"{info['marks_in_database']:,}", str(info["repeat"]), str(info["first"]),
                           fmt(info["in_process_ms"])])
    figure.tables.append((f"Queries of the page ({queries[large]['username']}, the demo's lycée parent)", table))

    scratch = ctx.seeded_scratch(large)
    session = in_process(scratch, "guardian-session")
    if session["status"] != 200:
        raise BenchError(f"the guardian's marks page answered {session['status']} in process")
    page = f"guardian's marks ({session['path'].split('?')[0]})"
    targets = {HELLO: ("/healthz", {}), page: (session["path"], session["cookies"])}
    # The page takes hundreds of milliseconds: with 8 clients a run of a few seconds could end before
    # any request that started after the warm-up finishes, so the runs are longer than the home's.
    window = dataclasses.replace(ctx, load_seconds=max(ctx.load_seconds, 3.0 if ctx.quick else 15.0))
    with Server(scratch) as server:
        server_text = server.description
        ctx.log(f"guardian marks: server up on port {server.port}: {server_text}")
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
            "1" if name == HELLO else (f"{median(rps) / hello_rps:.2f}" if median(rps) else "– (no request finished in a run)"),
        ])
    figure.tables.append((f"Under load on loopback (data: {large:,} students per establishment)", load))
    page_rps = median([r.rps for r in results[page]["loaded"]])
    figure.headline = (
        f"{fmt(page_rps, 0)} req/s with {ctx.load_clients} clients ({page_rps / hello_rps:.2f} × hello's {fmt(hello_rps, 0)}); "
        f"{fmt(median([r.median_ms for r in results[page]['single']]))} ms for 1 client; "
        f"{queries[large]['repeat']} queries, {'the same' if constant else 'NOT the same'} at both sizes"
    )
    figure.method = (
        f"The demo seeded at {small} and {large} students per establishment; the page is the first trimester of the "
        f"printed lycée parent's first child (`?period=`). Queries: `CaptureQueriesContext` around a signed-in GET "
        f"(third view of a session). Load: the home figure's closed-loop generator against {server_text} on "
        f"127.0.0.1, 1 client then {ctx.load_clients} clients, {fmt(window.load_seconds, 0)} s per run after a 0.5 s "
        f"warm-up, median of {ctx.runs_text}, interleaved with /healthz on the same server."
    )
    return figure


if __name__ == "__main__":
    worker.main()
