"""Writing a validated timetable plan, inside the import framework's transaction: new rooms, new
slots and changed slots in bulk, then the sessions of those slots from today (or from the start of
the year when it has not begun) to the end of the year."""

from __future__ import annotations

from carnet.school.imports.plan import Plan
from carnet.timetable.calendar import generate_sessions
from carnet.timetable.imports.validation import TimetableWork
from carnet.timetable.models import Resource, Slot

BATCH = 500


def apply(plan: Plan) -> None:
    work: TimetableWork = plan.work
    establishment = plan.establishment
    year = work.year

    new_rooms = []
    for key, name in work.new_rooms.items():
        room = Resource(establishment=establishment, kind=Resource.Kind.ROOM, name=name.strip())
        room.normalized_name = key
        new_rooms.append(room)
    Resource.objects.bulk_create(new_rooms, batch_size=BATCH)
    room_ids = dict(work.room_ids)
    room_ids.update(
        Resource.objects.filter(
            establishment=establishment, kind=Resource.Kind.ROOM, normalized_name__in=list(work.new_rooms)
        ).values_list("normalized_name", "pk")
    )

    created = [
        Slot(
            establishment=establishment,
            school_year=year,
            assignment_id=item.assignment_id,
            weekday=item.weekday,
            start_time=item.start_time,
            end_time=item.end_time,
            room_id=room_ids[item.room_key] if item.room_key else None,
            week_pattern=item.week_pattern,
        )
        for item in work.slots
        if item.existing_id is None
    ]
    Slot.objects.bulk_create(created, batch_size=BATCH)
    changed = [
        Slot(
            id=item.existing_id,
            end_time=item.end_time,
            room_id=room_ids[item.room_key] if item.room_key else None,
        )
        for item in work.slots
        if item.existing_id is not None and item.changes
    ]
    if changed:
        Slot.objects.bulk_update(changed, ["end_time", "room_id"], batch_size=BATCH)

    touched = [slot.pk for slot in created if slot.pk] + [slot.pk for slot in changed]
    if len(touched) < len(created) + len(changed):
        # Backends that do not return ids from a bulk insert: find the new slots again.
        touched = list(Slot.objects.filter(school_year=year).values_list("pk", flat=True))
    if touched:
        generate_sessions(
            establishment=establishment,
            school_year=year,
            start=max(work.today, year.starts_on),
            slots=Slot.objects.filter(pk__in=touched),
            today=work.today,
        )
