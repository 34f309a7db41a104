"""Teaching assignments (services d'enseignement) of the current year.

The teacher must already be a member of the staff (by e-mail or "Nom Prénom"); the class or group
must exist in the current year; a subject named for the first time is created. An assignment is
recognised by its teacher, class or group and subject: coefficient, hours and main-teacher flag
are updated in place."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
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
from carnet.school.imports.values import (
    CellError,
    check_length,
    parse_decimal,
    parse_email,
    parse_hours,
    parse_yes_no,
)
from carnet.school.models import (
    SchoolClass,
    SchoolYear,
    StaffFunction,
    Subject,
    TeachingAssignment,
    TeachingGroup,
)

User = get_user_model()
K = StaffFunction.Kind

COLUMNS = [
    Column("teacher", "Enseignant", ("Enseignante", "Professeur", "Professeure", "Prof"), required=True),
    Column("class", "Classe", ("Division",)),
    Column("group", "Groupe", ("Groupe de classe",)),
    Column("audience", "Classe ou groupe", ("Classe/Groupe", "Groupe ou classe")),
    Column("subject", "Matière", ("Discipline", "Enseignement"), required=True),
    Column("coefficient", "Coefficient", ("Coef", "Coeff")),
    Column("hours", "Heures", ("Heures hebdomadaires", "Volume horaire", "Heures par semaine", "Nombre d'heures", "Nb heures", "Horaire")),
    Column("main", "Professeur principal", ("PP", "Prof principal", "Professeure principale")),
]
AUDIENCE_COLUMNS = ("class", "group", "audience")


@dataclass
class AssignmentWork:
    line: int
    existing_id: int | None
    teacher_id: int
    class_id: int | None
    group_id: int | None
    subject_key: str
    values: dict[str, Any]
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class AssignmentsWork:
    year: SchoolYear
    today: dt.date
    subject_ids: dict[str, int]
    new_subjects: dict[str, str] = field(default_factory=dict)  # key -> name
    new_teacher_functions: list[int] = field(default_factory=list)  # user ids
    reopened_functions: list[int] = field(default_factory=list)  # StaffFunction ids
    assignments: list[AssignmentWork] = field(default_factory=list)


def validate(table: Table, *, establishment, actor, today: dt.date) -> Plan:
    plan = Plan("assignments", establishment)
    header, rows = locate_header(table, COLUMNS, one_of=(AUDIENCE_COLUMNS,))
    plan.rows, plan.ignored_columns = len(rows), header.ignored
    year = SchoolYear.objects.filter(establishment=establishment, is_current=True).first()
    if year is None:
        raise ImportFileRejected(
            _("%(establishment)s n'a pas d'année scolaire en cours : créez-la avant d'importer les services.")
            % {"establishment": establishment.name}
        )

    def problem(line, key, message):
        plan.add_problem(line, header.name(key), message, header.letter(key))

    functions = list(
        StaffFunction.objects.filter(establishment=establishment)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today) | Q(kind=K.TEACHER))
        .exclude(kind=K.GUEST)
        .values("id", "user_id", "kind", "ends_on")
    )
    active_staff = {f["user_id"] for f in functions if f["ends_on"] is None or f["ends_on"] >= today}
    teacher_function = {f["user_id"]: f for f in functions if f["kind"] == K.TEACHER}
    staff = people.snapshot(User.objects.filter(id__in=active_staff))
    by_email: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for person in staff.values():
        if person["email"]:
            by_email.setdefault(person["email"].lower(), []).append(person["id"])
        for spelling in {_name(f"{person['last_name']} {person['first_name']}"), _name(f"{person['first_name']} {person['last_name']}")}:
            by_name.setdefault(spelling, []).append(person["id"])
    fields = ("id", "name", "normalized_name")
    classes = {c["normalized_name"]: c for c in people.rows(SchoolClass.objects.filter(school_year=year), *fields)}
    groups = {g["normalized_name"]: g for g in people.rows(TeachingGroup.objects.filter(school_year=year), *fields)}
    subjects: dict[str, dict] = {}
    subject_list = people.rows(Subject.objects.filter(establishment=establishment), *fields, "short_name")
    for s in subject_list:
        subjects[s["normalized_name"]] = s
    for s in subject_list:
        if s["short_name"]:
            subjects.setdefault(Subject.normalize(s["short_name"]), s)
    existing: dict[tuple, dict[str, Any]] = {}
    for a in people.rows(
        TeachingAssignment.objects.filter(school_year=year),
        "id", "teacher_id", "school_class_id", "group_id", "subject_id", "coefficient", "weekly_hours", "is_main_teacher",
    ):
        existing[(a["teacher_id"], a["school_class_id"], a["group_id"], f"id:{a['subject_id']}")] = a

    work = AssignmentsWork(year=year, today=today, subject_ids={})
    plan.work = work
    seen: dict[tuple, int] = {}
    teachers_seen: set[int] = set()
    for row in rows:
        line = row.line
        teacher = _teacher(header.get(row, "teacher"), staff, by_email, by_name, lambda m, line=line: problem(line, "teacher", m))
        audience = _audience(header, row, classes, groups, lambda key, m, line=line: problem(line, key, m))
        subject_text = header.get(row, "subject")
        subject_key = None
        if not subject_text:
            problem(line, "subject", _("Matière manquante."))
        else:
            try:
                check_length(subject_text, 80, _("Matière"))
                key = Subject.normalize(subject_text)
                if key in subjects:
                    subject_key = f"id:{subjects[key]['id']}"
                    work.subject_ids[subject_key] = subjects[key]["id"]
                    subject_name = subjects[key]["name"]
                else:
                    subject_key = f"new:{key}"
                    if key not in work.new_subjects:
                        work.new_subjects[key] = subject_text
                        plan.change("subjects", CREATED, subject_text, line)
                    subject_name = work.new_subjects[key]
            except CellError as exc:
                problem(line, "subject", str(exc))
        values: dict[str, Any] = {}
        for column, name, parser in (
            ("coefficient", "coefficient", lambda v: parse_decimal(v, label=_("Coefficient"))),
            ("hours", "weekly_hours", parse_hours),
            ("main", "is_main_teacher", parse_yes_no),
        ):
            text = header.get(row, column)
            if text:
                try:
                    values[name] = parser(text)
                except CellError as exc:
                    problem(line, column, str(exc))
        if teacher is None or audience is None or subject_key is None:
            continue
        class_id, group_id, audience_name = audience
        service = (teacher["id"], class_id, group_id, subject_key)
        if service in seen:
            problem(line, "subject", _("Ce service (même enseignant, même classe ou groupe, même matière) figure déjà ligne %(line)s.")
                    % {"line": seen[service]})
            continue
        seen[service] = line
        teacher_label = people.full_name(teacher["last_name"], teacher["first_name"])
        label = f"{subject_name} — {audience_name} — {teacher_label}"
        if teacher["id"] not in teachers_seen:
            teachers_seen.add(teacher["id"])
            function = teacher_function.get(teacher["id"])
            if function is None:
                work.new_teacher_functions.append(teacher["id"])
                plan.change("functions", CREATED, f"{teacher_label} : {K.TEACHER.label}", line)
            elif function["ends_on"] is not None and function["ends_on"] < today:
                work.reopened_functions.append(function["id"])
                plan.change("functions", UPDATED, f"{teacher_label} : {K.TEACHER.label}", line, {"ends_on": (function["ends_on"], None)})
        current = existing.get(service)
        item = AssignmentWork(line, current["id"] if current else None, teacher["id"], class_id, group_id, subject_key, values)
        work.assignments.append(item)
        if current is None:
            plan.change("assignments", CREATED, label, line)
        else:
            item.changes = {n: (current[n], v) for n, v in values.items() if current[n] != v}
            plan.change("assignments", UPDATED if item.changes else UNCHANGED, label, line, item.changes)
    return plan


def _name(text: str) -> str:
    return fold(re.sub(r"[,;]", " ", text))


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
        if len(found) > 1:
            problem(_("Plusieurs personnels ont le courriel « %(value)s ».") % {"value": text})
            return None
        problem(_("Aucun personnel de l'établissement n'a le courriel « %(value)s » : importez d'abord les personnels.") % {"value": text})
        return None
    found = sorted(set(by_name.get(_name(text), [])))
    if len(found) == 1:
        return staff[found[0]]
    if len(found) > 1:
        problem(_("Plusieurs personnels s'appellent « %(value)s » : indiquez leur courriel.") % {"value": text})
        return None
    problem(
        _("Enseignant inconnu : « %(value)s ». Indiquez le courriel ou « Nom Prénom » d'un personnel de l'établissement.")
        % {"value": text}
    )
    return None


def _audience(header, row, classes, groups, problem) -> tuple[int | None, int | None, str] | None:
    given = [(key, header.get(row, key)) for key in AUDIENCE_COLUMNS if header.get(row, key)]
    if not given:
        problem(next(k for k in AUDIENCE_COLUMNS if header.has(k)), _("Classe ou groupe manquant."))
        return None
    if len(given) > 1:
        problem(given[1][0], _("Indiquez une classe ou un groupe, pas les deux."))
        return None
    column, text = given[0]
    key = SchoolClass.normalize(text)
    lookups = (groups, classes) if column == "group" else (classes, groups)
    for table in lookups:
        found = table.get(key)
        if found is not None:
            if table is classes:
                return found["id"], None, found["name"]
            return None, found["id"], found["name"]
    problem(
        column,
        _("Classe ou groupe « %(value)s » inconnu pour l'année en cours : importez d'abord les élèves, qui créent les classes.")
        % {"value": text},
    )
    return None


def apply(plan: Plan) -> None:
    work: AssignmentsWork = plan.work
    establishment = plan.establishment
    subject_ids = dict(work.subject_ids)
    for key, name in work.new_subjects.items():
        subject = Subject(establishment=establishment, name=name)
        subject.save()
        subject_ids[f"new:{key}"] = subject.pk
    StaffFunction.objects.bulk_create(
        [
            StaffFunction(establishment=establishment, user_id=user_id, kind=K.TEACHER, starts_on=work.today)
            for user_id in work.new_teacher_functions
        ]
    )
    StaffFunction.objects.bulk_update(
        [StaffFunction(pk=pk, ends_on=None) for pk in work.reopened_functions], ["ends_on"], batch_size=people.BATCH
    )
    defaults = {"coefficient": Decimal("1"), "weekly_hours": Decimal("0"), "is_main_teacher": False}
    TeachingAssignment.objects.bulk_create(
        [
            TeachingAssignment(
                establishment=establishment,
                school_year=work.year,
                teacher_id=a.teacher_id,
                school_class_id=a.class_id,
                group_id=a.group_id,
                subject_id=subject_ids[a.subject_key],
                **{**defaults, **a.values},
            )
            for a in work.assignments
            if a.existing_id is None
        ],
        batch_size=people.BATCH,
    )
    groups: dict[frozenset[str], list[TeachingAssignment]] = {}
    for a in work.assignments:
        if a.existing_id is not None and a.changes:
            row = TeachingAssignment(pk=a.existing_id)
            for name, (_old, new) in a.changes.items():
                setattr(row, name, new)
            groups.setdefault(frozenset(a.changes), []).append(row)
    for fields, rows in groups.items():
        TeachingAssignment.objects.bulk_update(rows, sorted(fields), batch_size=people.BATCH)
