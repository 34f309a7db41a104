"""`carnet import …` on the command line, and the example files of docs/examples/."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from carnet.school.imports import examples
from carnet.school.models import Enrollment, ImportRun, SchoolClass, Subject, TeachingAssignment
from carnet.school.tests.test_imports_support import count, preview, student_row, students_file

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_and_prints_a_summary(world, tmp_path):
    path = tmp_path / "eleves.csv"
    path.write_bytes(students_file(student_row("55", "NEUF", "Ada", "01/01/2010", "1re C")))

    output = run("students", str(path), "--establishment", "0750001a")

    assert "Lycée Victor-Hugo — Élèves et responsables — eleves.csv : 1 ligne(s)" in output
    assert "Classes créées : 1re C" in output
    assert "Import appliqué" in output
    assert next(line.split()[1:] for line in output.splitlines() if line.startswith("Élèves ")) == ["1", "0", "0"]
    run_row = ImportRun.objects.get()
    assert run_row.actor is None and run_row.file_name == "eleves.csv"
    # The second time, nothing changes.
    again = run("students", str(path), "--establishment", "0750001A")
    assert next(line.split()[1:] for line in again.splitlines() if line.startswith("Élèves ")) == ["0", "0", "1"]


def test_dry_run_prints_the_same_summary_and_writes_nothing(world, tmp_path):
    path = tmp_path / "eleves.csv"
    path.write_bytes(students_file(student_row("55", "NEUF", "Ada", "01/01/2010", "1re C")))

    output = run("students", str(path), "--establishment", "0750001A", "--dry-run")

    assert "Classes créées : 1re C" in output and "rien n'a été enregistré" in output
    assert not ImportRun.objects.exists() and not SchoolClass.objects.filter(name="1re C").exists()


def test_an_invalid_file_prints_every_problem_and_fails(world, tmp_path):
    path = tmp_path / "eleves.csv"
    path.write_bytes(students_file(
        student_row("55", "NEUF", "Ada", "31/02/2010", "1re C"),
        student_row("55", "", "Eve", "01/01/2010", "1re C"),
    ))
    out = StringIO()
    with pytest.raises(CommandError, match="3 problème"):
        call_command("import", "students", str(path), "--establishment", "0750001A", stdout=out)
    printed = out.getvalue()
    assert "Ligne 2, colonne « Date de naissance (E) » : La date « 31/02/2010 » n'existe pas." in printed
    assert "Ligne 3, colonne « Matricule (A) » : Le matricule « 55 » figure déjà ligne 2." in printed
    assert "Ligne 3, colonne « Nom (B) » : Nom de l'élève manquant." in printed
    assert not SchoolClass.objects.filter(name="1re C").exists()


def test_the_command_refuses_what_it_cannot_read(world, tmp_path):
    with pytest.raises(CommandError, match="Aucun établissement n'a le code « NOPE »"):
        run("students", str(tmp_path / "x.csv"), "--establishment", "NOPE")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("students", str(tmp_path / "x.csv"), "--establishment", "0750001A")
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="Le fichier est vide."):
        run("staff", str(empty), "--establishment", "0750001A")


def test_docs_examples_import_cleanly_into_the_world(world):
    for kind, name in (("students", "students.csv"), ("students", "students.xlsx"), ("staff", "staff.csv"),
                       ("assignments", "assignments.csv")):
        run(kind, str(EXAMPLES / name), "--establishment", "0750001A")
    assert ImportRun.objects.count() == 4
    assert set(SchoolClass.objects.filter(school_year=world.year).values_list("name", flat=True)) == {
        "2nde A", "2nde B", "1re B", "1re STMG"
    }
    assert Enrollment.objects.filter(school_year=world.year, ends_on__isnull=True).count() == 6
    assert Subject.objects.filter(name="Physique-chimie").exists()
    assert TeachingAssignment.objects.filter(teacher=world.teacher_french, school_class=world.seconde_a).exists()
    # The xlsx holds the same students as the csv: its import changed nothing.
    xlsx_run = ImportRun.objects.get(file_name="students.xlsx")
    assert xlsx_run.summary["counts"]["students"] == {"created": 0, "updated": 0, "unchanged": 6}


def test_docs_examples_match_the_generated_ones():
    assert (EXAMPLES / "students.csv").read_bytes() == examples.example_csv("students", encoding="cp1252")
    assert (EXAMPLES / "students.csv").read_bytes().count(b";") > 20
    assert (EXAMPLES / "staff.csv").read_bytes() == examples.example_csv("staff", delimiter=",", encoding="utf-8")
    assert (EXAMPLES / "assignments.csv").read_bytes() == examples.example_csv("assignments")


@pytest.mark.parametrize("kind", ["students", "staff", "assignments"])
def test_downloadable_templates_are_valid(world, kind):
    for content, name in ((examples.example_csv(kind), "modele.csv"), (examples.example_xlsx(kind), "modele.xlsx")):
        plan = preview(world, kind, content, file_name=name, actor=world.head)
        assert plan.problems == [], name
        assert plan.rows == len(examples.ROWS[kind])
    if kind == "students":
        assert count(plan, "students", "created") == 3
