"""In-process measurements, run as `python -m carnet.bench.worker TASK --out FILE [options]` inside
a scratch environment (its settings come from the environment the harness prepared). Each task
writes one JSON object to FILE. Kept out of the harness process because Django settings can be
configured only once per process, and each figure needs its own database."""

from __future__ import annotations

import argparse
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

TASKS: dict[str, Callable[[argparse.Namespace], dict]] = {}


def task(name: str):
    def register(function):
        TASKS[name] = function
        return function

    return register


def row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


@task("seed")
def seed(options) -> dict:
    """Time `seed_demo(students_per_establishment=N)` on the current (empty) database."""
    from carnet.demo.services import seed_demo

    before = row_counts()
    output = io.StringIO()
    started = time.perf_counter()
    cpu_started = time.process_time()
    seed_demo(students_per_establishment=options.students, stdout=output)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    after = row_counts()
    created = {label: after[label] - before.get(label, 0) for label in after if after[label] != before.get(label, 0)}
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "rows": created, "output_tail": output.getvalue()[-2000:]}


@task("counts")
def counts(options) -> dict:
    from django.contrib.auth import get_user_model

    from carnet.school.models import Enrollment, Establishment, Guardianship, StaffFunction

    per_establishment = {
        establishment.code: Enrollment.objects.filter(establishment=establishment, ends_on__isnull=True).count()
        for establishment in Establishment.objects.order_by("id")
    }
    return {
        "users": get_user_model().objects.count(),
        "establishments": len(per_establishment),
        "students_per_establishment": per_establishment,
        "guardianships": Guardianship.objects.count(),
        "staff_functions": StaffFunction.objects.count(),
    }


# --- home pages ---------------------------------------------------------------------------------

SIDES = ("student", "guardian", "teacher", "staff")


def _candidates(side: str):
    from django.contrib.auth import get_user_model

    from carnet.school.models import Enrollment, Guardianship, StaffFunction, TeachingAssignment

    User = get_user_model()
    ids: Any
    if side == "student":
        ids = Enrollment.objects.filter(ends_on__isnull=True, school_year__is_current=True).values("student_id")
    elif side == "guardian":
        ids = Guardianship.objects.values("guardian_id")
    elif side == "teacher":
        ids = TeachingAssignment.objects.filter(school_year__is_current=True).values("teacher_id")
    else:
        ids = StaffFunction.objects.filter(kind__in=StaffFunction.ADMINISTRATIVE).values("user_id")
    return User.objects.filter(id__in=ids, is_active=True).order_by("id")[:300]


def pick_people() -> dict[str, Any]:
    """One person per side, whose only side it is when the data offers one (a teacher who is also a
    parent would show another page)."""
    from carnet.school.roles import roles_of

    chosen: dict[str, Any] = {}
    for side in SIDES:
        fallback = None
        for user in _candidates(side):
            sides = roles_of(user).sides
            if sides == [side]:
                chosen[side] = user
                break
            if fallback is None and side in sides:
                fallback = user
        else:
            if fallback is not None:
                chosen[side] = fallback
    for user in chosen.values():
        if not user.has_usable_password():
            # The person has activated their account (else every page leads to choosing a password).
            user.set_password("banc-essai-mot-de-passe")
            user.save(update_fields=["password"])
    return chosen


def _text(response) -> bytes:
    """The body of a test-client response, inflated when the GZip middleware compressed it."""
    import zlib

    if response.get("Content-Encoding") == "gzip":
        return zlib.decompress(response.content, 16 + zlib.MAX_WBITS)
    return response.content


def home_path(side: str) -> str:
    """The home page showing `side` (`?vue=` picks the side of a person who has several)."""
    return f"/?vue={side}"


def _client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT_ENCODING="gzip")


@task("sessions")
def sessions(options) -> dict:
    """A signed-in session per side (what a browser holds after signing in), for the HTTP load."""
    from django.conf import settings

    from carnet.school.roles import roles_of

    result = {}
    for side, user in pick_people().items():
        client = _client()
        client.force_login(user)
        response = client.get(home_path(side))
        result[side] = {
            "path": home_path(side),
            "username": user.username,
            "sides": roles_of(user).sides,
            "cookies": {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value},
            "status": response.status_code,
        }
    return result


@task("queries")
def queries(options) -> dict:
    """Queries run by the home page of each side: the first request of a fresh session (which
    records the session) and a repeat request (what every later page view costs)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carnet.school.roles import roles_of

    result = {}
    for side, user in pick_people().items():
        client = _client()
        client.force_login(user)
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(home_path(side))
            counts.append(len(captured.captured_queries))
        seconds = []
        for _ in range(options.count):
            started = time.perf_counter()
            client.get(home_path(side))
            seconds.append(time.perf_counter() - started)
        result[side] = {
            "username": user.username,
            "sides": roles_of(user).sides,
            "status": response.status_code,
            "bytes": len(_text(response)),
            "first": counts[0],
            "repeat": counts[-1],
            "in_process_ms": sorted(seconds)[len(seconds) // 2] * 1000 if seconds else None,
            "sql": [query["sql"][:300] for query in captured.captured_queries],
        }
    return result


# --- sign-in ------------------------------------------------------------------------------------


def _make_user(username: str, password: str):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username, defaults={"first_name": "Banc", "last_name": "D'essai", "email": f"{username}@example.org"}
    )
    user.set_password(password)
    user.is_active = True
    user.save()
    return user


@task("users")
def users(options) -> dict:
    """Create (or reset) accounts with a known password, hashed by the production hasher."""
    for username in options.usernames:
        _make_user(username, options.password)
    return {"usernames": options.usernames}


@task("login-cpu")
def login_cpu(options) -> dict:
    """CPU time of a sign-in, three ways: the password check alone, authenticate(), and the whole
    login view (POST with the right password, in process, a new address each time)."""
    from django.conf import settings
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import get_hasher
    from django.test import RequestFactory
    from django.urls import reverse

    password = "banc-essai-mot-de-passe"
    user = _make_user("banc.cpu", password)
    hasher = get_hasher()
    factory = RequestFactory()

    def measure(function, count):
        cpu, wall = [], []
        for index in range(count):
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            function(index)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started_wall)
        return {"cpu": cpu, "wall": wall}

    def check(_index):
        assert user.check_password(password)

    def auth(index):
        request = factory.post("/", REMOTE_ADDR=f"10.1.{index // 200}.{index % 200 + 1}")
        assert authenticate(request, username=user.username, password=password) is not None

    from carnet.bench.figures.signin import login_fields

    login_url = reverse(settings.LOGIN_URL)
    identifier_field, password_field = login_fields(_text(_client().get(login_url)))
    statuses = []

    def view(index):
        client = _client()
        response = client.post(
            login_url,
            {identifier_field: user.username, password_field: password},
            REMOTE_ADDR=f"10.2.{index // 200}.{index % 200 + 1}",
        )
        statuses.append(response.status_code)

    view(-1)  # imports and template loading happen once per process, not per sign-in
    statuses.clear()
    measured_view = measure(view, options.count)

    # A blocked attempt: the throttle answers before any hash is computed.
    blocked_statuses = []
    attacker = "10.3.0.1"
    for _ in range(100):
        response = _client().post(login_url, {identifier_field: user.username, password_field: "faux-mot-de-passe"},
                                  REMOTE_ADDR=attacker)
        if response.status_code == 429:
            break

    def blocked(_index):
        response = _client().post(login_url, {identifier_field: user.username, password_field: "faux-mot-de-passe"},
                                  REMOTE_ADDR=attacker)
        blocked_statuses.append(response.status_code)

    return {
        "throttle": dict(getattr(settings, "CARNET_LOGIN_THROTTLE", {})),
        "cache": str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1],
        "hasher": {
            "algorithm": hasher.algorithm,
            **{name: getattr(hasher, name) for name in ("time_cost", "memory_cost", "parallelism") if hasattr(hasher, name)},
        },
        "check_password": measure(check, options.count),
        "authenticate": measure(auth, options.count),
        "login_view": measured_view,
        "login_view_statuses": statuses,
        "blocked_view": measure(blocked, options.count),
        "blocked_statuses": blocked_statuses,
    }


# --- imports ------------------------------------------------------------------------------------


def _bench_establishment():
    """A French lycée with a current school year around today, and nobody in it yet."""
    import datetime as dt

    from django.utils import timezone

    from carnet.school.models import Establishment, SchoolYear

    establishment, _ = Establishment.objects.get_or_create(
        code="0759999Z", defaults={"name": "Lycée du Banc d'essai", "country": "FR", "time_zone": "Europe/Paris"}
    )
    today = timezone.localdate()
    start_year = today.year if today.month >= 8 else today.year - 1
    SchoolYear.objects.get_or_create(
        establishment=establishment,
        is_current=True,
        defaults={
            "name": f"{start_year}-{start_year + 1}",
            "starts_on": dt.date(start_year, 9, 1),
            "ends_on": dt.date(start_year + 1, 7, 4),
        },
    )
    return establishment


@task("establishment")
def establishment(options) -> dict:
    """The empty establishment that the import figure fills (for the command-line runs)."""
    return {"code": _bench_establishment().code}


@task("import")
def import_students(options) -> dict:
    """Validate only (preview), then import (validation + writes), then import the same file again."""
    from carnet.bench.importfile import students_csv
    from carnet.school.imports import services

    establishment = _bench_establishment()
    content = students_csv(options.students)
    file_name = f"eleves-{options.students}.csv"
    arguments = {"actor": None, "establishment": establishment, "kind": "students", "file_name": file_name, "content": content}

    started = time.perf_counter()
    preview = services.preview_import(**arguments)
    preview_seconds = time.perf_counter() - started
    if not preview.is_valid:
        return {"problems": [str(p) for p in preview.problems[:20]], "problem_count": len(preview.problems)}

    started = time.perf_counter()
    first = services.apply_import(**arguments)
    first_seconds = time.perf_counter() - started

    started = time.perf_counter()
    again = services.apply_import(**arguments)
    again_seconds = time.perf_counter() - started

    changed = [
        {"entity": c.entity, "action": c.action, "label": c.label, "fields": {k: [str(o), str(n)] for k, (o, n) in c.fields.items()}}
        for c in again.plan.changes
        if c.action != "unchanged"
    ]
    return {
        "bytes": len(content),
        "lines": first.plan.rows,
        "preview_seconds": preview_seconds,
        "import_seconds": first_seconds,
        "reimport_seconds": again_seconds,
        "import_counts": first.plan.counts(),
        "reimport_counts": again.plan.counts(),
        "reimport_changes": len(changed),
        "reimport_changed_sample": changed[:10],
        "problems": [],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m carnet.bench.worker")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--students", type=int, default=0)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--password", default="")
    parser.add_argument("--usernames", nargs="*", default=[])
    options, extra = parser.parse_known_args(argv)
    options.extra = extra
    django.setup()
    result = TASKS[options.task](options)
    options.out.write_text(json.dumps(result, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
