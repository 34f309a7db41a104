"""Figure 3: a role's home page. Constant query count whatever the data size; median server time
and throughput with 2 server workers under load on loopback, beside /healthz ("hello") on the
same server as the baseline, reported as a ratio."""

from __future__ import annotations

from carnet.bench.figures import Context, Figure, Table, fmt
from carnet.bench.load import LoadResult, run_load
from carnet.bench.scratch import BenchError
from carnet.bench.server import HOST, Server
from carnet.bench.stats import median, spread

SIDES = ("student", "guardian", "teacher", "staff")
SIDE_LABELS = {"student": "student", "guardian": "guardian", "teacher": "teacher", "staff": "staff (head, school life…)"}
HELLO = "hello (/healthz)"


def _measure(ctx: Context, server: Server, targets: dict[str, tuple[str, dict]]) -> dict[str, dict[str, list[LoadResult]]]:
    """Interleaved runs: run 1 of every target, then run 2…, so that drift hits all alike."""
    results: dict[str, dict[str, list[LoadResult]]] = {name: {"single": [], "loaded": []} for name in targets}
    for run in range(ctx.runs):
        for name, (path, cookies) in targets.items():
            ctx.log(f"load run {run + 1}/{ctx.runs}: {name}")
            for mode, clients in (("single", 1), ("loaded", ctx.load_clients)):
                outcome = run_load(HOST, server.port, path, clients=clients, seconds=ctx.load_seconds, cookies=cookies)
                bad = outcome.unexpected(200)
                if bad:
                    raise BenchError(
                        f"{name}: {bad} of {outcome.requests} answers were not 200 ({dict(outcome.statuses)}, "
                        f"{outcome.errors} errors)\n{server.log_tail()}"
                    )
                results[name][mode].append(outcome)
    return results


def run(ctx: Context, *, seeding_available: bool) -> Figure:
    small, large = ctx.seed_sizes
    figure = Figure.new("home")
    targets: dict[str, tuple[str, dict]] = {HELLO: ("/healthz", {})}
    query_rows: dict[str, dict] = {}
    people: dict[str, dict] = {}
    if seeding_available:
        for size in (small, large):
            scratch = ctx.seeded_scratch(size)
            ctx.log(f"counting the home page queries at {size} students per establishment")
            for side, info in scratch.worker("queries", "--count", "5" if ctx.quick else "30").items():
                if side not in SIDES:
                    continue
                query_rows.setdefault(side, {})[size] = info
        scratch = ctx.seeded_scratch(large)
        people = scratch.worker("sessions")
        for side in SIDES:
            if side in people:
                if people[side]["status"] != 200:
                    raise BenchError(f"the {side} home page answered {people[side]['status']} in process")
                targets[f"{SIDE_LABELS[side]} home ({people[side]['path']})"] = (people[side]["path"], people[side]["cookies"])
    else:
        scratch = ctx.workspace.scratch("hello-only")
        figure.notes.append("The demo seeding was not available: only the /healthz baseline was measured.")

    with Server(scratch) as server:
        server_text = server.description
        ctx.log(f"server up on port {server.port}: {server_text}")
        results = _measure(ctx, server, targets)

    hello_rps = median([r.rps for r in results[HELLO]["loaded"]])
    hello_single = median([r.median_ms for r in results[HELLO]["single"]])
    table = Table(
        headers=[
            "page",
            "median ms, 1 client",
            f"median ms, {ctx.load_clients} clients",
            f"p95 ms, {ctx.load_clients} clients",
            f"req/s, {ctx.load_clients} clients (min–max)",
            "time ÷ hello (1 client)",
            "req/s ÷ hello",
        ]
    )
    for name, modes in results.items():
        single = median([r.median_ms for r in modes["single"]])
        loaded_median = median([r.median_ms for r in modes["loaded"]])
        loaded_p95 = median([r.p95_ms for r in modes["loaded"]])
        rps_values = [r.rps for r in modes["loaded"]]
        low, high = spread(rps_values)
        table.rows.append([
            name,
            fmt(single, 2),
            fmt(loaded_median, 2),
            fmt(loaded_p95, 2),
            f"{fmt(median(rps_values), 0)} ({fmt(low, 0)}–{fmt(high, 0)})",
            "1" if name == HELLO else f"{single / hello_single:.1f}×",
            "1" if name == HELLO else f"{median(rps_values) / hello_rps:.2f}",
        ])
    figure.tables.append((f"Under load on loopback (data: {large:,} students per establishment)", table))

    if query_rows:
        queries = Table(headers=[
            "side", "person", f"queries at {small}", f"queries at {large}", "first view of a session", "constant",
            f"in-process ms at {small} / {large}",
        ])
        for side in SIDES:
            sizes = query_rows.get(side)
            if not sizes:
                queries.rows.append([SIDE_LABELS[side], "no such person in the demo data", "–", "–", "–", "–", "–"])
                figure.check(f"{side}: a person to measure", False)
                continue
            repeat_small, repeat_large = sizes[small]["repeat"], sizes[large]["repeat"]
            constant = repeat_small == repeat_large
            figure.check(f"{side}: same query count at {small} and {large} students", constant)
            queries.rows.append([
                SIDE_LABELS[side],
                f"{sizes[large]['username']} ({', '.join(sizes[large]['sides'])})",
                str(repeat_small),
                str(repeat_large),
                f"{sizes[small]['first']} / {sizes[large]['first']}",
                "yes" if constant else "NO",
                f"{fmt(sizes[small]['in_process_ms'])} / {fmt(sizes[large]['in_process_ms'])}",
            ])
        figure.tables.insert(0, ("Queries per home page (in process, Django test client)", queries))
    pages = [name for name in results if name != HELLO]
    if pages:
        singles = [median([r.median_ms for r in results[n]["single"]]) for n in pages]
        ratios = [median([r.rps for r in results[n]["loaded"]]) / hello_rps for n in pages]
        counted = [row[large]["repeat"] for row in query_rows.values() if large in row]
        same = all(row.get(small, {}).get("repeat") == row.get(large, {}).get("repeat") for row in query_rows.values())
        figure.headline = (
            (f"{min(counted)}–{max(counted)} queries per page, {'the same' if same else 'NOT the same'} at both sizes; "
             if counted else "")
            + f"home {fmt(min(singles))}–{fmt(max(singles))} ms vs hello {fmt(hello_single, 2)} ms (1 client); "
            f"req/s {fmt(min(ratios), 2)}–{fmt(max(ratios), 2)} × hello's {fmt(hello_rps, 0)}"
        )
    else:
        figure.headline = f"hello only: {fmt(hello_single, 2)} ms, {fmt(hello_rps, 0)} req/s"
    figure.method = (
        f"Queries: `CaptureQueriesContext` around a signed-in GET of the home page (third view of a session; "
        f"the first view also records the session) in databases seeded with {small} and {large} students per "
        f"establishment by the demo; in-process ms is the median of repeated views through Django's test client "
        f"(no HTTP, no server). Load: a closed-loop Python generator "
        f"(threads, keep-alive HTTP/1.1, signed-in session cookie) against {server_text} on 127.0.0.1, 1 client then {ctx.load_clients} clients, {fmt(ctx.load_seconds, 0)} s per run "
        f"after a 0.5 s warm-up, median of {ctx.runs_text}, interleaved; the generator runs on the same machine."
    )
    return figure
