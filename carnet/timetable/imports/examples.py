"""The example timetable file, offered on the imports page and kept as docs/examples/timetable.csv.

It imports cleanly into the test world (Lycée Victor-Hugo, 2026-2027): Marc Maths teaches maths in
2nde A and 2nde B, Fanny Français French in 2nde B. Tuesday at 10:00 Marc Maths teaches 2nde A in
week A and 2nde B in week B (same teacher, same room: weeks A and B never meet). Rooms B12 and B14 are
created when the establishment does not have them yet, and the summary says so."""

from __future__ import annotations

import csv
import io

HEADERS = ["Jour", "Début", "Fin", "Classe", "Groupe", "Matière", "Enseignant", "Salle", "Semaine"]

ROWS = [
    ["Lundi", "08:00", "09:00", "2nde A", "", "Mathématiques", "Maths Marc", "B12", ""],
    ["Lundi", "09:00", "10:00", "2nde B", "", "Mathématiques", "Maths Marc", "B12", ""],
    ["Lundi", "08:00", "09:00", "2nde B", "", "Français", "Français Fanny", "B14", ""],
    ["Mardi", "10:00", "11:00", "2nde A", "", "Mathématiques", "Maths Marc", "B12", "A"],
    ["Mardi", "10:00", "11:00", "2nde B", "", "Mathématiques", "Maths Marc", "B12", "B"],
    ["Jeudi", "14h00", "15h30", "2nde B", "", "Français", "Français Fanny", "B14", ""],
]


def example_csv(*, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """What French spreadsheets open directly (UTF-8 with BOM, ';')."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(ROWS)
    return buffer.getvalue().encode(encoding)


def example_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Emploi du temps"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column) + 2
        sheet.column_dimensions[column[0].column_letter].width = min(width, 30)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_docs_example(folder) -> None:
    """Regenerate docs/examples/timetable.csv."""
    from pathlib import Path

    (Path(folder) / "timetable.csv").write_bytes(example_csv())
