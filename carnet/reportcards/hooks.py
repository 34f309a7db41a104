"""Questions report cards ask the apps above or beside them, answered by whoever plugs in.

`absence_summary_providers`: the attendance module (not written yet) appends a callable
`provider(student, period) -> dict | None`, an ordered mapping of printed label to value, e.g.
{"Demi-journées d'absence": "4", "dont non justifiées": "1", "Retards": "2"}. The first provider
that answers (not None, not empty) fills the report card's absences section; with no answer, the
section is not printed. A provider is called once per student: it should read a class's figures
once and serve them from a cache if it cares about the cost of a class's batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

absence_summary_providers: list[Callable[[Any, Any], dict | None]] = []
