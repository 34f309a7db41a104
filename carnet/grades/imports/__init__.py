"""The marks import: a year's marks from spreadsheets, in long format (one line per student and
assessment), through the school's imports framework (`carnet.school.imports`): same reading of
CSV/XLSX, same header matching, same line-numbered French problems, same all-or-nothing apply.

`validation.validate` builds the plan (every line checked against what the establishment holds);
`writing.apply` writes it inside the framework's transaction, with an audit event per assessment
created or changed and per mark created or changed. Registered as the import kind "marks" by
`register()` (called from `grades.web.settings_register.register`). Format: docs/import-formats.md."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KIND = "marks"


def register() -> None:
    from carnet.grades.imports import examples, validation, writing
    from carnet.school.imports.services import ImportKind, register_kind

    register_kind(
        KIND,
        ImportKind(
            KIND,
            _("Notes"),
            validation.validate,
            writing.apply,
            example_name="notes",
            example_csv=examples.example_csv,
            example_xlsx=examples.example_xlsx,
        ),
        entity_labels={"assessments": _("Évaluations"), "marks": _("Notes")},
        feminine=("assessments", "marks"),
        field_labels={"mark": _("Note"), "scale": _("Sur"), "assessment_kind": _("Type"), "comment": _("Commentaire")},
    )
