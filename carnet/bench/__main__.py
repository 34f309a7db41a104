"""`python -m carnet.bench [--quick] [--only FIGURE ...] [--output docs/benchmarks.md]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from pathlib import Path

from carnet.bench import machine, report
from carnet.bench.figures import (
    Context,
    Figure,
    averages,
    grid,
    guardian_marks,
    home,
    imports,
    registers,
    reportcards,
    schoollife,
    seeding,
    signin,
    week_view,
)
from carnet.bench.scratch import PROJECT_DIR, Workspace

FIGURES = (
    "seeding", "imports", "home", "signin", "averages", "reportcards", "grid", "guardian_marks",
    "registers", "week_view", "absence_stats", "booking",
)


def pieces() -> dict[str, str]:
    """Which measured pieces exist in this checkout; an absent one is reported as not measured."""
    missing = {}
    demo = PROJECT_DIR / "carnet" / "demo" / "services.py"
    if not demo.exists() or "def seed_demo" not in demo.read_text(encoding="utf-8"):
        missing["seeding"] = "carnet.demo.services.seed_demo does not exist in this checkout"
    if not imports.available():
        missing["imports"] = "the student import (carnet/school/imports) does not exist in this checkout"
    return missing


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m carnet.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes and one run: a smoke test of the harness")
    parser.add_argument("--only", nargs="+", choices=FIGURES, help="measure only these figures")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3, 1 with --quick)")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory for inspection")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    quick = options.quick
    runs = options.runs or (1 if quick else 3)
    wanted = options.only or list(FIGURES)
    missing = pieces()
    started = time.monotonic()
    when = dt.datetime.now().astimezone()
    figures: list[Figure] = []
    load_before = machine.load_average()
    with Workspace(keep=options.keep) as workspace:
        ctx = Context(
            workspace=workspace,
            quick=quick,
            runs=runs,
            seed_sizes=(20, 60) if quick else (200, 1500),
            import_students=100 if quick else 1500,
            load_seconds=1.0 if quick else 4.0,
            load_clients=8,
            throttle_seconds=3.0 if quick else 10.0,
            throttle_rate=100.0,
        )
        ctx.log(f"scratch directory {workspace.root}; migrating the template database")
        workspace.prepare()
        steps = {
            "seeding": lambda: seeding.run(ctx),
            "imports": lambda: imports.run(ctx),
            "home": lambda: home.run(ctx, seeding_available="seeding" not in missing),
            "signin": lambda: signin.run(ctx),
            "averages": lambda: averages.run(ctx),
            "reportcards": lambda: reportcards.run(ctx),
            "grid": lambda: grid.run(ctx),
            "guardian_marks": lambda: guardian_marks.run(ctx),
            "registers": lambda: registers.run(ctx),
            "week_view": lambda: week_view.run(ctx),
            "absence_stats": lambda: schoollife.run_stats(ctx),
            "booking": lambda: schoollife.run_booking(ctx),
        }
        for key in FIGURES:
            if key not in wanted:
                continue
            if key in missing:
                figure = Figure.new(key, not_measured=missing[key])
            else:
                step_started = time.monotonic()
                try:
                    figure = steps[key]()
                except Exception as error:  # a broken figure must not hide the others
                    traceback.print_exc()
                    figure = Figure.new(
                        key, not_measured=f"the bench step failed: {str(error).splitlines()[0][:300]}"
                    )
                figure.seconds = time.monotonic() - step_started
            ctx.log(f"{key}: {figure.verdict}")
            figures.append(figure)
        small, large = ctx.seed_sizes
        sizes = {
            "Demo seeding": f"{large:,} students per establishment (the demo seeds each of its establishments)",
            "Query counts": f"{small:,} and {large:,} students per establishment",
            "Import file": f"{ctx.import_students:,} students with 1–2 guardians each",
            "Load": f"1 client, then {ctx.load_clients} concurrent clients; {ctx.load_seconds:g} s per run",
            "Averages": f"{100 if quick else 1500:,} students in classes of 35, 12 subjects, 10 marks each",
            "Report cards": f"{100 if quick else 1500:,} students (the averages figure's establishment), one PDF each",
            "School life": f"{100 if quick else 1500:,} students in classes of 35, 26 h a week, a school year of sessions, "
            "400 bookings, 4–12 absences and 2–8 late arrivals per student",
            "Sign-in attack": f"{ctx.throttle_rate:g} wrong attempts/s for {ctx.throttle_seconds:g} s, 4 people signing in each second",
        }
        description = machine.describe()
        description["Load average (1 min) before / after"] = (
            f"{load_before} / {machine.load_average()} (other work on the machine slows every figure)"
        )
        text = report.render(
            figures=figures, machine=description, sizes=sizes, quick=quick, runs=runs, when=when,
            total_seconds=time.monotonic() - started,
        )
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    print(text)
    print(f"\nwritten to {options.output}", file=sys.stderr)
    failed = [f.title for f in figures if f.verdict == "FAIL"]
    if failed:
        print(f"figures below target: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
