"""Hand-made report-card contents (the shape `content.build_content` returns), for the PDF and page
tests that do not need the marks engine."""

from __future__ import annotations

import copy


def _subject(name, short, coef, avg, cls, low, high, mi, d1, d2, weighted, rank, appraisal, teacher="M. KOFFI"):
    return {
        "key": short.lower(), "name": name, "short_name": short, "teacher": teacher, "coefficient": coef,
        "is_bonus": False, "average": avg, "class_average": cls, "minimum": low, "maximum": high,
        "interrogation_mean": mi, "devoir_1": d1, "devoir_2": d2, "weighted": weighted, "rank": rank,
        "appraisal": appraisal, "note": "",
    }


BENIN = {
    "schema": 1,
    "country": "BJ",
    "title": "Bulletin du 1er semestre",
    "establishment": {"name": "CEG Akpakpa", "code": "BJ-CEG-001", "city": "Cotonou", "country": "BJ", "country_name": "Bénin"},
    "year": "2026-2027",
    "period": {"name": "Semestre 1", "number": 1, "kind": "semester", "is_last_of_year": False},
    "class": {"name": "6e M1", "level": "6e", "series": "", "size": 42, "main_teacher": "Olivier DEHORS"},
    "student": {
        "last_name": "DOSSOU", "first_name": "Koffi Émile", "national_id": "BJ2026000001",
        "national_id_label": "Matricule EducMaster", "birth_date": "2013-03-14", "birth_place": "Porto-Novo",
        "sex": "M", "repeating": "N",
    },
    "subjects": [
        _subject("Mathématiques", "MATHS", "3.00", "13.50", "10.12", "3.00", "18.50", "12.00", "14.00", "14.50", "40.50", 4,
                 "Bon travail, poursuivez vos efforts."),
        _subject("Français", "FRAN", "2.00", "11.00", "10.80", "4.50", "17.00", "11.50", "10.50", "11.00", "22.00", 12,
                 "Des progrès à l'écrit ; l'orthographe reste à travailler."),
        _subject("Anglais", "ANG", "1.00", "9.25", "9.90", "2.00", "16.00", "10.00", "8.50", None, "9.25", 25, "Peut mieux faire."),
        _subject("Sciences physiques", "PCT", "2.00", "14.00", "11.00", "5.00", "17.75", "14.00", "13.00", "15.00", "28.00", 2,
                 "Très bien."),
        _subject("Histoire-Géographie", "HG", "2.00", "12.25", "11.40", "6.00", "16.50", "12.50", "12.00", "12.25", "24.50", 9,
                 "Assez bien."),
        _subject("SVT", "SVT", "2.00", None, "10.00", "4.00", "15.00", None, None, None, None, None, "", teacher="Mme ADJOVI"),
        _subject("EPS", "EPS", "1.00", "15.00", "13.20", "8.00", "18.00", "15.00", None, None, "15.00", 3, "Excellent."),
        _subject("Conduite", "COND", "1.00", "16.00", "14.10", "10.00", "18.00", None, None, None, "16.00", 5, "", teacher=""),
    ],
    "totals": {"coefficients": "12.00", "weighted": "155.25"},
    "conduct": "16.00",
    "general": {
        "average": "12.94", "rank": 7, "ranks_enabled": True, "class_mean": "10.87", "highest": "16.21",
        "lowest": "5.43", "note": "",
    },
    "absences": None,
    "appraisals": {
        "main_teacher": "Élève sérieux et appliqué ; doit participer davantage à l'oral.",
        "council": "Bon semestre : félicitations du conseil.",
        "mention": "Tableau d'honneur",
        "decision": "",
    },
    "annual": None,
    "radar": {
        "axes": ["MATHS", "FRAN", "ANG", "PCT", "HG", "EPS"],
        "student": ["13.50", "11.00", "9.25", "14.00", "12.25", "15.00"],
        "class": ["10.12", "10.80", "9.90", "11.00", "11.40", "13.20"],
    },
}

FRANCE = {
    "schema": 1,
    "country": "FR",
    "title": "Bulletin du 1er trimestre",
    "establishment": {"name": "Lycée Victor-Hugo", "code": "0750001A", "city": "Paris", "country": "FR", "country_name": "France"},
    "year": "2026-2027",
    "period": {"name": "Trimestre 1", "number": 1, "kind": "trimester", "is_last_of_year": False},
    "class": {"name": "2nde A", "level": "Seconde", "series": "", "size": 2, "main_teacher": "Marc MATHS"},
    "student": {
        "last_name": "MARTIN", "first_name": "Alice", "national_id": "123456789AA", "national_id_label": "INE",
        "birth_date": "2010-05-04", "birth_place": "", "sex": "F", "repeating": "N",
    },
    "subjects": [
        _subject("Mathématiques", "MATHS", "4.00", "15.25", "12.63", "10.00", "15.25", None, None, None, None, None,
                 "Très bon trimestre, travail régulier et soigné.", teacher="Marc MATHS"),
        _subject("Français", "FRAN", "3.00", "12.00", "12.00", "12.00", "12.00", None, None, None, None, None,
                 "Ensemble satisfaisant.", teacher="Fanny FRANÇAIS"),
    ],
    "totals": {"coefficients": "7.00", "weighted": None},
    "conduct": None,
    "general": {
        "average": "13.86", "rank": None, "ranks_enabled": False, "class_mean": "12.43", "highest": "13.86",
        "lowest": "11.00", "note": "",
    },
    "absences": [["Demi-journées d'absence", "3"], ["dont non justifiées", "1"], ["Retards", "2"]],
    "appraisals": {"main_teacher": "Trimestre encourageant.", "council": "Félicitations.", "mention": "Félicitations", "decision": ""},
    "annual": None,
    "radar": {"axes": ["MATHS", "FRAN"], "student": ["15.25", "12.00"], "class": ["12.63", "12.00"]},
}


def benin(**changes) -> dict:
    content = copy.deepcopy(BENIN)
    content.update(changes)
    return content


def france(**changes) -> dict:
    content = copy.deepcopy(FRANCE)
    content.update(changes)
    return content


def last_period(content: dict) -> dict:
    content = copy.deepcopy(content)
    content["period"]["is_last_of_year"] = True
    content["annual"] = {"average": "12.40", "decision": "Passe", "periods": [["Semestre 1", "11.50"], ["Semestre 2", "12.85"]]}
    content["appraisals"]["decision"] = "Passe en classe supérieure"
    return content
