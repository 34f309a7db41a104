"""Figures: absence statistics for a whole establishment over a year (target < 1 s) and the booking
conflict check over a year of timetable (target < 50 ms).

Both are measured in one worker (`python -m carnet.bench.figures.schoollife --out FILE --students N
--runs R`) inside a scratch database that `schoollife_data.build` fills: 1,500 students, the year's
sessions generated from the timetable, bookings, a year of absences and lateness."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from carnet.bench.figures import TITLES, Context, Figure, Table, fmt
from carnet.bench.stats import median, percentile, spread

TITLES.setdefault(
    "absence_stats",
    ("Absence statistics for a whole establishment", "1,500 students over a school year: under 1 s"),
)
TITLES.setdefault(
    "booking",
    ("Booking conflict check", "a resource, a date and times checked against a year of timetable and bookings: under 50 ms"),
)
STATS_TARGET = 1.0
BOOKING_TARGET_MS = 50.0
SAMPLES = 200

_RESULTS: dict[str, dict] = {}


def _measured(ctx: Context) -> dict:
    """Build and measure once for both figures."""
    if "result" not in _RESULTS:
        students = 100 if ctx.quick else 1500
        scratch = ctx.workspace.scratch("schoollife")
        out = scratch.directory / "schoollife.json"
        ctx.log(f"school life: building {students} students, a year of sessions, bookings and absences, then {ctx.runs_text}")
        scratch.run(
            [sys.executable, "-m", "carnet.bench.figures.schoollife", "--out", str(out), "--students", str(students),
             "--runs", str(ctx.runs)],
            timeout=1800, what="school-life worker",
        )
        _RESULTS["result"] = json.loads(out.read_text(encoding="utf-8"))
    return _RESULTS["result"]


def run_stats(ctx: Context) -> Figure:
    result = _measured(ctx)
    figure = Figure.new("absence_stats")
    seconds = result["stats_seconds"]
    low, high = spread(seconds)
    figure.check(f"median {fmt(median(seconds), 3)} s < {STATS_TARGET:g} s", median(seconds) < STATS_TARGET)
    table = Table(headers=["students", "classes", "absence episodes", "late arrivals", "seconds, median (min–max)", "queries", "target"])
    table.rows.append([
        f"{result['students']:,}", str(result["classes"]), f"{result['absences']:,}", f"{result['latenesses']:,}",
        f"{fmt(median(seconds), 3)} ({fmt(low, 3)}–{fmt(high, 3)})", str(result["stats_queries"]), f"< {STATS_TARGET:g} s",
    ])
    figure.tables.append(("The whole establishment, the whole year", table))
    figure.headline = (
        f"{fmt(median(seconds) * 1000, 0)} ms for {result['students']:,} students, {result['absences']:,} absences, "
        f"{result['latenesses']:,} late arrivals ({result['stats_queries']} queries)"
    )
    figure.method = (
        "In process, in a worker under production settings on a fresh SQLite database: "
        "`carnet.attendance.statistics.establishment_stats(establishment, year=…)` (per student, per class and per "
        f"month: half-days justified / unjustified / to justify, late arrivals and minutes), {ctx.runs_text}, median."
    )
    figure.notes.append(f"Building the data (not timed) took {fmt(result['build_seconds'], 1)} s.")
    return figure


def run_booking(ctx: Context) -> Figure:
    result = _measured(ctx)
    figure = Figure.new("booking")
    ms = result["booking_ms"]
    figure.check(f"median {fmt(median(ms), 1)} ms < {BOOKING_TARGET_MS:g} ms", median(ms) < BOOKING_TARGET_MS)
    figure.check(f"at most 7 queries whatever the data ({', '.join(map(str, sorted(set(result['booking_queries']))))})",
                 max(result["booking_queries"]) <= 7)
    table = Table(headers=["slots", "sessions", "bookings", "checks", "median ms", "p95 ms", "max ms", "queries", "target"])
    table.rows.append([
        f"{result['slots']:,}", f"{result['sessions']:,}", f"{result['bookings']:,}", str(len(ms)),
        fmt(median(ms), 1), fmt(percentile(ms, 0.95), 1), fmt(max(ms), 1), str(max(result["booking_queries"])),
        f"< {BOOKING_TARGET_MS:g} ms",
    ])
    figure.tables.append(("Random room, day of the year and hour", table))
    figure.headline = f"median {fmt(median(ms), 1)} ms, p95 {fmt(percentile(ms, 0.95), 1)} ms over {result['sessions']:,} sessions"
    figure.method = (
        "In process: `carnet.timetable.booking.conflicts.find_conflicts(resource, day, start, end)` for "
        f"{SAMPLES} random (room, school day, one-hour slot) triples of the year, each timed alone; the conflicts "
        "found are read (their descriptions built)."
    )
    return figure


# --- worker side ------------------------------------------------------------------------------------


def measure(options: argparse.Namespace) -> dict:
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from carnet.attendance.statistics import establishment_stats
    from carnet.bench.figures.schoollife_data import build
    from carnet.school.models import Establishment, SchoolYear
    from carnet.timetable.booking.conflicts import find_conflicts
    from carnet.timetable.models import Resource

    translation.activate("fr")
    started = time.perf_counter()
    built = build(options.students)
    build_seconds = time.perf_counter() - started
    establishment = Establishment.objects.get(id=built["establishment_id"])
    year = SchoolYear.objects.get(id=built["year_id"])

    with CaptureQueriesContext(connection) as captured:
        establishment_stats(establishment, year=year)
    stats_queries = len(captured)
    stats_seconds = []
    for _run in range(options.runs):
        wall = time.perf_counter()
        establishment_stats(establishment, year=year)
        stats_seconds.append(time.perf_counter() - wall)

    rng = random.Random(7)
    rooms = list(Resource.objects.filter(establishment=establishment, kind=Resource.Kind.ROOM))
    days = [year.starts_on + dt.timedelta(days=n) for n in range((year.ends_on - year.starts_on).days)]
    days = [d for d in days if d.weekday() < 5]
    booking_ms, booking_queries, found = [], [], 0
    for n in range(SAMPLES):
        room, day, hour = rng.choice(rooms), rng.choice(days), rng.choice((8, 9, 10, 11, 13, 14, 15, 16, 17))
        start, end = dt.time(hour, 0), dt.time(hour, 55)
        if n < 20:
            with CaptureQueriesContext(connection) as captured:
                find_conflicts(room, day, start, end)
            booking_queries.append(len(captured))
        wall = time.perf_counter()
        conflicts = find_conflicts(room, day, start, end)
        found += sum(1 for c in conflicts if str(c))
        booking_ms.append((time.perf_counter() - wall) * 1000)
    return {
        **built,
        "build_seconds": build_seconds,
        "stats_seconds": stats_seconds,
        "stats_queries": stats_queries,
        "booking_ms": booking_ms,
        "booking_queries": booking_queries,
        "booking_conflicts_found": found,
    }


def main(argv: list[str] | None = None) -> None:
    import django

    parser = argparse.ArgumentParser(prog="python -m carnet.bench.figures.schoollife")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    django.setup()
    options.out.write_text(json.dumps(measure(options), default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
