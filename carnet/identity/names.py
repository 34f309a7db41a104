"""Folding and identifier generation from people's names."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip accents, collapse spaces: 'Éloïse  DUPONT' -> 'eloise dupont'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().lower()


def identifier_stem(first_name: str, last_name: str) -> str:
    """'Jean-Éudes', 'de la Fontaine' -> 'jean-eudes.delafontaine' (ASCII, readable)."""

    def clean(part: str) -> str:
        return re.sub(r"[^a-z0-9-]", "", fold(part).replace(" ", "")).strip("-")

    first, last = clean(first_name), clean(last_name)
    stem = ".".join(p for p in (first, last) if p) or "utilisateur"
    return stem[:140]
