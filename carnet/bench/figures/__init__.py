"""The figures of the bench, each a function `run(context) -> Figure`."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from carnet.bench.scratch import Scratch, Workspace

PASS, FAIL = "PASS", "FAIL"

#: key -> (title, target), as the issue states them.
TITLES = {
    "seeding": ("Demo seeding", "1,500 students seeded in under 60 s"),
    "imports": (
        "Import of a student file",
        "a 1,500-student file imported in under 5 s including validation; re-import under 5 s with 0 changes",
    ),
    "home": (
        "Home page of each role",
        "constant query count whatever the data size; median server time and throughput with 2 workers, "
        "beside a trivial view (/healthz) on the same server, as a ratio",
    ),
    "signin": (
        "Sign-in",
        "CPU time per login; under 100 wrong attempts a second, legitimate users keep signing in",
    ),
}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Figure:
    """One figure of the issue: its target, what was measured, and the verdict."""

    key: str
    title: str
    target: str
    method: str = ""
    tables: list[tuple[str, Table]] = field(default_factory=list)
    verdicts: list[tuple[str, str]] = field(default_factory=list)  # (check, PASS|FAIL)
    notes: list[str] = field(default_factory=list)
    not_measured: str = ""
    headline: str = ""  # the figure in a few words, for the summary
    seconds: float = 0.0

    @classmethod
    def new(cls, key: str, **extra) -> Figure:
        title, target = TITLES[key]
        return cls(key=key, title=title, target=target, **extra)

    def check(self, label: str, ok: bool) -> bool:
        self.verdicts.append((label, PASS if ok else FAIL))
        return ok

    @property
    def verdict(self) -> str:
        if self.not_measured:
            return "not measured"
        if not self.verdicts:
            return "measured"
        return PASS if all(v == PASS for _, v in self.verdicts) else FAIL


@dataclass
class Context:
    workspace: Workspace
    quick: bool
    runs: int
    seed_sizes: tuple[int, int]  # (small, large) students per establishment
    import_students: int
    load_seconds: float
    load_clients: int
    throttle_seconds: float
    throttle_rate: float
    seeded: dict[int, Scratch] = field(default_factory=dict)

    @property
    def runs_text(self) -> str:
        return runs_text(self.runs)
    started: float = field(default_factory=time.monotonic)

    def log(self, message: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[bench {elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)

    def seeded_scratch(self, students: int) -> Scratch:
        """A database seeded with the demo at `students` per establishment (made once per run)."""
        if students not in self.seeded:
            scratch = self.workspace.scratch(f"seed-{students}")
            self.log(f"seeding the demo with {students} students per establishment")
            scratch.worker("seed", "--students", str(students), timeout=1800)
            self.seeded[students] = scratch
        return self.seeded[students]


def runs_text(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def fmt(value: float, digits: int = 1) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:,.{digits}f}"
