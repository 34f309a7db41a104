"""Figure 2: import of a 1,500-student file in under 5 s including validation; re-import in under
5 s with 0 changes."""

from __future__ import annotations

import re

from carnet.bench.figures import Context, Figure, Table, fmt
from carnet.bench.importfile import students_csv
from carnet.bench.scratch import PROJECT_DIR, BenchError
from carnet.bench.stats import median, spread

TARGET_SECONDS = 5.0


def available() -> bool:
    services = PROJECT_DIR / "carnet" / "school" / "imports" / "services.py"
    return services.exists() and "def apply_import" in services.read_text(encoding="utf-8")


def _counts_text(counts: dict) -> str:
    parts = []
    for entity, row in counts.items():
        done = ", ".join(f"{n} {action}" for action, n in row.items() if n)
        parts.append(f"{entity}: {done}")
    return "; ".join(parts)


_COUNT_ROW = re.compile(r"^(?P<label>\S.*?)\s+(?P<created>\d+)\s+(?P<updated>\d+)\s+(?P<unchanged>\d+)\s*$")


def changes_in_command_output(text: str) -> int | None:
    """Created + updated rows in the summary table `carnet import` prints; None without a table."""
    rows = [m for m in map(_COUNT_ROW.match, text.splitlines()) if m]
    if not rows:
        return None
    return sum(int(m["created"]) + int(m["updated"]) for m in rows)


def command_run(ctx: Context, number: int, content: bytes) -> dict:
    """`carnet import students FILE --establishment CODE`, twice, in a new process each time."""
    scratch = ctx.workspace.scratch(f"import-command-{number}")
    code = scratch.worker("establishment")["code"]
    path = scratch.directory / f"eleves-{ctx.import_students}.csv"
    path.write_bytes(content)
    first = scratch.carnet("import", "students", str(path), "--establishment", code)
    again = scratch.carnet("import", "students", str(path), "--establishment", code)
    return {
        "import_seconds": first.elapsed,
        "reimport_seconds": again.elapsed,
        "reimport_output": again.stdout.strip(),
        "reimport_changes": changes_in_command_output(again.stdout),
    }


def run(ctx: Context) -> Figure:
    students = ctx.import_students
    figure = Figure.new("imports")
    runs, commands = [], []
    for number in range(ctx.runs):
        scratch = ctx.workspace.scratch(f"import-{number + 1}")
        ctx.log(f"import run {number + 1}/{ctx.runs}: {students} students")
        result = scratch.worker("import", "--students", str(students))
        if result["problems"]:
            raise BenchError(
                f"the generated file was refused ({result.get('problem_count')} problems): "
                + " | ".join(result["problems"][:5])
            )
        ctx.log(
            f"  preview {result['preview_seconds']:.2f} s, import {result['import_seconds']:.2f} s, "
            f"re-import {result['reimport_seconds']:.2f} s, {result['reimport_changes']} change(s) on re-import"
        )
        runs.append(result)
        command = command_run(ctx, number + 1, students_csv(students))
        ctx.log(
            f"  command: import {command['import_seconds']:.2f} s, re-import {command['reimport_seconds']:.2f} s, "
            f"{command['reimport_changes']} change(s) on re-import"
        )
        commands.append(command)

    def column(key):
        values = [r[key] for r in runs]
        low, high = spread(values)
        return values, f"{fmt(median(values), 2)} ({fmt(low, 2)}–{fmt(high, 2)})"

    preview, preview_text = column("preview_seconds")
    first, first_text = column("import_seconds")
    again, again_text = column("reimport_seconds")
    changes = [r["reimport_changes"] for r in runs]
    ok_first = median(first) < TARGET_SECONDS
    ok_again = median(again) < TARGET_SECONDS
    ok_zero = all(n == 0 for n in changes)
    figure.check(f"import: median {fmt(median(first), 2)} s < {TARGET_SECONDS:g} s (validation included)", ok_first)
    figure.check(f"re-import: median {fmt(median(again), 2)} s < {TARGET_SECONDS:g} s", ok_again)
    figure.check(f"re-import changes nothing (changes per run: {', '.join(map(str, changes))})", ok_zero)
    table = Table(headers=["step", "seconds, median (min–max)", "target", "verdict"])
    table.rows.append(["validation only (preview, writes nothing)", preview_text, "–", "–"])
    table.rows.append(["import: validation + writes, one transaction", first_text, f"< {TARGET_SECONDS:g} s", "PASS" if ok_first else "FAIL"])
    table.rows.append([
        "re-import of the same file", again_text, f"< {TARGET_SECONDS:g} s, 0 changes",
        "PASS" if ok_again and ok_zero else "FAIL",
    ])
    command_first = [c["import_seconds"] for c in commands]
    command_again = [c["reimport_seconds"] for c in commands]
    command_changes = [c["reimport_changes"] for c in commands]
    ok_command = median(command_first) < TARGET_SECONDS and median(command_again) < TARGET_SECONDS
    ok_command_zero = all(n == 0 for n in command_changes)
    figure.check(
        f"the command, start-up included: import {fmt(median(command_first), 2)} s, re-import "
        f"{fmt(median(command_again), 2)} s, both < {TARGET_SECONDS:g} s",
        ok_command,
    )
    figure.check(
        f"the command's re-import reports 0 created and 0 updated (per run: {', '.join(map(str, command_changes))})",
        ok_command_zero,
    )
    low, high = spread(command_first)
    table.rows.append([
        "`carnet import students FILE --establishment CODE` (new process, Django start-up included)",
        f"{fmt(median(command_first), 2)} ({fmt(low, 2)}–{fmt(high, 2)})", f"< {TARGET_SECONDS:g} s",
        "PASS" if median(command_first) < TARGET_SECONDS else "FAIL",
    ])
    low, high = spread(command_again)
    table.rows.append([
        "the same command again (re-import)",
        f"{fmt(median(command_again), 2)} ({fmt(low, 2)}–{fmt(high, 2)})", f"< {TARGET_SECONDS:g} s, 0 changes",
        "PASS" if median(command_again) < TARGET_SECONDS and ok_command_zero else "FAIL",
    ])
    figure.tables.append((f"A {students}-student file ({runs[-1]['bytes'] // 1024} KiB, {runs[-1]['lines']} lines)", table))
    summary = Table(headers=["", "what the import reported (last run)"])
    summary.rows.append(["first import", _counts_text(runs[-1]["import_counts"])])
    summary.rows.append(["re-import", _counts_text(runs[-1]["reimport_counts"])])
    figure.tables.append(("Summaries", summary))
    figure.notes.append(
        "What the command printed on re-import (last run):\n\n```text\n" + commands[-1]["reimport_output"] + "\n```"
    )
    if not ok_zero:
        sample = runs[-1]["reimport_changed_sample"]
        figure.notes.append("Changes the re-import made (first ones): " + "; ".join(
            f"{c['entity']} {c['action']} {c['label']} {c['fields']}" for c in sample
        ))
    figure.notes.append(
        "The file: UTF-8 with BOM, ';'-separated, the documented columns (docs/import-formats.md); "
        "one INE per student, classes of about 35 in Seconde, Première and Terminale, 1–2 guardians "
        "each with a telephone (half with an e-mail), siblings sharing their parents."
    )
    figure.headline = (
        f"import {fmt(median(first), 2)} s (command {fmt(median(command_first), 2)} s); re-import "
        f"{fmt(median(again), 2)} s (command {fmt(median(command_again), 2)} s), "
        f"{max(changes + [c for c in command_changes if c is not None])} changes"
    )
    figure.method = (
        "In process, `carnet.school.imports.services.preview_import` then `apply_import` (as the command line "
        "calls them, actor None) into an empty establishment with a current school year, then `apply_import` "
        "again with the same bytes; then the same file through the `carnet import` command, twice, timed from "
        f"outside (process start to exit); {ctx.runs_text}, each in fresh SQLite databases, production settings."
    )
    return figure
