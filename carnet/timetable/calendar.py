"""From weekly slots to dated sessions.

`generate_sessions(...)` makes the sessions of a school year (or of a date range, or of a few slots)
match the slots, in a handful of bulk queries whatever the number of slots:

- one session per slot and school day of its weekday, from `valid_from` to `valid_until` (each
  optional), in the weeks of its pattern (`TimetableSettings.week_of`: week A is the ISO week
  whose parity the establishment chose; "every" is both);
- no session on a holiday or a closed day (`school.CalendarEvent` of kind holiday or closed);
- an exceptional day (`CalendarEvent` kind exceptional: open-day, exam day, outing…) is a school day
  like any other: its sessions are generated, and the views show the day's name beside them, so
  that staff cancel what does not take place one by one (each cancellation is then a change that
  people are told about). A closed day is what removes a whole day's lessons;
- idempotent: a session is identified by (slot, `original_on`); running twice creates nothing;
- a session that a person changed (it has a `SessionChange`: cancelled, moved, room, replacement)
  or that other data hang on (a register, an absence, a lateness: any row pointing at it) is never
  rewritten nor removed;
- sessions held before today (in the establishment's time zone) are history: never rewritten nor
  removed; new ones are still created for past days inside the range asked for (a whole year at the
  start of the year), so callers that react to a change pass `start=today`.

Untouched future sessions follow their slot: new times, room or teacher (the assignment's) are
written in place (their `version` goes up); those whose day no longer fits (pattern, weekday,
validity, new holiday) are removed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import QuerySet
from django.utils import timezone

from carnet.school.models import CalendarEvent, SchoolYear
from carnet.timetable.models import Session, SessionChange, Slot, TimetableSettings, WeekPattern
from carnet.timetable.weeks import days_between, local_today

BATCH = 1000
#: Calendar events that remove the day's lessons.
CLOSING_KINDS = (CalendarEvent.Kind.HOLIDAY, CalendarEvent.Kind.CLOSED)


@dataclass
class GenerationResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    #: Sessions that no longer match their slot but were left as they are (changed by a person or
    #: holding a register, or in the past).
    kept: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "kept": self.kept,
        }


def settings_for(establishment) -> TimetableSettings:
    """The establishment's timetable settings, created with the defaults the first time."""
    row, _created = TimetableSettings.objects.get_or_create(establishment=establishment)
    return row


def current_year(establishment) -> SchoolYear | None:
    return SchoolYear.objects.filter(establishment=establishment, is_current=True).first()


def closed_days(school_year: SchoolYear, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Holidays and closed days between `start` and `end`: day -> the event's name."""
    result: dict[dt.date, str] = {}
    events = CalendarEvent.objects.filter(
        establishment_id=school_year.establishment_id,
        kind__in=CLOSING_KINDS,
        starts_on__lte=end,
        ends_on__gte=start,
    ).values_list("starts_on", "ends_on", "name")
    for first, last, name in events:
        for day in days_between(max(first, start), min(last, end)):
            result.setdefault(day, name)
    return result


def is_closed(establishment, day: dt.date) -> str | None:
    """The name of the holiday or closed day `day` falls in, or None."""
    return (
        CalendarEvent.objects.filter(
            establishment=establishment, kind__in=CLOSING_KINDS, starts_on__lte=day, ends_on__gte=day
        )
        .values_list("name", flat=True)
        .first()
    )


def touched_session_ids(sessions: QuerySet[Session]) -> set[int]:
    """Ids among `sessions` that a person changed or that other rows point at (registers,
    absences, lateness…, found through the model's reverse relations so that the timetable needs
    no import of the apps above it). One query per relation."""
    ids = set(SessionChange.objects.filter(session__in=sessions).values_list("session_id", flat=True))
    for relation in Session._meta.related_objects:
        model = relation.related_model
        if model is SessionChange:
            continue
        if relation.many_to_many:
            through = relation.through  # type: ignore[attr-defined]
            name = relation.field.m2m_reverse_field_name()  # type: ignore[attr-defined]
            ids |= set(through.objects.filter(**{f"{name}__in": sessions}).values_list(name, flat=True))
        else:
            name = relation.field.name
            ids |= set(
                model._default_manager.filter(**{f"{name}__in": sessions}).values_list(name, flat=True)  # type: ignore[union-attr]
            )
    ids.discard(None)  # type: ignore[arg-type]
    return ids


def _slot_rows(school_year: SchoolYear, slots) -> list[Any]:
    queryset = Slot.objects.filter(establishment_id=school_year.establishment_id, school_year=school_year)
    if slots is not None:
        ids = (
            list(slots.values_list("pk", flat=True)) if isinstance(slots, QuerySet) else [s.pk for s in slots]
        )
        queryset = queryset.filter(pk__in=ids)
    return list(
        queryset.values(
            "id",
            "assignment_id",
            "assignment__teacher_id",
            "weekday",
            "start_time",
            "end_time",
            "room_id",
            "week_pattern",
            "valid_from",
            "valid_until",
        )
    )


#: The columns a generated session is written with, in the order of the rows built below.
INSERT_FIELDS = (
    "public_id",
    "establishment",
    "school_year",
    "assignment",
    "slot",
    "original_on",
    "held_on",
    "start_time",
    "end_time",
    "room",
    "teacher",
    "status",
    "is_extra",
    "note",
    "version",
    "updated_at",
)
#: The columns regeneration rewrites (then the row's id).
UPDATE_FIELDS = (
    "held_on",
    "start_time",
    "end_time",
    "room",
    "teacher",
    "assignment",
    "version",
    "updated_at",
)


def _adapter(field, connection):
    """A converter of one field's Python value to what the database driver takes, or None when the
    value goes as it is (integers, text, booleans)."""
    ops = connection.ops
    if isinstance(field, models.UUIDField):
        return None if connection.features.has_native_uuid_field else (lambda value: value.hex)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value
    return None


def _prepared(fields, rows: list[tuple], connection) -> list[list]:
    """`rows` with each value adapted for the driver as the ORM would (UUIDs, dates, times, aware
    datetimes); dates, times and moments repeat a lot, so each distinct one is adapted once."""
    converters: list[tuple[int, Any, dict | None]] = []
    for index, field in enumerate(fields):
        adapt = _adapter(field, connection)
        if adapt is not None:
            converters.append((index, adapt, None if isinstance(field, models.UUIDField) else {}))
    prepared = []
    for row in rows:
        values = list(row)
        for index, adapt, memo in converters:
            value = values[index]
            if value is None:
                continue
            if memo is None:
                values[index] = adapt(value)
            else:
                done = memo.get(value)
                if done is None:
                    done = memo[value] = adapt(value)
                values[index] = done
        prepared.append(values)
    return prepared


def _write_many(names: tuple[str, ...], rows: list[tuple], *, insert: bool) -> None:
    """INSERT many sessions (`rows` in the order of `names`), or UPDATE them (the id last in each
    row), with plain parameterised statements.

    A year of a large school is some 80,000 sessions: the ORM's bulk_create prepares every value of
    every row through the query compiler (and SQLite caps a statement at 999 parameters), which
    takes a minute. Here SQLite (in-process: no round trip) gets `executemany`; PostgreSQL gets COPY
    for inserts and one `UPDATE … FROM (VALUES …)` per thousand rows for updates."""
    if not rows:
        return
    connection = connections[router.db_for_write(Session)]
    fields: list[Any] = [Session._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table = quote(Session._meta.db_table)
    columns = [quote(field.column) for field in fields]
    pk = quote("id")
    prepared = _prepared(fields, rows, connection)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            if insert:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - fixed names
            else:
                sql = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {pk} = %s"  # noqa: S608 - fixed names
            for start in range(0, len(prepared), BATCH * 10):
                cursor.executemany(sql, prepared[start : start + BATCH * 10])
        elif insert:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            casts = ", ".join(
                f"{c} = v.{c}::{f.db_type(connection)}" for c, f in zip(columns, fields, strict=True)
            )
            row_sql = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
            for start in range(0, len(prepared), BATCH):
                chunk = prepared[start : start + BATCH]
                values = ", ".join([row_sql] * len(chunk))
                sql = (
                    f"UPDATE {table} SET {casts} FROM (VALUES {values}) AS v ({', '.join(columns)}, {pk}) "  # noqa: S608 - fixed names
                    f"WHERE {table}.{pk} = v.{pk}::bigint"
                )
                cursor.execute(sql, [value for row in chunk for value in row])


def generate_sessions(
    *,
    establishment,
    school_year: SchoolYear | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    slots: Iterable[Slot] | QuerySet[Slot] | None = None,
    today: dt.date | None = None,
) -> GenerationResult:
    """Make the sessions of `slots` (default: every slot of the year) between `start` and `end`
    (default: the whole school year; clipped to it) match the slots. See the module docstring for
    what is created, updated, removed and kept. Runs in one transaction."""
    year = school_year or current_year(establishment)
    result = GenerationResult()
    if year is None:
        return result
    start = max(start or year.starts_on, year.starts_on)
    end = min(end or year.ends_on, year.ends_on)
    if start > end:
        return result
    today = today or local_today(establishment)
    with transaction.atomic():
        settings_row = settings_for(establishment)
        closed = closed_days(year, start, end)
        slot_rows = _slot_rows(year, slots)
        slot_ids = [s["id"] for s in slot_rows]

        school_days: dict[int, list[tuple[dt.date, str]]] = {weekday: [] for weekday in range(7)}
        for day in days_between(start, end):
            if day not in closed:
                school_days[day.weekday()].append((day, settings_row.week_of(day)))

        desired: dict[tuple[int, dt.date], dict] = {}
        for slot in slot_rows:
            pattern, first, last = slot["week_pattern"], slot["valid_from"], slot["valid_until"]
            for day, week in school_days[slot["weekday"]]:
                if pattern != WeekPattern.EVERY and pattern != week:
                    continue
                if (first and day < first) or (last and day > last):
                    continue
                desired[(slot["id"], day)] = slot

        existing_qs = Session.objects.filter(
            establishment_id=year.establishment_id,
            slot_id__in=slot_ids,
            original_on__gte=start,
            original_on__lte=end,
        )
        existing: list[Any] = list(
            existing_qs.values(
                "id",
                "slot_id",
                "original_on",
                "held_on",
                "start_time",
                "end_time",
                "room_id",
                "teacher_id",
                "assignment_id",
                "version",
            )
        )
        touched = touched_session_ids(existing_qs) if existing else set()
        now = timezone.now()

        to_update: list[tuple] = []
        to_delete: list[int] = []
        seen: set[tuple[int, dt.date]] = set()
        for row in existing:
            key = (row["slot_id"], row["original_on"])
            seen.add(key)
            slot = desired.get(key)
            frozen = row["id"] in touched or row["held_on"] < today
            if slot is None:
                if frozen:
                    result.kept += 1
                else:
                    to_delete.append(row["id"])
                continue
            wanted = {
                "held_on": row["original_on"],
                "start_time": slot["start_time"],
                "end_time": slot["end_time"],
                "room_id": slot["room_id"],
                "teacher_id": slot["assignment__teacher_id"],
                "assignment_id": slot["assignment_id"],
            }
            if all(row[name] == value for name, value in wanted.items()):
                result.unchanged += 1
                continue
            if frozen:
                result.kept += 1
                continue
            to_update.append((*wanted.values(), row["version"] + 1, now, row["id"]))

        to_create = [
            (
                uuid.uuid4(),
                year.establishment_id,
                year.pk,
                slot["assignment_id"],
                slot["id"],
                day,
                day,
                slot["start_time"],
                slot["end_time"],
                slot["room_id"],
                slot["assignment__teacher_id"],
                Session.Status.SCHEDULED.value,
                False,
                "",
                1,
                now,
            )
            for (slot_id, day), slot in desired.items()
            if (slot_id, day) not in seen
        ]
        _write_many(INSERT_FIELDS, to_create, insert=True)
        _write_many(UPDATE_FIELDS, to_update, insert=False)
        for index in range(0, len(to_delete), BATCH):
            Session.objects.filter(pk__in=to_delete[index : index + BATCH]).delete()
        result.created, result.updated, result.deleted = len(to_create), len(to_update), len(to_delete)
    return result


def remove_future_sessions(slot: Slot, *, today: dt.date | None = None) -> GenerationResult:
    """Before a slot is deleted: remove its untouched sessions from today on; the others stay
    (their `slot` becomes empty when the slot goes)."""
    today = today or local_today(slot.establishment)
    result = GenerationResult()
    future = Session.objects.filter(establishment_id=slot.establishment_id, slot=slot, held_on__gte=today)
    touched = touched_session_ids(future)
    ids = [pk for pk in future.values_list("pk", flat=True) if pk not in touched]
    result.kept = len(touched)
    for index in range(0, len(ids), BATCH):
        Session.objects.filter(pk__in=ids[index : index + BATCH]).delete()
    result.deleted = len(ids)
    return result
