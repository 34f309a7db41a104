"""The content snapshot: worked examples from Benin and France, every printed number checked."""

from __future__ import annotations

import json

import pytest

from carnet.reportcards import codes, hooks
from carnet.reportcards.content import build_content, class_contents

pytestmark = pytest.mark.django_db


def line(content, name):
    return next(row for row in content["subjects"] if row["name"] == name)


def test_benin_bulletin(world, benin):
    dossou, awa, chabi = benin["students"]
    content = build_content(student=dossou, period=benin["s1"])
    assert content["country"] == "BJ"
    assert content["title"] == "Bulletin du 1er semestre"
    assert content["year"] == "2026-2027"
    assert content["period"] == {"name": "Semestre 1", "number": 1, "kind": "semester", "is_last_of_year": False}
    assert content["class"] == {"name": "6e M1", "level": "", "series": "", "size": 3, "main_teacher": "DEHORS Olivier"}
    assert content["student"] == {
        "last_name": "DOSSOU", "first_name": "Koffi", "national_id": "BJ2026000001",
        "national_id_label": "Matricule EducMaster", "birth_date": "2014-03-14", "birth_place": "Porto-Novo",
        "sex": "M", "repeating": "N",
    }
    maths = line(content, "Mathématiques")
    # MI = (12 + 14) / 2 = 13; (13 + 15 + 11) / 3 = 13.00; × 3 = 39.00; 2nd after Chabi's 15.25.
    assert {k: maths[k] for k in ("coefficient", "interrogation_mean", "devoir_1", "devoir_2", "average", "weighted", "rank", "appraisal")} == {
        "coefficient": "3.00", "interrogation_mean": "13.00", "devoir_1": "15.00", "devoir_2": "11.00",
        "average": "13.00", "weighted": "39.00", "rank": 2, "appraisal": "Bon travail.",
    }
    # Class: 13, 10.17 (Awa: (8.5 + 10 + 12) / 3), 15.25 (Chabi: absent at D2, (16.5 + 14) / 2).
    assert (maths["class_average"], maths["minimum"], maths["maximum"]) == ("12.81", "10.17", "15.25")
    french = line(content, "Français")
    assert (french["interrogation_mean"], french["devoir_1"], french["devoir_2"], french["average"], french["weighted"], french["rank"]) == (
        "10.00", "11.00", None, "10.50", "21.00", 2
    )
    assert french["teacher"] == "VIGNON Sika"
    conduct = line(content, "Conduite")
    assert (conduct["coefficient"], conduct["average"], conduct["weighted"], conduct["rank"]) == ("1.00", "16.00", "16.00", 1)
    assert content["conduct"] == "16.00"
    assert content["totals"] == {"coefficients": "6.00", "weighted": "76.00"}
    # (39 + 21 + 16) / 6 = 12.67; Awa 11.75; Chabi (45.75 + 17 + 12) / 6 = 12.46.
    assert content["general"] == {
        "average": "12.67", "rank": 1, "ranks_enabled": True, "class_mean": "12.29", "highest": "12.67",
        "lowest": "11.75", "note": "",
    }
    assert content["appraisals"] == {"main_teacher": "", "council": "Bon semestre.", "mention": "Tableau d'honneur", "decision": ""}
    assert content["absences"] is None
    assert content["annual"] is None
    assert content["radar"] == {"axes": ["FRAN", "MATHS"], "student": ["10.50", "13.00"], "class": ["10.67", "12.81"]}
    # JSON-serialisable, and the digest is reproducible.
    assert codes.digest(json.loads(json.dumps(content))) == codes.digest(content)


def test_benin_ranks_and_repeating_for_the_whole_class(world, benin):
    dossou, awa, chabi = benin["students"]
    contents = class_contents(school_class=benin["class"], period=benin["s1"])
    assert {contents[s.pk]["general"]["average"]: contents[s.pk]["general"]["rank"] for s in (dossou, awa, chabi)} == {
        "12.67": 1, "11.75": 3, "12.46": 2
    }
    assert contents[chabi.pk]["student"]["repeating"] == "O"
    assert line(contents[chabi.pk], "Mathématiques")["devoir_2"] is None


def test_france_bulletin(world, france):
    content = build_content(student=world.alice, period=france["period"])
    assert content["country"] == "FR"
    assert content["title"] == "Bulletin du 1er trimestre"
    assert content["student"]["national_id_label"] == "INE"
    assert content["class"]["size"] == 2
    assert content["class"]["main_teacher"] == "MATHS Marc"
    maths = line(content, "Mathématiques")
    # (14 × 1 + 16 × 2) / 3 = 15.33 (8/10 is 16/20); Bruno (10 + 10 × 2) / 3 = 10.
    assert {k: maths[k] for k in ("teacher", "average", "class_average", "minimum", "maximum", "appraisal", "rank")} == {
        "teacher": "MATHS Marc", "average": "15.33", "class_average": "12.67", "minimum": "10.00", "maximum": "15.33",
        "appraisal": "Très bon trimestre.", "rank": None,
    }
    french = line(content, "Français")
    assert (french["average"], french["class_average"], french["minimum"], french["maximum"]) == ("12.00", "10.50", "9.00", "12.00")
    # (15.33 × 4 + 12 × 3) / 7 = 13.90; Bruno (10 × 4 + 9 × 3) / 7 = 9.57.
    assert content["general"] == {
        "average": "13.90", "rank": None, "ranks_enabled": False, "class_mean": "11.74", "highest": "13.90",
        "lowest": "9.57", "note": "",
    }
    assert content["conduct"] is None
    assert content["appraisals"] == {
        "main_teacher": "Élève sérieuse.", "council": "Félicitations du conseil.", "mention": "Félicitations", "decision": "",
    }


def test_absences_come_from_a_provider_when_one_answers(world, france, monkeypatch):
    monkeypatch.setattr(hooks, "absence_summary_providers", [lambda student, period: None,
                                                              lambda student, period: {"Demi-journées d'absence": 4}])
    content = build_content(student=world.alice, period=france["period"])
    assert content["absences"] == [["Demi-journées d'absence", "4"]]


def test_last_period_carries_the_annual_average_and_decision(world, benin):
    dossou = benin["students"][0]
    content = build_content(student=dossou, period=benin["s2"])
    assert content["period"]["is_last_of_year"] is True
    # S1 12.67, S2 nothing yet: the annual average is S1's under the weighted rule.
    assert content["annual"]["periods"] == [["Semestre 1", "12.67"], ["Semestre 2", None]]
    assert content["annual"]["average"] in ("12.67", None)


def test_a_student_of_another_class_is_refused(world, france):
    from carnet.core.errors import ValidationFailed
    from carnet.grades.computation import period_results

    results = period_results(school_class=world.seconde_a, period=france["period"])
    with pytest.raises(ValidationFailed):
        build_content(student=world.chloe, period=france["period"], results=results)
