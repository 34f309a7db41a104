"""Shared helpers of the portal tests."""

from __future__ import annotations

import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.testing.factories import UserFactory, enroll, guard

_counter = itertools.count(1)


def add_students(school_class, count: int, *, with_guardians: bool = True) -> list:
    """`count` more students in `school_class`, each with a guardian, to check that pages do not
    run more queries when the establishment grows."""
    students = []
    for _ in range(count):
        n = next(_counter)
        student = UserFactory(first_name=f"Élève{n}", last_name=f"Volume{n}", username=f"volume.eleve{n}")
        enroll(student, school_class)
        if with_guardians:
            parent = UserFactory(first_name=f"Parent{n}", last_name=f"Volume{n}", username=f"volume.parent{n}")
            guard(parent, student, school_class.establishment)
        students.append(student)
    return students


def count_queries(client, url: str) -> int:
    """The number of queries of a GET of `url` (after a first, warming, request)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
