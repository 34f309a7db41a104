"""Figure 4: a sign-in. CPU time per login (the production argon2 hasher), and how the login
throttle behaves under 100 wrong attempts a second while legitimate people keep signing in.

The attack runs against the real gunicorn server. Every person and the attacker get their own
loopback address (127.x.y.z are all the machine's own addresses on Linux), so the server sees
distinct REMOTE_ADDRs without trusting any forwarded header."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from carnet.bench.browser import Browser, Response, csrf_token_in
from carnet.bench.figures import Context, Figure, Table, fmt
from carnet.bench.scratch import BenchError
from carnet.bench.server import HOST, Server
from carnet.bench.stats import median, percentile

LOGIN_PATH = "/compte/connexion/"
PASSWORD = "banc-essai-mot-de-passe"
WRONG_PASSWORD = "pas-le-bon-mot-de-passe"
#: Cookies every visitor gets; any other cookie left after a successful sign-in is the device's.
BASELINE = "before the attack: someone signing in on a quiet server (3 per run)"
ORDINARY_COOKIES = {"sessionid", "csrftoken", "messages", "django_language"}
_INPUT = re.compile(rb"<input\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb'\b(name|type)=["\']([^"\']*)["\']', re.IGNORECASE)


def login_fields(body: bytes) -> tuple[str, str]:
    """(identifier field, password field) of the sign-in form, read from its HTML."""
    identifier = password = None
    for tag in _INPUT.findall(body):
        attributes = {k.lower().decode(): v.decode() for k, v in _ATTRIBUTE.findall(tag)}
        name, kind = attributes.get("name"), attributes.get("type", "text").lower()
        if not name or name == "csrfmiddlewaretoken":
            continue
        if kind == "password" and password is None:
            password = name
        elif kind in {"text", "email", "tel"} and identifier is None:
            identifier = name
    if not identifier or not password:
        raise BenchError("the sign-in page has no identifier and password fields")
    return identifier, password


@dataclass
class Attempt:
    ok: bool
    status: int
    seconds: float


@dataclass
class Stream:
    """A series of sign-ins by one person from one address."""

    label: str
    username: str
    password: str
    address: str
    device_cookie: bool
    attempts: list[Attempt] = field(default_factory=list)


def sign_in(port: int, stream: Stream, fields: tuple[str, str], device: dict[str, str]) -> tuple[Attempt, dict[str, str]]:
    """A fresh browser (holding only the device cookie, if any) signs in once."""
    browser = Browser(HOST, port, source_address=stream.address, cookies=dict(device))
    try:
        page = browser.get(LOGIN_PATH)
        token = csrf_token_in(page.body)
        if page.status != 200 or not token:
            return Attempt(False, page.status, page.seconds), device
        identifier, secret = fields
        answer = browser.post_form(LOGIN_PATH, {identifier: stream.username, secret: stream.password}, csrf_token=token)
        ok = answer.status in (302, 303) and answer.location_path.rstrip("/") != LOGIN_PATH.rstrip("/")
        kept = {k: v for k, v in browser.cookies.items() if k not in ORDINARY_COOKIES}
        return Attempt(ok, answer.status, answer.seconds), kept
    finally:
        browser.close()


def attack(port: int, *, address: str, username: str, fields: tuple[str, str], rate: float, seconds: float,
           threads: int = 32) -> tuple[Counter, list[float], int]:
    """Open-loop wrong-password POSTs at `rate` per second for `seconds` from one address."""
    total = int(rate * seconds)
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    start = time.perf_counter() + 0.2
    errors = 0

    def attacker() -> None:
        nonlocal errors
        browser = Browser(HOST, port, source_address=address)
        try:
            page = browser.get(LOGIN_PATH)
            token = csrf_token_in(page.body) or ""
            identifier, secret = fields
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                delay = start + index / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                try:
                    response: Response = browser.post_form(
                        LOGIN_PATH, {identifier: username, secret: WRONG_PASSWORD}, csrf_token=token
                    )
                except OSError:
                    with lock:
                        errors += 1
                    browser.close()
                    continue
                with lock:
                    statuses[response.status] += 1
                    latencies.append(response.seconds)
        finally:
            browser.close()

    workers = [threading.Thread(target=attacker, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 120)
    return statuses, latencies, errors


def legitimate(port: int, stream: Stream, fields, device: dict[str, str], stop: threading.Event) -> None:
    """One sign-in a second until `stop`; a device cookie, when held, is kept between them."""
    next_at = time.perf_counter()
    while not stop.is_set():
        attempt, _ = sign_in(port, stream, fields, device if stream.device_cookie else {})
        stream.attempts.append(attempt)
        next_at += 1.0
        stop.wait(max(0.0, next_at - time.perf_counter()))


def _cpu_table(cpu: dict) -> Table:
    table = Table(headers=["what is timed", "CPU ms per login (median)", "wall ms (median)", "p95 CPU ms", "logins"])
    labels = {
        "check_password": "password check alone (`check_password`)",
        "authenticate": "`authenticate()` with a request (backends, signals)",
        "login_view": "whole sign-in view, POST in process (form, session, redirect)",
        "blocked_view": "a refused attempt once the account is blocked (429, no hash computed)",
    }
    for key, label in labels.items():
        values = cpu[key]
        table.rows.append([
            label,
            fmt(median(values["cpu"]) * 1000),
            fmt(median(values["wall"]) * 1000),
            fmt(percentile(values["cpu"], 0.95) * 1000),
            str(len(values["cpu"])),
        ])
    return table


def run(ctx: Context) -> Figure:
    figure = Figure.new("signin")
    scratch = ctx.workspace.scratch("signin")
    count = 5 if ctx.quick else 20
    ctx.log(f"sign-in CPU: {count} sign-ins, four ways")
    cpu = scratch.worker("login-cpu", "--count", str(count), timeout=900)
    hasher = cpu["hasher"]
    figure.tables.append(("CPU time per sign-in (in process)", _cpu_table(cpu)))
    bad = [s for s in cpu["login_view_statuses"] if s not in (302, 303)]
    figure.check("the in-process sign-in view accepted every right password", not bad)
    figure.check(
        "a blocked attempt is refused with 429 in process",
        bool(cpu["blocked_statuses"]) and all(s == 429 for s in cpu["blocked_statuses"]),
    )
    per_login = median(cpu["login_view"]["cpu"])
    cores = ctx_cores()
    figure.notes.append(
        f"Hasher: {hasher['algorithm']} ({', '.join(f'{k}={v}' for k, v in hasher.items() if k != 'algorithm')}). "
        f"At {fmt(per_login * 1000)} ms of CPU per sign-in, {cores} core(s) verify at most about "
        f"{fmt(cores / per_login, 0) if per_login else '–'} sign-ins a second."
    )

    usernames = []
    for run_index in range(ctx.runs):
        usernames += [f"banc.victime{run_index}", f"banc.autre{run_index}"]
    scratch.worker("users", "--password", PASSWORD, "--usernames", *usernames)

    pooled: dict[str, Stream] = {}
    attack_statuses: Counter = Counter()
    attack_latencies: list[float] = []
    attack_errors = 0
    sent_rates = []
    with Server(scratch) as server:
        page = Browser(HOST, server.port).get(LOGIN_PATH)
        if page.status != 200:
            raise BenchError(f"GET {LOGIN_PATH} answered {page.status}")
        fields = login_fields(page.body)
        for run_index in range(ctx.runs):
            net = f"127.{run_index + 10}.0"
            victim, other = f"banc.victime{run_index}", f"banc.autre{run_index}"
            streams = [
                Stream("the attacked person, on their usual device (device cookie), own address",
                       victim, PASSWORD, f"{net}.2", True),
                Stream("the attacked person, on a new device (no device cookie), own address",
                       victim, PASSWORD, f"{net}.3", False),
                Stream("someone else, new device, own address", other, PASSWORD, f"{net}.4", False),
                Stream("someone else, usual device, behind the attacker's address (same NAT)",
                       other, PASSWORD, f"{net}.1", True),
            ]
            baseline = pooled.setdefault(
                BASELINE, Stream(BASELINE, other, PASSWORD, f"{net}.5", False)
            )
            baseline.address = f"{net}.5"
            for _ in range(3):
                baseline.attempts.append(sign_in(server.port, baseline, fields, {})[0])
            devices: dict[str, dict[str, str]] = {}
            for stream in streams:
                if stream.device_cookie:
                    attempt, device = sign_in(server.port, stream, fields, {})
                    if not attempt.ok:
                        raise BenchError(f"{stream.username} could not sign in before the attack ({attempt.status})")
                    devices[stream.label] = device
            ctx.log(
                f"throttle run {run_index + 1}/{ctx.runs}: {ctx.throttle_rate:g} wrong attempts/s on {victim} from "
                f"{net}.1 for {ctx.throttle_seconds:g} s; device cookies: {sorted({k for d in devices.values() for k in d}) or 'none'}"
            )
            stop = threading.Event()
            legit_threads = [
                threading.Thread(target=legitimate, args=(server.port, s, fields, devices.get(s.label, {}), stop), daemon=True)
                for s in streams
            ]
            began = time.perf_counter()
            for thread in legit_threads:
                thread.start()
            statuses, latencies, errors = attack(
                server.port, address=f"{net}.1", username=victim, fields=fields,
                rate=ctx.throttle_rate, seconds=ctx.throttle_seconds,
            )
            sent_rates.append((sum(statuses.values()) + errors) / (time.perf_counter() - began))
            stop.set()
            for thread in legit_threads:
                thread.join(timeout=60)
            attack_statuses.update(statuses)
            attack_latencies += latencies
            attack_errors += errors
            for stream in streams:
                pooled.setdefault(stream.label, Stream(stream.label, "", "", "", stream.device_cookie)).attempts += stream.attempts
            device_names = sorted({k for d in devices.values() for k in d})
        server_workers, server_threads = server.workers, server.threads

    table = Table(headers=["who", "sign-ins tried", "signed in", "refused 429", "other answers", "median ms", "p95 ms"])
    attack_total = sum(attack_statuses.values())
    other_attack = {s: n for s, n in attack_statuses.items() if s != 429}
    attacker_row = ([
        f"attacker: wrong password for the attacked person, one address (achieved {fmt(median(sent_rates), 0)}/s)",
        str(attack_total + attack_errors),
        "0",
        str(attack_statuses.get(429, 0)),
        ", ".join(f"{n}×{s}" + (" (password checked, refused)" if s == 200 else "") for s, n in sorted(other_attack.items()))
        + (f", {attack_errors} errors" if attack_errors else ""),
        fmt(median(attack_latencies) * 1000),
        fmt(percentile(attack_latencies, 0.95) * 1000),
    ])
    for label, stream in pooled.items():
        if label != BASELINE and attacker_row not in table.rows:
            table.rows.append(attacker_row)
        attempts = stream.attempts
        statuses = Counter(a.status for a in attempts if not a.ok)
        table.rows.append([
            label,
            str(len(attempts)),
            str(sum(a.ok for a in attempts)),
            str(statuses.pop(429, 0)),
            ", ".join(f"{n}×{s}" for s, n in sorted(statuses.items())) or "–",
            fmt(median([a.seconds for a in attempts]) * 1000),
            fmt(percentile([a.seconds for a in attempts], 0.95) * 1000),
        ])
    figure.tables.append((
        f"{ctx.throttle_rate:g} wrong attempts a second for {ctx.throttle_seconds:g} s, "
        f"{ctx.runs_text} pooled, each on fresh accounts and addresses",
        table,
    ))

    def success(label_start: str) -> float:
        for label, stream in pooled.items():
            if label.startswith(label_start) and stream.attempts:
                return sum(a.ok for a in stream.attempts) / len(stream.attempts)
        return 0.0

    figure.check("the throttle engages: the attacker gets 429 answers", attack_statuses.get(429, 0) > 0)
    figure.check(
        "the attacked person keeps signing in on their usual device (≥ 90 % of tries)",
        success("the attacked person, on their usual device") >= 0.9,
    )
    figure.check(
        "someone else on another address keeps signing in (≥ 90 % of tries)",
        success("someone else, new device, own address") >= 0.9,
    )
    figure.notes.append(
        f"Device cookie(s) the server set after a successful sign-in: {', '.join(device_names) if device_names else 'none'}."
    )
    limits = cpu.get("throttle") or {}
    checked = sum(n for s, n in attack_statuses.items() if s != 429)
    if limits:
        per_account = int(limits.get("per_account") or 0)
        note = (
            f"Throttle settings: {per_account} failures per account and {limits.get('per_address')} per address "
            f"in {limits.get('window_seconds')} s, counted in the `{cpu.get('cache')}` cache. The attacker's "
            f"non-429 answers are wrong passwords that were actually checked (one argon2 hash each): "
            f"{checked / max(ctx.runs, 1):.0f} per run."
        )
        if cpu.get("cache") == "LocMemCache":
            note += (
                f" More than {per_account} get checked because each of the {server_workers} gunicorn workers keeps "
                f"its own counters in the local-memory cache, attempts already running on a worker's "
                f"{server_threads} threads are checked before the blocking failure is counted, and the attacked "
                "person's own successful sign-ins (before the block) reset the account's counter. A shared cache "
                "(CARNET_REDIS_URL) would pool the workers' counters."
            )
        figure.notes.append(note)
    figure.notes.append(
        "The attacked person on a new device is expected to be refused while their account is blocked: that is "
        "what the per-account throttle is for. A device cookie from an earlier sign-in lets its holder through, "
        "even from behind the attacker's address. A refused attempt still renders the sign-in page, so its CPU "
        "cost (table above) times the attack rate is the load an attacker can still impose."
    )
    device_stream = next((st for label, st in pooled.items() if label.startswith("the attacked person, on their usual")), None)
    other_stream = next((st for label, st in pooled.items() if label.startswith("someone else, new device")), None)

    def ok_of(stream):
        return f"{sum(a.ok for a in stream.attempts)}/{len(stream.attempts)}" if stream else "–"

    achieved = median(sent_rates)
    if achieved < 0.95 * ctx.throttle_rate:
        refused_cpu = median(cpu["blocked_view"]["cpu"])
        figure.notes.append(
            f"The attacker aimed at {ctx.throttle_rate:g} attempts a second and was answered at "
            f"{fmt(achieved, 0)}/s: its 32 connections wait for answers (latency column), so the server's "
            f"capacity, not the attacker, set the pace. At {fmt(refused_cpu * 1000)} ms of CPU per refused "
            f"attempt, {ctx.throttle_rate:g} refusals a second need about {fmt(refused_cpu * ctx.throttle_rate, 1)} "
            f"core(s) on their own, beside the legitimate sign-ins (about {fmt(per_login * 1000, 0)} ms each) "
            f"and the load generator, on {cores} core(s)."
        )
    figure.headline = (
        f"{fmt(per_login * 1000, 0)} ms CPU per sign-in; attack at {ctx.throttle_rate:g}/s "
        f"({fmt(achieved, 0)}/s answered): "
        f"{attack_statuses.get(429, 0)} refused with 429, the attacked person signed in {ok_of(device_stream)} "
        f"on their device, someone else {ok_of(other_stream)}"
    )
    figure.method = (
        f"CPU: `time.process_time()` around {count} sign-ins of one account in process, production settings. "
        f"Throttle: the real server ({server.description}); the attacker sends wrong passwords on 32 keep-alive "
        f"connections at a fixed schedule of {ctx.throttle_rate:g}/s; each legitimate person opens the sign-in page "
        "and posts the form once a second in a fresh browser (keeping only a device cookie, when they have one); "
        "latency is the POST's. Addresses are distinct loopback addresses (127.x.0.y); no forwarded header is sent."
    )
    return figure


def ctx_cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
