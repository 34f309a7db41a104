"""Figure: the marks grid. The grid page (`grades:grid`) of a class of 40 students × 25 assessments:
its query count (the same as at 20 × 10) and median server time; and saving a column of 40 marks
(`grades:grid_column`, the grid's paste endpoint, which calls `save_column`) with 4 teachers saving
at once on SQLite: median and p95 per save.

The data is made in process by this module (`python -m carnet.bench.figures.grid TASK --out FILE`,
the bench worker's protocol): a lycée with a period around today, four classes of 40 students each
taught by its own teacher with 25 published assessments fully marked, and a class of 20 × 10."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from carnet.bench import worker
from carnet.bench.browser import Browser
from carnet.bench.figures import TITLES, Context, Figure, Table, fmt
from carnet.bench.scratch import BenchError, Scratch
from carnet.bench.server import HOST, Server
from carnet.bench.stats import median, percentile

TITLES.setdefault(
    "grid",
    (
        "Marks grid",
        "grid page of 40 students × 25 assessments: constant query count (same as 20 × 10), median server time; "
        "saving a column of 40 marks with 4 teachers at once on SQLite: median and p95",
    ),
)
TEACHERS = 4
BIG = (40, 25)
SMALL = (20, 10)
PASSWORD = "banc-essai-mot-de-passe"


def in_process(scratch: Scratch, task: str, *args: str, timeout: float = 900) -> dict:
    """Run one of this module's tasks in the scratch environment and return its JSON."""
    out = scratch.directory / f"grid-{task}-{time.monotonic_ns()}.json"
    scratch.run([sys.executable, "-m", "carnet.bench.figures.grid", task, "--out", str(out), *args], timeout=timeout,
                what=f"grid task {task}")
    return json.loads(out.read_text(encoding="utf-8"))


# --- in process (the scratch's Django) --------------------------------------------------------------


def _build() -> dict:
    """The bench lycée's grid data; returns what the HTTP side needs (ids, paths)."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from carnet.grades.models import Assessment, Mark
    from carnet.school import models as school

    User = get_user_model()
    establishment, _ = school.Establishment.objects.get_or_create(
        code="0759997G", defaults={"name": "Lycée du Banc d'essai (notes)", "country": "FR", "time_zone": "Europe/Paris"}
    )
    today = timezone.localdate()
    year = school.SchoolYear.objects.create(
        establishment=establishment, name=f"{today.year}-{today.year + 1}", starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=240), is_current=True,
    )
    period = school.Period.objects.create(
        establishment=establishment, school_year=year, kind="trimester", number=1, name="1er trimestre",
        starts_on=year.starts_on, ends_on=today + dt.timedelta(days=30),
    )
    subject = school.Subject.objects.create(establishment=establishment, name="Mathématiques", short_name="MATHS")
    level = school.Level.objects.create(establishment=establishment, name="Seconde", rank=10)
    grids = []
    sizes = [BIG] * TEACHERS + [SMALL]
    for index, (students, assessments) in enumerate(sizes):
        teacher = User.objects.create(username=f"banc.prof{index}", first_name="Prof", last_name=f"Banc {index}")
        teacher.set_password(PASSWORD)
        teacher.save(update_fields=["password"])
        school.StaffFunction.objects.create(establishment=establishment, user=teacher, kind="teacher")
        school_class = school.SchoolClass.objects.create(
            establishment=establishment, school_year=year, name=f"2nde {index + 1}", level=level
        )
        people = User.objects.bulk_create(
            [User(username=f"banc.eleve{index}.{n}", first_name=f"Élève{n:02d}", last_name=f"Banc{index}") for n in range(students)]
        )
        school.Enrollment.objects.bulk_create(
            [
                school.Enrollment(establishment=establishment, school_year=year, student=p, school_class=school_class,
                                  starts_on=year.starts_on, national_id=f"{index:02d}{n:08d}A")
                for n, p in enumerate(people)
            ]
        )
        assignment = school.TeachingAssignment.objects.create(
            establishment=establishment, school_year=year, teacher=teacher, school_class=school_class, subject=subject,
            coefficient=Decimal("1"), weekly_hours=Decimal("4"),
        )
        now = timezone.now()
        rows = Assessment.objects.bulk_create(
            [
                Assessment(
                    establishment=establishment, assignment=assignment, period=period, title=f"Contrôle {n + 1}",
                    held_on=period.starts_on + dt.timedelta(days=n * 2), scale=Decimal(20), coefficient=Decimal(1 + n % 3),
                    published_at=now, guardians_published_at=now, notified_at=now, guardians_notified_at=now, created_by=teacher,
                )
                for n in range(assessments)
            ]
        )
        Mark.objects.bulk_create(
            [
                Mark(establishment=establishment, assessment=a, student=p, value=Decimal((n * 7 + i * 3) % 21), updated_by=teacher)
                for i, a in enumerate(rows)
                for n, p in enumerate(people)
            ],
            batch_size=500,
        )
        grids.append({
            "teacher": teacher.username,
            "students": students,
            "assessments": assessments,
            "path": f"/notes/saisie/{assignment.public_id}/{period.public_id}/",
            "column": str(rows[-1].public_id),
            "people": [str(p.public_id) for p in people],
        })
    return {"grids": grids}


def _client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="fr")


def task_setup(options) -> dict:
    """Make the data and a signed-in session (with its CSRF cookie) per teacher."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    built = _build()
    for grid in built["grids"]:
        client = _client()
        client.force_login(get_user_model().objects.get(username=grid["teacher"]))
        response = client.get(grid["path"])
        if response.status_code != 200:
            raise BenchError(f"the grid page answered {response.status_code} in process")
        grid["cookies"] = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: client.cookies[settings.CSRF_COOKIE_NAME].value,
        }
    return built


def task_queries(options) -> dict:
    """Queries and in-process time of the grid page, for each size (third view of a session)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grids = json.loads(Path(options.extra[0]).read_text(encoding="utf-8"))["grids"]
    result = {}
    for grid in (grids[0], grids[-1]):
        client = _client()
        client.force_login(get_user_model().objects.get(username=grid["teacher"]))
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(grid["path"])
            counts.append(len(captured.captured_queries))
        seconds = []
        for _ in range(options.count):
            started = time.perf_counter()
            client.get(grid["path"])
            seconds.append(time.perf_counter() - started)
        result[f"{grid['students']}x{grid['assessments']}"] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "first": counts[0],
            "repeat": counts[-1],
            "in_process_ms": median(seconds) * 1000,
            "sql": [q["sql"][:200] for q in captured.captured_queries],
        }
    return result


worker.task("grid-setup")(task_setup)
worker.task("grid-queries")(task_queries)


# --- over HTTP --------------------------------------------------------------------------------------


def save_columns(port: int, grids: list[dict], *, saves: int) -> tuple[list[float], Counter, list[str]]:
    """Each teacher (a thread, own connection) saves their column `saves` times, as fast as the
    answers come; every save changes all 40 marks and names the versions the last answer gave."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(grids))
    problems: list[str] = []

    def teacher(grid: dict) -> None:
        browser = Browser(HOST, port, cookies=dict(grid["cookies"]))
        # The versions the previous answers gave, kept from one call to the next.
        versions: dict[str, int | None] = grid.setdefault("versions", dict.fromkeys(grid["people"], 1))
        mine: list[float] = []
        seen: Counter = Counter()
        barrier.wait()
        try:
            for number in range(saves):
                entries = [
                    {"student": s, "text": f"{(n + number) % 20},5", "version": versions[s]} for n, s in enumerate(grid["people"])
                ]
                body = json.dumps({"assessment": grid["column"], "entries": entries}).encode()
                response = browser.request(
                    "POST", f"{grid['path']}colonne/", body=body,
                    headers={"Content-Type": "application/json", "X-CSRFToken": grid["cookies"]["csrftoken"],
                             "X-Requested-With": "fetch", "Accept": "application/json"},
                )
                seen[response.status] += 1
                if response.status != 200 and len(problems) < 5:
                    problems.append(f"{response.status}: {response.body[:300].decode(errors='replace')}")
                if response.status == 200:
                    mine.append(response.seconds)
                    for cell in json.loads(response.body)["cells"]:
                        versions[cell["student"]] = cell["version"]
        finally:
            browser.close()
            with lock:
                latencies.extend(mine)
                statuses.update(seen)

    threads = [threading.Thread(target=teacher, args=(grid,), daemon=True) for grid in grids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies, statuses, problems


def run(ctx: Context) -> Figure:
    figure = Figure.new("grid")
    scratch = ctx.workspace.scratch("grid")
    ctx.log("grid: building 4 classes of 40 students × 25 assessments and one of 20 × 10")
    built = in_process(scratch, "grid-setup")
    grids = built["grids"]
    setup_file = scratch.directory / "grid-setup.json"
    setup_file.write_text(json.dumps(built), encoding="utf-8")
    queries = in_process(scratch, "grid-queries", "--count", "5" if ctx.quick else "20", str(setup_file))
    big, small = queries[f"{BIG[0]}x{BIG[1]}"], queries[f"{SMALL[0]}x{SMALL[1]}"]
    constant = big["repeat"] == small["repeat"]
    figure.check(f"same query count at {SMALL[0]}×{SMALL[1]} and {BIG[0]}×{BIG[1]}", constant)
    table = Table(headers=["grid", "queries (repeat view)", "first view of a session", "in-process ms (median)", "page KiB"])
    for label, info in ((f"{SMALL[0]} × {SMALL[1]}", small), (f"{BIG[0]} × {BIG[1]}", big)):
        table.rows.append([label, str(info["repeat"]), str(info["first"]), fmt(info["in_process_ms"]), fmt(info["bytes"] / 1024)])
    figure.tables.append(("Grid page queries and time (in process, Django test client)", table))

    saves = 5 if ctx.quick else 30
    with Server(scratch) as server:
        ctx.log(f"grid: server up on port {server.port}")
        http = Table(headers=["page", "requests", "median ms", "p95 ms"])
        browser = Browser(HOST, server.port, cookies=dict(grids[0]["cookies"]), decode=False)
        page_seconds = []
        try:
            for number in range(1 + (5 if ctx.quick else 20) * ctx.runs):
                response = browser.get(grids[0]["path"])
                if response.status != 200:
                    raise BenchError(f"the grid page answered {response.status}\n{server.log_tail()}")
                browser.cookies = dict(grids[0]["cookies"])
                if number:  # the first one warms the worker up
                    page_seconds.append(response.seconds)
        finally:
            browser.close()
        http.rows.append([
            f"grid {BIG[0]} × {BIG[1]} (GET, one after the other)", str(len(page_seconds)),
            fmt(median(page_seconds) * 1000), fmt(percentile(page_seconds, 0.95) * 1000),
        ])
        figure.tables.append(("Grid page over HTTP (one teacher)", http))

        save_table = Table(headers=["teachers saving at once", "saves", "median ms", "p95 ms", "max ms", "answers"])
        results = {}
        for teachers in (1, TEACHERS):
            ctx.log(f"grid: {teachers} teacher(s) saving a column of {BIG[0]} marks, {saves} times each")
            all_latencies: list[float] = []
            statuses: Counter = Counter()
            problems: list[str] = []
            for _ in range(ctx.runs):
                latencies, seen, trouble = save_columns(server.port, grids[:teachers], saves=saves)
                all_latencies += latencies
                statuses.update(seen)
                problems += trouble
            if set(statuses) != {200}:
                raise BenchError(f"column saves answered {dict(statuses)}: {problems[:3]}\n{server.log_tail()}")
            results[teachers] = all_latencies
            save_table.rows.append([
                str(teachers), str(len(all_latencies)), fmt(median(all_latencies) * 1000),
                fmt(percentile(all_latencies, 0.95) * 1000), fmt(max(all_latencies) * 1000),
                ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
            ])
        figure.tables.append((f"Saving a column of {BIG[0]} marks (POST grades:grid_column)", save_table))
        server_text = server.description

    loaded = results[TEACHERS]
    figure.headline = (
        f"grid {BIG[0]}×{BIG[1]}: {big['repeat']} queries ({'same' if constant else 'NOT the same'} at {SMALL[0]}×{SMALL[1]}), "
        f"{fmt(big['in_process_ms'])} ms in process, {fmt(median(page_seconds) * 1000)} ms over HTTP; column of {BIG[0]} marks with {TEACHERS} teachers at once: "
        f"median {fmt(median(loaded) * 1000)} ms, p95 {fmt(percentile(loaded, 0.95) * 1000)} ms"
    )
    figure.method = (
        f"A lycée made for the figure: {TEACHERS} classes of {BIG[0]} students, each taught by its own teacher with "
        f"{BIG[1]} published assessments fully marked, and a class of {SMALL[0]} × {SMALL[1]}. Queries: "
        f"`CaptureQueriesContext` around a signed-in GET of the grid (third view of a session). HTTP: {server_text} "
        f"on 127.0.0.1, SQLite in WAL mode. Saves: each teacher's thread posts its column of {BIG[0]} marks "
        f"(every mark changes, with the versions of the previous answer, as the grid's paste does) {saves} times "
        f"back to back, all teachers starting together; {ctx.runs_text}, latencies pooled."
    )
    return figure


if __name__ == "__main__":
    worker.main()
