"""The PDF: it renders, prints the verification code, the digest and the French accents, and stays
fast."""

from __future__ import annotations

import time

from carnet.reportcards import codes
from carnet.reportcards.pdf import render_pdf, safe
from carnet.reportcards.tests import samples

ISSUE = {
    "code": "ABCDE12345", "verify_url": "http://127.0.0.1:8000/verify/ABCDE-12345/", "digest": "f" * 64,
    "version": 2, "published_on": "28/11/2026",
}


def test_benin_pdf_prints_the_code_the_digest_and_the_columns():
    data = render_pdf(samples.benin(), issue=ISSUE, compress=False)
    assert data.startswith(b"%PDF")
    text = data.decode("latin-1")
    assert "(Code de v\\351rification : ABCDE-12345)" in text
    assert "f" * 64 in text
    for column in ("interro", "Devoir 1", "Devoir 2", "Moy/20", "Rang", "Appr\\351ciation"):
        assert column in text, column
    assert "Moy \\327 coef" in text  # "×" in WinAnsi
    assert "Bulletin du 1er semestre" in text
    assert "Matricule EducMaster" in text


def test_france_pdf_and_a_last_period():
    data = render_pdf(samples.last_period(samples.france()), issue=ISSUE, compress=False)
    text = data.decode("latin-1")
    assert "Moyenne annuelle" in text
    assert "Passe en classe sup\\351rieure" in text
    assert "Demi-journ\\351es d'absence" in text
    assert "INE" in text


def test_long_content_flows_onto_a_second_page():
    content = samples.benin()
    content["subjects"] = content["subjects"] * 4
    for subject in content["subjects"]:
        subject["appraisal"] = "Un long commentaire qui occupe plusieurs lignes dans la colonne des appréciations. " * 2
    data = render_pdf(content, issue=ISSUE, compress=False)
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 2 or b"Page 2" in data


def test_characters_outside_winansi_are_folded_not_dropped():
    assert safe("Hélène Ădă ɛ") == "Hélène Ada ?"
    assert safe(None) == ""


def test_a_pdf_takes_a_few_milliseconds():
    content = samples.benin()
    render_pdf(content, issue=ISSUE)
    started = time.perf_counter()
    for _ in range(10):
        render_pdf(content, issue=ISSUE)
    assert (time.perf_counter() - started) / 10 < 0.1  # ~15 ms here; generous for slow CI machines


def test_codes_are_readable_and_forgiving():
    code = codes.new_code()
    assert len(code) == 10 and not set(code) & set("ILOU")
    assert codes.normalize(codes.formatted(code).lower()) == code
    assert codes.normalize(" abcde 12345 ") == "ABCDE12345"
    assert codes.normalize("ABCDE-1234O") == "ABCDE12340"  # an O typed for a zero
    assert codes.normalize("ABCDE-123") == ""
    assert codes.formatted("ABCDE12345") == "ABCDE-12345"
    assert codes.digest({"b": 1, "a": "é"}) == codes.digest({"a": "é", "b": 1})
