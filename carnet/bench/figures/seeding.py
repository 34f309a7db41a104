"""Figure 1: demo seeding of 1,500 students in under 60 s."""

from __future__ import annotations

from carnet.bench.figures import Context, Figure, Table, fmt
from carnet.bench.stats import median, spread

TARGET_SECONDS = 60.0


def run(ctx: Context) -> Figure:
    students = ctx.seed_sizes[1]
    figure = Figure.new("seeding")
    runs = []
    for number in range(ctx.runs):
        scratch = ctx.workspace.scratch(f"seeding-{number + 1}")
        ctx.log(f"seeding run {number + 1}/{ctx.runs}: {students} students per establishment")
        result = scratch.worker("seed", "--students", str(students), timeout=1800)
        result["counts"] = scratch.worker("counts")
        runs.append(result)
        ctx.log(f"  {result['seconds']:.1f} s")
        ctx.seeded[students] = scratch  # the last one serves the home-page figure

    seconds = [r["seconds"] for r in runs]
    low, high = spread(seconds)
    last = runs[-1]
    counts = last["counts"]
    total_students = sum(counts["students_per_establishment"].values())
    rows = sum(last["rows"].values())
    table = Table(
        headers=["students per establishment", "establishments", "students in all", "seconds (median)", "min–max", "CPU s", "rows created", "target", "verdict"],
    )
    ok = median(seconds) < TARGET_SECONDS
    figure.check(f"median {fmt(median(seconds))} s < {TARGET_SECONDS:g} s", ok)
    table.rows.append([
        str(students),
        str(counts["establishments"]),
        f"{total_students:,}",
        fmt(median(seconds)),
        f"{fmt(low)}–{fmt(high)}",
        fmt(median([r["cpu_seconds"] for r in runs])),
        fmt(rows, 0),
        f"< {TARGET_SECONDS:g} s",
        "PASS" if ok else "FAIL",
    ])
    figure.tables.append(("Seeding a fresh database", table))
    detail = Table(headers=["table", "rows created (last run)"])
    for label, count in sorted(last["rows"].items(), key=lambda item: -item[1]):
        detail.rows.append([label, fmt(count, 0)])
    figure.tables.append(("Rows created, by table", detail))
    per = ", ".join(f"{code}: {n:,}" for code, n in counts["students_per_establishment"].items())
    figure.notes.append(
        f"`--students {students}` is per establishment: the demo seeds {counts['establishments']} "
        f"establishment(s), so each run creates {total_students:,} enrolled students ({per}) and "
        f"{counts['users']:,} accounts in all (students, guardians, staff); the time above covers all of them."
    )
    figure.headline = (
        f"{fmt(median(seconds))} s for {counts['establishments']} × {students} students "
        f"({fmt(counts['users'], 0)} accounts, {fmt(rows, 0)} rows)"
    )
    figure.method = (
        f"`seed_demo(students_per_establishment={students})` called in process (Django start-up excluded; "
        f"the worker process took {fmt(median([r['_process_seconds'] for r in runs]))} s with start-up) on a "
        f"freshly migrated SQLite database, production settings, {ctx.runs_text}, each in a new database."
    )
    return figure
