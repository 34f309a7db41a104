"""The timetable import (`carnet import timetable`, and the kind « Emploi du temps » on the imports
page): the example file, idempotence, rooms created, and each bad input as a line-numbered French
problem with nothing saved."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carnet.core.errors import PermissionDenied
from carnet.school.imports.errors import ImportInvalid
from carnet.school.imports.services import KIND_CHOICES, KINDS, apply_import, preview_import
from carnet.school.models import ImportRun, TeachingAssignment, TeachingGroup
from carnet.testing import timetable as tt
from carnet.timetable.imports import examples
from carnet.timetable.models import Resource, Session, Slot
from carnet.timetable.tests.timetable_helpers import at, maths_a

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "timetable.csv"
HEADER = ["Jour", "Début", "Fin", "Classe", "Groupe", "Matière", "Enseignant", "Salle", "Semaine"]


@pytest.fixture(autouse=True)
def _before_the_year():
    """In August: the year has not begun, so sessions are generated from its first day."""
    with time_machine.travel(at(2026, 8, 25, 10), tick=False):
        yield


def row(
    day="Lundi",
    start="08:00",
    end="09:00",
    klass="2nde A",
    group="",
    subject="Mathématiques",
    teacher="Maths Marc",
    room="B12",
    week="",
):
    return [day, start, end, klass, group, subject, teacher, room, week]


def csv_file(*rows, header=HEADER) -> bytes:
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def apply(world, content: bytes, *, name="edt.csv", actor=None, dry_run=False):
    return apply_import(
        actor=actor or world.head,
        establishment=world.lycee,
        kind="timetable",
        file_name=name,
        content=content,
        dry_run=dry_run,
    )


def problems(world, content: bytes, name="edt.csv") -> list[str]:
    plan = preview_import(
        actor=world.head, establishment=world.lycee, kind="timetable", file_name=name, content=content
    )
    return [str(p) for p in plan.problems]


def test_the_kind_is_registered():
    assert "timetable" in KINDS
    assert ("timetable", KINDS["timetable"].label) in list(KIND_CHOICES)
    assert str(KINDS["timetable"].label) == "Emploi du temps"


def test_the_docs_example_is_the_one_offered():
    assert EXAMPLE.read_bytes() == examples.example_csv()


def test_the_example_file_imports_cleanly_creates_rooms_and_sessions(world):
    tt.room(world.lycee, "B12")
    outcome = apply(world, EXAMPLE.read_bytes(), name="timetable.csv")
    counts = outcome.plan.counts()
    assert counts["slots"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert counts["rooms"] == {"created": 1, "updated": 0, "unchanged": 0}  # B14 is new, B12 exists
    assert outcome.run.summary["counts"]["rooms"]["created"] == 1
    assert Resource.objects.filter(establishment=world.lycee, name="B14", kind="room").exists()
    assert Slot.objects.count() == 6
    slot = Slot.objects.get(weekday=3)
    assert (slot.start_time.isoformat(), slot.end_time.isoformat(), slot.room.name) == (
        "14:00:00",
        "15:30:00",
        "B14",
    )
    assert set(Slot.objects.values_list("week_pattern", flat=True)) == {"every", "A", "B"}
    first = Session.objects.order_by("held_on").first()
    assert (
        first.held_on.isoformat() == "2026-09-01"
    )  # the first day of the year: a Tuesday of week B (ISO week 36)
    assert (
        Session.objects.filter(slot__weekday=0).order_by("held_on").first().held_on.isoformat()
        == "2026-09-07"
    )


def test_importing_the_same_file_again_changes_nothing(world):
    apply(world, EXAMPLE.read_bytes())
    sessions = Session.objects.count()
    outcome = apply(world, EXAMPLE.read_bytes())
    assert outcome.plan.counts() == {"slots": {"created": 0, "updated": 0, "unchanged": 6}}
    assert not outcome.plan.has_changes
    assert Slot.objects.count() == 6 and Session.objects.count() == sessions and Resource.objects.count() == 2


def test_a_changed_end_or_room_updates_the_slot_in_place(world):
    apply(world, csv_file(row()))
    outcome = apply(world, csv_file(row(end="09:30", room="C01")))
    assert outcome.plan.counts()["slots"] == {"created": 0, "updated": 1, "unchanged": 0}
    change = next(c for c in outcome.plan.changes if c.entity == "slots")
    assert change.fields == {"end_time": ("09:00", "09:30"), "room": ("B12", "C01")}
    slot = Slot.objects.get()
    assert slot.end_time.isoformat() == "09:30:00" and slot.room.name == "C01"
    assert set(Session.objects.values_list("end_time", flat=True)) == {slot.end_time}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"teacher": "Inconnu Jean"},
            "Ligne 2, colonne « Enseignant (G) » : Enseignant inconnu : « Inconnu Jean ». Indiquez le courriel ou « Nom Prénom » d'un enseignant de l'établissement.",
        ),
        (
            {"teacher": "personne@example.org"},
            "Ligne 2, colonne « Enseignant (G) » : Aucun enseignant de l'établissement n'a le courriel « personne@example.org ».",
        ),
        (
            {"klass": "3e Z"},
            "Ligne 2, colonne « Classe (D) » : Classe « 3e Z » inconnue pour l'année en cours.",
        ),
        (
            {"klass": "", "group": "Latin"},
            "Ligne 2, colonne « Groupe (E) » : Groupe « Latin » inconnu pour l'année en cours.",
        ),
        ({"klass": ""}, "Ligne 2, colonne « Classe (D) » : Classe ou groupe manquant."),
        (
            {"group": "Latin"},
            "Ligne 2, colonne « Groupe (E) » : Indiquez une classe ou un groupe, pas les deux.",
        ),
        (
            {"subject": "Astronomie"},
            "Ligne 2, colonne « Matière (F) » : Matière « Astronomie » inconnue : importez d'abord les services d'enseignement.",
        ),
        (
            {"subject": "Français"},
            "Ligne 2, colonne « Enseignant (G) » : MATHS Marc n'a pas de service de Français en 2nde A : importez d'abord les services d'enseignement.",
        ),
        (
            {"start": "25:00"},
            "Ligne 2, colonne « Début (B) » : Heure « 25:00 » invalide : écrivez-la comme 08:30 (de 00:00 à 23:59).",
        ),
        (
            {"end": "9h75"},
            "Ligne 2, colonne « Fin (C) » : Heure « 9h75 » invalide : écrivez-la comme 08:30 (de 00:00 à 23:59).",
        ),
        (
            {"start": "10:00", "end": "09:00"},
            "Ligne 2, colonne « Fin (C) » : L'heure de fin (09:00) doit être après l'heure de début (10:00).",
        ),
        ({"start": ""}, "Ligne 2, colonne « Début (B) » : Heure de début manquante."),
        (
            {"day": "Funday"},
            "Ligne 2, colonne « Jour (A) » : Jour « Funday » inconnu : écrivez lundi, mardi, mercredi, jeudi, vendredi ou samedi.",
        ),
        (
            {"week": "C"},
            "Ligne 2, colonne « Semaine (I) » : Semaine « C » inconnue : écrivez A, B, ou laissez vide pour toutes les semaines.",
        ),
    ],
)
def test_each_bad_cell_is_a_line_numbered_french_problem_and_nothing_is_saved(world, changes, message):
    content = csv_file(row(**changes))
    assert problems(world, content) == [message]
    with pytest.raises(ImportInvalid):
        apply(world, content)
    assert not Slot.objects.exists() and not Resource.objects.exists() and not ImportRun.objects.exists()


def test_overlaps_inside_the_file_name_both_lines(world):
    content = csv_file(
        row(),
        row(klass="2nde B", start="08:30", end="09:30", room="B14"),  # same teacher
        row(
            klass="2nde B",
            subject="Français",
            teacher="Français Fanny",
            start="08:30",
            end="09:00",
            room="B12",
        ),  # room + class
        row(day="Mardi", week="A"),
        row(day="Mardi", klass="2nde B", week="B"),  # weeks A and B never meet: fine
    )
    found = problems(world, content)
    assert found == [
        "Ligne 3, colonne « Début (B) » : Chevauche la ligne 2 (Mathématiques, 2nde A, 08:00–09:00) : MATHS Marc aurait deux cours à la fois.",
        "Ligne 4, colonne « Début (B) » : Chevauche la ligne 2 (Mathématiques, 2nde A, 08:00–09:00) : la salle B12 serait occupée deux fois.",
        "Ligne 4, colonne « Début (B) » : Chevauche la ligne 3 (Mathématiques, 2nde B, 08:30–09:30) : les élèves de 2nde B auraient deux cours à la fois.",
    ]
    with pytest.raises(ImportInvalid):
        apply(world, content)
    assert not Slot.objects.exists()


def test_overlaps_with_slots_already_in_carnet(world):
    b12 = tt.room(world.lycee, "B12")
    tt.slot(maths_a(world), weekday=0, start="08:00", end="09:00", room=b12)
    content = csv_file(
        row(klass="2nde B", subject="Français", teacher="Français Fanny", start="08:30", end="09:30")
    )
    assert problems(world, content) == [
        "Ligne 2, colonne « Début (B) » : Chevauche un créneau déjà dans Carnet (Mathématiques, 2nde A, lundi 08:00–09:00) : "
        "la salle B12 serait occupée deux fois."
    ]
    assert Slot.objects.count() == 1


def test_groups_by_name_and_teachers_by_email(world):
    group = TeachingGroup.objects.create(establishment=world.lycee, school_year=world.year, name="Latin")
    group.classes.add(world.seconde_a)
    TeachingAssignment.objects.create(
        establishment=world.lycee,
        school_year=world.year,
        teacher=world.teacher_french,
        group=group,
        subject=world.french,
    )
    content = csv_file(
        row(
            klass="",
            group="latin",
            subject="FRAN",
            teacher=world.teacher_french.email,
            day="ven",
            start="8h",
            end="9h30",
            room="",
        )
    )
    outcome = apply(world, content)
    slot = Slot.objects.get()
    assert slot.assignment.group == group and slot.weekday == 4 and slot.room is None
    assert outcome.plan.counts() == {"slots": {"created": 1, "updated": 0, "unchanged": 0}}


def test_an_xlsx_file(world):
    outcome = apply(world, examples.example_xlsx(), name="edt.xlsx")
    assert outcome.plan.counts()["slots"]["created"] == 6


def test_the_command_with_dry_run_writes_nothing(world):
    out = StringIO()
    call_command("import", "timetable", str(EXAMPLE), "--establishment", "0750001A", "--dry-run", stdout=out)
    assert "Emploi du temps" in out.getvalue() and "rien n'a été enregistré" in out.getvalue()
    assert not Slot.objects.exists()
    call_command("import", "timetable", str(EXAMPLE), "--establishment", "0750001A", stdout=StringIO())
    assert Slot.objects.count() == 6 and ImportRun.objects.get().actor is None


def test_the_command_prints_every_problem(world, tmp_path):
    path = tmp_path / "edt.csv"
    path.write_bytes(csv_file(row(start="25:00"), row(teacher="Personne")))
    out = StringIO()
    with pytest.raises(CommandError, match="2 problème"):
        call_command("import", "timetable", str(path), "--establishment", "0750001A", stdout=out)
    assert "Ligne 3, colonne « Enseignant (G) » : Enseignant inconnu" in out.getvalue()


def test_the_imports_page_previews_and_applies(world, login):
    client = login(world.head)
    upload = io.BytesIO(EXAMPLE.read_bytes())
    upload.name = "timetable.csv"
    preview = client.post(reverse("school:imports"), {"kind": "timetable", "file": upload})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Créneaux" in html and "Salles" in html
    response = client.post(reverse("school:imports_apply"), {**preview.context["apply_form"].initial})
    assert response.status_code == 302
    assert Slot.objects.count() == 6
    example = client.get(reverse("school:import_example", args=["timetable", "xlsx"]))
    assert example.status_code == 200


def test_who_may_import(world):
    for person in (world.teacher_maths, world.alice_mother, world.outsider):
        with pytest.raises(PermissionDenied):
            apply(world, EXAMPLE.read_bytes(), actor=person)
    assert not Slot.objects.exists()
