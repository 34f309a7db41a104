"""Validating a students file against what the establishment holds: classes, students, enrollments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.imports import levels as level_names
from carnet.school.imports import people
from carnet.school.imports.columns import locate_header
from carnet.school.imports.errors import ImportFileRejected
from carnet.school.imports.plan import CREATED, UNCHANGED, UPDATED, Plan
from carnet.school.imports.reading import Table
from carnet.school.imports.students.guardians import match_guardians
from carnet.school.imports.students.lines import (
    COLUMNS,
    Problems,
    parse_line,
)
from carnet.school.imports.students.work import (
    EnrollmentWork,
    Known,
    NewClass,
    StudentsWork,
    StudentWork,
)
from carnet.school.models import (
    SchoolClass,
    SchoolYear,
)


def validate(table: Table, *, establishment, actor, today: dt.date) -> Plan:
    plan = Plan("students", establishment)
    header, rows = locate_header(table, COLUMNS)
    plan.rows, plan.ignored_columns = len(rows), header.ignored
    year = SchoolYear.objects.filter(establishment=establishment, is_current=True).first()
    if year is None:
        raise ImportFileRejected(
            _("%(establishment)s n'a pas d'année scolaire en cours : créez-la avant d'importer les élèves.")
            % {"establishment": establishment.name}
        )
    problem = Problems(plan, header)
    lines = [parse_line(row, i, header, problem, establishment.country, today) for i, row in enumerate(rows)]
    known = Known.load(establishment, year, actor)
    work = StudentsWork(year=year, class_ids={}, level_ids={}, series_ids={})
    plan.work = work
    class_names = _resolve_classes(plan, work, known, lines, problem, establishment.country)
    students = _match_students(plan, work, known, lines, problem, year, today, class_names)
    match_guardians(plan, work, known, lines, students, problem)
    return plan


def _resolve_classes(plan, work: StudentsWork, known: Known, lines, problem, country) -> dict[str, str]:
    """Class key -> class name; records the classes, levels and series to create."""
    names = {}
    for c in known.classes:
        work.class_ids[c["normalized_name"]] = c["id"]
        names[c["normalized_name"]] = c["name"]
    new: dict[str, NewClass] = {}
    for sl in lines:
        if not sl.class_name:
            continue
        key = SchoolClass.normalize(sl.class_name)
        if key in work.class_ids:
            continue
        if key not in new:
            inferred_level, inferred_series = level_names.infer(sl.class_name, country)
            new[key] = NewClass(
                key=key,
                name=sl.class_name,
                line=sl.row.line,
                level=sl.level or inferred_level,
                series=sl.series or inferred_series,
                level_given=bool(sl.level),
            )
            names[key] = sl.class_name
            continue
        first = new[key]
        if sl.level and level_names.level_key(sl.level) != level_names.level_key(first.level):
            if first.level_given:
                problem(
                    sl.row.line,
                    "level",
                    _("La classe « %(name)s » est indiquée au niveau « %(other)s » ligne %(line)s : un seul niveau par classe.")
                    % {"name": first.name, "other": first.level, "line": first.line},
                )
            else:
                first.level, first.level_given = sl.level, True
        if sl.series and not first.series:
            first.series = sl.series
    work.new_classes = list(new.values())

    for level in known.levels:
        work.level_ids.setdefault(level_names.level_key(level["name"]), level["id"])
    for series in known.series:
        work.series_ids.setdefault(SchoolClass.normalize(series["name"]), series["id"])
    new_level_keys, new_series_keys = set(), set()
    for nc in work.new_classes:
        if nc.level:
            key = level_names.level_key(nc.level)
            if key not in work.level_ids and key not in new_level_keys:
                new_level_keys.add(key)
                name = level_names.display_level_name(nc.level)
                work.new_levels.append((key, name, level_names.level_rank(nc.level)))
                plan.change("levels", CREATED, name, nc.line)
        if nc.series:
            key = SchoolClass.normalize(nc.series)
            if key not in work.series_ids and key not in new_series_keys:
                new_series_keys.add(key)
                work.new_series.append((key, nc.series))
                plan.change("series", CREATED, nc.series, nc.line)
        details = {}
        if nc.level:
            details["level"] = (None, level_names.display_level_name(nc.level))
        if nc.series:
            details["series"] = (None, nc.series)
        plan.change("classes", CREATED, nc.name, nc.line, details)
    return names


def _match_students(plan, work, known: Known, lines, problem, year, today, class_names) -> list[int | None]:
    """For each line, the index of its StudentWork (None when the line could not be matched)."""
    current = [e for e in known.enrollments if e["school_year_id"] == year.pk]
    open_now = {e["student_id"]: e for e in current if e["ends_on"] is None}
    enrolled_this_year = {e["student_id"] for e in current}
    class_key_by_id = {c["id"]: c["normalized_name"] for c in known.classes}
    by_matricule: dict[str, int] = {}
    latest_matricule: dict[int, str] = {}
    for e in sorted(known.enrollments, key=lambda e: (e["school_year_id"] == year.pk, e["ends_on"] is None, e["starts_on"])):
        if e["national_id"]:
            by_matricule[e["national_id"]] = e["student_id"]
            latest_matricule[e["student_id"]] = e["national_id"]
    by_identity: dict[tuple, list[int]] = {}
    for s in known.students.values():
        if s["birth_date"]:
            by_identity.setdefault((*people.name_key(s["last_name"], s["first_name"]), s["birth_date"]), []).append(s["id"])

    claimed: dict[int, int] = {}
    seen_matricules: dict[str, int] = {}
    seen_identities: dict[tuple, int] = {}
    result: list[int | None] = []
    for sl in lines:
        line = sl.row.line
        identity = (*people.name_key(sl.last_name, sl.first_name), sl.birth_date)
        if sl.national_id:
            if sl.national_id in seen_matricules:
                problem(line, "national_id", _("Le matricule « %(value)s » figure déjà ligne %(line)s.")
                        % {"value": sl.national_id, "line": seen_matricules[sl.national_id]})
                result.append(None)
                continue
            seen_matricules[sl.national_id] = line
        elif sl.birth_date:
            if identity in seen_identities:
                problem(line, "last_name", _("Cet élève (même nom, même date de naissance) figure déjà ligne %(line)s.")
                        % {"line": seen_identities[identity]})
                result.append(None)
                continue
            seen_identities[identity] = line

        existing = None
        student_id = by_matricule.get(sl.national_id) if sl.national_id else None
        if student_id is not None:
            existing = known.students[student_id]
            same_last = fold(existing["last_name"]) == identity[0]
            same_first = fold(existing["first_name"]) == identity[1]
            if sl.last_name and sl.first_name and not same_last and not same_first:
                problem(
                    line,
                    "national_id",
                    _("Le matricule « %(value)s » est celui de %(name)s dans Carnet, pas de %(other)s : vérifiez-le.")
                    % {
                        "value": sl.national_id,
                        "name": people.full_name(existing["last_name"], existing["first_name"]),
                        "other": people.full_name(sl.last_name, sl.first_name),
                    },
                )
                result.append(None)
                continue
        elif sl.birth_date and sl.last_name and sl.first_name:
            candidates = by_identity.get(identity, [])
            if len(candidates) > 1:
                problem(line, "national_id", _("Plusieurs élèves portent ce nom et sont nés ce jour-là : indiquez le matricule."))
                result.append(None)
                continue
            if candidates:
                existing = known.students[candidates[0]]
        if existing is not None:
            if existing["id"] in claimed:
                problem(line, "last_name", _("Cette ligne désigne le même élève que la ligne %(line)s.")
                        % {"line": claimed[existing["id"]]})
                result.append(None)
                continue
            claimed[existing["id"]] = line

        wanted = {
            "last_name": sl.last_name or None,
            "first_name": sl.first_name or None,
            "sex": sl.sex,
            "birth_date": sl.birth_date,
            "birth_place": sl.birth_place,
        }
        class_key = SchoolClass.normalize(sl.class_name)
        fields: dict[str, tuple[Any, Any]] = {}
        if existing is None:
            updates: dict[str, tuple[Any, Any]] = {}
            create = {k: v for k, v in wanted.items() if v is not None}
            enrollment = EnrollmentWork(
                "create", class_key=class_key, national_id=sl.national_id, is_repeating=bool(sl.repeating),
                starts_on=year.starts_on,
            )
        else:
            updates = people.diff(existing, wanted)
            fields.update(updates)
            create = {}
            student_id = existing["id"]
            national_id = sl.national_id or latest_matricule.get(student_id, "")
            enrolled = open_now.get(student_id)
            if enrolled is None:
                starts_on = max(today, year.starts_on) if student_id in enrolled_this_year else year.starts_on
                enrollment = EnrollmentWork(
                    "create", class_key=class_key, national_id=national_id, is_repeating=bool(sl.repeating),
                    starts_on=starts_on,
                )
                fields["school_class"] = (None, class_names.get(class_key, sl.class_name))
            else:
                enrollment = _enrollment_changes(enrolled, sl, class_key, class_key_by_id, today, fields, class_names)
        if not sl.class_name:
            enrollment = EnrollmentWork("none")
        work.students.append(StudentWork(line=line, existing=existing, create=create, updates=updates, enrollment=enrollment))
        result.append(len(work.students) - 1)
        label = people.full_name(sl.last_name, sl.first_name)
        if existing is None:
            plan.change("students", CREATED, label, line, {"school_class": (None, class_names.get(class_key, sl.class_name))})
        else:
            plan.change("students", UPDATED if fields else UNCHANGED, label, line, fields)
    return result


def _enrollment_changes(enrolled, sl, class_key, class_key_by_id, today, fields, class_names) -> EnrollmentWork:
    updates: dict[str, Any] = {}
    national_id = enrolled["national_id"]
    if sl.national_id and sl.national_id != enrolled["national_id"]:
        updates["national_id"] = sl.national_id
        fields["national_id"] = (enrolled["national_id"], sl.national_id)
        national_id = sl.national_id
    is_repeating = enrolled["is_repeating"]
    if sl.repeating is not None and sl.repeating != enrolled["is_repeating"]:
        updates["is_repeating"] = sl.repeating
        fields["is_repeating"] = (enrolled["is_repeating"], sl.repeating)
        is_repeating = sl.repeating
    old_key = class_key_by_id.get(enrolled["school_class_id"])
    if old_key == class_key:
        return EnrollmentWork("update" if updates else "none", enrollment_id=enrolled["id"], updates=updates)
    fields["school_class"] = (class_names.get(old_key, ""), class_names.get(class_key, sl.class_name))
    if enrolled["starts_on"] >= today:
        # Not begun yet: nothing to keep a trace of, the enrollment simply points to the new class.
        updates["school_class"] = class_key
        return EnrollmentWork("update", enrollment_id=enrolled["id"], updates=updates)
    return EnrollmentWork(
        "move",
        enrollment_id=enrolled["id"],
        class_key=class_key,
        national_id=national_id,
        is_repeating=is_repeating,
        starts_on=today,
        closes_on=today - dt.timedelta(days=1),
    )
