"""Figure: averages and ranks for a whole establishment of 1,500 students, 12 subjects, 10 marks
each, in under 2 s.

The harness side (`run`) makes a scratch database and runs this module as a worker inside it
(`python -m carnet.bench.figures.averages --out FILE --students N --runs R`): the worker builds a
Beninese CEG (ranks, conduct and the (MI + devoirs) / (1 + n) formula: the most work per mark), then
times `carnet.grades.computation.period_results` for every class of the establishment, reading every
general and subject rank and the class statistics, `runs` times."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from carnet.bench.figures import TITLES, Context, Figure, Table, fmt
from carnet.bench.stats import median, spread

KEY = "averages"
TITLE = "Averages and ranks for a whole establishment"
TARGET = "1,500 students, 12 subjects, 10 marks each: every class's averages and ranks in under 2 s"
TARGET_SECONDS = 2.0
SUBJECTS = 12
MARKS_PER_SUBJECT = 10  # 8 interrogations and 2 devoirs
CLASS_SIZE = 35

# Known to `Figure.new` like the figures listed in carnet.bench.figures.
TITLES.setdefault(KEY, (TITLE, TARGET))


def run(ctx: Context) -> Figure:
    students = 100 if ctx.quick else 1500
    figure = Figure.new(KEY)
    scratch = ctx.workspace.scratch("averages")
    out = scratch.directory / "averages.json"
    ctx.log(f"averages: building {students} students × {SUBJECTS} subjects × {MARKS_PER_SUBJECT} marks, then {ctx.runs_text}")
    scratch.run(
        [sys.executable, "-m", "carnet.bench.figures.averages", "--out", str(out), "--students", str(students), "--runs", str(ctx.runs)],
        timeout=1800,
        what="averages worker",
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    seconds = result["seconds"]
    low, high = spread(seconds)
    ok = median(seconds) < TARGET_SECONDS
    figure.check(f"median {fmt(median(seconds), 2)} s < {TARGET_SECONDS:g} s", ok)
    queries = result["queries_per_class"]
    figure.check(f"constant number of queries per class ({', '.join(map(str, sorted(set(queries))))})", len(set(queries)) == 1)
    table = Table(headers=["students", "classes", "subjects", "marks", "seconds, median (min–max)", "CPU s", "per class (ms)", "queries per class", "target", "verdict"])
    table.rows.append([
        f"{result['students']:,}",
        str(result["classes"]),
        str(result["subjects"]),
        f"{result['marks']:,}",
        f"{fmt(median(seconds), 2)} ({fmt(low, 2)}–{fmt(high, 2)})",
        fmt(median(result["cpu_seconds"]), 2),
        fmt(median(seconds) / max(result["classes"], 1) * 1000, 1),
        str(max(queries)),
        f"< {TARGET_SECONDS:g} s",
        "PASS" if ok else "FAIL",
    ])
    figure.tables.append(("Every class of the establishment, one after the other", table))
    figure.headline = (
        f"{fmt(median(seconds), 2)} s for {result['students']:,} students, {result['classes']} classes, "
        f"{result['marks']:,} marks ({max(queries)} queries per class)"
    )
    figure.notes.append(
        f"Explanations on demand: every average of one class of {CLASS_SIZE} written out in words (each subject and "
        f"the general average of every student) took {fmt(result['explain_class_ms'], 0)} ms; one student's "
        f"{fmt(result['explain_class_ms'] / CLASS_SIZE, 1)} ms."
    )
    figure.notes.append(
        f"Building the data (not timed in the figure) took {fmt(result['build_seconds'], 1)} s. "
        f"Each student has {SUBJECTS} subjects with {MARKS_PER_SUBJECT} assessments each (8 interrogations, 2 devoirs; "
        "about 3% absent and 1% not handed in), a conduct mark, subject coefficients by level."
    )
    figure.method = (
        "In process, in a worker under production settings on a fresh SQLite database: for each class, "
        "`period_results(school_class=…, period=…, audience=\"staff\")`, then every student's general rank and "
        "subject ranks, the class statistics per subject and in general (numbers only: an average's explanation is "
        f"written when someone reads it, timed separately below); {ctx.runs_text}, the whole establishment per run, "
        "median reported. Wall time counts the waits for a CPU when other work runs on the machine; the CPU column "
        "does not."
    )
    return figure


# --- worker side (runs inside the scratch environment) ----------------------------------------------


def build(students: int) -> dict:
    import datetime as dt
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from carnet.grades.models import Assessment, ConductMark, Mark, SubjectCoefficient
    from carnet.grades.profiles import profile_for
    from carnet.school.models import (
        Enrollment,
        Establishment,
        Level,
        Period,
        SchoolClass,
        SchoolYear,
        Subject,
        TeachingAssignment,
    )

    User = get_user_model()
    rng = random.Random(20261128)
    # A year and a first semester around today, whatever today is: the class is the one of today.
    starts_on = timezone.localdate() - dt.timedelta(days=60)
    start_year = starts_on.year
    with transaction.atomic():
        establishment = Establishment.objects.create(code="BJ-BANC-001", name="CEG du Banc d'essai", country="BJ", time_zone="Africa/Porto-Novo")
        profile_for(establishment)
        year = SchoolYear.objects.create(
            establishment=establishment, name=f"{start_year}-{start_year + 1}", starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=320), is_current=True,
        )
        period = Period.objects.create(
            establishment=establishment, school_year=year, kind="semester", number=1, name="Semestre 1",
            starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=160),
        )
        Period.objects.create(
            establishment=establishment, school_year=year, kind="semester", number=2, name="Semestre 2",
            starts_on=starts_on + dt.timedelta(days=161), ends_on=starts_on + dt.timedelta(days=320),
        )
        levels = [Level.objects.create(establishment=establishment, name=name, rank=rank) for rank, name in enumerate(("6e", "5e", "4e", "3e"))]
        names = ["Français", "Anglais", "Mathématiques", "Physique-chimie", "SVT", "Histoire-géographie", "EPS",
                 "Philosophie", "Espagnol", "Allemand", "Économie", "Informatique"][:SUBJECTS]
        subjects = [Subject.objects.create(establishment=establishment, name=name, short_name=name[:4].upper()) for name in names]
        SubjectCoefficient.objects.bulk_create(
            SubjectCoefficient(establishment=establishment, school_year=year, level=level, subject=subject,
                               coefficient=Decimal(1 + (n % 4)), is_bonus=n == SUBJECTS - 1)
            for level in levels for n, subject in enumerate(subjects)
        )
        teachers = User.objects.bulk_create(
            User(username=f"prof{n}", first_name="Prof", last_name=f"Numéro {n}", password="!") for n in range(2 * SUBJECTS)
        )
        class_count = math.ceil(students / CLASS_SIZE)
        classes = [
            SchoolClass.objects.create(establishment=establishment, school_year=year, name=f"Classe {n + 1}", level=levels[n % len(levels)])
            for n in range(class_count)
        ]
        people = User.objects.bulk_create(
            User(username=f"eleve{n}", first_name=f"Prénom{n}", last_name=f"Nom{n:05d}", password="!", birth_date=dt.date(2012, 1, 1) + dt.timedelta(days=n % 700))
            for n in range(students)
        )
        Enrollment.objects.bulk_create(
            Enrollment(establishment=establishment, school_year=year, student=person, school_class=classes[n // CLASS_SIZE],
                       starts_on=year.starts_on, national_id=f"BJ{n:08d}", is_repeating=n % 17 == 0)
            for n, person in enumerate(people)
        )
        assignments = TeachingAssignment.objects.bulk_create(
            TeachingAssignment(establishment=establishment, school_year=year, teacher=teachers[(c + s) % len(teachers)],
                               school_class=klass, subject=subject, coefficient=Decimal("1"))
            for c, klass in enumerate(classes) for s, subject in enumerate(subjects)
        )
        now = timezone.now()
        assessments = Assessment.objects.bulk_create(
            Assessment(establishment=establishment, assignment=assignment, period=period,
                       title=(f"Interrogation {n + 1}" if n < 8 else f"Devoir {n - 7}"),
                       kind="interrogation" if n < 8 else "devoir", held_on=period.starts_on + dt.timedelta(days=5 * n + 3),
                       scale=Decimal("20"), coefficient=Decimal("1"), published_at=now, guardians_published_at=now, notified_at=now, guardians_notified_at=now)
            for assignment in assignments for n in range(MARKS_PER_SUBJECT)
        )
        by_class: dict[int | None, list] = {}
        for person, n in zip(people, range(students), strict=True):
            by_class.setdefault(classes[n // CLASS_SIZE].id, []).append(person)
        assignment_class = {a.id: a.school_class_id for a in assignments}
        marks = []
        for assessment in assessments:
            for person in by_class[assignment_class[assessment.assignment_id]]:
                draw = rng.random()
                if draw < 0.03:
                    marks.append(Mark(establishment=establishment, assessment=assessment, student=person, status="absent", value=None))
                elif draw < 0.04:
                    marks.append(Mark(establishment=establishment, assessment=assessment, student=person, status="not_handed_in", value=None))
                else:
                    value = Decimal(rng.randint(0, 80)) / 4
                    marks.append(Mark(establishment=establishment, assessment=assessment, student=person, status="marked", value=value))
        Mark.objects.bulk_create(marks, batch_size=5000)
        ConductMark.objects.bulk_create(
            ConductMark(establishment=establishment, period=period, student=person, value=Decimal(rng.randint(10, 18))) for person in people
        )
    return {"classes": class_count, "marks": len(marks), "period_id": period.id, "establishment_id": establishment.id}


def measure(options: argparse.Namespace) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from carnet.grades.computation import period_results
    from carnet.school.models import Period, SchoolClass

    started = time.perf_counter()
    built = build(options.students)
    build_seconds = time.perf_counter() - started
    period = Period.objects.get(id=built["period_id"])
    classes = list(SchoolClass.objects.filter(establishment_id=built["establishment_id"]).select_related("establishment").order_by("id"))
    translation.activate("fr")

    def one_class(klass) -> int:
        results = period_results(school_class=klass, period=period, audience="staff")
        touched = 0
        for student in results.students:
            touched += results.rank(student.id) or 0
            for subject in results.subjects:
                touched += results.subject_rank(student.id, subject.key) or 0
        for subject in results.subjects:
            touched += results.subject_stats(subject.key).count
        touched += results.general_stats.count
        return touched

    queries = []
    for klass in classes[:3]:
        with CaptureQueriesContext(connection) as captured:
            one_class(klass)
        queries.append(len(captured))
    results = period_results(school_class=classes[0], period=period, audience="staff")
    wall = time.perf_counter()
    for student in results.students:
        for subject in results.subjects:
            results.subject_result(student.id, subject.key)
        results.general(student.id)
    explain_class_ms = (time.perf_counter() - wall) * 1000
    seconds, cpu = [], []
    for _run in range(options.runs):
        wall, process = time.perf_counter(), time.process_time()
        for klass in classes:
            one_class(klass)
        seconds.append(time.perf_counter() - wall)
        cpu.append(time.process_time() - process)
    return {
        "students": options.students,
        "classes": built["classes"],
        "subjects": SUBJECTS,
        "marks": built["marks"],
        "build_seconds": build_seconds,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "queries_per_class": queries,
        "explain_class_ms": explain_class_ms,
    }


def main(argv: list[str] | None = None) -> None:
    import django

    parser = argparse.ArgumentParser(prog="python -m carnet.bench.figures.averages")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    django.setup()
    options.out.write_text(json.dumps(measure(options), default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
