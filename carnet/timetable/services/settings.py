"""The establishment's timetable settings: which ISO weeks are week A, and whether a change for the
same day may reach people during quiet hours (see `carnet.timetable.notifying`)."""

from __future__ import annotations

from django.db import transaction

from carnet.audit import services as audit
from carnet.core.errors import ValidationFailed
from carnet.timetable import policies
from carnet.timetable.models import TimetableSettings

FIELDS = ["week_a_parity", "same_day_changes_in_quiet_hours"]


def update_timetable_settings(
    *, actor, establishment, week_a_parity: str, same_day_changes_in_quiet_hours: bool
) -> TimetableSettings:
    """Change the two timetable settings (staff who manage the timetable); audited. Sessions are
    not regenerated here: the page offers to bring the coming ones up to date."""
    policies.ensure_can_manage_timetable(actor, establishment)
    if week_a_parity not in TimetableSettings.Parity.values:
        raise ValidationFailed(details={"week_a_parity": "invalid"})
    values = {
        "week_a_parity": week_a_parity,
        "same_day_changes_in_quiet_hours": same_day_changes_in_quiet_hours,
    }
    with transaction.atomic():
        row, _created = TimetableSettings.objects.select_for_update().get_or_create(
            establishment=establishment
        )
        changes = audit.diff(row, FIELDS, values)
        if changes:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=FIELDS)
            audit.record(
                actor=actor,
                action="timetable.settings_changed",
                obj=row,
                establishment=establishment,
                object_repr=str(establishment),
                changes=changes,
            )
    return row
