"""Refusals of the grades services, with stable codes (the API answers `{code, message, details}`).

| code | HTTP | class |
|---|---|---|
| `mark_conflict` | 409 | MarkConflict: the mark changed since the client read it |
| `period_locked` | 409 | PeriodLocked: the class council of the period is closed |
| `confirmation_required` | 409 | ConfirmationRequired: deleting an assessment that has marks |
| `conflict` | 409 | carnet.core.errors.Conflict: an assessment changed since it was read |
| `validation_failed` | 422 | carnet.core.errors.ValidationFailed: a bad mark, date, scale… |"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.core.errors import Conflict


class MarkConflict(Conflict):
    """`details`: for one mark {student, current, version, by, at}; for a column, a list of them.
    `student` is the student's public id, `current` the mark's text ("12,5", "Abs", ""), `version`
    its version (null when there is no mark), `by` the full name of who last changed it, `at` when
    (ISO 8601)."""

    code = "mark_conflict"
    default_message = _("Cette note a été modifiée entre-temps par quelqu'un d'autre : choisissez la valeur à garder.")


class PeriodLocked(Conflict):
    """The class council of the period is closed for (one of) the class(es) concerned.
    `details`: {period, classes: [names]}."""

    code = "period_locked"
    default_message = _("Le conseil de classe de cette période est clos : les notes ne peuvent plus être modifiées.")


class ConfirmationRequired(Conflict):
    """Deleting an assessment that has marks needs an explicit confirmation. `details`: {marks: n}."""

    code = "confirmation_required"
    default_message = _("Cette évaluation a des notes : confirmez la suppression.")
