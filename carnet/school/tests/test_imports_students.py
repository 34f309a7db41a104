"""Importing students and their guardians: problems, all-or-nothing, re-import, updates in place."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.audit.models import AuditEvent
from carnet.school.imports.errors import ImportInvalid, ImportOutdated
from carnet.school.models import Enrollment, Guardianship, ImportRun, Level, SchoolClass, Series
from carnet.school.tests.test_imports_support import (
    WORLD_STUDENTS,
    apply,
    count,
    preview,
    problems,
    student_row,
    students_file,
)

User = get_user_model()
TODAY = dt.date.today()


def snapshot():
    return (
        User.objects.count(), Enrollment.objects.count(), Guardianship.objects.count(), SchoolClass.objects.count(),
        Level.objects.count(), ImportRun.objects.count(), AuditEvent.objects.count(),
        sorted(User.objects.values_list("username", "last_name", "first_name", "phone", "email", "birth_place")),
        sorted(Enrollment.objects.values_list("student_id", "school_class_id", "ends_on", "national_id", "is_repeating")),
    )


NEW_FAMILY = [
    student_row("124000001DD", "LEROY", "Émile", "2010-11-23", "2nde B", sex="M", place="Nantes",
                guardian1=("LEROY", "Sophie", "Mère", "07 11 22 33 44", "sophie.leroy@example.org"),
                guardian2=("LEROY", "Marc", "Père", "07 11 22 33 44", "")),
    student_row("124000002EE", "LEROY", "Inès", "12/01/2012", "1re  b", place="Nantes",
                guardian1=("Leroy", "Sophie", "mère", "0711223344", ""),
                guardian2=("LEROY", "Marc", "papa", "", "")),
]


# --- creation -----------------------------------------------------------------------------------
def test_a_new_family_is_created_once(world):
    outcome = apply(world, "students", students_file(*NEW_FAMILY))

    plan = outcome.plan
    assert count(plan, "students", "created") == 2
    assert count(plan, "guardians", "created") == 2  # Sophie and Marc, not four people
    assert count(plan, "guardianships", "created") == 4
    assert plan.created("classes") == ["1re b"]  # spaces collapsed
    emile = User.objects.get(first_name="Émile")
    ines = User.objects.get(first_name="Inès")
    sophie = User.objects.get(first_name="Sophie")
    marc = User.objects.get(first_name="Marc", last_name="LEROY")
    # Sophie and Marc share a telephone but are two people: a household phone.
    assert sophie.phone == marc.phone == "+33711223344"
    assert set(Guardianship.objects.filter(guardian=sophie).values_list("student__first_name", "relationship")) == {
        ("Émile", "mother"), ("Inès", "mother")
    }
    assert set(Guardianship.objects.filter(guardian=marc).values_list("relationship", flat=True)) == {"father"}
    for person in (emile, ines, sophie, marc):
        assert not person.has_usable_password()  # they activate with a code
        assert person.search_name
    assert emile.username == "emile.leroy" and sophie.username == "sophie.leroy"
    assert emile.birth_date == dt.date(2010, 11, 23) and emile.sex == "M" and emile.birth_place == "Nantes"
    enrollment = Enrollment.objects.get(student=ines)
    assert enrollment.school_class.name == "1re b"
    assert enrollment.school_class.level.name == "Première"
    assert (enrollment.national_id, enrollment.starts_on, enrollment.ends_on) == ("124000002EE", world.year.starts_on, None)


def test_run_and_audit_event_record_the_counts(world):
    outcome = apply(world, "students", students_file(*NEW_FAMILY), file_name="rentree.csv")

    run = outcome.run
    assert (run.kind, run.file_name, run.actor, run.dry_run) == ("students", "rentree.csv", world.secretary, False)
    assert run.summary["counts"]["students"] == {"created": 2, "updated": 0, "unchanged": 0}
    event = AuditEvent.objects.get(action="import.students")
    assert event.establishment == world.lycee and event.actor == world.secretary
    assert event.object_id == str(run.public_id)
    assert event.changes["students.created"] == [None, 2]
    assert event.changes["file_name"] == [None, "rentree.csv"]


def test_existing_guardians_are_recognised(world):
    plan = preview(world, "students", students_file(*WORLD_STUDENTS))

    assert plan.problems == []
    assert count(plan, "guardians", "created") == 0
    assert count(plan, "guardianships", "unchanged") == 4  # Anne for Alice and for Chloé, Fanny, Charles
    assert count(plan, "students", "created") == 0


def test_a_guardian_of_two_children_is_one_account(world):
    rows = [
        student_row("", "DUPONT", "Léa", "01/01/2011", "2nde A", guardian1=("DUPONT", "Awa", "Mère", "", "")),
        student_row("", "DUPONT", "Noé", "02/02/2012", "2nde B", sex="M", guardian1=("Dupont", "awa", "mère", "", "")),
    ]
    apply(world, "students", students_file(*rows))
    awa = User.objects.get(first_name__iexact="awa")
    assert Guardianship.objects.filter(guardian=awa).count() == 2


# --- problems -----------------------------------------------------------------------------------
def test_every_problem_has_its_line_column_and_message(world):
    rows = [
        student_row("900000001", "PETIT", "Léo", "31/02/2010", "2nde A"),  # line 2
        student_row("900000001", "PETIT", "Léa", "01/03/2010", "2nde A"),  # line 3: duplicate matricule
        student_row("900000003", "", "Sans", "01/03/2010", "2nde A"),  # line 4: missing name
        student_row("900000004", "ROUX", "Tom", "01/03/2010", "2nde A", sex="Z",
                    guardian1=("ROUX", "Eva", "voisine", "12 34", "pas-un-courriel")),  # line 5
        student_row("", "BLANC", "Zoé", "", "2nde A"),  # line 6: neither matricule nor birth date
        student_row("900000007", "NOIR", "Max", "01/03/2099", "", repeating="peut-être"),  # line 7
        student_row("900000008", "VERT", "Ali", "2010-01-01", "2nde A", guardian1=("", "Sans", "Mère", "", "")),  # 8
        student_row("123456789AA", "DURAND", "Zacharie", "01/01/2010", "2nde A"),  # line 9: someone else's matricule
    ]
    plan = preview(world, "students", students_file(*rows))

    found = problems(plan)
    expected = [
        (2, "Date de naissance", "La date « 31/02/2010 » n'existe pas."),
        (3, "Matricule", "Le matricule « 900000001 » figure déjà ligne 2."),
        (4, "Nom", "Nom de l'élève manquant."),
        (5, "Sexe", "Sexe « Z » inconnu : écrivez F ou M."),
        (5, "Responsable 1 Lien", "Lien « voisine » inconnu : écrivez mère, père, tuteur, tutrice ou autre."),
        (5, "Responsable 1 Téléphone", "« 12 34 » ne peut pas être un numéro de téléphone français."),
        (5, "Responsable 1 Courriel", "« pas-un-courriel » n'est pas une adresse électronique valide."),
        (6, "Matricule", "Indiquez le matricule ou la date de naissance : sans l'un ni l'autre, l'élève ne pourrait pas être reconnu au prochain import."),
        (7, "Classe", "Classe manquante."),
        (7, "Date de naissance", "La date de naissance « 01/03/2099 » est dans le futur."),
        (7, "Redoublant", "« peut-être » : répondez O (oui) ou N (non)."),
        (8, "Responsable 1 Nom", "Nom du responsable 1 manquant."),
        (9, "Matricule", "Le matricule « 123456789AA » est celui de MARTIN Alice dans Carnet, pas de DURAND Zacharie : vérifiez-le."),
    ]
    for item in expected:
        assert item in found, item
    assert len(found) == len(expected), found
    letters = {p.column: p.letter for p in plan.problems}
    assert letters["Date de naissance"] == "E" and letters["Responsable 1 Courriel"] == "M"
    assert str(plan.problems[0]) == "Ligne 2, colonne « Date de naissance (E) » : La date « 31/02/2010 » n'existe pas."


def test_duplicates_without_matricule_and_same_guardian_twice(world):
    rows = [
        student_row("", "GRIS", "Sam", "01/01/2010", "2nde A",
                    guardian1=("GRIS", "Luc", "Père", "0611111111", ""), guardian2=("GRIS", "Luc", "Père", "06 11 11 11 11", "")),
        student_row("", "gris", "SAM", "2010-01-01", "2nde B"),
    ]
    found = problems(preview(world, "students", students_file(*rows)))
    assert (2, "Responsable 2 Nom", "Le responsable 2 est la même personne que le responsable 1.") in found
    assert (3, "Nom", "Cet élève (même nom, même date de naissance) figure déjà ligne 2.") in found


def test_conflicting_details_of_one_guardian_across_lines(world):
    rows = [
        student_row("", "BRUN", "Ana", "01/01/2010", "2nde A", guardian1=("BRUN", "Paul", "Père", "", "paul@example.org")),
        student_row("", "BRUN", "Eli", "01/01/2011", "2nde A", guardian1=("BRUNO", "Paul", "Père", "", "paul@example.org")),
    ]
    found = problems(preview(world, "students", students_file(*rows)))
    assert found == [(3, "Responsable 1 Nom", "Ce responsable figure aussi ligne 2 avec une autre valeur (« BRUN »).")]


def test_nothing_is_written_when_one_line_is_bad(world):
    before = snapshot()
    bad = student_row("124000003FF", "FAUX", "Jour", "30/02/2010", "2nde A")
    with pytest.raises(ImportInvalid) as caught:
        apply(world, "students", students_file(*NEW_FAMILY, bad))
    assert [p.line for p in caught.value.plan.problems] == [4]
    assert snapshot() == before


def test_a_student_matched_twice_is_a_problem(world):
    rows = [
        student_row("123456789AA", "MARTIN", "Alice", "04/05/2010", "2nde A"),
        student_row("", "Martin", "Alice", "04/05/2010", "2nde A"),
    ]
    found = problems(preview(world, "students", students_file(*rows)))
    assert found == [(3, "Nom", "Cette ligne désigne le même élève que la ligne 2.")]


# --- re-import and corrections ------------------------------------------------------------------
def test_importing_the_same_file_twice_changes_nothing(world):
    content = students_file(*WORLD_STUDENTS, *NEW_FAMILY)
    apply(world, "students", content)
    before = snapshot()

    second = apply(world, "students", content).plan

    assert not second.has_changes
    assert count(second, "students", "unchanged") == 5
    assert count(second, "guardians", "unchanged") == 5
    assert count(second, "guardianships", "unchanged") == 8
    after = snapshot()
    assert after[:5] == before[:5] and after[7:] == before[7:]
    assert after[5] == before[5] + 1  # one more ImportRun, saying "0 changes"


def test_a_corrected_file_updates_people_in_place(world):
    apply(world, "students", students_file(*NEW_FAMILY))
    users = User.objects.count()
    corrected = [list(row) for row in NEW_FAMILY]
    corrected[0][5] = "Rezé"  # birth place
    corrected[0][1] = "LEROY-BLANC"  # name corrected; the matricule still finds him
    corrected[0][11] = "07 99 88 77 66"  # Sophie's new telephone…
    corrected[1][11] = "07 99 88 77 66"  # …on both lines
    corrected[0][10] = "Tutrice"

    plan = apply(world, "students", students_file(*corrected)).plan

    assert User.objects.count() == users
    emile = User.objects.get(first_name="Émile")
    assert (emile.last_name, emile.birth_place) == ("LEROY-BLANC", "Rezé")
    assert "leroy-blanc" in emile.search_name
    sophie = User.objects.get(first_name="Sophie")
    assert sophie.phone == "+33799887766"
    assert Guardianship.objects.get(guardian=sophie, student=emile).relationship == "guardian"
    assert count(plan, "students", "updated") == 1 and count(plan, "guardians", "updated") == 1
    change = next(c for c in plan.changes if c.entity == "students" and c.action == "updated")
    assert change.fields == {"last_name": ("LEROY", "LEROY-BLANC"), "birth_place": ("Nantes", "Rezé")}


def test_students_are_matched_by_name_and_birth_date_without_matricule(world):
    row = student_row("", "martin", "ALICE", "04/05/2010", "2nde A", place="Lyon")
    plan = apply(world, "students", students_file(row)).plan
    assert count(plan, "students", "updated") == 1 and count(plan, "students", "created") == 0
    world.alice.refresh_from_db()
    assert world.alice.birth_place == "Lyon" and world.alice.last_name == "Martin"  # case differences are not changes
    assert Enrollment.objects.get(student=world.alice).national_id == "123456789AA"


def test_a_class_change_closes_the_enrollment_and_opens_another(world):
    row = student_row("123456789AA", "MARTIN", "Alice", "04/05/2010", "2nde B", repeating="O")
    plan = apply(world, "students", students_file(row)).plan

    change = next(c for c in plan.changes if c.entity == "students")
    assert change.fields["school_class"] == ("2nde A", "2nde B")
    enrollments = list(Enrollment.objects.filter(student=world.alice).order_by("starts_on"))
    assert len(enrollments) == 2
    old, new = enrollments
    assert (old.school_class, old.ends_on) == (world.seconde_a, TODAY - dt.timedelta(days=1))
    assert (new.school_class, new.starts_on, new.ends_on) == (world.seconde_b, TODAY, None)
    assert new.national_id == old.national_id == "123456789AA" and new.is_repeating
    # And again: nothing more changes.
    assert not apply(world, "students", students_file(row)).plan.has_changes


def test_class_names_match_by_case_and_spacing(world):
    row = student_row("", "NEUF", "Ada", "01/01/2010", "  2NDE   a ")
    plan = apply(world, "students", students_file(row)).plan
    assert plan.created("classes") == []
    assert SchoolClass.objects.filter(school_year=world.year).count() == 2
    assert Enrollment.objects.get(student__first_name="Ada").school_class == world.seconde_a


def test_new_classes_take_level_and_series_from_columns_or_name(world):
    header = ["Nom", "Prénom", "Date de naissance", "Classe", "Niveau", "Série"]
    rows = [
        ["A", "Un", "01/01/2010", "1re STMG 2", "", ""],
        ["B", "Deux", "01/01/2010", "Tle C", "", ""],
        ["C", "Trois", "01/01/2010", "2nde Euro", "", ""],
        ["D", "Quatre", "01/01/2010", "Atelier", "Seconde", "Générale"],
    ]
    plan = apply(world, "students", students_file(*rows, header=header)).plan
    assert sorted(plan.created("classes")) == ["1re STMG 2", "2nde Euro", "Atelier", "Tle C"]
    levels = dict(SchoolClass.objects.filter(school_year=world.year).values_list("name", "level__name"))
    assert levels == {"2nde A": "Seconde", "2nde B": "Seconde", "1re STMG 2": "Première", "Tle C": "Terminale",
                      "2nde Euro": "Seconde", "Atelier": "Seconde"}
    series = dict(SchoolClass.objects.filter(school_year=world.year).values_list("name", "series__name"))
    assert series["1re STMG 2"] == "STMG" and series["Tle C"] is None  # C is a series in Benin, not in France
    assert series["Atelier"] == "Générale"
    assert Level.objects.filter(establishment=world.lycee, name="Seconde").count() == 1  # "2nde" is "Seconde"


def test_benin_classes_series_and_phones(world):
    header = ["Matricule", "Nom", "Prénom", "Date de naissance", "Classe", "Responsable 1 Nom",
              "Responsable 1 Prénom", "Responsable 1 Téléphone"]
    rows = [
        ["BJ2026000001", "DOSSOU", "Koffi", "01/01/2014", "6e M1", "DOSSOU", "Afi", "01 97 00 00 01"],
        ["BJ2026000002", "HOUNSOU", "Abla", "01/01/2009", "2nde C", "HOUNSOU", "Yao", "96 00 00 02"],
    ]
    plan = apply(world, "students", students_file(*rows, header=header), actor=None, establishment=world.ceg).plan
    assert plan.problems == []
    # Afi's number in its new ten-digit form is the same line as the one Carnet knows.
    assert count(plan, "guardians", "unchanged") + count(plan, "guardians", "updated") == 1
    world.dossou_parent.refresh_from_db()
    assert world.dossou_parent.phone == "+2290197000001"
    assert User.objects.get(first_name="Yao").phone == "+22996000002"
    new_class = SchoolClass.objects.get(name="2nde C")
    assert (new_class.level.name, new_class.series.name) == ("Seconde", "C")
    assert Series.objects.filter(establishment=world.ceg).count() == 1


def test_a_secretary_does_not_rewrite_the_heads_record(world):
    from carnet.testing.factories import guard

    guard(world.head, world.alice, world.lycee, "mother")
    row = student_row("123456789AA", "MARTIN", "Alice", "04/05/2010", "2nde A",
                      guardian1=("PROVISEUR", "Hélène", "Mère", "06 00 00 00 01", ""))
    found = problems(preview(world, "students", students_file(row)))
    assert found == [(2, "", "Seul le chef d'établissement peut modifier la fiche de PROVISEUR Hélène.")]
    assert preview(world, "students", students_file(row), actor=world.head).problems == []


# --- dry run, concurrency, refusal --------------------------------------------------------------
def test_dry_run_writes_nothing(world):
    before = snapshot()
    outcome = apply(world, "students", students_file(*NEW_FAMILY), dry_run=True)
    assert outcome.run is None and count(outcome.plan, "students", "created") == 2
    assert snapshot() == before


def test_apply_refuses_what_the_preview_did_not_show(world):
    content = students_file(*NEW_FAMILY)
    fingerprint = preview(world, "students", content).fingerprint()
    apply(world, "students", students_file(NEW_FAMILY[0]))  # someone imported part of it meanwhile
    before = snapshot()
    with pytest.raises(ImportOutdated):
        apply(world, "students", content, expected_fingerprint=fingerprint)
    assert snapshot() == before


def test_a_teacher_may_not_import(world):
    from carnet.core.errors import PermissionDenied

    before = snapshot()
    with pytest.raises(PermissionDenied):
        apply(world, "students", students_file(*NEW_FAMILY), actor=world.teacher_maths)
    with pytest.raises(PermissionDenied):
        apply(world, "students", students_file(*NEW_FAMILY), actor=world.outsider)
    assert snapshot() == before


# --- cost ---------------------------------------------------------------------------------------
def many_rows(n):
    return [
        student_row(f"77{i:07d}", f"NOM{i}", f"Prénom{i}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/2010",
                    f"2nde {'ABCDEFGH'[i % 8]}", guardian1=(f"PARENT{i}", "Mère", "Mère", f"06{i:08d}", ""),
                    guardian2=(f"PARENT{i}", "Père", "Père", "", f"pere{i}@example.org"))
        for i in range(n)
    ]


def test_validation_query_count_does_not_grow_with_the_file(world):
    apply(world, "students", students_file(*many_rows(200)[:100]))  # some rows exist, others do not

    def queries(n):
        content = students_file(*WORLD_STUDENTS, *many_rows(n))
        with CaptureQueriesContext(connection) as captured:
            plan = preview(world, "students", content)
        assert plan.problems == []
        return len(captured)

    small, large = queries(50), queries(200)
    assert small == large
    assert small <= 12
