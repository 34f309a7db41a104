"""Questions grades asks the apps beside it, answered by whoever plugs in (grades may not import
them: attendance is on the same layer).

`absence_count_providers`: a callable `provider(school_class, period) -> dict[int, str]` maps each
student id of the class to the text of the council grid's absences column, e.g. "4 (1 NJ)" (four
half-days of absence, one not justified). The first provider that answers (a non-empty mapping)
fills the column; a student it leaves out, or no answer at all, shows "—". A provider is called
once per council page and should read the whole class in a few queries. The attendance app's
provider is registered by `carnet/reportcards/apps.py` (reportcards may import both apps)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

absence_count_providers: list[Callable[[Any, Any], dict[int, str]]] = []


def absence_counts(school_class, period) -> dict[int, str]:
    """The first non-empty answer of `absence_count_providers`, or {}."""
    for provider in absence_count_providers:
        answer = provider(school_class, period)
        if answer:
            return answer
    return {}
