"""Example files, offered for download on the imports page and kept in docs/examples/.

They import cleanly into the test world (Lycée Victor-Hugo): the students file recognises Alice,
Bruno and Chloé and their guardians (Anne Martin, guardian of two of them, stays one account), adds
three students with four guardians, two classes (1re B, 1re STMG), a level and a series; the staff
file recognises the head and Marc Maths and adds four people; the assignments file updates the
hours of three services and adds two, one of them in a new subject."""

from __future__ import annotations

import csv
import io

HEADERS = {
    "students": [
        "Matricule", "Nom", "Prénom", "Sexe", "Date de naissance", "Lieu de naissance", "Classe", "Redoublant",
        "Niveau", "Série",
        "Responsable 1 Nom", "Responsable 1 Prénom", "Responsable 1 Lien", "Responsable 1 Téléphone",
        "Responsable 1 Courriel",
        "Responsable 2 Nom", "Responsable 2 Prénom", "Responsable 2 Lien", "Responsable 2 Téléphone",
        "Responsable 2 Courriel",
    ],
    "staff": ["Nom", "Prénom", "Courriel", "Téléphone", "Fonction"],
    "assignments": ["Enseignant", "Classe", "Matière", "Coefficient", "Heures", "Professeur principal"],
}

ROWS = {
    "students": [
        ["123456789AA", "MARTIN", "Alice", "F", "04/05/2010", "Lyon", "2nde A", "N", "", "",
         "MARTIN", "Anne", "Mère", "06 12 34 56 78", "anne.martin@example.org", "", "", "", "", ""],
        ["123456789BB", "FRANÇAIS", "Bruno", "M", "01/02/2010", "Paris", "2nde A", "N", "", "",
         "FRANÇAIS", "Fanny", "Mère", "", "fanny.francais@example.org", "", "", "", "", ""],
        ["123456789CC", "DURAND", "Chloé", "F", "09/08/2010", "Bordeaux", "2nde B", "N", "", "",
         "DURAND", "Charles", "Père", "06 98 76 54 32", "", "MARTIN", "Anne", "Mère", "06 12 34 56 78", ""],
        ["124000001DD", "LEROY", "Émile", "M", "2010-11-23", "Nantes", "2nde B", "N", "", "",
         "LEROY", "Sophie", "Mère", "07 11 22 33 44", "sophie.leroy@example.org",
         "LEROY", "Marc", "Père", "07 55 66 77 88", ""],
        ["124000002EE", "N'DIAYE", "Aïssatou", "F", "15/03/2009", "Dakar", "1re B", "O", "Première", "",
         "N'DIAYE", "Moussa", "Tuteur", "06 01 02 03 04", "", "", "", "", "", ""],
        ["124000003FF", "PETIT", "Lucas", "M", "30/06/2009", "Lille", "1re STMG", "N", "", "",
         "PETIT", "Nadia", "Mère", "06 01 02 03 05", "nadia.petit@example.org", "", "", "", "", ""],
    ],
    "staff": [
        ["PROVISEUR", "Hélène", "helene.proviseur@example.org", "", "Direction"],
        ["MATHS", "Marc", "marc.maths@example.org", "", "Enseignant"],
        ["BERNARD", "Lucie", "lucie.bernard@example.org", "06 20 30 40 50", "Enseignante"],
        ["PETIT", "Karim", "karim.petit@example.org", "", "CPE"],
        ["ROUX", "Inès", "ines.roux@example.org", "01 45 67 89 10", "Secrétariat"],
        ["GARCIA", "Hugo", "hugo.garcia@example.org", "", "Informatique / Enseignant"],
    ],
    "assignments": [
        ["marc.maths@example.org", "2nde A", "Mathématiques", "4", "4", "O"],
        ["marc.maths@example.org", "2nde B", "Mathématiques", "4", "4", "N"],
        ["Français Fanny", "2nde B", "Français", "3", "4,5", "O"],
        ["Français Fanny", "2nde A", "Français", "3", "4,5", "N"],
        ["marc.maths@example.org", "2nde A", "Physique-chimie", "3", "3", "N"],
    ],
}


def example_csv(kind: str, *, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """The example as CSV; by default what French spreadsheets open directly (UTF-8 with BOM, ';')."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS[kind])
    writer.writerows(ROWS[kind])
    return buffer.getvalue().encode(encoding)


def example_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = {"students": "Élèves", "staff": "Personnels", "assignments": "Services"}[kind]
    sheet.append(HEADERS[kind])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ROWS[kind]:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column) + 2
        sheet.column_dimensions[column[0].column_letter].width = min(width, 40)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_docs_examples(folder) -> None:
    """Regenerate docs/examples/ (`python -c "from carnet.school.imports.examples import *;
    write_docs_examples('docs/examples')"`)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "students.csv").write_bytes(example_csv("students", delimiter=";", encoding="cp1252"))
    (folder / "students.xlsx").write_bytes(example_xlsx("students"))
    (folder / "staff.csv").write_bytes(example_csv("staff", delimiter=",", encoding="utf-8"))
    (folder / "assignments.csv").write_bytes(example_csv("assignments", delimiter=";", encoding="utf-8-sig"))
