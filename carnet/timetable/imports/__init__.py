"""The timetable import: weekly slots from a spreadsheet (CSV or XLSX), through the school's imports
framework (`carnet.school.imports`): same reading, same header matching, same line-numbered French
problems, same all-or-nothing apply, same `carnet import timetable FILE --establishment CODE
[--dry-run]` command.

`validation.validate` builds the plan (every line checked against what the establishment holds and
against the other lines); `writing.apply` writes it inside the framework's transaction and brings
the sessions of the new or changed slots up to date. Registered as the import kind "timetable" by
`register()` (called from `timetable.web.timetable_register.register`). Format: docs/import-formats.md
(section « Emploi du temps »)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KIND = "timetable"


def register() -> None:
    from carnet.school.imports.services import ImportKind, register_kind
    from carnet.timetable.imports import examples, validation, writing

    register_kind(
        KIND,
        ImportKind(
            KIND,
            _("Emploi du temps"),
            validation.validate,
            writing.apply,
            example_name="emploi-du-temps",
            example_csv=examples.example_csv,
            example_xlsx=examples.example_xlsx,
        ),
        entity_labels={"slots": _("Créneaux"), "rooms": _("Salles")},
        feminine=("rooms",),
        field_labels={"end_time": _("Fin"), "room": _("Salle")},
    )
