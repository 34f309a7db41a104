"""The demo's timetable: rooms, one weekly slot per hour of each teaching assignment, placed so that
no teacher, class or room is in two places at once.

Placement is greedy and deterministic (a seeded `random.Random` per establishment): assignments that
tie several classes (groups) go first, then the biggest. A half hour left over (1.5 h a week) becomes
an hour every other week (week A), which shows the A/B pattern. Each class has a home room; EPS goes
to the sports hall or the playing field, group lessons to the rooms of the group wing.

Hours: France 8:00–12:00 and 13:00–17:00, no lessons on Wednesday afternoon; Benin 7:00–12:00 and
15:00–18:00 (the CEG's afternoon starts late because of the heat)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from carnet.school import models as school
from carnet.timetable.calendar import generate_sessions
from carnet.timetable.models import Resource, Slot, WeekPattern

SEED = "carnet-demo-2026-timetable"

HOURS = {
    "FR": {day: [8, 9, 10, 11, 13, 14, 15, 16] if day != 2 else [8, 9, 10, 11] for day in range(5)},
    "BJ": {day: [7, 8, 9, 10, 11, 15, 16, 17] if day != 2 else [7, 8, 9, 10, 11] for day in range(5)},
}
SPORTS = ("EPS",)


@dataclass
class Placed:
    rooms: int = 0
    slots: int = 0
    unplaced_hours: int = 0
    sessions: int = 0
    by_class: dict[int, int] = field(default_factory=dict)


def _slots_for(hours) -> list[str]:
    """Week patterns of the slots an assignment of `hours` a week gets: 1.5 h -> every + A."""
    whole = math.floor(hours)
    patterns = [WeekPattern.EVERY.value] * whole
    if hours - whole >= 0.5:
        patterns.append(WeekPattern.WEEK_A.value)
    return patterns


def seed_timetable(establishment: school.Establishment, year: school.SchoolYear) -> Placed:
    """Create the rooms and weekly slots of every teaching assignment of `year` (bulk writes)."""
    rng = random.Random(f"{SEED}-{establishment.code}")
    hours_by_day = HOURS.get(establishment.country, HOURS["FR"])
    assignments = list(
        school.TeachingAssignment.objects.filter(school_year=year)
        .select_related("subject", "school_class", "group")
        .order_by("id")
    )
    group_classes: dict[int, list[int]] = defaultdict(list)
    for group_id, class_id in school.TeachingGroup.classes.through.objects.filter(
        teachinggroup__school_year=year
    ).values_list("teachinggroup_id", "schoolclass_id"):
        group_classes[group_id].append(class_id)
    classes = list(school.SchoolClass.objects.filter(school_year=year).order_by("name"))

    rooms = [Resource(establishment=establishment, kind=Resource.Kind.ROOM, name=f"Salle {100 + i + 1}", capacity=36)
             for i in range(len(classes))]
    group_rooms = [Resource(establishment=establishment, kind=Resource.Kind.ROOM, name=f"Salle {200 + i + 1}", capacity=24)
                   for i in range(max(4, len(classes) // 3))]
    sports = [Resource(establishment=establishment, kind=Resource.Kind.ROOM, name=name, capacity=60, bookable=False)
              for name in ("Gymnase", "Terrain de sport", "Plateau sportif")]
    extra = [
        Resource(establishment=establishment, kind=Resource.Kind.ROOM, name="CDI", capacity=40, needs_approval=True),
        Resource(establishment=establishment, kind=Resource.Kind.ROOM, name="Salle polyvalente", capacity=120, needs_approval=True),
        Resource(establishment=establishment, kind=Resource.Kind.EQUIPMENT, name="Vidéoprojecteur mobile 1"),
        Resource(establishment=establishment, kind=Resource.Kind.EQUIPMENT, name="Vidéoprojecteur mobile 2"),
        Resource(establishment=establishment, kind=Resource.Kind.EQUIPMENT, name="Chariot de tablettes", needs_approval=True),
    ]
    for resource in [*rooms, *group_rooms, *sports, *extra]:
        resource.normalized_name = Resource.normalize(resource.name)
    Resource.objects.bulk_create([*rooms, *group_rooms, *sports, *extra])
    home = {c.pk: rooms[i] for i, c in enumerate(classes)}

    cells = [(day, hour) for day, hours in hours_by_day.items() for hour in hours]
    busy_teacher: dict[int, set] = defaultdict(set)
    busy_class: dict[int, set] = defaultdict(set)
    busy_room: dict[int, set] = defaultdict(set)

    def involved(a: school.TeachingAssignment) -> list[int]:
        return [a.school_class_id] if a.school_class_id else group_classes.get(a.group_id or 0, [])

    ordered = sorted(assignments, key=lambda a: (a.group_id is None, -(a.weekly_hours or 0), a.id))
    placed = Placed(rooms=len(rooms) + len(group_rooms) + len(sports) + len(extra))
    rows = []
    for assignment in ordered:
        class_ids = involved(assignment)
        days_used: set[int] = set()
        for pattern in _slots_for(float(assignment.weekly_hours or 0)):
            candidates = [c for c in cells if c not in busy_teacher[assignment.teacher_id]
                          and all(c not in busy_class[k] for k in class_ids)]
            rng.shuffle(candidates)
            # Spread a subject over the week; mornings first for the main subjects.
            candidates.sort(key=lambda c: (c[0] in days_used, c[1] >= 13))
            chosen = None
            for cell in candidates:
                room = _room_for(assignment, cell, home, group_rooms, sports, busy_room)
                if room is not None:
                    chosen = (cell, room)
                    break
            if chosen is None:
                placed.unplaced_hours += 1
                continue
            (day, hour), room = chosen
            busy_teacher[assignment.teacher_id].add((day, hour))
            for k in class_ids:
                busy_class[k].add((day, hour))
            busy_room[room.pk].add((day, hour))
            days_used.add(day)
            rows.append(Slot(
                establishment=establishment, school_year=year, assignment=assignment, weekday=day,
                start_time=dt.time(hour, 0), end_time=dt.time(hour, 55), room=room, week_pattern=pattern,
            ))
    Slot.objects.bulk_create(rows, batch_size=2000)
    placed.slots = len(rows)
    placed.sessions = generate_sessions(establishment=establishment, school_year=year).created
    return placed


def _room_for(assignment, cell, home, group_rooms, sports, busy_room) -> Resource | None:
    if assignment.subject.name in SPORTS:
        pool = sports
    elif assignment.school_class_id:
        pool = [home[assignment.school_class_id]]
    else:
        pool = group_rooms
    for room in pool:
        if cell not in busy_room[room.pk]:
            return room
    return None
