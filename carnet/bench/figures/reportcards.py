"""Figure: report cards for a whole establishment (1,500 PDFs) in under 60 s on this 2-core machine,
and one report card on demand in under 1 s.

The harness side (`run`) makes a scratch database, builds the establishment of the "averages" figure
(1,500 students in classes of 35, 12 subjects, 10 marks each, conduct, ranks: a Beninese CEG) and
publishes every class's report cards through `carnet.reportcards.services.publish_for_class`, as
the background batch does: first in one process, then split over 2 processes (half of the classes
each, started together), `runs` times each; then `publish_for_student` for single students.
Each publication is real: content snapshot, digest, verification code, PDF in the storage, one
bulk insert, one audit event and the notification of the class."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from carnet.bench.figures import TITLES, Context, Figure, Table, fmt
from carnet.bench.stats import median, spread

KEY = "reportcards"
TITLE = "Report cards for a whole establishment"
TARGET = "1,500 PDFs published in under 60 s on this 2-core machine; one report card on demand in under 1 s"
TARGET_SECONDS = 60.0
ON_DEMAND_SECONDS = 1.0
WORKERS = 2

# Known to `Figure.new` like the figures listed in carnet.bench.figures.
TITLES.setdefault(KEY, (TITLE, TARGET))


def _worker(scratch, *args: str, timeout: float = 1800) -> dict:
    out = scratch.directory / f"reportcards-{time.monotonic_ns()}.json"
    scratch.run(
        [sys.executable, "-m", "carnet.bench.figures.reportcards", "--out", str(out), *args],
        timeout=timeout,
        what=f"reportcards worker {' '.join(args)}",
    )
    return json.loads(out.read_text(encoding="utf-8"))


def _parallel(scratch, workers: int) -> dict:
    """`workers` processes started together, each publishing its share of the classes; the wall
    time is from the first start to the last exit (Django start-up included)."""
    outs = [scratch.directory / f"reportcards-part-{n}-{time.monotonic_ns()}.json" for n in range(workers)]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(  # noqa: S603 (argv built here, from this virtualenv)
            [sys.executable, "-m", "carnet.bench.figures.reportcards", "--out", str(out), "publish", "--part", f"{n}/{workers}"],
            cwd=scratch_cwd(), env=scratch.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n, out in enumerate(outs)
    ]
    errors = []
    for process in processes:
        _stdout, stderr = process.communicate(timeout=1800)
        if process.returncode != 0:
            errors.append(stderr[-2000:])
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError("a report-card worker failed:\n" + "\n".join(errors))
    parts = [json.loads(out.read_text(encoding="utf-8")) for out in outs]
    return {
        "wall_seconds": wall,
        "cards": sum(p["cards"] for p in parts),
        "publish_seconds": max(p["seconds"] for p in parts),
    }


def scratch_cwd() -> Path:
    from carnet.bench.scratch import PROJECT_DIR

    return PROJECT_DIR


def run(ctx: Context) -> Figure:
    students = 100 if ctx.quick else 1500
    figure = Figure.new(KEY)
    scratch = ctx.workspace.scratch("reportcards")
    ctx.log(f"reportcards: building {students} students, then publishing every class, {ctx.runs_text}")
    built = _worker(scratch, "build", "--students", str(students))
    single, parallel, on_demand = [], [], []
    for number in range(ctx.runs):
        one = _worker(scratch, "publish", "--part", "0/1")
        single.append(one)
        ctx.log(f"  run {number + 1}: 1 process, {one['cards']} cards in {one['seconds']:.1f} s ({one['per_card_ms']:.1f} ms a card)")
        two = _parallel(scratch, WORKERS)
        parallel.append(two)
        ctx.log(f"  run {number + 1}: {WORKERS} processes, {two['cards']} cards in {two['wall_seconds']:.1f} s")
    demand = _worker(scratch, "on-demand", "--count", "5")
    on_demand = demand["seconds"]

    single_s = [r["seconds"] for r in single]
    parallel_s = [r["wall_seconds"] for r in parallel]
    cards = single[-1]["cards"]
    best = min(median(single_s), median(parallel_s))
    ok_whole = best < TARGET_SECONDS
    ok_demand = median(on_demand) < ON_DEMAND_SECONDS
    figure.check(
        f"whole establishment: {fmt(median(single_s), 1)} s in 1 process, {fmt(median(parallel_s), 1)} s in {WORKERS} processes "
        f"(best {fmt(best, 1)} s) < {TARGET_SECONDS:g} s",
        ok_whole,
    )
    figure.check(f"one report card on demand: median {fmt(median(on_demand) * 1000, 0)} ms < {ON_DEMAND_SECONDS * 1000:g} ms", ok_demand)
    figure.check(
        f"constant number of queries per class ({', '.join(map(str, sorted(set(single[-1]['queries_per_class']))))})",
        len(set(single[-1]["queries_per_class"])) == 1,
    )
    table = Table(headers=["what", "cards", "seconds, median (min–max)", "CPU s", "per card (ms)", "target", "verdict"])
    low, high = spread(single_s)
    table.rows.append([
        "every class, one after the other, 1 process (what one `carnet worker` does with a batch)", f"{cards:,}",
        f"{fmt(median(single_s), 1)} ({fmt(low, 1)}–{fmt(high, 1)})", fmt(median([r["cpu_seconds"] for r in single]), 1),
        fmt(median(single_s) / max(cards, 1) * 1000, 1),
        f"< {TARGET_SECONDS:g} s", "PASS" if median(single_s) < TARGET_SECONDS else "FAIL",
    ])
    low, high = spread(parallel_s)
    table.rows.append([
        f"the classes split over {WORKERS} processes started together (start-up included)", f"{parallel[-1]['cards']:,}",
        f"{fmt(median(parallel_s), 1)} ({fmt(low, 1)}–{fmt(high, 1)})", "–", fmt(median(parallel_s) / max(cards, 1) * 1000, 1),
        f"< {TARGET_SECONDS:g} s", "PASS" if median(parallel_s) < TARGET_SECONDS else "FAIL",
    ])
    low, high = spread(on_demand)
    table.rows.append([
        "one student's card on demand (`publish_for_student`: the class's results, 1 PDF)", "1",
        f"{fmt(median(on_demand), 3)} ({fmt(low, 3)}–{fmt(high, 3)})", "–", fmt(median(on_demand) * 1000, 0),
        f"< {ON_DEMAND_SECONDS:g} s", "PASS" if ok_demand else "FAIL",
    ])
    figure.tables.append((f"{built['students']:,} students, {built['classes']} classes, {built['marks']:,} marks", table))
    parts = Table(headers=["step of one card (last single-process run)", "ms per card"])
    for label, key in (("class results and content snapshot", "content_ms"), ("PDF drawing", "pdf_ms"), ("the rest (storage, insert, audit, notification)", "rest_ms")):
        parts.rows.append([label, fmt(single[-1][key], 2)])
    figure.tables.append(("Where the time goes", parts))
    figure.headline = (
        f"{cards:,} PDFs in {fmt(median(single_s), 1)} s (1 process), {fmt(median(parallel_s), 1)} s ({WORKERS} processes); "
        f"one on demand {fmt(median(on_demand) * 1000, 0)} ms"
    )
    figure.notes.append(
        f"Building the data (not timed) took {fmt(built['build_seconds'], 1)} s. Each run publishes a new version of "
        "every card (versions 1, 2, 3… of the same students), PDFs written to the scratch directory's media storage. "
        f"A PDF is {fmt(single[-1]['pdf_bytes'] / 1024, 1)} KiB."
    )
    figure.method = (
        "In process, in workers under production settings on a fresh SQLite database (WAL): the establishment of the "
        "averages figure (a Beninese CEG: ranks, conduct, (MI + devoirs)/(1 + n)), its head publishing with "
        "`carnet.reportcards.services.publish_for_class` class after class — one process, then the classes split "
        f"over {WORKERS} processes; {ctx.runs_text} each, median reported; then `publish_for_student` for 5 students."
    )
    return figure


# --- worker side (runs inside the scratch environment) ----------------------------------------------


def _context():
    from django.contrib.auth import get_user_model

    from carnet.school.models import Establishment, Period, SchoolClass, StaffFunction

    establishment = Establishment.objects.get(code="BJ-BANC-001")
    period = Period.objects.get(establishment=establishment, number=1)
    head = get_user_model().objects.get(username="bench.head")
    classes = list(
        SchoolClass.objects.filter(establishment=establishment).select_related("establishment", "school_year", "level").order_by("id")
    )
    assert StaffFunction.objects.filter(user=head, kind="head").exists()
    return establishment, period, head, classes


def build_task(options) -> dict:
    import datetime as dt

    from django.contrib.auth import get_user_model

    from carnet.bench.figures.averages import build
    from carnet.school.models import Establishment, StaffFunction

    started = time.perf_counter()
    built = build(options.students)
    establishment = Establishment.objects.get(id=built["establishment_id"])
    head = get_user_model().objects.create(username="bench.head", first_name="Chef", last_name="Banc", password="!")
    StaffFunction.objects.create(establishment=establishment, user=head, kind="head", starts_on=dt.date(2020, 1, 1))
    return {"students": options.students, "classes": built["classes"], "marks": built["marks"], "build_seconds": time.perf_counter() - started}


def publish_task(options) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carnet.reportcards import content as content_module
    from carnet.reportcards import pdf as pdf_module
    from carnet.reportcards import services

    _establishment, period, head, classes = _context()
    index, count = (int(x) for x in options.part.split("/"))
    mine = classes[index::count]
    timings = {"content": 0.0, "pdf": 0.0}
    sizes: list[int] = []
    original_contents, original_render = content_module.class_contents, pdf_module.render_pdf
    original_results = services.period_results

    def timed_results(**kwargs):
        started = time.perf_counter()
        try:
            return original_results(**kwargs)
        finally:
            timings["content"] += time.perf_counter() - started

    def timed_contents(**kwargs):
        started = time.perf_counter()
        try:
            return original_contents(**kwargs)
        finally:
            timings["content"] += time.perf_counter() - started

    def timed_render(*args, **kwargs):
        started = time.perf_counter()
        try:
            data = original_render(*args, **kwargs)
            sizes.append(len(data))
            return data
        finally:
            timings["pdf"] += time.perf_counter() - started

    services.period_results = timed_results  # type: ignore[assignment]
    services.class_contents = timed_contents  # type: ignore[assignment]
    services.render_pdf = timed_render  # type: ignore[assignment]
    queries = []
    cards = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for number, school_class in enumerate(mine):
        # Classes 2 to 4: the first one also reads what stays cached in the process (the head's roles).
        if 1 <= number <= 3:
            with CaptureQueriesContext(connection) as captured:
                cards += len(services.publish_for_class(actor=head, period=period, school_class=school_class))
            queries.append(len(captured))
        else:
            cards += len(services.publish_for_class(actor=head, period=period, school_class=school_class))
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    per_card = seconds / max(cards, 1) * 1000
    content_ms = timings["content"] / max(cards, 1) * 1000
    pdf_ms = timings["pdf"] / max(cards, 1) * 1000
    return {
        "cards": cards,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "per_card_ms": per_card,
        "content_ms": content_ms,
        "pdf_ms": pdf_ms,
        "rest_ms": per_card - content_ms - pdf_ms,
        "pdf_bytes": sum(sizes) / max(len(sizes), 1),
        "queries_per_class": queries,
    }


def on_demand_task(options) -> dict:
    from carnet.reportcards import services
    from carnet.school.models import Enrollment

    _establishment, period, head, classes = _context()
    seconds = []
    for school_class in classes[: options.count]:
        enrollment = Enrollment.objects.filter(school_class=school_class).select_related("student").first()
        if enrollment is None:
            continue
        student = enrollment.student
        started = time.perf_counter()
        services.publish_for_student(actor=head, period=period, student=student)
        seconds.append(time.perf_counter() - started)
    return {"seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    import django

    parser = argparse.ArgumentParser(prog="python -m carnet.bench.figures.reportcards")
    parser.add_argument("task", choices=["build", "publish", "on-demand"])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--part", default="0/1", help="index/count: publish every count-th class from index")
    parser.add_argument("--count", type=int, default=5)
    options = parser.parse_args(argv)
    django.setup()
    from django.utils import translation

    translation.activate("fr")
    tasks = {"build": build_task, "publish": publish_task, "on-demand": on_demand_task}
    options.out.write_text(json.dumps(tasks[options.task](options), default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
