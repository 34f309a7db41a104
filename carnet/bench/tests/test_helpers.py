"""The bench's own helpers: statistics, the HTTP client and load generator (against a tiny local
server), the sign-in form reader, the machine description and the report."""

from __future__ import annotations

import datetime as dt
import gzip
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from carnet.bench import machine, report
from carnet.bench.browser import Browser, csrf_token_in
from carnet.bench.figures import Figure, Table
from carnet.bench.figures.signin import login_fields
from carnet.bench.load import run_load
from carnet.bench.stats import median, percentile, spread


def test_median_percentile_and_spread():
    values = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert median(values) == 3.0
    assert median([1.0, 2.0]) == 1.5
    assert percentile(values, 0.95) == 5.0
    assert percentile(values, 0.5) == 3.0
    assert percentile(list(range(1, 101)), 0.95) == 95.0
    assert spread(values) == (1.0, 5.0)
    assert math.isnan(median([]))
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError):
        percentile(values, 1.5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        if self.path == "/cookie":
            body = b"set"
            self.send_response(200)
            self.send_header("Set-Cookie", "device=abc; Max-Age=3600; Path=/")
            self.send_header("Set-Cookie", "gone=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
        elif self.path == "/gzip":
            body = gzip.compress(b"<form>hello</form>", mtime=0)
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
        elif self.path == "/echo":
            body = (self.headers.get("Cookie") or "").encode()
            self.send_response(200)
        else:
            body = b"ok"
            self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.send_response(302)
        self.send_header("Location", "/next/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_browser_keeps_and_drops_cookies_and_posts_forms(local_server):
    browser = Browser("127.0.0.1", local_server, cookies={"gone": "x"})
    assert browser.get("/cookie").status == 200
    assert browser.cookies == {"device": "abc"}
    assert browser.get("/echo").body == b"device=abc"
    answer = browser.post_form("/login/", {"username": "a b"}, csrf_token="tok")
    assert answer.status == 302
    assert answer.location_path == "/next/"
    assert answer.body == b"csrfmiddlewaretoken=tok&username=a+b"
    browser.close()


def test_load_generator_counts_requests_and_statuses(local_server):
    result = run_load("127.0.0.1", local_server, "/ok", clients=3, seconds=0.3, warmup=0.1)
    assert result.requests > 10
    assert result.statuses == {200: result.requests}
    assert result.unexpected(200) == 0
    assert result.rps == pytest.approx(result.requests / 0.3)
    assert 0 < result.median_ms <= result.p95_ms

    missing = run_load("127.0.0.1", local_server, "/missing", clients=1, seconds=0.2, warmup=0.0)
    assert missing.unexpected(200) == missing.requests > 0


def test_sign_in_form_reader_finds_fields_and_token():
    page = (
        b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="T0K3N">'
        b'<input type="text" name="username" autocomplete="username">'
        b'<input name="password" type="password"><input type="checkbox" name="remember">'
        b'<button type="submit">Se connecter</button></form>'
    )
    assert login_fields(page) == ("username", "password")
    assert csrf_token_in(page) == "T0K3N"
    assert csrf_token_in(b"<p>none</p>") is None


def test_machine_parsers():
    assert machine._cpuinfo_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\n") == "AMD EPYC 7B13"
    assert machine._meminfo_total_gib("MemTotal:       2097152 kB\n") == pytest.approx(2.0)
    described = machine.describe()
    assert {"CPU", "Cores (usable)", "RAM", "Python", "SQLite", "Django"} <= set(described)


def test_report_renders_verdicts_tables_and_missing_figures():
    measured = Figure.new("seeding", method="one line")
    measured.tables.append(("Seeding", Table(headers=["a", "b|c"], rows=[["1", "2"]])))
    measured.check("median 12.0 s < 60 s", True)
    failed = Figure.new("home")
    failed.check("student: constant", False)
    missing = Figure.new("imports", not_measured="the import does not exist")
    text = report.render(
        figures=[measured, failed, missing], machine={"CPU": "Test CPU"}, sizes={"Import": "1500"},
        quick=False, runs=3, when=dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC), total_seconds=90,
    )
    assert "| a | b\\|c |" in text
    assert "- PASS: median 12.0 s < 60 s" in text
    assert "| Home page of each role |" in text and "| FAIL |" in text
    assert "not measured: the import does not exist" in text
    assert "| CPU | Test CPU |" in text
    assert "Method: one line" in text
    assert measured.verdict == "PASS" and failed.verdict == "FAIL" and missing.verdict == "not measured"


def test_browser_inflates_gzip_bodies(local_server):
    browser = Browser("127.0.0.1", local_server)
    assert browser.get("/gzip").body == b"<form>hello</form>"
    raw = Browser("127.0.0.1", local_server, decode=False)
    assert raw.get("/gzip").body == gzip.compress(b"<form>hello</form>", mtime=0)


def test_changes_are_read_from_the_import_command_summary():
    from carnet.bench.figures.imports import changes_in_command_output

    unchanged = (
        "Lycée du Banc d'essai — Élèves et responsables — eleves.csv : 1500 ligne(s)\n"
        "                                créés    mis à jour     inchangés\n"
        "Élèves                              0             0          1500\n"
        "Liens élève-responsable             0             0          2377\n"
        "Import appliqué (bf19a0b3-84f2-4cf4-8b89-3ba538e78d02).\n"
    )
    assert changes_in_command_output(unchanged) == 0
    assert changes_in_command_output(unchanged.replace("0             0          1500", "2             1          1497")) == 3
    assert changes_in_command_output("Import appliqué.\n") is None
