"""Refusals of the discipline services, with stable codes (the API answers `{code, message, details}`).

| code | HTTP | class |
|---|---|---|
| `incident_conflict` | 409 | IncidentConflict: the incident changed since the client read it |
| `measure_conflict` | 409 | MeasureConflict: the measure changed since the client read it |
| `measure_type_in_use` | 409 | MeasureTypeInUse: deleting a catalogue entry that measures use |
| `forbidden` | 403 | carnet.core.errors.PermissionDenied: e.g. a teacher deciding a sanction |
| `validation_failed` | 422 | carnet.core.errors.ValidationFailed: `details` maps each field to a French message |"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carnet.core.errors import Conflict


class IncidentConflict(Conflict):
    """`details`: {version, updated_at, updated_by} of the incident as it is now."""

    code = "incident_conflict"
    default_message = _(
        "Cet incident a été modifié entre-temps par quelqu'un d'autre : rechargez-le avant de recommencer."
    )


class MeasureConflict(Conflict):
    """`details`: {version, updated_at} of the measure as it is now."""

    code = "measure_conflict"
    default_message = _(
        "Cette mesure a été modifiée entre-temps par quelqu'un d'autre : rechargez-la avant de recommencer."
    )


class MeasureTypeInUse(Conflict):
    """`details`: {measures: n}."""

    code = "measure_type_in_use"
    default_message = _(
        "Des mesures sont de ce type : retirez-le du catalogue (« en service » décoché) au lieu de le supprimer."
    )
