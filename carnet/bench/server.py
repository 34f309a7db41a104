"""A real gunicorn server on loopback, started against a scratch environment."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time

from carnet.bench.scratch import PROJECT_DIR, BenchError, Scratch, command

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """`gunicorn config.wsgi:application --workers W --threads T` as `make demo` runs it.

    Used as a context manager: started and answering /healthz on enter, stopped on exit."""

    def __init__(self, scratch: Scratch, *, workers: int = 2, threads: int = 4):
        self.scratch = scratch
        self.workers = workers
        self.threads = threads
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = scratch.directory / "gunicorn.log"

    @property
    def argv(self) -> list[str]:
        return [
            *command("gunicorn", "gunicorn"),
            "config.wsgi:application",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--log-level", "warning",
            "--error-logfile", "-",
        ]

    @property
    def description(self) -> str:
        return f"gunicorn, {self.workers} workers x {self.threads} threads (gthread), as `make demo` runs it"

    def __enter__(self) -> Server:
        self.port = free_port()
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(  # noqa: S603 (argv is built here, from this virtualenv)
            self.argv, cwd=PROJECT_DIR, env=self.scratch.env(), stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __exit__(self, *exc) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            # The master stops its workers gracefully on SIGTERM; kill the group if it lingers.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.process = None
        if getattr(self, "_log", None) is not None:
            self._log.close()
