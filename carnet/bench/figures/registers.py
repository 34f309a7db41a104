"""Figure: saving a register of 35 students (`attendance:register`, the roll-call form's POST, which
calls `save_register`) while 20 teachers submit in the same minute: median and p95 per save.

The data is made in process by this module (`python -m carnet.bench.figures.registers TASK --out
FILE`, the bench worker's protocol): a lycée with a year around today, 20 classes of 35 students,
each taught by its own teacher, and for each teacher several sessions today (one per round). In a
round, all 20 teachers post the register of one of their sessions at the same moment: three absent,
one late (a first take), then a correction of the same register (one more absent)."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from carnet.bench import worker
from carnet.bench.browser import Browser
from carnet.bench.figures import TITLES, Context, Figure, Table, fmt
from carnet.bench.scratch import BenchError, Scratch
from carnet.bench.server import HOST, Server
from carnet.bench.stats import median, percentile

TITLES.setdefault(
    "registers",
    ("Saving a register", "a register of 35 students saved while 20 teachers submit in the same minute: median and p95"),
)
TEACHERS = 20
CLASS_SIZE = 35
ROUNDS = 6
PASSWORD = "banc-essai-mot-de-passe"


def in_process(scratch: Scratch, task: str, *args: str, timeout: float = 900) -> dict:
    out = scratch.directory / f"registers-{task}-{time.monotonic_ns()}.json"
    scratch.run([sys.executable, "-m", "carnet.bench.figures.registers", task, "--out", str(out), *args],
                timeout=timeout, what=f"registers task {task}")
    return json.loads(out.read_text(encoding="utf-8"))


def _build(rounds: int) -> dict:
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from carnet.school import models as school
    from carnet.timetable.models import Session

    User = get_user_model()
    establishment = school.Establishment.objects.create(
        code="0759995E", name="Lycée du Banc d'essai (appel)", country="FR", time_zone="Europe/Paris"
    )
    today = timezone.localdate()
    year = school.SchoolYear.objects.create(
        establishment=establishment, name=f"{today.year}-{today.year + 1}", starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=240), is_current=True,
    )
    subject = school.Subject.objects.create(establishment=establishment, name="Mathématiques", short_name="MATHS")
    level = school.Level.objects.create(establishment=establishment, name="Seconde", rank=10)
    teachers = []
    for index in range(TEACHERS):
        teacher = User.objects.create(username=f"banc.appel{index}", first_name="Prof", last_name=f"Appel {index}")
        teacher.set_password(PASSWORD)
        teacher.save(update_fields=["password"])
        school.StaffFunction.objects.create(establishment=establishment, user=teacher, kind="teacher")
        school_class = school.SchoolClass.objects.create(establishment=establishment, school_year=year, name=f"2nde {index + 1}", level=level)
        people = User.objects.bulk_create(
            [User(username=f"banc.appel{index}.{n}", first_name=f"Élève{n:02d}", last_name=f"Appel{index}") for n in range(CLASS_SIZE)]
        )
        school.Enrollment.objects.bulk_create(
            [school.Enrollment(establishment=establishment, school_year=year, student=p, school_class=school_class,
                               starts_on=year.starts_on) for p in people]
        )
        assignment = school.TeachingAssignment.objects.create(
            establishment=establishment, school_year=year, teacher=teacher, school_class=school_class, subject=subject,
            coefficient=Decimal("1"), weekly_hours=Decimal("4"),
        )
        sessions = Session.objects.bulk_create(
            [Session(establishment=establishment, school_year=year, assignment=assignment, held_on=today,
                     start_time=dt.time(7 + n % 10, 0), end_time=dt.time(7 + n % 10, 55), teacher=teacher, is_extra=True)
             for n in range(rounds)]
        )
        teachers.append({
            "teacher": teacher.username,
            "paths": [f"/appel/{s.public_id}/" for s in Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("id")],
            "people": [str(p.public_id) for p in people],
        })
    return {"teachers": teachers}


def task_setup(options) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    built = _build(int(options.extra[0]) if options.extra else ROUNDS)
    for row in built["teachers"]:
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        client.force_login(get_user_model().objects.get(username=row["teacher"]))
        response = client.get(row["paths"][0])
        if response.status_code != 200:
            raise BenchError(f"the register page answered {response.status_code} in process")
        row["cookies"] = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: client.cookies[settings.CSRF_COOKIE_NAME].value,
        }
    return built


def task_queries(options) -> dict:
    """Queries of one first take and one correction, in process."""
    import re

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    row = json.loads(Path(options.extra[0]).read_text(encoding="utf-8"))["teachers"][0]
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(get_user_model().objects.get(username=row["teacher"]))
    path = row["paths"][-1]
    result = {}
    for label, absent in (("first take", 3), ("correction", 4)):
        page = client.get(path).content.decode()
        found = re.search(r'name="version" value="(\d*)"', page)
        version = found.group(1) if found else ""
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, _form(row["people"], absent=absent, version=version))
        result[label] = {"status": response.status_code, "queries": len(captured.captured_queries)}
    return result


worker.task("registers-setup")(task_setup)
worker.task("registers-queries")(task_queries)


def _form(people: list[str], *, absent: int, version: str) -> dict:
    form = {"version": version}
    for n, student in enumerate(people):
        if n < absent:
            form[f"st-{student}"] = "absent"
        elif n == absent:
            form[f"st-{student}"] = "late"
            form[f"mn-{student}"] = "10"
        else:
            form[f"st-{student}"] = "present"
    return form


# --- over HTTP --------------------------------------------------------------------------------------


def take_registers(port: int, rows: list[dict], round_number: int) -> tuple[list[float], Counter, list[str]]:
    """Every teacher (a thread, own connection) posts the first take of their session of this round,
    all together, then a correction of it (with the version the page shows), all together."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(rows))
    problems: list[str] = []

    def teacher(row: dict) -> None:
        import re

        browser = Browser(HOST, port, cookies=dict(row["cookies"]))
        path = row["paths"][round_number]
        mine: list[float] = []
        seen: Counter = Counter()
        try:
            version = ""
            for absent in (3, 4):
                barrier.wait()
                body = urlencode(_form(row["people"], absent=absent, version=version)).encode()
                response = browser.request(
                    "POST", path, body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": row["cookies"]["csrftoken"]},
                )
                seen[response.status] += 1
                if response.status == 302:
                    mine.append(response.seconds)
                elif len(problems) < 5:
                    problems.append(f"{response.status}: {response.body[:300].decode(errors='replace')}")
                browser.cookies = dict(row["cookies"])
                page = browser.get(path)
                found = re.search(rb'name="version" value="(\d*)"', page.body)
                version = found.group(1).decode() if found else ""
        finally:
            browser.close()
            with lock:
                latencies.extend(mine)
                statuses.update(seen)

    threads = [threading.Thread(target=teacher, args=(row,), daemon=True) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies, statuses, problems


def run(ctx: Context) -> Figure:
    figure = Figure.new("registers")
    scratch = ctx.workspace.scratch("registers")
    rounds = 2 if ctx.quick else ROUNDS
    single = 2 if ctx.quick else 5
    # One session per round for the single-teacher rows, then one per round with everyone, and one
    # more for the query count.
    ctx.log(f"registers: building {TEACHERS} classes of {CLASS_SIZE} students with {single + rounds + 1} sessions today each")
    built = in_process(scratch, "registers-setup", str(single + rounds + 1))
    setup_file = scratch.directory / "registers-setup.json"
    setup_file.write_text(json.dumps(built), encoding="utf-8")
    queries = in_process(scratch, "registers-queries", str(setup_file))
    for label, info in queries.items():
        if info["status"] != 302:
            raise BenchError(f"the register's {label} answered {info['status']} in process")
    rows = built["teachers"]
    with Server(scratch) as server:
        ctx.log(f"registers: server up on port {server.port}")
        table = Table(headers=["teachers at once", "saves", "median ms", "p95 ms", "max ms", "answers"])
        results = {}
        plans = ((1, range(0, single)), (TEACHERS, range(single, single + rounds)))
        for teachers, numbers in plans:
            all_latencies: list[float] = []
            statuses: Counter = Counter()
            problems: list[str] = []
            for number in numbers:
                ctx.log(f"registers: session {number + 1}, {teachers} teacher(s) saving a register of {CLASS_SIZE}")
                latencies, seen, trouble = take_registers(server.port, rows[:teachers], number)
                all_latencies += latencies
                statuses.update(seen)
                problems += trouble
            if set(statuses) != {302}:
                raise BenchError(f"register saves answered {dict(statuses)}: {problems[:3]}\n{server.log_tail()}")
            results[teachers] = all_latencies
            table.rows.append([
                str(teachers), str(len(all_latencies)), fmt(median(all_latencies) * 1000),
                fmt(percentile(all_latencies, 0.95) * 1000), fmt(max(all_latencies) * 1000),
                ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
            ])
        figure.tables.append((f"Saving a register of {CLASS_SIZE} (POST attendance:register, first take then correction)", table))
        server_text = server.description
    loaded = results[TEACHERS]
    q = Table(headers=["save", "queries"])
    for label, info in queries.items():
        q.rows.append([label, str(info["queries"])])
    figure.tables.append(("Queries of one save (in process)", q))
    figure.headline = (
        f"{TEACHERS} teachers at once: median {fmt(median(loaded) * 1000)} ms, p95 {fmt(percentile(loaded, 0.95) * 1000)} ms "
        f"({queries['first take']['queries']} queries a first take, {queries['correction']['queries']} a correction)"
    )
    figure.method = (
        f"A lycée made for the figure: {TEACHERS} classes of {CLASS_SIZE}, each with its own teacher and sessions today. "
        f"HTTP: {server_text} on 127.0.0.1, SQLite in WAL mode. In each round every teacher's thread posts the register "
        "form of one of their sessions (3 absent, 1 late, the rest present), all starting together; then each reloads "
        "the page and posts a correction (one more absent) with the version shown, all together again. Latency of the "
        f"POST (answered by a redirect), pooled over the rounds ({ctx.runs_text} are not repeated: each round is a "
        "fresh register). The single-teacher row is the same POST with nobody else saving."
    )
    return figure


if __name__ == "__main__":
    worker.main()
