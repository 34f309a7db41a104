"""The generated students file: realistic, deterministic, and accepted by the real import."""

from __future__ import annotations

import csv
import io

import pytest

from carnet.bench.importfile import HEADERS, students_csv, students_rows


def test_rows_are_deterministic_and_well_formed():
    rows = students_rows(300, seed=7)
    assert rows == students_rows(300, seed=7)
    assert rows != students_rows(300, seed=8)
    assert len(rows) == 300
    assert all(len(row) == len(HEADERS) for row in rows)
    matricules = [row[0] for row in rows]
    assert len(set(matricules)) == 300
    classes = {row[6] for row in rows}
    assert 6 <= len(classes) <= 12  # about 35 students a class
    for row in rows:
        guardian_phones = [row[13], row[18]]
        assert row[10] and row[13], "every student has a first guardian with a telephone"
        assert (row[15] == "") == (row[18] == "")
        assert guardian_phones[0] != guardian_phones[1]
    emails = [(row[14], row[13]) for row in rows if row[14]] + [(row[19], row[18]) for row in rows if row[19]]
    assert all(len({phone for e, phone in emails if e == email}) == 1 for email, _ in emails), "one e-mail, one person"
    # Siblings share their parents' telephone; strangers never do.
    by_phone: dict[str, set[str]] = {}
    for row in rows:
        by_phone.setdefault(row[13], set()).add(row[1])
    assert any(len([r for r in rows if r[13] == phone]) > 1 for phone in by_phone)
    assert all(len(names) == 1 for names in by_phone.values())


def test_csv_is_what_a_french_spreadsheet_saves():
    content = students_csv(5)
    assert content.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")
    lines = list(reader)
    assert lines[0] == HEADERS
    assert len(lines) == 6


@pytest.mark.django_db
def test_the_import_accepts_the_file_and_a_reimport_changes_nothing(world):
    from carnet.school.imports import services

    arguments = {
        "actor": None, "establishment": world.lycee, "kind": "students", "file_name": "eleves.csv",
        "content": students_csv(40),
    }
    plan = services.preview_import(**arguments)
    assert [str(p) for p in plan.problems] == []
    first = services.apply_import(**arguments)
    assert first.plan.counts()["students"]["created"] == 40
    again = services.apply_import(**arguments)
    assert not again.plan.has_changes
    assert again.plan.counts()["students"] == {"created": 0, "updated": 0, "unchanged": 40}
