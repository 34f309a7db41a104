"""Figure 2: import of a 1,500-student file in under 5 s including validation; re-import in under
5 s with 0 changes."""

from __future__ import annotations

from carnet.bench.figures import Context, Figure, Table, fmt
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


def run(ctx: Context) -> Figure:
    students = ctx.import_students
    figure = Figure.new("imports")
    runs = []
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
    figure.tables.append((f"A {students}-student file ({runs[-1]['bytes'] // 1024} KiB, {runs[-1]['lines']} lines)", table))
    summary = Table(headers=["", "what the import reported (last run)"])
    summary.rows.append(["first import", _counts_text(runs[-1]["import_counts"])])
    summary.rows.append(["re-import", _counts_text(runs[-1]["reimport_counts"])])
    figure.tables.append(("Summaries", summary))
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
    figure.method = (
        "In process, `carnet.school.imports.services.preview_import` then `apply_import` (as the command line "
        "calls them, actor None) into an empty establishment with a current school year, then `apply_import` "
        f"again with the same bytes; {ctx.runs} runs, each in a fresh SQLite database, production settings."
    )
    return figure
