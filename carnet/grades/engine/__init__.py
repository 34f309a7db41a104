"""The grading engine: pure functions from marks and rules to averages, ranks, decisions and
statistics, each result with its explanation (`steps`). No database access; the computation layer
(carnet.grades.computation) feeds it.

Rounding (Decimal, half-up, 2 decimals) happens at: each mark on /20; MI (and each "mean" term of a
custom formula); subject average; general average; annual average. See `numbers`, `subject`,
`general` for the rules written out.
"""

from carnet.grades.engine.general import annual_average, decision, general_average, ranks
from carnet.grades.engine.numbers import fmt, round2, to_twenty
from carnet.grades.engine.stats import statistics
from carnet.grades.engine.subject import subject_average

__all__ = [
    "annual_average",
    "decision",
    "fmt",
    "general_average",
    "ranks",
    "round2",
    "statistics",
    "subject_average",
    "to_twenty",
]
