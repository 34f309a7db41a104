"""Finding the known columns of a file: headers are compared without case, accents, spaces or
punctuation ("Date de naissance", "DATE_NAISSANCE" and "date de naissance " are one column), and a
few usual synonyms are accepted (INE for Matricule, Prénoms for Prénom, Tél. for Téléphone…)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.imports.errors import ImportFileRejected
from carnet.school.imports.reading import Row, Table

#: The header row is looked for among the first lines, so a title line above it does no harm.
HEADER_SEARCH_LINES = 10


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the documented French header
    aliases: tuple[str, ...] = ()  # other accepted headers, written as people write them
    required: bool = False

    def header_keys(self) -> set[str]:
        return {header_key(self.label), *(header_key(a) for a in self.aliases)}


@dataclass
class Header:
    line: int
    positions: dict[str, int]  # column key -> index in the row
    written: dict[str, str]  # column key -> header as written in the file
    ignored: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # column key -> documented label

    def has(self, key: str) -> bool:
        return key in self.positions

    def get(self, row: Row, key: str) -> str:
        position = self.positions.get(key)
        return row.cell(position) if position is not None else ""

    def name(self, key: str) -> str:
        """The column as the user knows it: its header in the file, else its documented label."""
        return self.written.get(key) or self.labels.get(key, key)

    def letter(self, key: str) -> str:
        position = self.positions.get(key)
        return column_letter(position) if position is not None else ""


def locate_header(
    table: Table, columns: list[Column], *, one_of: tuple[tuple[str, ...], ...] = ()
) -> tuple[Header, list[Row]]:
    """The header row and the data rows after it. Raises ImportFileRejected when no header row is
    found, a column appears twice, or a required column is missing. `one_of` lists groups of
    columns of which at least one must be present."""
    by_key = {}
    for column in columns:
        for key in column.header_keys():
            by_key[key] = column
    labels = {c.key: c.label for c in columns}

    header_index = None
    for i, row in enumerate(table.rows[:HEADER_SEARCH_LINES]):
        known = {by_key[header_key(c)].key for c in row.cells if header_key(c) in by_key}
        if len(known) >= min(2, len(columns)):
            header_index = i
            break
    if header_index is None:
        raise ImportFileRejected(
            _("Aucune ligne d'en-têtes reconnue : la première ligne doit nommer les colonnes (%(expected)s).")
            % {"expected": ", ".join(c.label for c in columns if c.required)}
        )
    header_row = table.rows[header_index]
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for index, text in enumerate(header_row.cells):
        if not text:
            continue
        known_column = by_key.get(header_key(text))
        if known_column is None:
            ignored.append(text)
            continue
        if known_column.key in positions:
            raise ImportFileRejected(
                _("La colonne « %(name)s » apparaît deux fois (colonnes %(first)s et %(second)s) : gardez-en une seule.")
                % {"name": known_column.label, "first": column_letter(positions[known_column.key]), "second": column_letter(index)}
            )
        positions[known_column.key] = index
        written[known_column.key] = text
    missing = [c.label for c in columns if c.required and c.key not in positions]
    for group in one_of:
        if not any(key in positions for key in group):
            missing.append(_(" ou ").join(labels[key] for key in group))
    if missing:
        raise ImportFileRejected(
            _("Colonnes obligatoires absentes : %(missing)s. Colonnes trouvées : %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(c for c in header_row.cells if c) or "—"}
        )
    data = table.rows[header_index + 1:]
    if not data:
        raise ImportFileRejected(_("Le fichier ne contient que la ligne d'en-têtes : aucune ligne à importer."))
    header = Header(line=header_row.line, positions=positions, written=written, ignored=ignored, labels=labels)
    return header, data
