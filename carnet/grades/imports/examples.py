"""The example marks file, offered on the imports page and kept as docs/examples/marks.csv.

It imports cleanly into the test world (Lycée Victor-Hugo, Trimestre 1): two maths assessments in
2nde A (Alice and Bruno, one absent), one in 2nde B (Chloé) marked on 10, and a French interrogation
in 2nde B. "Nom" and "Prénom" are there for the people who fill the file: the import ignores them
and recognises students by their matricule."""

from __future__ import annotations

import csv
import io

HEADERS = ["Matricule", "Nom", "Prénom", "Classe", "Matière", "Période", "Type", "Titre", "Date", "Sur", "Coefficient", "Note"]

ROWS = [
    ["123456789AA", "MARTIN", "Alice", "2nde A", "Mathématiques", "Trimestre 1", "Devoir", "Devoir 1 — fonctions", "02/10/2026", "20", "2", "14,5"],
    ["123456789BB", "FRANÇAIS", "Bruno", "2nde A", "Mathématiques", "Trimestre 1", "Devoir", "Devoir 1 — fonctions", "02/10/2026", "20", "2", "9"],
    ["123456789AA", "MARTIN", "Alice", "2nde A", "Mathématiques", "Trimestre 1", "Interrogation", "Interro 1 — vecteurs", "16/10/2026", "10", "1", "8"],
    ["123456789BB", "FRANÇAIS", "Bruno", "2nde A", "Mathématiques", "Trimestre 1", "Interrogation", "Interro 1 — vecteurs", "16/10/2026", "10", "1", "abs"],
    ["123456789CC", "DURAND", "Chloé", "2nde B", "Mathématiques", "Trimestre 1", "Interrogation", "Interro 1 — vecteurs", "16/10/2026", "10", "1", "7.5"],
    ["123456789CC", "DURAND", "Chloé", "2nde B", "Français", "Trimestre 1", "Devoir", "Commentaire de texte", "06/11/2026", "20", "1", "12,25"],
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
    sheet.title = "Notes"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ROWS:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column) + 2
        sheet.column_dimensions[column[0].column_letter].width = min(width, 40)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_docs_example(folder) -> None:
    """Regenerate docs/examples/marks.csv."""
    from pathlib import Path

    (Path(folder) / "marks.csv").write_bytes(example_csv())
