"""Helpers shared by the import tests (this module holds no test)."""

from __future__ import annotations

import csv
import io

from carnet.school.imports.services import apply_import, preview_import

STUDENT_HEADER = [
    "Matricule", "Nom", "Prénom", "Sexe", "Date de naissance", "Lieu de naissance", "Classe", "Redoublant",
    "Responsable 1 Nom", "Responsable 1 Prénom", "Responsable 1 Lien", "Responsable 1 Téléphone",
    "Responsable 1 Courriel", "Responsable 2 Nom", "Responsable 2 Prénom", "Responsable 2 Lien",
    "Responsable 2 Téléphone", "Responsable 2 Courriel",
]

#: The three students of the test world, as the school's export writes them.
WORLD_STUDENTS = [
    ["123456789AA", "MARTIN", "Alice", "F", "04/05/2010", "Lyon", "2nde A", "N",
     "MARTIN", "Anne", "Mère", "06 12 34 56 78", "", "", "", "", "", ""],
    ["123456789BB", "FRANÇAIS", "Bruno", "M", "01/02/2010", "Paris", "2nde A", "N",
     "Français", "Fanny", "Mère", "", "fanny.francais@example.org", "", "", "", "", ""],
    ["123456789CC", "DURAND", "Chloé", "F", "09/08/2010", "Bordeaux", "2nde B", "N",
     "DURAND", "Charles", "Père", "06 98 76 54 32", "", "MARTIN", "Anne", "Mère", "0612345678", ""],
]


def to_csv(rows, *, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def students_file(*rows, header=STUDENT_HEADER, **options) -> bytes:
    return to_csv([header, *rows], **options)


#: The person importing when a test does not say: the secretary. Pass actor=None for the command line.
SECRETARY = object()


def preview(world, kind, content, *, actor=SECRETARY, file_name="fichier.csv", establishment=None):
    return preview_import(
        actor=world.secretary if actor is SECRETARY else actor, establishment=establishment or world.lycee, kind=kind,
        file_name=file_name, content=content,
    )


def apply(world, kind, content, *, actor=SECRETARY, file_name="fichier.csv", establishment=None, **options):
    return apply_import(
        actor=world.secretary if actor is SECRETARY else actor, establishment=establishment or world.lycee, kind=kind,
        file_name=file_name, content=content, **options,
    )


def problems(plan) -> list[tuple]:
    return [(p.line, p.column, p.message) for p in plan.problems]


def count(plan, entity, action) -> int:
    return plan.counts().get(entity, {}).get(action, 0)


def student_row(matricule, last, first, birth, klass, *, sex="F", place="", repeating="N", guardian1=("", "", "", "", ""),
                guardian2=("", "", "", "", "")):
    return [matricule, last, first, sex, birth, place, klass, repeating, *guardian1, *guardian2]
