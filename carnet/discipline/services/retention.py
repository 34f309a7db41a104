"""Retention: when a measure leaves the student's record, and the task that removes it.

A measure's `expires_on` is the last day it stays on the record, computed once, when it is
decided, from its type (changing the type later does not move it):
- "year_end": the last day of the school year the measure was decided in;
- "years_end" (N): the last day of the N-th following school year, taken as this year's last day
  N years on (the calendars of later years are not known when the measure is decided);
- "days" (N): N days after the decision (a blâme of 365 days decided on 1 December 2026 is on
  the record until 1 December 2027 included, and gone on the 2nd);
- "permanent": never (`expires_on` is null).

`purge_expired` removes the measures whose `expires_on` is before today, then the incidents left
without any measure whose school year has ended: an incident follows the retention of its
measures, and one that led to no measure leaves the record at the end of its school year, like a
punishment. An incident that motivated a kept measure (an exclusion définitive) stays with it.
Each removal is written to the audit journal with ids only (the measure's and its type's, the
student's public id, the dates), never a name or a text. "Today" is the server's local date: the
task runs every hour, so a measure of an establishment in another time zone goes at most a few
hours late. The task is idempotent and safe from several workers at once (rows are locked and
skipped by the others on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from carnet.audit.models import AuditEvent
from carnet.discipline.models import Incident, Measure, MeasureType

R = MeasureType.Retention

#: Rows removed per transaction: keeps each lock short when a year's punishments all expire at once.
BATCH = 500
SYSTEM = "système"


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for a 29 February that does not exist)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def expiry_for(measure_type: MeasureType, *, school_year, decided_on: dt.date) -> dt.date | None:
    """The last day a measure of `measure_type` decided on `decided_on` (in `school_year`) stays on
    the record; None for a permanent one."""
    if measure_type.retention == R.YEAR_END:
        return school_year.ends_on
    if measure_type.retention == R.YEARS_END:
        return shift_years(school_year.ends_on, measure_type.retention_years or 1)
    if measure_type.retention == R.DAYS:
        return decided_on + dt.timedelta(days=measure_type.retention_days or 0)
    return None


def _events(rows: list[dict], *, action: str, object_type: str) -> list[AuditEvent]:
    now = timezone.now()
    return [
        AuditEvent(
            at=now,
            establishment_id=row.pop("establishment_id"),
            actor=None,
            actor_name=SYSTEM,
            action=action,
            object_type=object_type,
            object_id=str(row.pop("public_id")),
            object_repr=row.pop("repr"),
            changes={key: [value, None] for key, value in row.items()},
        )
        for row in rows
    ]


def _purge_measures(today: dt.date) -> int:
    with transaction.atomic():
        ids = list(
            Measure.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(expires_on__lt=today)
            .order_by("expires_on", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return 0
        rows = [
            {
                "establishment_id": m["establishment_id"],
                "public_id": m["public_id"],
                "repr": m["measure_type__name"],
                "student": str(m["student__public_id"]),
                "measure_type": str(m["measure_type__public_id"]),
                "category": m["measure_type__category"],
                "decided_on": str(m["decided_on"]),
                "expires_on": str(m["expires_on"]),
            }
            for m in Measure.objects.filter(pk__in=ids).values(
                "establishment_id",
                "public_id",
                "measure_type__name",
                "student__public_id",
                "measure_type__public_id",
                "measure_type__category",
                "decided_on",
                "expires_on",
            )
        ]
        AuditEvent.objects.bulk_create(
            _events(rows, action="discipline.measure_expired", object_type="discipline.measure")
        )
        Measure.objects.filter(pk__in=ids).delete()
        return len(ids)


def _purge_incidents(today: dt.date) -> int:
    with transaction.atomic():
        ids = list(
            Incident.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(school_year__ends_on__lt=today)
            .filter(~Exists(Measure.objects.filter(incident_id=OuterRef("pk"))))
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return 0
        rows = [
            {
                "establishment_id": i["establishment_id"],
                "public_id": i["public_id"],
                "repr": "Incident",
                "occurred_at": i["occurred_at"].isoformat(),
                "participants": i["participant_count"],
            }
            for i in Incident.objects.filter(pk__in=ids)
            .annotate(participant_count=Count("participants"))
            .values("establishment_id", "public_id", "occurred_at", "participant_count")
        ]
        AuditEvent.objects.bulk_create(
            _events(rows, action="discipline.incident_expired", object_type="discipline.incident")
        )
        Incident.objects.filter(pk__in=ids).delete()
        return len(ids)


def purge_expired(*, today: dt.date | None = None) -> int:
    """Remove the measures whose `expires_on` is before `today` (default: the local date), then the
    incidents of ended school years left without a measure. Returns how many rows were removed
    (measures and incidents). Running it again the same day removes nothing."""
    today = today or timezone.localdate()
    removed = 0
    for purge in (_purge_measures, _purge_incidents):
        while True:
            count = purge(today)
            removed += count
            if count < BATCH:
                break
    return removed
