"""A scratch environment per bench run: its own directory, SQLite database and secret key,
production settings, and the project's own commands run as subprocesses against it.

Production settings (`config.settings.prod`, through `carnet.bench.settings`) with CARNET_HTTPS=0
are what `make demo` serves, so the figures describe the server people run, not the fast test
settings (MD5 hasher, immediate tasks, in-memory storage).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
BIN_DIR = Path(sys.executable).parent
#: config.settings.prod with static files collected uncompressed (see the module's docstring).
SETTINGS_MODULE = "carnet.bench.settings"

#: Variables that would point the scratch server at shared infrastructure; the figures are about
#: the embedded defaults (SQLite, local-memory cache), so they are removed from the environment.
_SHARED_VARIABLES = ("CARNET_DATABASE_URL", "CARNET_REDIS_URL", "CARNET_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")


def command(name: str, module: str) -> list[str]:
    """The console script `name` of this virtualenv, or `python -m module` when it is missing."""
    script = BIN_DIR / name
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


@dataclass(frozen=True)
class Ran:
    """A finished subprocess: its output and how long it took, start to exit."""

    stdout: str
    stderr: str
    elapsed: float


class BenchError(RuntimeError):
    """A step of the bench failed; the message says which and shows the end of its output."""


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


class Workspace:
    """The directory of one `python -m carnet.bench` invocation: a migrated template database and
    the collected static files, shared by the scratch environments made from it."""

    def __init__(self, root: Path | None = None, *, keep: bool = False):
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="carnet-bench-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.keep = keep
        self.secret_key = secrets.token_urlsafe(48)[:64]
        self._template: Path | None = None
        self._static: Path | None = None
        self._count = 0

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def prepare(self) -> None:
        """Migrate a template database and collect static files once (the pages need the
        manifest of hashed static names under production settings)."""
        if self._template is not None:
            return
        base = Scratch(self, self.root / "template")
        base.carnet("migrate", "--noinput", "-v0")
        base.carnet("collectstatic", "--noinput", "-v0")
        base.checkpoint()
        self._template = base.database
        self._static = base.var_dir / "static"

    def scratch(self, label: str) -> Scratch:
        """A fresh environment holding a copy of the migrated (empty) template database."""
        self.prepare()
        assert self._template is not None and self._static is not None
        self._count += 1
        env = Scratch(self, self.root / f"{self._count:02d}-{label}")
        shutil.copyfile(self._template, env.database)
        (env.var_dir / "static").symlink_to(self._static, target_is_directory=True)
        return env


class Scratch:
    """One database and var directory; runs `carnet` commands and bench workers against them."""

    def __init__(self, workspace: Workspace, directory: Path):
        self.workspace = workspace
        self.directory = directory
        self.var_dir = directory / "var"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.database = directory / "carnet.sqlite3"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _SHARED_VARIABLES}
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            CARNET_SECRET_KEY=self.workspace.secret_key,
            CARNET_HTTPS="0",
            CARNET_VAR_DIR=str(self.var_dir),
            CARNET_SQLITE_PATH=str(self.database),
            CARNET_TASKS_BACKEND="immediate",
            CARNET_LOG_LEVEL="WARNING",
            PYTHONHASHSEED="0",
        )
        env.update(extra)
        return env

    def run(self, argv: list[str], *, timeout: float = 900, what: str = "") -> Ran:
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 (argv is built here, from this virtualenv)
            argv, cwd=PROJECT_DIR, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )
        elapsed = time.perf_counter() - started
        if completed.returncode != 0:
            raise BenchError(
                f"{what or ' '.join(argv)} failed (exit {completed.returncode}):\n"
                f"{_tail(completed.stdout)}\n{_tail(completed.stderr)}"
            )
        return Ran(completed.stdout, completed.stderr, elapsed)

    def carnet(self, *args: str, timeout: float = 900) -> Ran:
        return self.run([*command("carnet", "config.manage"), *args], timeout=timeout, what=f"carnet {' '.join(args)}")

    def worker(self, task: str, *args: str, timeout: float = 900) -> dict:
        """Run `python -m carnet.bench.worker TASK ARGS` here and return the JSON it wrote."""
        out = self.directory / f"worker-{task}-{time.monotonic_ns()}.json"
        completed = self.run(
            [sys.executable, "-m", "carnet.bench.worker", task, "--out", str(out), *args],
            timeout=timeout,
            what=f"bench worker {task}",
        )
        result = json.loads(out.read_text(encoding="utf-8"))
        if isinstance(result, dict):
            result.setdefault("_process_seconds", completed.elapsed)
        return result

    def checkpoint(self) -> None:
        """Fold the WAL into the database file, so that a plain file copy is complete."""
        if self.database.exists():
            connection = sqlite3.connect(self.database)
            try:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()

    def clone(self, label: str) -> Scratch:
        """A copy of this environment's database in a new scratch directory."""
        self.checkpoint()
        self.workspace._count += 1
        other = Scratch(self.workspace, self.workspace.root / f"{self.workspace._count:02d}-{label}")
        shutil.copyfile(self.database, other.database)
        (other.var_dir / "static").symlink_to((self.var_dir / "static").resolve(), target_is_directory=True)
        return other
