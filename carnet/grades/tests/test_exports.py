"""The averages export (EducMaster-friendly): the table, its three formats, the command, the page
and the API."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carnet.grades import exports, profiles
from carnet.grades.models import ConductMark
from carnet.school.models import TeachingAssignment
from carnet.testing import grades
from carnet.testing.factories import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def marks(world):
    """2nde A, Trimestre 1: maths (coef 4) Alice 12, Bruno 15; French (coef 3) Alice 14, Bruno absent.
    Alice: (12×4 + 14×3) / 7 = 12.857… → 12.86; Bruno: 15.00 (French not counted)."""
    period = world.periods[0]
    maths = TeachingAssignment.objects.get(school_class=world.seconde_a, subject=world.maths)
    french = assign(world.teacher_french, world.seconde_a, world.french, coefficient="3")
    devoir = grades.assessment(maths, period, title="Devoir 1")
    grades.mark(devoir, world.alice, "12")
    grades.mark(devoir, world.bruno, "15")
    essay = grades.assessment(french, period, title="Dissertation")
    grades.mark(essay, world.alice, "14")
    grades.mark(essay, world.bruno, "absent")
    return period


def test_the_table_has_one_row_per_student_in_class_order(world, marks):
    header, rows = exports.averages_table(school_class=world.seconde_a, period=marks)

    assert header == ["Matricule", "Nom", "Prénoms", "Français", "Mathématiques", "Moyenne générale"]
    assert rows == [
        ["123456789BB", "FRANÇAIS", "Bruno", "", "15.00", "15.00"],
        ["123456789AA", "MARTIN", "Alice", "14.00", "12.00", "12.86"],
    ]


def test_ranks_and_conduct_when_the_establishment_uses_them(world, marks):
    profile = profiles.profile_for(world.lycee)
    profile.ranks_enabled, profile.conduct_enabled = True, True
    profile.save(update_fields=["ranks_enabled", "conduct_enabled"])
    ConductMark.objects.create(establishment=world.lycee, period=marks, student=world.alice, value=Decimal("16"))

    header, rows = exports.averages_table(school_class=world.seconde_a, period=marks)

    assert header[-4:] == ["Mathématiques", "Conduite", "Moyenne générale", "Rang"]
    alice = rows[1]
    assert alice[0] == "123456789AA" and alice[-3] == "16.00" and alice[-1] in {"1", "2"}


def test_csv_is_semicolons_utf8_bom_and_decimal_commas(world, marks):
    content, content_type, name = exports.render("csv", school_class=world.seconde_a, period=marks)

    assert content.startswith(b"\xef\xbb\xbf") and content_type.startswith("text/csv")
    assert name == "moyennes-2nde-a-trimestre-1.csv"
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Matricule;Nom;Prénoms;Français;Mathématiques;Moyenne générale"
    assert lines[2] == "123456789AA;MARTIN;Alice;14,00;12,00;12,86"


def test_xlsx_has_real_numbers(world, marks):
    from openpyxl import load_workbook

    content, _type, name = exports.render("xlsx", school_class=world.seconde_a, period=marks)

    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Matricule", "Nom", "Prénoms", "Français", "Mathématiques", "Moyenne générale")
    assert values[2][:3] == ("123456789AA", "MARTIN", "Alice")
    assert values[2][3:] == (14, 12, pytest.approx(12.86))
    assert isinstance(values[2][5], float) and sheet["F3"].number_format == "0.00"
    assert values[1][3] is None
    assert name.endswith(".xlsx")


def test_json_has_strings_with_a_point(world, marks):
    content, content_type, _name = exports.render("json", school_class=world.seconde_a, period=marks)

    data = json.loads(content)
    assert content_type == "application/json"
    assert data["establishment"] == "0750001A" and data["class"] == "2nde A" and data["period"] == "Trimestre 1"
    assert data["rows"][1] == ["123456789AA", "MARTIN", "Alice", "14.00", "12.00", "12.86"]


def run(*args):
    out = StringIO()
    call_command("export", "averages", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_writes_csv_to_stdout_and_xlsx_to_a_file(world, marks, tmp_path):
    output = run("--establishment", "0750001a", "--class", "2NDE a", "--period", "T1")
    assert output.splitlines()[2] == "123456789AA;MARTIN;Alice;14,00;12,00;12,86"

    data = json.loads(run("--establishment", "0750001A", "--class", "2nde A", "--period", "Trimestre 1", "--format", "json"))
    assert data["rows"][0][-1] == "15.00"

    path = tmp_path / "moyennes.xlsx"
    run("--establishment", "0750001A", "--class", "2nde A", "--period", "Trimestre 1", "--format", "xlsx", "--output", str(path))
    assert path.read_bytes().startswith(b"PK")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--establishment", "NOPE", "--class", "2nde A", "--period", "T1"), "Aucun établissement n'a le code « NOPE »."),
        (("--establishment", "0750001A", "--class", "3e Z", "--period", "T1"),
         "Classe « 3e Z » inconnue pour l'année en cours. Classes : 2nde A, 2nde B."),
        (("--establishment", "0750001A", "--class", "2nde A", "--period", "Semestre 4"),
         "Période « Semestre 4 » inconnue pour l'année en cours. Périodes : Trimestre 1, Trimestre 2, Trimestre 3."),
        (("--establishment", "0750001A", "--class", "2nde A", "--period", "T1", "--format", "xlsx"), "ajoutez --output"),
    ],
)
def test_the_command_explains_what_is_wrong(world, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)


# --- page and API -------------------------------------------------------------------------------
def test_the_page_offers_classes_and_periods_and_downloads(world, marks, login, django_assert_max_num_queries):
    client = login(world.secretary)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("grades:exports"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2nde A" in html and "Trimestre 1" in html

    response = client.get(reverse("grades:exports"), {
        "classe": str(world.seconde_a.public_id), "periode": str(marks.public_id), "format": "csv", "telecharger": "1",
    })
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="moyennes-2nde-a-trimestre-1.csv"'
    assert b"12,86" in response.content


def test_a_teacher_cannot_use_the_page(world, login):
    response = login(world.teacher_maths).get(reverse("grades:exports"))
    assert response.status_code == 403


def test_an_outsider_gets_404_for_a_class_of_another_establishment(world, marks, login):
    from carnet.school.models import StaffFunction
    from carnet.testing.factories import give_function

    give_function(world.outsider, world.ceg, StaffFunction.Kind.SECRETARY)
    response = login(world.outsider).get(reverse("grades:exports"), {
        "classe": str(world.seconde_a.public_id), "periode": str(marks.public_id), "format": "csv", "telecharger": "1",
    })
    assert response.status_code == 404


def test_the_api_answers_the_same(world, marks, login):
    client = login(world.head)
    response = client.get("/api/v1/grades/exports/averages", {
        "class": str(world.seconde_a.public_id), "period": str(marks.public_id), "format": "json",
    })
    assert response.status_code == 200
    assert json.loads(response.content)["rows"][1][-1] == "12.86"

    csv_response = client.get("/api/v1/grades/exports/averages", {
        "class": str(world.seconde_a.public_id), "period": str(marks.public_id),
    })
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")


def test_the_api_refuses_a_teacher_and_hides_other_establishments(world, marks, login):
    params = {"class": str(world.seconde_a.public_id), "period": str(marks.public_id), "format": "json"}
    assert login(world.teacher_maths).get("/api/v1/grades/exports/averages", params).status_code == 404
    assert login(world.outsider).get("/api/v1/grades/exports/averages", params).status_code == 404
