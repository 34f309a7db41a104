"""Levels and series of a class named in a file, when the file does not say them.

"2nde C" is a Seconde of series C in Benin, "Tle STMG 2" a Terminale of series STMG in France,
"6e M1" a Sixième. A level or series is matched to the establishment's own rows by its usual
spellings ("2nde", "2de", "Seconde"), and created under its full name when missing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from carnet.identity.names import fold
from carnet.school.models import NormalizedNameModel


@dataclass(frozen=True)
class KnownLevel:
    name: str
    rank: int
    spellings: frozenset[str]


LEVELS = (
    KnownLevel("Sixième", 10, frozenset({"6e", "6eme", "6em", "6", "sixieme"})),
    KnownLevel("Cinquième", 20, frozenset({"5e", "5eme", "5em", "5", "cinquieme"})),
    KnownLevel("Quatrième", 30, frozenset({"4e", "4eme", "4em", "4", "quatrieme"})),
    KnownLevel("Troisième", 40, frozenset({"3e", "3eme", "3em", "3", "troisieme"})),
    KnownLevel("Seconde", 50, frozenset({"2nde", "2de", "2nd", "2e", "2eme", "seconde"})),
    KnownLevel("Première", 60, frozenset({"1re", "1ere", "1er", "1e", "premiere"})),
    KnownLevel("Terminale", 70, frozenset({"tle", "term", "terminale", "tale"})),
)
_LEVEL_BY_SPELLING = {s: level for level in LEVELS for s in level.spellings}

#: Series recognised in a class name after its level.
SERIES_BY_COUNTRY = {
    "BJ": frozenset({"a1", "a2", "b", "c", "d", "e", "f1", "f2", "f3", "f4", "g1", "g2", "g3"}),
    "FR": frozenset({"stmg", "sti2d", "stl", "st2s", "std2a", "sthr", "stav", "s2tmd"}),
}
_LYCEE_LEVELS = {"Seconde", "Première", "Terminale"}


def known_level(text: str) -> KnownLevel | None:
    return _LEVEL_BY_SPELLING.get(re.sub(r"[^a-z0-9]", "", fold(text)))


def infer(class_name: str, country: str) -> tuple[str, str]:
    """(level name, series name) read from a class name; empty strings when unknown."""
    tokens = re.findall(r"[a-z0-9]+", fold(class_name))
    if not tokens:
        return "", ""
    level = _LEVEL_BY_SPELLING.get(tokens[0])
    rest = tokens[1:]
    if level is None and len(tokens[0]) > 1:
        # "6M1", "2ndeC", "TleD": the level glued to what follows.
        for spelling in sorted(_LEVEL_BY_SPELLING, key=len, reverse=True):
            if tokens[0].startswith(spelling) and not spelling.isdigit():
                level = _LEVEL_BY_SPELLING[spelling]
                rest = [tokens[0][len(spelling):], *tokens[1:]]
                break
    if level is None:
        return "", ""
    series = ""
    if rest and level.name in _LYCEE_LEVELS and rest[0] in SERIES_BY_COUNTRY.get(country, frozenset()):
        series = rest[0].upper()
    return level.name, series


def level_key(name: str) -> str:
    """One key for every spelling of a level: 'Seconde', '2nde' and '2de' share it."""
    level = known_level(name)
    return f"known:{level.name}" if level else NormalizedNameModel.normalize(name)


def display_level_name(name: str) -> str:
    level = known_level(name)
    return level.name if level else name


def level_rank(name: str) -> int:
    level = known_level(name)
    return level.rank if level else 0
