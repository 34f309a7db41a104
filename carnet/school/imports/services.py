"""Preview and apply an import. Both read the whole file and validate every line; apply then writes
everything in one transaction, or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from carnet.audit.services import record
from carnet.school import policies
from carnet.school.imports import assignments, staff, students
from carnet.school.imports import plan as plan_module
from carnet.school.imports.errors import ImportInvalid, ImportOutdated
from carnet.school.imports.plan import ENTITY_LABELS, FIELD_LABELS, Plan
from carnet.school.imports.reading import read_table
from carnet.school.models import Establishment, ImportRun


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: object
    validate: Callable[..., Plan]
    apply: Callable[[Plan], None]
    #: For kinds registered by upper apps: the example file offered on the imports page.
    example_name: str = ""
    example_csv: Callable[[], bytes] | None = None
    example_xlsx: Callable[[], bytes] | None = None


KINDS = {
    "students": ImportKind("students", ImportRun.Kind.STUDENTS.label, students.validate, students.apply),
    "staff": ImportKind("staff", ImportRun.Kind.STAFF.label, staff.validate, staff.apply),
    "assignments": ImportKind("assignments", ImportRun.Kind.ASSIGNMENTS.label, assignments.validate, assignments.apply),
}


def register_kind(
    key: str,
    kind: ImportKind,
    *,
    entity_labels: dict[str, Any] | None = None,
    feminine: tuple[str, ...] = (),
    field_labels: dict[str, Any] | None = None,
) -> None:
    """Let an upper app (grades: marks) add an import kind without school importing it; called from
    that app's `ready()`. `entity_labels` name what its plan counts ("marks": "Notes"), `feminine`
    the entities whose counts read "créées", `field_labels` the fields its changes show."""
    KINDS[key] = kind
    ENTITY_LABELS.update(entity_labels or {})
    plan_module._FEMININE.update(feminine)
    FIELD_LABELS.update(field_labels or {})


@dataclass
class ImportOutcome:
    plan: Plan
    run: ImportRun | None  # None for a dry run


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def establishment_today(establishment) -> dt.date:
    try:
        zone = ZoneInfo(establishment.time_zone)
    except (KeyError, ValueError):
        zone = timezone.get_current_timezone()
    return timezone.localdate(timezone=zone)


def build_plan(*, actor, establishment, kind: str, file_name: str, content: bytes) -> Plan:
    """Read and validate without writing. Raises ImportFileRejected for an unreadable file."""
    table = read_table(content, file_name)
    plan = KINDS[kind].validate(table, establishment=establishment, actor=actor, today=establishment_today(establishment))
    plan.file_name = file_name
    return plan


def preview_import(*, actor, establishment, kind: str, file_name: str, content: bytes) -> Plan:
    """What importing this file would do. `actor` None means the command line (the server's operator)."""
    if actor is not None:
        policies.ensure_can_import(actor, establishment)
    return build_plan(actor=actor, establishment=establishment, kind=kind, file_name=file_name, content=content)


def apply_import(
    *,
    actor,
    establishment,
    kind: str,
    file_name: str,
    content: bytes,
    dry_run: bool = False,
    expected_fingerprint: str = "",
) -> ImportOutcome:
    """Validate the file again and write it, all or nothing. Raises ImportFileRejected, ImportInvalid
    (with the plan and its problems) or, when `expected_fingerprint` (from the preview) no longer
    matches what the file would do, ImportOutdated. Records an ImportRun and an audit event."""
    if actor is not None:
        policies.ensure_can_import(actor, establishment)
    with transaction.atomic():
        # One import at a time per establishment (PostgreSQL; SQLite serialises writers anyway).
        Establishment.objects.select_for_update().filter(pk=establishment.pk).values_list("pk").first()
        plan = build_plan(actor=actor, establishment=establishment, kind=kind, file_name=file_name, content=content)
        if not plan.is_valid:
            raise ImportInvalid(plan)
        if expected_fingerprint and plan.fingerprint() != expected_fingerprint:
            raise ImportOutdated()
        if dry_run:
            return ImportOutcome(plan, None)
        KINDS[kind].apply(plan)
        summary = plan.summary()
        run = ImportRun.objects.create(
            establishment=establishment,
            kind=kind,
            file_name=file_name[:200],
            file_digest=file_digest(content),
            actor=actor if actor is not None and actor.is_authenticated else None,
            summary=summary,
        )
        changes: dict[str, tuple[Any, Any] | list[Any]] = {"file_name": (None, file_name)}
        for entity, counts in summary["counts"].items():
            for action, number in counts.items():
                if number:
                    changes[f"{entity}.{action}"] = (None, number)
        record(actor=actor, action=f"import.{kind}", obj=run, establishment=establishment, changes=changes,
               object_repr=f"{KINDS[kind].label} — {file_name}")
    return ImportOutcome(plan, run)


def summary_rows(summary: dict) -> list[dict]:
    """The counts of an ImportRun's summary as rows for a table."""
    rows = []
    for entity, counts in (summary or {}).get("counts", {}).items():
        rows.append({"entity": entity, "label": ENTITY_LABELS.get(entity, entity), **counts})
    return rows


class _KindChoices(BaseChoiceIterator):
    """(key, label) of every kind, read when iterated: kinds registered later appear in forms
    defined before them."""

    def __iter__(self):
        for key, kind in KINDS.items():
            yield key, kind.label

    def __deepcopy__(self, memo):
        return self


KIND_CHOICES = _KindChoices()
