"""Which establishment governs a person's notifications, and when that person may be reached.

The governing establishment gives the time zone, the quiet hours, the digest hour and the SMS
budget. A notification about an establishment is governed by it; otherwise a person is governed
by where they work, else where they study, else where their children study (the oldest
establishment on ties, so the answer is stable). A person's own quiet hours replace the
establishment's; the digest hour stays the establishment's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from carnet.notifications.models import EstablishmentNotificationSettings, UserQuietHours
from carnet.notifications.quiet import QuietHours, Schedule
from carnet.school.models import Enrollment, Establishment, Guardianship, StaffFunction
from carnet.school.roles import active_function_q, current_enrollment_q


def governing_establishments(user_ids: Iterable[int]) -> dict[int, int]:
    """user id -> governing establishment id, for those who have one. Three queries at most."""
    remaining = set(user_ids)
    result: dict[int, int] = {}
    today = timezone.localdate()
    sources = (
        StaffFunction.objects.filter(active_function_q(on=today)).values_list("user_id", "establishment_id"),
        Enrollment.objects.filter(current_enrollment_q(on=today)).values_list("student_id", "establishment_id"),
        Guardianship.objects.values_list("guardian_id", "establishment_id"),
    )
    field_of = ("user_id", "student_id", "guardian_id")
    for rows, user_field in zip(sources, field_of, strict=True):
        if not remaining:
            break
        for user_id, establishment_id in rows.filter(**{f"{user_field}__in": remaining}).order_by("establishment_id"):
            result.setdefault(user_id, establishment_id)
        remaining -= set(result)
    return result


def default_settings(establishment: Establishment) -> EstablishmentNotificationSettings:
    """The settings an establishment has before anyone changes them (not saved)."""
    return EstablishmentNotificationSettings(establishment=establishment)


@dataclass
class Governance:
    """Settings and quiet hours for a batch of people, loaded in two or three queries."""

    settings: dict[int, EstablishmentNotificationSettings] = field(default_factory=dict)
    user_quiet: dict[int, QuietHours] = field(default_factory=dict)

    def settings_of(self, establishment_id: int | None) -> EstablishmentNotificationSettings | None:
        return self.settings.get(establishment_id) if establishment_id is not None else None

    def schedule(self, user_id: int, establishment_id: int | None) -> Schedule:
        own = self.user_quiet.get(user_id)
        row = self.settings_of(establishment_id)
        if row is None:
            return Schedule(time_zone=settings.TIME_ZONE, quiet=own or QuietHours())
        return row.schedule(own)

    def sms_prefix(self, establishment_id: int | None) -> str:
        row = self.settings_of(establishment_id)
        return row.sms_prefix if row is not None else "Carnet"

    def sms_budget(self, establishment_id: int | None) -> int:
        row = self.settings_of(establishment_id)
        return row.sms_monthly_budget if row is not None else 0


def governance(*, user_ids: Iterable[int], establishment_ids: Iterable[int | None]) -> Governance:
    ids = {e for e in establishment_ids if e is not None}
    rows = {
        row.establishment_id: row
        for row in EstablishmentNotificationSettings.objects.filter(establishment_id__in=ids).select_related("establishment")
    }
    missing = ids - set(rows)
    if missing:
        for establishment in Establishment.objects.filter(id__in=missing):
            rows[establishment.pk] = default_settings(establishment)
    quiet = {row.user_id: row.quiet_hours for row in UserQuietHours.objects.filter(user_id__in=set(user_ids))}
    return Governance(settings=rows, user_quiet=quiet)
