"""Importing staff (people and functions) and teaching assignments."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.school.imports.errors import ImportInvalid
from carnet.school.models import StaffFunction, Subject, TeachingAssignment, TeachingGroup
from carnet.school.tests.test_imports_support import apply, count, preview, problems, to_csv

User = get_user_model()
K = StaffFunction.Kind
STAFF_HEADER = ["Nom", "Prénom", "Courriel", "Téléphone", "Fonction"]
ASSIGNMENT_HEADER = ["Enseignant", "Classe", "Matière", "Coefficient", "Heures", "Professeur principal"]


def staff_file(*rows):
    return to_csv([STAFF_HEADER, *rows], delimiter=",")


def assignments_file(*rows, header=ASSIGNMENT_HEADER):
    return to_csv([header, *rows])


# --- staff --------------------------------------------------------------------------------------
def test_staff_are_created_with_their_functions(world):
    rows = [
        ["BERNARD", "Lucie", "lucie.bernard@example.org", "06 20 30 40 50", "Enseignante"],
        ["PETIT", "Karim", "", "", "CPE / surveillant"],
        ["ROUX", "Inès", "ines.roux@example.org", "", "Intendance"],
        ["GARCIA", "Hugo", "", "", "Informatique + enseignant"],
    ]
    plan = apply(world, "staff", staff_file(*rows), actor=world.head).plan

    assert count(plan, "staff", "created") == 4 and count(plan, "functions", "created") == 5
    lucie = User.objects.get(email="lucie.bernard@example.org")
    assert (lucie.phone, lucie.username, lucie.has_usable_password()) == ("+33620304050", "lucie.bernard", False)
    kinds = set(StaffFunction.objects.filter(establishment=world.lycee, user__last_name="GARCIA").values_list("kind", flat=True))
    assert kinds == {K.IT_ADMIN, K.TEACHER}
    assert StaffFunction.objects.get(user__last_name="PETIT").kind == K.SCHOOL_LIFE
    assert StaffFunction.objects.get(user__last_name="ROUX").kind == K.SECRETARY


def test_staff_reimport_changes_nothing_and_corrections_update_in_place(world):
    rows = [
        ["PROVISEUR", "Hélène", "helene.proviseur@example.org", "", "Direction"],
        ["Maths", "Marc", "marc.maths@example.org", "", "Enseignant"],
        ["BERNARD", "Lucie", "", "", "Enseignante"],
    ]
    apply(world, "staff", staff_file(*rows), actor=world.head)
    people = User.objects.count()
    again = apply(world, "staff", staff_file(*rows), actor=world.head).plan
    assert not again.has_changes and count(again, "staff", "unchanged") == 3

    rows[2] = ["BERNARD", "Lucie", "lucie@example.org", "0620304050", "Enseignante / CPE"]
    plan = apply(world, "staff", staff_file(*rows), actor=world.head).plan
    assert User.objects.count() == people
    assert count(plan, "staff", "updated") == 1 and count(plan, "functions", "created") == 1
    lucie = User.objects.get(last_name="BERNARD")
    assert (lucie.email, lucie.phone) == ("lucie@example.org", "+33620304050")


def test_an_ended_function_named_again_is_reopened(world):
    import datetime as dt

    StaffFunction.objects.filter(user=world.cpe).update(ends_on=dt.date(2025, 7, 1))
    plan = apply(world, "staff", staff_file(["Vie-Scolaire", "Claire", "", "", "CPE"])).plan
    assert count(plan, "functions", "updated") == 1
    assert StaffFunction.objects.get(user=world.cpe).ends_on is None


def test_staff_problems(world):
    rows = [
        ["", "Sans", "", "", "Enseignant"],  # 2
        ["JARDIN", "Paul", "", "", "Jardinier"],  # 3
        ["DOUBLE", "Un", "double@example.org", "", "CPE"],  # 4
        ["DOUBLE", "Deux", "DOUBLE@example.org", "06 12", "CPE"],  # 5
        ["CHEF", "Nouveau", "", "", "Proviseur adjoint"],  # 6: only the head gives this
        ["PROVISEUR", "Hélène", "helene.proviseur@example.org", "0600000001", "Direction"],  # 7: the head's record
    ]
    found = problems(preview(world, "staff", staff_file(*rows)))
    assert found == [
        (2, "Nom", "Nom manquant."),
        (3, "Fonction", "Fonction « Jardinier » inconnue : écrivez enseignant, CPE, direction, adjoint, secrétariat ou informatique."),
        (5, "Téléphone", "« 06 12 » ne peut pas être un numéro de téléphone français."),
        (5, "Courriel", "Le courriel « double@example.org » figure déjà ligne 4."),
        (6, "Fonction", "Seul le chef d'établissement peut attribuer la fonction « Adjoint ou censeur »."),
        (7, "Nom", "Seul le chef d'établissement peut modifier la fiche de PROVISEUR Hélène."),
    ]
    assert preview(world, "staff", staff_file(*rows[4:]), actor=world.head).problems == []


def test_staff_nothing_written_when_invalid(world):
    before = (User.objects.count(), StaffFunction.objects.count())
    with pytest.raises(ImportInvalid):
        apply(world, "staff", staff_file(["NEUF", "Anne", "", "", "Enseignant"], ["X", "Y", "", "", "??"]))
    assert (User.objects.count(), StaffFunction.objects.count()) == before


# --- assignments --------------------------------------------------------------------------------
def test_assignments_are_created_and_updated(world):
    rows = [
        ["marc.maths@example.org", "2nde A", "Mathématiques", "4", "4", "O"],  # exists: hours 3 -> 4
        ["Français Fanny", "2nde B", "FRANÇAIS", "3", "3", "N"],  # exists, unchanged
        ["Fanny Français", "2nde A", "Français", "3,5", "1h30", "N"],  # new, teacher as "Prénom Nom"
        ["MARC.MATHS@example.org", "2nde  b", "Physique-chimie", "", "", ""],  # new subject
        ["marc.maths@example.org", "2nde B", "maths", "4", "", ""],  # "maths" is the short name: exists
    ]
    plan = apply(world, "assignments", assignments_file(*rows)).plan

    assert problems(plan) == []
    assert (count(plan, "assignments", "created"), count(plan, "assignments", "updated"), count(plan, "assignments", "unchanged")) == (2, 1, 2)
    assert plan.created("subjects") == ["Physique-chimie"]
    physics = Subject.objects.get(name="Physique-chimie")
    created = TeachingAssignment.objects.get(subject=physics)
    assert (created.teacher, created.school_class, created.coefficient, created.weekly_hours, created.is_main_teacher) == (
        world.teacher_maths, world.seconde_b, Decimal("1"), Decimal("0"), False
    )
    french = TeachingAssignment.objects.get(teacher=world.teacher_french, school_class=world.seconde_a)
    assert (french.coefficient, french.weekly_hours) == (Decimal("3.50"), Decimal("1.50"))
    assert TeachingAssignment.objects.get(teacher=world.teacher_maths, school_class=world.seconde_a, subject=world.maths).weekly_hours == 4

    assert not apply(world, "assignments", assignments_file(*rows)).plan.has_changes


def test_assignment_problems(world):
    rows = [
        ["inconnu@example.org", "2nde A", "Maths", "4", "4", "N"],  # 2
        ["Dupont Jean", "2nde A", "Maths", "4", "4", "N"],  # 3
        ["marc.maths@example.org", "3e Z", "Maths", "4", "4", "N"],  # 4
        ["marc.maths@example.org", "2nde A", "", "-1", "deux", "peut-être"],  # 5
        ["marc.maths@example.org", "2nde B", "Maths", "2.555", "4", "N"],  # 6
        ["olivier.dehors@example.org", "2nde A", "Maths", "", "", ""],  # 7: staff of another establishment
        ["marc.maths@example.org", "2nde A", "Mathématiques", "4", "4", "O"],  # 8
        ["marc.maths@example.org", "2NDE A", "maths", "4", "4", "O"],  # 9: same service as line 8
    ]
    found = problems(preview(world, "assignments", assignments_file(*rows)))
    assert found == [
        (2, "Enseignant", "Aucun personnel de l'établissement n'a le courriel « inconnu@example.org » : importez d'abord les personnels."),
        (3, "Enseignant", "Enseignant inconnu : « Dupont Jean ». Indiquez le courriel ou « Nom Prénom » d'un personnel de l'établissement."),
        (4, "Classe", "Classe ou groupe « 3e Z » inconnu pour l'année en cours : importez d'abord les élèves, qui créent les classes."),
        (5, "Matière", "Matière manquante."),
        (5, "Coefficient", "Coefficient « -1 » ne peut pas être négatif."),
        (5, "Heures", "Heures « deux » n'est pas un nombre."),
        (5, "Professeur principal", "« peut-être » : répondez O (oui) ou N (non)."),
        (6, "Coefficient", "Coefficient « 2.555 » : deux décimales au plus."),
        (7, "Enseignant", "Aucun personnel de l'établissement n'a le courriel « olivier.dehors@example.org » : importez d'abord les personnels."),
        (9, "Matière", "Ce service (même enseignant, même classe ou groupe, même matière) figure déjà ligne 8."),
    ]


def test_assignments_to_groups_and_new_teachers_get_the_teacher_function(world):
    group = TeachingGroup(establishment=world.lycee, school_year=world.year, name="Latin 2nde")
    group.save()
    header = ["Professeur", "Groupe", "Discipline", "Coef", "Heures hebdomadaires", "PP"]
    plan = apply(world, "assignments", assignments_file(["Vie-Scolaire Claire", "latin  2NDE", "Latin", "2", "2", "N"], header=header)).plan
    assert count(plan, "functions", "created") == 1
    assert TeachingAssignment.objects.get(teacher=world.cpe).group == group
    assert StaffFunction.objects.filter(user=world.cpe, kind=K.TEACHER).exists()


def test_a_class_and_a_group_on_one_line_is_a_problem(world):
    header = ["Enseignant", "Classe", "Groupe", "Matière"]
    found = problems(preview(world, "assignments", assignments_file(["marc.maths@example.org", "2nde A", "Latin", "Maths"], header=header)))
    assert found == [(2, "Groupe", "Indiquez une classe ou un groupe, pas les deux.")]


def test_assignment_validation_query_count_does_not_grow(world):
    def queries(n):
        rows = [["marc.maths@example.org", "2nde A" if i % 2 else "2nde B", f"Matière {i}", "1", "1", "N"] for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            assert preview(world, "assignments", assignments_file(*rows)).problems == []
        return len(captured)

    queries(1)  # the secretary's roles are read once, then cached
    assert queries(50) == queries(200) <= 10
