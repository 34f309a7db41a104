"""French elision before a first name: "les professeurs d'Alice", "la classe de Chloé".

Each phrase has two msgids ("… de %(name)s" and "… d'%(name)s") so that other languages translate
both the same way."""

from __future__ import annotations

from carnet.identity.names import fold

_VOWELS = frozenset("aeiouy")


def elides(name: str) -> bool:
    """Whether "de" becomes "d'" before `name` (a vowel sound; a leading h is left alone, since
    French names mix mute and aspirated h)."""
    return bool(name) and fold(name[:1]) in _VOWELS


def with_name(name: str, before_consonant: str, before_vowel: str) -> str:
    """`before_vowel % {"name": name}` if "de" elides before `name`, else `before_consonant % …`."""
    return (before_vowel if elides(name) else before_consonant) % {"name": name}
