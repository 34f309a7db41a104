"""What an import would do, before it does it: the problems found (line, column, message) and the
changes, one per person or row, each created, updated or left unchanged."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
ACTIONS = (CREATED, UPDATED, UNCHANGED)

#: The things an import counts, in the order a summary shows them.
ENTITY_LABELS = {
    "students": _("Élèves"),
    "guardians": _("Responsables"),
    "guardianships": _("Liens élève-responsable"),
    "staff": _("Personnels"),
    "functions": _("Fonctions"),
    "assignments": _("Services d'enseignement"),
    "classes": _("Classes"),
    "levels": _("Niveaux"),
    "series": _("Séries"),
    "subjects": _("Matières"),
}
ACTION_LABELS = {CREATED: _("créés"), UPDATED: _("mis à jour"), UNCHANGED: _("inchangés")}
_FEMININE_ACTION_LABELS = {CREATED: _("créées"), UPDATED: _("mises à jour"), UNCHANGED: _("inchangées")}
_FEMININE = {"functions", "classes", "series", "subjects"}


def count_label(entity: str, action: str) -> str:
    """'Élèves créés', 'Classes créées': the label of one count, as the audit journal shows it."""
    labels = _FEMININE_ACTION_LABELS if entity in _FEMININE else ACTION_LABELS
    return f"{ENTITY_LABELS[entity]} {labels[action]}"

FIELD_LABELS = {
    "last_name": _("Nom"),
    "first_name": _("Prénom"),
    "sex": _("Sexe"),
    "birth_date": _("Date de naissance"),
    "birth_place": _("Lieu de naissance"),
    "email": _("Courriel"),
    "phone": _("Téléphone"),
    "school_class": _("Classe"),
    "is_repeating": _("Redoublant"),
    "national_id": _("Matricule"),
    "relationship": _("Lien"),
    "coefficient": _("Coefficient"),
    "weekly_hours": _("Heures"),
    "is_main_teacher": _("Professeur principal"),
    "kind": _("Fonction"),
    "ends_on": _("Fin"),
    "level": _("Niveau"),
    "series": _("Série"),
}


def display(value: Any) -> str:
    """A value as a person reads it in a preview or in the audit trail."""
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("Oui"))
    if value is False:
        return str(_("Non"))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text.replace(".", ",")
    return str(value)


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str
    message: str
    letter: str = ""

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "letter": self.letter, "message": self.message}

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(str(_("ligne %(line)s") % {"line": self.line}))
        if self.column:
            column = f"{self.column} ({self.letter})" if self.letter else self.column
            where.append(str(_("colonne « %(column)s »") % {"column": column}))
        prefix = ", ".join(where)
        return f"{prefix[:1].upper()}{prefix[1:]} : {self.message}" if prefix else self.message


@dataclass
class Change:
    entity: str
    action: str
    label: str
    line: int | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)

    def readable_fields(self) -> list[tuple[str, str, str]]:
        return [(str(FIELD_LABELS.get(f, f)), display(old), display(new)) for f, (old, new) in self.fields.items()]


@dataclass
class Plan:
    kind: str
    establishment: Any
    file_name: str = ""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    #: What the kind's `apply` needs, in the kind's own shape.
    work: Any = None

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def add_problem(self, line, column, message, letter: str = "") -> None:
        self.problems.append(Problem(line, str(column), str(message), letter))

    def change(self, entity: str, action: str, label: str, line=None, fields=None) -> Change:
        item = Change(entity, action, label, line, dict(fields or {}))
        self.changes.append(item)
        return item

    def counts(self) -> dict[str, dict[str, int]]:
        tally = Counter((c.entity, c.action) for c in self.changes)
        result = {}
        for entity in ENTITY_LABELS:
            row = {action: tally.get((entity, action), 0) for action in ACTIONS}
            if any(row.values()):
                result[entity] = row
        return result

    def count_rows(self) -> list[dict]:
        """The counts as rows a template can loop over."""
        return [
            {"entity": entity, "label": ENTITY_LABELS[entity], **row} for entity, row in self.counts().items()
        ]

    def created(self, entity: str) -> list[str]:
        return [c.label for c in self.changes if c.entity == entity and c.action == CREATED]

    @property
    def has_changes(self) -> bool:
        return any(c.action != UNCHANGED for c in self.changes)

    def visible_changes(self) -> list[Change]:
        """People and rows created or updated (not the new classes and subjects, listed apart)."""
        return [c for c in self.changes if c.action != UNCHANGED and c.entity not in {"classes", "levels", "series", "subjects"}]

    def summary(self) -> dict:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "rows": self.rows,
            "counts": self.counts(),
            "new_classes": self.created("classes"),
            "new_levels": self.created("levels"),
            "new_series": self.created("series"),
            "new_subjects": self.created("subjects"),
            # The trail of what this import wrote, kept with the run for the audit journal:
            # every created or updated row, with old and new values as people read them.
            "changes": [
                {
                    "entity": str(ENTITY_LABELS.get(c.entity, c.entity)),
                    "action": c.action,
                    "label": c.label,
                    "line": c.line,
                    "fields": [[label, old, new] for label, old, new in c.readable_fields()],
                }
                for c in self.changes
                if c.action != UNCHANGED
            ],
        }

    def fingerprint(self) -> str:
        """Identical for two plans that would write the same thing: lets an apply refuse to write
        something else than what the preview showed."""
        described = [
            [c.entity, c.action, c.label, c.line, {k: [display(o), display(n)] for k, (o, n) in c.fields.items()}]
            for c in self.changes
            if c.action != UNCHANGED
        ]
        payload = json.dumps([self.kind, described, self.counts()], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()
