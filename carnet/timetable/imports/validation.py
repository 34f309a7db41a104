"""Checking a timetable file line by line against the establishment's current year, and building the
plan.

Each line is one weekly slot: a day, a start and an end, a class or a group, a subject and a teacher
(who must hold that teaching assignment: import the assignments first), a room (created when it is
new: the summary says so) and a week (A, B, or empty for every week).

A slot already in Carnet with the same assignment, day, start and week is the same slot: its end and
room follow the file (updated), or nothing changes (unchanged). Slots absent from the file stay as
they are. Every line must be free: no two lines, and no line and a slot already in Carnet, may give
the same teacher, class or group (students in common) or room two lessons at once in a common week.
Every problem is reported with its line; nothing is written unless the whole file is right."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.imports import people
from carnet.school.imports.columns import Column, locate_header
from carnet.school.imports.errors import ImportFileRejected
from carnet.school.imports.plan import CREATED, UNCHANGED, UPDATED, Plan
from carnet.school.imports.reading import Table
from carnet.school.imports.values import CellError, check_length, parse_email
from carnet.school.models import (
    SchoolClass,
    SchoolYear,
    StaffFunction,
    Subject,
    TeachingAssignment,
    TeachingGroup,
)
from carnet.timetable.models import Resource, Slot, Weekday, WeekPattern
from carnet.timetable.services.clashes import AudienceMaps
from carnet.timetable.weeks import hhmm, patterns_overlap, times_overlap

User = get_user_model()

COLUMNS = [
    Column("day", "Jour", ("Jour de la semaine",), required=True),
    Column("start", "Début", ("Heure de début", "Heure début", "De"), required=True),
    Column("end", "Fin", ("Heure de fin", "Heure fin", "À", "A"), required=True),
    Column("class", "Classe", ("Division",)),
    Column("group", "Groupe", ("Groupe de classe",)),
    Column("subject", "Matière", ("Discipline", "Enseignement"), required=True),
    Column("teacher", "Enseignant", ("Enseignante", "Professeur", "Professeure", "Prof"), required=True),
    Column("room", "Salle", ("Lieu",)),
    Column("week", "Semaine", ("Alternance", "Quinzaine")),
]
AUDIENCE_COLUMNS = ("class", "group")

DAYS = {
    "lundi": 0,
    "lun": 0,
    "monday": 0,
    "mon": 0,
    "mardi": 1,
    "mar": 1,
    "tuesday": 1,
    "tue": 1,
    "mercredi": 2,
    "mer": 2,
    "wednesday": 2,
    "wed": 2,
    "jeudi": 3,
    "jeu": 3,
    "thursday": 3,
    "thu": 3,
    "vendredi": 4,
    "ven": 4,
    "friday": 4,
    "fri": 4,
    "samedi": 5,
    "sam": 5,
    "saturday": 5,
    "sat": 5,
    "dimanche": 6,
    "dim": 6,
    "sunday": 6,
    "sun": 6,
}
WEEKS = {
    "": WeekPattern.EVERY,
    "toutes": WeekPattern.EVERY,
    "toutes les semaines": WeekPattern.EVERY,
    "chaque semaine": WeekPattern.EVERY,
    "hebdomadaire": WeekPattern.EVERY,
    "a": WeekPattern.WEEK_A,
    "semaine a": WeekPattern.WEEK_A,
    "sem a": WeekPattern.WEEK_A,
    "q1": WeekPattern.WEEK_A,
    "b": WeekPattern.WEEK_B,
    "semaine b": WeekPattern.WEEK_B,
    "sem b": WeekPattern.WEEK_B,
    "q2": WeekPattern.WEEK_B,
}
_TIME = re.compile(r"^(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2})\s*[:hH.]\s*(\d{2})?(?::(\d{2}))?$")


@dataclass
class SlotWork:
    line: int
    assignment_id: int
    teacher_id: int
    class_id: int | None
    group_id: int | None
    weekday: int
    start_time: dt.time
    end_time: dt.time
    week_pattern: str
    room_key: str | None  # normalized room name, or None for no room
    label: str
    teacher_name: str = ""
    subject_name: str = ""
    audience_name: str = ""
    room_name: str = ""
    existing_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class TimetableWork:
    year: SchoolYear
    today: dt.date
    room_ids: dict[str, int]  # normalized name -> id, for the rooms that exist
    new_rooms: dict[str, str] = field(default_factory=dict)  # normalized name -> name as written
    slots: list[SlotWork] = field(default_factory=list)


def parse_time(text: str) -> dt.time:
    match = _TIME.match(text.strip())
    if match:
        hour, minute, second = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
        if hour < 24 and minute < 60 and second == 0:
            return dt.time(hour, minute)
    raise CellError(
        _("Heure « %(value)s » invalide : écrivez-la comme 08:30 (de 00:00 à 23:59).") % {"value": text}
    )


def parse_day(text: str) -> int:
    key = re.sub(r"[^a-z]", "", fold(text))
    if key in DAYS:
        return DAYS[key]
    raise CellError(
        _("Jour « %(value)s » inconnu : écrivez lundi, mardi, mercredi, jeudi, vendredi ou samedi.")
        % {"value": text}
    )


def parse_week(text: str) -> str:
    key = re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", " ", fold(text))).strip()
    if key in WEEKS:
        return WEEKS[key]
    raise CellError(
        _("Semaine « %(value)s » inconnue : écrivez A, B, ou laissez vide pour toutes les semaines.")
        % {"value": text}
    )


def _name(text: str) -> str:
    return fold(re.sub(r"[,;]", " ", text))


def _week_words(pattern: str) -> str:
    if pattern == WeekPattern.EVERY:
        return ""
    return " " + (_("(semaine A)") if pattern == WeekPattern.WEEK_A else _("(semaine B)"))


def validate(table: Table, *, establishment, actor, today: dt.date) -> Plan:
    plan = Plan("timetable", establishment)
    header, rows = locate_header(table, COLUMNS, one_of=(AUDIENCE_COLUMNS,))
    plan.rows, plan.ignored_columns = len(rows), header.ignored
    year = SchoolYear.objects.filter(establishment=establishment, is_current=True).first()
    if year is None:
        raise ImportFileRejected(
            _(
                "%(establishment)s n'a pas d'année scolaire en cours : créez-la avant d'importer l'emploi du temps."
            )
            % {"establishment": establishment.name}
        )

    def problem(line, key, message):
        plan.add_problem(line, header.name(key), message, header.letter(key))

    # --- what the establishment holds, one query each --------------------------------------------
    staff_ids = (
        StaffFunction.objects.filter(establishment=establishment)
        .exclude(kind=StaffFunction.Kind.GUEST)
        .values("user_id")
    )
    staff = people.snapshot(
        User.objects.filter(is_active=True).filter(
            Q(id__in=staff_ids)
            | Q(id__in=TeachingAssignment.objects.filter(school_year=year).values("teacher_id"))
        )
    )
    by_email: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for person in staff.values():
        if person["email"]:
            by_email.setdefault(person["email"].lower(), []).append(person["id"])
        for spelling in {
            _name(f"{person['last_name']} {person['first_name']}"),
            _name(f"{person['first_name']} {person['last_name']}"),
        }:
            by_name.setdefault(spelling, []).append(person["id"])
    fields = ("id", "name", "normalized_name")
    classes = {
        c["normalized_name"]: c for c in people.rows(SchoolClass.objects.filter(school_year=year), *fields)
    }
    groups = {
        g["normalized_name"]: g for g in people.rows(TeachingGroup.objects.filter(school_year=year), *fields)
    }
    subjects: dict[str, dict] = {}
    subject_rows = people.rows(Subject.objects.filter(establishment=establishment), *fields, "short_name")
    for s in subject_rows:
        subjects[s["normalized_name"]] = s
    for s in subject_rows:
        if s["short_name"]:
            subjects.setdefault(Subject.normalize(s["short_name"]), s)
    assignments = {
        (a["teacher_id"], a["school_class_id"], a["group_id"], a["subject_id"]): a["id"]
        for a in people.rows(
            TeachingAssignment.objects.filter(school_year=year),
            "id",
            "teacher_id",
            "school_class_id",
            "group_id",
            "subject_id",
        )
    }
    rooms = {
        r["normalized_name"]: r
        for r in people.rows(
            Resource.objects.filter(establishment=establishment, kind=Resource.Kind.ROOM),
            "id",
            "name",
            "normalized_name",
        )
    }
    existing_slots: list[Any] = list(
        Slot.objects.filter(school_year=year).values(
            "id",
            "assignment_id",
            "assignment__teacher_id",
            "assignment__school_class_id",
            "assignment__group_id",
            "weekday",
            "start_time",
            "end_time",
            "week_pattern",
            "room_id",
            "room__name",
            "valid_from",
            "valid_until",
            "assignment__subject__name",
            "assignment__school_class__name",
            "assignment__group__name",
            "assignment__teacher__last_name",
            "assignment__teacher__first_name",
        )
    )
    existing_by_key = {
        (s["assignment_id"], s["weekday"], s["start_time"], s["week_pattern"]): s for s in existing_slots
    }
    work = TimetableWork(year=year, today=today, room_ids={key: r["id"] for key, r in rooms.items()})
    plan.work = work

    seen: dict[tuple, int] = {}
    for row in rows:
        line = row.line

        def cell(key, row=row):
            return header.get(row, key)

        def report(key, message, line=line):
            problem(line, key, message)

        weekday = start = end = None
        try:
            weekday = parse_day(cell("day")) if cell("day") else None
            if weekday is None:
                report("day", _("Jour manquant."))
        except CellError as exc:
            report("day", str(exc))
        for key, label in (("start", _("Heure de début manquante.")), ("end", _("Heure de fin manquante."))):
            text = cell(key)
            if not text:
                report(key, label)
                continue
            try:
                value = parse_time(text)
            except CellError as exc:
                report(key, str(exc))
                continue
            if key == "start":
                start = value
            else:
                end = value
        if start is not None and end is not None and end <= start:
            report(
                "end",
                _("L'heure de fin (%(end)s) doit être après l'heure de début (%(start)s).")
                % {"end": hhmm(end), "start": hhmm(start)},
            )
            start = end = None
        week = None
        try:
            week = parse_week(cell("week"))
        except CellError as exc:
            report("week", str(exc))
        audience = _audience(header, row, classes, groups, report)
        subject = None
        subject_text = cell("subject")
        if not subject_text:
            report("subject", _("Matière manquante."))
        else:
            subject = subjects.get(Subject.normalize(subject_text))
            if subject is None:
                report(
                    "subject",
                    _("Matière « %(value)s » inconnue : importez d'abord les services d'enseignement.")
                    % {"value": subject_text},
                )
        teacher = _teacher(cell("teacher"), staff, by_email, by_name, lambda m: report("teacher", m))
        room_key: str | None = None
        room_text = cell("room")
        if room_text:
            try:
                check_length(room_text, 80, _("Salle"))
                room_key = Resource.normalize(room_text)
                if room_key not in rooms and room_key not in work.new_rooms:
                    work.new_rooms[room_key] = room_text
                    plan.change("rooms", CREATED, room_text, line)
            except CellError as exc:
                report("room", str(exc))
        if None in (weekday, start, end, week, audience, subject, teacher):
            continue
        assert weekday is not None and start is not None and end is not None and week is not None
        assert audience is not None and subject is not None and teacher is not None
        class_id, group_id, audience_name = audience
        assignment_id = assignments.get((teacher["id"], class_id, group_id, subject["id"]))
        teacher_name = people.full_name(teacher["last_name"], teacher["first_name"])
        if assignment_id is None:
            report(
                "teacher",
                _(
                    "%(teacher)s n'a pas de service de %(subject)s en %(audience)s : importez d'abord les services d'enseignement."
                )
                % {"teacher": teacher_name, "subject": subject["name"], "audience": audience_name},
            )
            continue
        slot_key = (assignment_id, weekday, start, week)
        if slot_key in seen:
            report("start", _("Ce créneau figure déjà ligne %(line)s.") % {"line": seen[slot_key]})
            continue
        seen[slot_key] = line
        label = f"{subject['name']} — {audience_name} — {Weekday(weekday).label} {hhmm(start)}–{hhmm(end)}{_week_words(week)}"
        room_name = (
            (rooms[room_key]["name"] if room_key in rooms else work.new_rooms[room_key]) if room_key else ""
        )
        item = SlotWork(
            line,
            assignment_id,
            teacher["id"],
            class_id,
            group_id,
            weekday,
            start,
            end,
            week,
            room_key,
            label,
            teacher_name=teacher_name,
            subject_name=subject["name"],
            audience_name=audience_name,
            room_name=room_name,
        )
        current = existing_by_key.get(slot_key)
        if current is not None:
            item.existing_id = current["id"]
            room_id = rooms[room_key]["id"] if room_key in rooms else None
            if current["end_time"] != end:
                item.changes["end_time"] = (hhmm(current["end_time"]), hhmm(end))
            if current["room_id"] != room_id or (room_key and room_key not in rooms):
                item.changes["room"] = (current["room__name"] or None, item.room_name or None)
        work.slots.append(item)

    _check_overlaps(plan, header, work, existing_slots, AudienceMaps.load(year))
    for item in work.slots:
        if item.existing_id is None:
            plan.change("slots", CREATED, item.label, item.line)
        else:
            plan.change("slots", UPDATED if item.changes else UNCHANGED, item.label, item.line, item.changes)
    return plan


def _check_overlaps(
    plan: Plan, header, work: TimetableWork, existing_slots: list[dict], maps: AudienceMaps
) -> None:
    """Every pair of lines, and every line against the slots already in Carnet that the file does
    not update, must not give a teacher, students or a room two lessons at once."""

    def problem(line, message):
        plan.add_problem(line, header.name("start"), message, header.letter("start"))

    updated_ids = {item.existing_id for item in work.slots if item.existing_id}
    by_day: dict[int, list[SlotWork]] = {}
    for item in work.slots:
        by_day.setdefault(item.weekday, []).append(item)
    for items in by_day.values():
        items.sort(key=lambda i: (i.start_time, i.line))
        for index, item in enumerate(items):
            for other in items[:index]:
                if not (
                    times_overlap(item.start_time, item.end_time, other.start_time, other.end_time)
                    and patterns_overlap(item.week_pattern, other.week_pattern)
                ):
                    continue
                reason = _reason(
                    teacher=item.teacher_id == other.teacher_id,
                    audience=maps.meet((item.class_id, item.group_id), (other.class_id, other.group_id)),
                    room=bool(item.room_key) and item.room_key == other.room_key,
                    teacher_name=other.teacher_name,
                    audience_name=other.audience_name,
                    room_name=other.room_name,
                )
                if reason:
                    first, second = sorted((item.line, other.line))
                    earlier = other if other.line == first else item
                    problem(
                        second,
                        _(
                            "Chevauche la ligne %(line)s (%(lesson)s, %(audience)s, %(start)s–%(end)s) : %(reason)s."
                        )
                        % {
                            "line": first,
                            "lesson": earlier.subject_name,
                            "audience": earlier.audience_name,
                            "start": hhmm(earlier.start_time),
                            "end": hhmm(earlier.end_time),
                            "reason": reason,
                        },
                    )
    for slot in existing_slots:
        if slot["id"] in updated_ids:
            continue
        for item in by_day.get(slot["weekday"], []):
            if not (
                times_overlap(item.start_time, item.end_time, slot["start_time"], slot["end_time"])
                and patterns_overlap(item.week_pattern, slot["week_pattern"])
            ):
                continue
            room_id = work.room_ids.get(item.room_key) if item.room_key else None
            teacher_name = people.full_name(
                slot["assignment__teacher__last_name"], slot["assignment__teacher__first_name"]
            )
            audience_name = slot["assignment__school_class__name"] or slot["assignment__group__name"]
            reason = _reason(
                teacher=item.teacher_id == slot["assignment__teacher_id"],
                audience=maps.meet(
                    (item.class_id, item.group_id),
                    (slot["assignment__school_class_id"], slot["assignment__group_id"]),
                ),
                room=room_id is not None and room_id == slot["room_id"],
                teacher_name=teacher_name,
                audience_name=audience_name,
                room_name=slot["room__name"] or "",
            )
            if reason:
                problem(
                    item.line,
                    _(
                        "Chevauche un créneau déjà dans Carnet (%(lesson)s, %(audience)s, %(day)s %(start)s–%(end)s%(week)s) : %(reason)s."
                    )
                    % {
                        "lesson": slot["assignment__subject__name"],
                        "audience": audience_name,
                        "day": str(Weekday(slot["weekday"]).label).lower(),
                        "start": hhmm(slot["start_time"]),
                        "end": hhmm(slot["end_time"]),
                        "week": _week_words(slot["week_pattern"]),
                        "reason": reason,
                    },
                )


def _reason(
    *, teacher: bool, audience: bool, room: bool, teacher_name: str, audience_name: str, room_name: str
) -> str:
    reasons = []
    if teacher:
        reasons.append(_("%(teacher)s aurait deux cours à la fois") % {"teacher": teacher_name})
    if audience:
        reasons.append(
            _("les élèves de %(audience)s auraient deux cours à la fois") % {"audience": audience_name}
        )
    if room:
        reasons.append(_("la salle %(room)s serait occupée deux fois") % {"room": room_name})
    return ", ".join(reasons)


def _teacher(text: str, staff, by_email, by_name, problem) -> dict | None:
    if not text:
        problem(_("Enseignant manquant."))
        return None
    if "@" in text:
        try:
            email = parse_email(text)
        except CellError as exc:
            problem(str(exc))
            return None
        found = by_email.get(email, [])
        if len(found) == 1:
            return staff[found[0]]
        problem(_("Aucun enseignant de l'établissement n'a le courriel « %(value)s ».") % {"value": text})
        return None
    found = sorted(set(by_name.get(_name(text), [])))
    if len(found) == 1:
        return staff[found[0]]
    if len(found) > 1:
        problem(
            _("Plusieurs personnels s'appellent « %(value)s » : indiquez leur courriel.") % {"value": text}
        )
        return None
    problem(
        _(
            "Enseignant inconnu : « %(value)s ». Indiquez le courriel ou « Nom Prénom » d'un enseignant de l'établissement."
        )
        % {"value": text}
    )
    return None


def _audience(header, row, classes, groups, report) -> tuple[int | None, int | None, str] | None:
    class_text, group_text = header.get(row, "class"), header.get(row, "group")
    if class_text and group_text:
        report("group", _("Indiquez une classe ou un groupe, pas les deux."))
        return None
    if not class_text and not group_text:
        report("class" if header.has("class") else "group", _("Classe ou groupe manquant."))
        return None
    if class_text:
        found = classes.get(SchoolClass.normalize(class_text))
        if found is None:
            report("class", _("Classe « %(value)s » inconnue pour l'année en cours.") % {"value": class_text})
            return None
        return found["id"], None, found["name"]
    found = groups.get(SchoolClass.normalize(group_text))
    if found is None:
        report("group", _("Groupe « %(value)s » inconnu pour l'année en cours.") % {"value": group_text})
        return None
    return None, found["id"], found["name"]
