"""The marks import (`carnet import marks`, and the kind "marks" on the staff imports page)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.grades.imports import examples
from carnet.grades.models import Assessment, ClassCouncil, Mark
from carnet.school.imports.errors import ImportInvalid
from carnet.school.imports.services import KINDS, apply_import, preview_import
from carnet.school.models import ImportRun, Subject, TeachingAssignment, TeachingGroup
from carnet.testing import grades

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "marks.csv"
HEADER = ["Matricule", "Classe", "Matière", "Période", "Type", "Titre", "Date", "Sur", "Coefficient", "Note"]


def row(matricule="123456789AA", klass="2nde A", subject="Mathématiques", period="Trimestre 1", kind="Devoir",
        title="Devoir 1", date="02/10/2026", scale="20", coefficient="1", mark="12,5"):
    return [matricule, klass, subject, period, kind, title, date, scale, coefficient, mark]


def csv_file(*rows, header=HEADER) -> bytes:
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def apply(world, content: bytes, *, name="notes.csv", actor=None, dry_run=False):
    return apply_import(actor=actor or world.head, establishment=world.lycee, kind="marks", file_name=name,
                        content=content, dry_run=dry_run)


def problems(world, content: bytes, name="notes.csv") -> list[str]:
    plan = preview_import(actor=world.head, establishment=world.lycee, kind="marks", file_name=name, content=content)
    return [str(p) for p in plan.problems]


def counts(outcome) -> dict:
    return outcome.plan.counts()


def test_the_kind_is_registered_for_the_imports_page_and_the_command():
    assert "marks" in KINDS
    from carnet.school.imports.services import KIND_CHOICES

    assert ("marks", KINDS["marks"].label) in list(KIND_CHOICES)


def test_the_example_file_imports_cleanly_and_publishes_without_notifying(world):
    assert EXAMPLE.read_bytes() == examples.example_csv(), "regenerate docs/examples/marks.csv (examples.write_docs_example)"

    outcome = apply(world, EXAMPLE.read_bytes(), name="marks.csv")

    assert counts(outcome) == {"assessments": {"created": 4, "updated": 0, "unchanged": 0},
                               "marks": {"created": 6, "updated": 0, "unchanged": 0}}
    devoir = Assessment.objects.get(title="Devoir 1 — fonctions")
    assert devoir.assignment == TeachingAssignment.objects.get(school_class=world.seconde_a, subject=world.maths)
    assert devoir.period == world.periods[0] and devoir.held_on == dt.date(2026, 10, 2)
    assert devoir.kind == "devoir" and devoir.coefficient == Decimal("2") and devoir.scale == Decimal("20")
    assert devoir.published_at and devoir.guardians_published_at and devoir.notified_at
    assert {m.student: m.value for m in devoir.marks.all()} == {world.alice: Decimal("14.5"), world.bruno: Decimal("9")}
    interro_a = Assessment.objects.get(title="Interro 1 — vecteurs", assignment__school_class=world.seconde_a)
    assert interro_a.kind == "interrogation" and interro_a.scale == Decimal("10")
    assert Mark.objects.get(assessment=interro_a, student=world.bruno).status == Mark.Status.ABSENT
    assert Mark.objects.get(assessment__assignment__school_class=world.seconde_b, assessment__title__startswith="Interro",
                            student=world.chloe).value == Decimal("7.5")
    run = ImportRun.objects.get(kind="marks")
    assert run.actor == world.head and run.summary["counts"]["marks"]["created"] == 6
    assert AuditEvent.objects.filter(action="grades.mark_created").count() == 6
    assert AuditEvent.objects.filter(action="grades.assessment_created").count() == 4
    assert AuditEvent.objects.filter(action="import.marks").count() == 1


def test_importing_the_same_file_again_changes_nothing(world):
    apply(world, EXAMPLE.read_bytes())
    events = AuditEvent.objects.count()

    outcome = apply(world, EXAMPLE.read_bytes())

    assert counts(outcome) == {"assessments": {"created": 0, "updated": 0, "unchanged": 4},
                               "marks": {"created": 0, "updated": 0, "unchanged": 6}}
    assert not outcome.plan.has_changes
    assert Assessment.objects.count() == 4 and Mark.objects.count() == 6
    assert AuditEvent.objects.count() == events + 1  # only the import itself


def test_a_changed_mark_is_updated_in_place_and_recorded(world):
    apply(world, csv_file(row(mark="12,5"), row(matricule="123456789BB", mark="8")))
    mark = Mark.objects.get(student=world.alice)

    outcome = apply(world, csv_file(row(mark="13"), row(matricule="123456789BB", mark="8")), actor=world.head)

    assert counts(outcome)["marks"] == {"created": 0, "updated": 1, "unchanged": 1}
    mark.refresh_from_db()
    assert mark.value == Decimal("13") and mark.version == 2 and mark.updated_by == world.head
    event = AuditEvent.objects.get(action="grades.mark_changed")
    assert event.changes["mark"] == ["12,5", "13"] and event.changes["source"] == [None, "import"] and event.actor == world.head
    assert Assessment.objects.count() == 1


def test_an_existing_assessment_of_a_teacher_is_reused_whatever_the_case_of_its_title(world):
    assignment = TeachingAssignment.objects.get(school_class=world.seconde_a, subject=world.maths)
    existing = grades.assessment(assignment, world.periods[0], title="Devoir 1", held_on=dt.date(2026, 10, 2))
    grades.mark(existing, world.alice, "10")

    outcome = apply(world, csv_file(row(title="DEVOIR 1", mark="10"), row(matricule="123456789BB", title="devoir 1", mark="abs")))

    assert counts(outcome) == {"assessments": {"created": 0, "updated": 0, "unchanged": 1},
                               "marks": {"created": 1, "updated": 0, "unchanged": 1}}
    assert Assessment.objects.count() == 1


def test_a_decimal_point_and_a_decimal_comma_are_both_marks(world):
    apply(world, csv_file(row(mark="12.5"), row(matricule="123456789BB", mark="7,25")))
    assert sorted(Mark.objects.values_list("value", flat=True)) == [Decimal("7.25"), Decimal("12.5")]


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"matricule": "999"}, "Matricule", "Matricule « 999 » inconnu"),
        ({"klass": "2nde Z"}, "Classe", "Classe « 2nde Z » inconnue"),
        ({"subject": "Latin"}, "Matière", "Matière « Latin » inconnue"),
        ({"period": "Trimestre 9"}, "Période", "Période « Trimestre 9 » inconnue : les périodes de l'année sont Trimestre 1, Trimestre 2, Trimestre 3"),
        ({"matricule": "123456789CC"}, "Classe", "Chloé n'est pas inscrit(e) en 2nde A"),
        ({"mark": "23"}, "Note", "La note 23 dépasse le barème (sur 20)."),
        ({"mark": "douze"}, "Note", "« douze » n'est pas une note"),
        ({"mark": "-2"}, "Note", "ne peut pas être négative"),
        ({"coefficient": "0"}, "Coefficient", "le coefficient doit être supérieur à 0"),
        ({"coefficient": "-1"}, "Coefficient", "le coefficient doit être supérieur à 0"),
        ({"scale": "0"}, "Sur", "le barème va de 1 à 100"),
        ({"scale": "101"}, "Sur", "le barème va de 1 à 100"),
        ({"date": "05/12/2026"}, "Date", "hors de la période « Trimestre 1 » (du 01/09/2026 au 30/11/2026)"),
        ({"date": "31/02/2026"}, "Date", "n'existe pas"),
        ({"kind": "Dictée"}, "Type", "Type « Dictée » inconnu"),
        ({"title": ""}, "Titre", "Titre manquant"),
    ],
)
def test_each_bad_cell_is_a_line_numbered_french_problem_and_nothing_is_saved(world, changes, column, message):
    content = csv_file(row(matricule="123456789BB", mark="11"), row(**changes))

    found = problems(world, content)

    assert len(found) == 1, found
    assert found[0].startswith(f"Ligne 3, colonne « {column} (")
    assert message in found[0]
    with pytest.raises(ImportInvalid):
        apply(world, content)
    assert not Assessment.objects.exists() and not Mark.objects.exists() and not ImportRun.objects.exists()


def test_a_subject_nobody_teaches_in_the_class_names_both(world):
    Subject.objects.create(establishment=world.lycee, name="Physique")

    found = problems(world, csv_file(row(subject="Physique")))

    assert found == ["Ligne 2, colonne « Matière (C) » : Aucun enseignant n'enseigne Physique en 2nde A : importez "
                     "d'abord les services d'enseignement."]


def test_a_duplicate_row_for_the_same_student_and_assessment_names_the_first_line(world):
    found = problems(world, csv_file(row(mark="12"), row(matricule="123456789BB"), row(mark="14")))

    assert found == ["Ligne 4, colonne « Matricule (A) » : MARTIN Alice a déjà une note pour cette évaluation ligne 2."]


def test_one_assessment_has_one_scale(world):
    found = problems(world, csv_file(row(scale="20"), row(matricule="123456789BB", scale="10", mark="5")))

    assert len(found) == 1 and found[0].startswith("Ligne 3, colonne « Sur (H) » : La même évaluation a un autre « Sur » ligne 2")


def test_a_closed_council_locks_the_period(world):
    ClassCouncil.objects.create(establishment=world.lycee, period=world.periods[0], school_class=world.seconde_a,
                                status=ClassCouncil.Status.CLOSED)

    found = problems(world, csv_file(row(), row(matricule="123456789CC", klass="2nde B")))

    assert found == ["Ligne 2, colonne « Période (D) » : Les notes de Trimestre 1 sont verrouillées pour 2nde A : "
                     "le conseil de classe est clos."]


def test_every_problem_of_a_file_is_listed_at_once(world):
    found = problems(world, csv_file(row(mark="25"), row(matricule="000"), row(klass="Terminale")))
    assert [p.split(",")[0] for p in found] == ["Ligne 2", "Ligne 3", "Ligne 4"]


def test_a_group_assignment_holding_the_student_takes_the_assessment(world):
    physics = Subject.objects.create(establishment=world.lycee, name="Physique-chimie")
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="2nde A G1")
    group.students.add(world.alice)
    assignment = TeachingAssignment.objects.create(establishment=world.lycee, school_year=world.year,
                                                   teacher=world.teacher_french, group=group, subject=physics)

    found = problems(world, csv_file(row(subject="Physique-chimie"), row(matricule="123456789BB", subject="Physique-chimie")))
    assert len(found) == 1 and found[0].startswith("Ligne 3") and "Aucun enseignant" in found[0]

    apply(world, csv_file(row(subject="Physique-chimie", mark="15")))
    assert Assessment.objects.get().assignment == assignment


def test_empty_mark_cells_change_nothing(world):
    outcome = apply(world, csv_file(row(mark=""), row(matricule="123456789BB", mark="9")))
    assert counts(outcome)["marks"]["created"] == 1
    assert Assessment.objects.count() == 1


def test_an_xlsx_file_with_real_dates_and_numbers(world):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["123456789AA", "2nde A", "Mathématiques", "Trimestre 1", "DS", "Devoir 2", dt.date(2026, 11, 5), 20, 1.5, 15.25])
    sheet.append(["123456789BB", "2nde A", "Mathématiques", "Trimestre 1", "DS", "Devoir 2", dt.date(2026, 11, 5), 20, 1.5, "nr"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    outcome = apply(world, buffer.getvalue(), name="notes.xlsx")

    assert counts(outcome)["marks"]["created"] == 2
    assessment = Assessment.objects.get()
    assert assessment.coefficient == Decimal("1.5") and assessment.held_on == dt.date(2026, 11, 5)
    assert Mark.objects.get(student=world.alice).value == Decimal("15.25")
    assert Mark.objects.get(student=world.bruno).status == Mark.Status.NOT_HANDED_IN


def test_the_command_with_dry_run_writes_nothing(world, tmp_path):
    out = StringIO()
    call_command("import", "marks", str(EXAMPLE), "--establishment", "0750001A", "--dry-run", stdout=out)
    output = out.getvalue()
    assert "Lycée Victor-Hugo — Notes — marks.csv : 6 ligne(s)" in output
    assert "rien n'a été enregistré" in output
    assert not Assessment.objects.exists() and not ImportRun.objects.exists()

    call_command("import", "marks", str(EXAMPLE), "--establishment", "0750001A", stdout=StringIO())
    assert Mark.objects.count() == 6 and ImportRun.objects.get().actor is None


def test_the_command_prints_every_problem(world, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(csv_file(row(mark="25"), row(matricule="000")))
    out = StringIO()
    with pytest.raises(CommandError, match="2 problème"):
        call_command("import", "marks", str(path), "--establishment", "0750001A", stdout=out)
    assert "Ligne 2, colonne « Note (J) » : La note 25 dépasse le barème (sur 20)." in out.getvalue()
    assert not Assessment.objects.exists()


def test_the_imports_page_previews_and_applies_marks(world, login):
    client = login(world.head)
    upload = io.BytesIO(EXAMPLE.read_bytes())
    upload.name = "marks.csv"

    preview = client.post(reverse("school:imports"), {"kind": "marks", "file": upload})

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Évaluations" in html and "MARTIN Alice — Devoir 1 — fonctions" in html
    form = preview.context["apply_form"]
    response = client.post(reverse("school:imports_apply"), {**form.initial})
    assert response.status_code == 302
    assert Mark.objects.count() == 6


def test_the_imports_page_refuses_an_apply_when_the_marks_changed_meanwhile(world, login):
    client = login(world.head)
    upload = io.BytesIO(csv_file(row(mark="12")))
    upload.name = "notes.csv"
    form = client.post(reverse("school:imports"), {"kind": "marks", "file": upload}).context["apply_form"]
    apply(world, csv_file(row(mark="11")))

    response = client.post(reverse("school:imports_apply"), {**form.initial})

    assert response.status_code == 409
    assert Mark.objects.get().value == Decimal("11")


def test_a_teacher_cannot_import_marks(world):
    from carnet.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        apply(world, EXAMPLE.read_bytes(), actor=world.teacher_maths)
    assert not Mark.objects.exists()
