"""Reading the assessment type of a marks file (marks themselves: `grades.marks.parse_mark`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from carnet.grades.models import AssessmentKind, CustomAssessmentKind
from carnet.identity.names import fold
from carnet.school.imports.values import CellError


@dataclass(frozen=True)
class KindChoice:
    """A built-in kind, or a custom kind of the establishment (then `kind` is OTHER)."""

    kind: str
    custom_kind_id: int | None
    label: str = field(default="", compare=False)


_BUILTIN_WORDS: dict[str, tuple[str, ...]] = {
    AssessmentKind.INTERROGATION: ("interrogation", "interro", "interrogation ecrite", "ie", "test"),
    AssessmentKind.DEVOIR: ("devoir", "devoir surveille", "ds", "controle", "devoir sur table", "evaluation"),
    AssessmentKind.COMPOSITION: ("composition", "compo", "examen"),
    AssessmentKind.ORAL: ("oral", "interrogation orale", "expose"),
    AssessmentKind.PRACTICAL: ("tp", "travaux pratiques", "travail pratique", "pratique"),
    AssessmentKind.HOMEWORK: ("dm", "devoir maison", "devoir a la maison"),
    AssessmentKind.OTHER: ("autre",),
}
_BUILTIN_BY_WORD = {word: kind for kind, words in _BUILTIN_WORDS.items() for word in words}


def _word(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", " ", fold(text))).strip()


def parse_kind(text: str, custom_kinds: dict[str, CustomAssessmentKind]) -> KindChoice:
    """Empty: a devoir. An establishment's own kind (by name) wins over the built-in words."""
    if not text:
        return KindChoice(AssessmentKind.DEVOIR, None, str(AssessmentKind.DEVOIR.label))
    custom = custom_kinds.get(fold(text))
    if custom is not None:
        return KindChoice(AssessmentKind.OTHER, custom.pk, custom.name)
    kind = _BUILTIN_BY_WORD.get(_word(text))
    if kind is None:
        names = ["interrogation", "devoir", "composition", "oral", "TP", _("devoir maison"), _("autre")]
        names += [k.name for k in custom_kinds.values()]
        raise CellError(_("Type « %(value)s » inconnu : écrivez %(names)s.") % {"value": text, "names": ", ".join(names)})
    return KindChoice(kind, None, str(AssessmentKind(kind).label))


def kind_label(kind: str, custom_kind_id: int | None, custom_names: dict[int, str]) -> str:
    if custom_kind_id:
        return custom_names.get(custom_kind_id, "?")
    try:
        return str(AssessmentKind(kind).label)
    except ValueError:
        return kind
