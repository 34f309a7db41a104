"""Reading import files: formats, encodings, delimiters, headers, and the files refused as a whole."""

import datetime as dt
from decimal import Decimal

import pytest

from carnet.school.imports.columns import column_letter
from carnet.school.imports.errors import ImportFileRejected
from carnet.school.imports.reading import read_table
from carnet.school.imports.values import (
    CellError,
    parse_date,
    parse_functions,
    parse_hours,
    parse_relationship,
    parse_yes_no,
)
from carnet.school.models import StaffFunction
from carnet.school.phones import PhoneError, normalize_phone, phone_key
from carnet.school.tests.test_imports_support import (
    STUDENT_HEADER,
    WORLD_STUDENTS,
    count,
    preview,
    students_file,
    to_csv,
    to_xlsx,
)

ROWS = [STUDENT_HEADER, *WORLD_STUDENTS]


# --- formats ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("eleves.csv", to_csv(ROWS, delimiter=";", encoding="utf-8")),
        ("eleves.csv", to_csv(ROWS, delimiter=",", encoding="utf-8")),
        ("eleves.csv", to_csv(ROWS, delimiter=";", encoding="utf-8-sig")),
        ("eleves.csv", to_csv(ROWS, delimiter=";", encoding="cp1252")),
        ("eleves.txt", to_csv(ROWS, delimiter="\t", encoding="utf-16")),
        ("eleves.xlsx", to_xlsx(ROWS)),
    ],
    ids=["utf8-semicolon", "utf8-comma", "bom", "cp1252", "utf16-tab", "xlsx"],
)
def test_every_format_reads_the_same_students(world, file_name, content):
    plan = preview(world, "students", content, file_name=file_name)

    assert plan.problems == []
    assert plan.rows == 3
    assert count(plan, "students", "created") == 0
    labels = {c.label for c in plan.changes if c.entity == "students"}
    assert labels == {"MARTIN Alice", "FRANÇAIS Bruno", "DURAND Chloé"}
    # Accents survive every encoding: Chloé is recognised, her guardians too.
    assert count(plan, "guardians", "created") == 0


def test_encodings_and_delimiters_are_detected():
    cp1252 = read_table(to_csv(ROWS, encoding="cp1252"), "a.csv")
    assert (cp1252.encoding, cp1252.delimiter) == ("cp1252", ";")
    assert cp1252.rows[3].cells[2] == "Chloé"
    bom = read_table(to_csv(ROWS, delimiter=",", encoding="utf-8-sig"), "a.csv")
    assert (bom.encoding, bom.delimiter) == ("utf-8-sig", ",")
    assert bom.rows[0].cells[0] == "Matricule"  # no BOM glued to the first header


def test_line_numbers_count_blank_lines_and_quoted_newlines():
    content = b'Nom;Prenom\n\nMartin;"Alice\nsuite"\nDurand;Chlo\xc3\xa9\n'
    table = read_table(content, "a.csv")
    assert [(r.line, r.cells[0]) for r in table.rows] == [(1, "Nom"), (3, "Martin"), (5, "Durand")]


def test_xlsx_cells_become_text():
    content = to_xlsx([["Nom", "Date", "Tel", "Coef"], ["Martin", dt.datetime(2010, 5, 4), 612345678, 2.5]])
    table = read_table(content, "a.xlsx")
    assert table.rows[1].cells == ("Martin", "2010-05-04", "612345678", "2.5")


def test_excel_text_formula_keeps_leading_zero():
    table = read_table(b'Nom;Tel\nMartin;="0612345678"\n', "a.csv")
    assert table.rows[1].cells[1] == "0612345678"


# --- headers ------------------------------------------------------------------------------------
def test_headers_match_without_case_accents_or_spacing(world):
    header = ["  MATRICULE", "nom", "PRENOMS", "sexe", "date_de_naissance", "Lieu  de naissance ", "CLASSE",
              "redoublant", "RESPONSABLE 1 NOM", "responsable1prenom", "Resp. 1 lien", "Responsable 1 Tél",
              "Responsable 1 E-mail", "Colonne inconnue"]
    rows = [row[:13] + ["x"] for row in WORLD_STUDENTS]
    plan = preview(world, "students", students_file(*rows, header=header))
    assert plan.problems == []
    assert plan.ignored_columns == ["Colonne inconnue"]
    assert count(plan, "students", "unchanged") + count(plan, "students", "updated") == 3
    assert count(plan, "guardians", "created") == 0


def test_a_title_line_above_the_headers_is_skipped(world):
    content = to_csv([["Liste des élèves 2026-2027"], [], STUDENT_HEADER, *WORLD_STUDENTS])
    plan = preview(world, "students", content)
    assert plan.problems == [] and plan.rows == 3


# --- files refused as a whole -------------------------------------------------------------------
def rejected(world, content, file_name="a.csv", kind="students") -> str:
    with pytest.raises(ImportFileRejected) as caught:
        preview(world, kind, content, file_name=file_name)
    return str(caught.value.message)


def test_refused_files_say_why_in_french(world, settings):
    assert rejected(world, b"") == "Le fichier est vide."
    assert rejected(world, b"  \r\n ") == "Le fichier est vide."
    assert "extension .xlsx mais n'est pas un classeur Excel" in rejected(world, to_csv(ROWS), "a.xlsx")
    assert "extension .csv mais n'est pas un fichier texte" in rejected(world, to_xlsx(ROWS), "a.csv")
    assert "Excel 97-2003 (.xls)" in rejected(world, b"\xd0\xcf\x11\xe0" + b"\0" * 100, "a.xls")
    assert "non pris en charge" in rejected(world, b"%PDF-1.4", "liste.pdf")
    assert "illisible ou endommagé" in rejected(world, b"PK\x03\x04 not really a zip", "a.xlsx")
    assert "n'est pas reconnu" in rejected(world, b"Nom;Pr\x81nom\n", "a.csv")
    assert "que la ligne d'en-têtes" in rejected(world, to_csv([STUDENT_HEADER]))
    settings.CARNET_IMPORT_MAX_BYTES = 2048
    assert "trop volumineux" in rejected(world, b"Nom;Prenom\n" + b"x;y\n" * 1000)


def test_missing_required_columns_are_named(world):
    message = rejected(world, to_csv([["Matricule", "Nom", "Date de naissance"], ["1", "Martin", "04/05/2010"]]))
    assert message.startswith("Colonnes obligatoires absentes : Prénom, Classe.")
    message = rejected(world, to_csv([["Enseignant", "Matière"], ["a@b.fr", "Maths"]]), kind="assignments")
    assert "Classe ou Groupe ou Classe ou groupe" in message


def test_a_column_twice_is_refused(world):
    message = rejected(world, to_csv([["Nom", "Prénom", "Classe", "NOM"], ["a", "b", "c", "d"]]))
    assert message == "La colonne « Nom » apparaît deux fois (colonnes A et D) : gardez-en une seule."


def test_a_file_without_headers_is_refused(world):
    assert "Aucune ligne d'en-têtes" in rejected(world, to_csv([["Martin", "Alice"], ["Durand", "Chloé"]]))


def test_nothing_is_written_for_a_refused_file(world):
    from carnet.school.models import ImportRun
    from carnet.school.tests.test_imports_support import apply

    with pytest.raises(ImportFileRejected):
        apply(world, "students", to_csv(ROWS), file_name="a.xlsx")
    assert not ImportRun.objects.exists()


# --- cells --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("612345678", "FR", "+33612345678"),  # a spreadsheet dropped the leading zero
        ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
        ("0033612345678", "FR", "+33612345678"),
        ("33612345678", "FR", "+33612345678"),
        ("97 00 00 01", "BJ", "+22997000001"),
        ("01 97 00 00 01", "BJ", "+2290197000001"),
        ("197000001", "BJ", "+2290197000001"),
        ("+229 97 00 00 01", "BJ", "+22997000001"),
        ("+229 01 97 00 00 01", "BJ", "+2290197000001"),
        ("22997000001", "FR", "+22997000001"),
        ("+44 20 7946 0958", "FR", "+442079460958"),
    ],
)
def test_phones_become_e164(text, country, expected):
    assert normalize_phone(text, country) == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [("06 12 34", "FR"), ("abc", "FR"), ("06 12 34 56 78 90", "FR"), ("97 00 00 01", "FR"), ("0612345678", "BJ"),
     ("+33 6 12", "FR"), ("+229 123", "BJ"), ("00", "FR"), ("tel: 0612345678", "FR")],
)
def test_what_cannot_be_a_phone_is_refused(text, country):
    with pytest.raises(PhoneError, match="ne peut pas être un numéro de téléphone"):
        normalize_phone(text, country)


def test_benin_numbers_old_and_new_share_a_key():
    assert phone_key("+2290197000001") == phone_key("+22997000001") == "+22997000001"
    assert phone_key("+33612345678") == "+33612345678"


def test_dates():
    assert parse_date("04/05/2010") == dt.date(2010, 5, 4)
    assert parse_date("4-5-2010") == dt.date(2010, 5, 4)
    assert parse_date("2010-05-04") == dt.date(2010, 5, 4)
    with pytest.raises(CellError, match="La date « 31/02/2010 » n'existe pas."):
        parse_date("31/02/2010")
    with pytest.raises(CellError, match="quatre chiffres"):
        parse_date("04/05/10")
    with pytest.raises(CellError, match="illisible"):
        parse_date("4 mai 2010")


def test_yes_no_relationships_functions_hours():
    assert [parse_yes_no(v) for v in ("O", "oui", "X", "1", "N", "Non", "0")] == [True] * 4 + [False] * 3
    assert parse_relationship("Mère") == "mother" and parse_relationship("PAPA") == "father"
    assert parse_relationship("tutrice") == "guardian" and parse_relationship("grand-mère") == "other"
    with pytest.raises(CellError, match="Lien « voisin » inconnu"):
        parse_relationship("voisin")
    K = StaffFunction.Kind
    cases = {
        "Enseignant": [K.TEACHER], "professeur principal": [K.TEACHER], "CPE": [K.SCHOOL_LIFE],
        "Surveillant": [K.SCHOOL_LIFE], "Vie scolaire": [K.SCHOOL_LIFE], "Proviseur": [K.HEAD],
        "Principal": [K.HEAD], "Directrice": [K.HEAD], "Proviseur adjoint": [K.DEPUTY], "Censeur": [K.DEPUTY],
        "Secrétariat": [K.SECRETARY], "Intendance": [K.SECRETARY], "Informatique": [K.IT_ADMIN],
        "Enseignant / CPE": [K.TEACHER, K.SCHOOL_LIFE],
    }
    for text, kinds in cases.items():
        assert parse_functions(text) == kinds, text
    with pytest.raises(CellError, match="Fonction « jardinier » inconnue"):
        parse_functions("jardinier")
    assert parse_hours("1h30") == Decimal("1.50") and parse_hours("2,5") == Decimal("2.50")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]
