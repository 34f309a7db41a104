"""Checking a marks file line by line against the establishment's current year, and building the plan.

Lines with the same class, subject, period, title and date make one assessment, attached to the
teaching assignment of that subject for that class, or else to a group assignment of that subject
whose group holds the student (half-classes taught by two teachers make two assessments). An
assessment already in Carnet (same assignment, period, date and title, whatever the case) is
reused: its type, scale and coefficient follow the file; a mark already there is updated in place
when the file says something else, and left alone when the cell is empty."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from carnet.core.errors import ValidationFailed
from carnet.grades.imports.values import KindChoice, kind_label, parse_kind
from carnet.grades.marks import format_mark, format_number, parse_mark
from carnet.grades.models import Assessment, ClassCouncil, CustomAssessmentKind, Mark
from carnet.identity.names import fold
from carnet.school.imports import people
from carnet.school.imports.columns import Column, locate_header
from carnet.school.imports.errors import ImportFileRejected
from carnet.school.imports.plan import CREATED, UNCHANGED, UPDATED, Plan
from carnet.school.imports.reading import Table
from carnet.school.imports.values import CellError, check_length, parse_date, parse_decimal
from carnet.school.models import (
    Enrollment,
    Period,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    TeachingGroup,
)

COLUMNS = [
    Column("national_id", "Matricule", ("INE", "N° matricule", "Numéro matricule", "Matricule EducMaster", "Numéro INE"),
           required=True),
    Column("class", "Classe", ("Division",), required=True),
    Column("subject", "Matière", ("Discipline",), required=True),
    Column("period", "Période", ("Trimestre", "Semestre"), required=True),
    Column("kind", "Type", ("Type d'évaluation", "Nature")),
    Column("title", "Titre", ("Évaluation", "Intitulé", "Libellé"), required=True),
    Column("date", "Date", ("Date de l'évaluation",), required=True),
    Column("scale", "Sur", ("Barème", "Noté sur", "Note sur")),
    Column("coefficient", "Coefficient", ("Coef", "Coeff")),
    Column("mark", "Note", ("Résultat",), required=True),
    Column("comment", "Commentaire", ("Observation", "Remarque")),
]

TWENTY = Decimal("20")
ONE = Decimal("1")


@dataclass
class AssessmentWork:
    """One assessment the file names: an existing one (`existing_id`) or one to create."""

    key: tuple
    line: int
    assignment_id: int
    period_id: int
    title: str
    held_on: dt.date
    kind: KindChoice
    scale: Decimal
    coefficient: Decimal
    label: str
    existing_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class MarkWork:
    line: int
    assessment_key: tuple
    student_id: int
    status: str
    value: Decimal | None
    comment: str | None  # None: the file does not say (no column or empty cell)
    label: str
    existing: dict[str, Any] | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class MarksWork:
    actor: Any
    assessments: dict[tuple, AssessmentWork] = field(default_factory=dict)
    marks: list[MarkWork] = field(default_factory=list)


def _period_keys(period: dict) -> set[str]:
    letter = "t" if period["kind"] == Period.Kind.TRIMESTER else "s"
    return {SchoolClass.normalize(period["name"]), f"{letter}{period['number']}"}


def _matricule(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def validate(table: Table, *, establishment, actor, today: dt.date) -> Plan:
    plan = Plan("marks", establishment)
    header, rows = locate_header(table, COLUMNS)
    plan.rows, plan.ignored_columns = len(rows), header.ignored
    year = SchoolYear.objects.filter(establishment=establishment, is_current=True).first()
    if year is None:
        raise ImportFileRejected(
            _("%(establishment)s n'a pas d'année scolaire en cours : créez-la avant d'importer des notes.")
            % {"establishment": establishment.name}
        )
    work = MarksWork(actor=actor)
    plan.work = work

    def problem(line, key, message):
        plan.add_problem(line, header.name(key), message, header.letter(key))

    # --- what the establishment holds, one query each -------------------------------------------
    periods = people.rows(Period.objects.filter(school_year=year), "id", "name", "kind", "number", "starts_on", "ends_on")
    period_by_key = {key: p for p in periods for key in _period_keys(p)}
    classes = {c["normalized_name"]: c for c in people.rows(SchoolClass.objects.filter(school_year=year), "id", "name", "normalized_name")}
    class_names = {c["id"]: c["name"] for c in classes.values()}
    subject_rows = people.rows(Subject.objects.filter(establishment=establishment), "id", "name", "normalized_name", "short_name")
    subjects = {s["normalized_name"]: s for s in subject_rows}
    for s in subject_rows:
        if s["short_name"]:
            subjects.setdefault(Subject.normalize(s["short_name"]), s)
    students: dict[str, dict[str, Any]] = {}  # matricule -> {"id", "name", "class_ids"}
    for e in Enrollment.objects.filter(school_year=year).exclude(national_id="").values(
        "national_id", "student_id", "school_class_id", "student__last_name", "student__first_name"
    ):
        entry = students.setdefault(
            _matricule(e["national_id"]),
            {"id": e["student_id"], "name": people.full_name(e["student__last_name"], e["student__first_name"]), "class_ids": set()},
        )
        entry["class_ids"].add(e["school_class_id"])
    class_assignments: dict[tuple[int, int], int] = {}
    group_assignments: dict[int, list[tuple[int, int]]] = {}  # subject id -> [(assignment id, group id)]
    for service in people.rows(TeachingAssignment.objects.filter(school_year=year).order_by("id"),
                               "id", "school_class_id", "group_id", "subject_id"):
        if service["school_class_id"]:
            class_assignments.setdefault((service["school_class_id"], service["subject_id"]), service["id"])
        else:
            group_assignments.setdefault(service["subject_id"], []).append((service["id"], service["group_id"]))
    members: dict[int, set[int]] = {}
    if group_assignments:
        for m in TeachingGroup.students.through.objects.filter(teachinggroup__school_year=year).values("teachinggroup_id", "user_id"):
            members.setdefault(m["teachinggroup_id"], set()).add(m["user_id"])
    custom_kinds = {fold(k.name): k for k in CustomAssessmentKind.objects.filter(establishment=establishment)}
    locked = set(
        ClassCouncil.objects.filter(establishment=establishment, period__school_year=year, status=ClassCouncil.Status.CLOSED)
        .values_list("period_id", "school_class_id")
    )
    existing_assessments: dict[tuple, dict[str, Any]] = {}
    for a in people.rows(Assessment.objects.filter(establishment=establishment, period__school_year=year),
                         "id", "assignment_id", "period_id", "held_on", "title", "kind", "custom_kind_id", "scale", "coefficient"):
        existing_assessments.setdefault((a["assignment_id"], a["period_id"], a["held_on"], fold(a["title"])), a)

    seen_marks: dict[tuple, int] = {}
    for row in rows:
        line = row.line

        def cell(key, row=row):
            return header.get(row, key)

        def report(key, message, line=line):
            problem(line, key, message)

        student = _student(cell("national_id"), students, lambda m: report("national_id", m))
        school_class = _lookup(cell("class"), classes, SchoolClass.normalize, lambda m: report("class", m),
                               _("Classe manquante."),
                               _("Classe « %(value)s » inconnue pour l'année en cours."))
        subject = _lookup(cell("subject"), subjects, Subject.normalize, lambda m: report("subject", m),
                          _("Matière manquante."),
                          _("Matière « %(value)s » inconnue : importez d'abord les services d'enseignement."))
        period = _period(cell("period"), period_by_key, periods, lambda m: report("period", m))
        title = cell("title")
        if not title:
            report("title", _("Titre manquant."))
            title = None
        else:
            try:
                check_length(title, 120, _("Titre"))
            except CellError as exc:
                report("title", str(exc))
                title = None
        held_on = None
        if not cell("date"):
            report("date", _("Date manquante."))
        else:
            try:
                held_on = parse_date(cell("date"))
            except CellError as exc:
                report("date", str(exc))
        if held_on and period and not (period["starts_on"] <= held_on <= period["ends_on"]):
            report("date", _("La date %(date)s est hors de la période « %(period)s » (du %(start)s au %(end)s).") % {
                "date": _day(held_on), "period": period["name"], "start": _day(period["starts_on"]), "end": _day(period["ends_on"]),
            })
            held_on = None
        scale = _scale(cell("scale"), lambda m: report("scale", m))
        coefficient = _coefficient(cell("coefficient"), lambda m: report("coefficient", m))
        kind = None
        try:
            kind = parse_kind(cell("kind"), custom_kinds)
        except CellError as exc:
            report("kind", str(exc))
        if student and school_class and school_class["id"] not in student["class_ids"]:
            report("class", _("%(student)s n'est pas inscrit(e) en %(class)s cette année (classe : %(actual)s).") % {
                "student": student["name"], "class": school_class["name"],
                "actual": ", ".join(sorted(class_names.get(c, "?") for c in student["class_ids"])),
            })
            student = None
        assignment_id = None
        if school_class and subject:
            assignment_id = class_assignments.get((school_class["id"], subject["id"]))
            if assignment_id is None and student:
                assignment_id = next(
                    (a for a, g in group_assignments.get(subject["id"], []) if student["id"] in members.get(g, ())), None
                )
            if assignment_id is None and (student or not any(group_assignments.get(subject["id"], []))):
                report("subject", _("Aucun enseignant n'enseigne %(subject)s en %(class)s : importez d'abord les services d'enseignement.")
                       % {"subject": subject["name"], "class": school_class["name"]})
        if period and school_class and (period["id"], school_class["id"]) in locked:
            report("period", _("Les notes de %(period)s sont verrouillées pour %(class)s : le conseil de classe est clos.")
                   % {"period": period["name"], "class": school_class["name"]})
            period = None
        parsed = None
        mark_cell = cell("mark")
        if scale is not None and mark_cell:
            try:
                parsed = parse_mark(mark_cell, scale)
            except ValidationFailed as exc:
                report("mark", str(exc.message))
        comment = cell("comment") or None
        if comment is not None and len(comment) > 300:
            report("comment", _("Commentaire trop long : 300 caractères au plus."))
        if None in (student, school_class, subject, period, title, held_on, scale, coefficient, kind, assignment_id):
            continue
        assert student and school_class and subject and period and title and held_on and kind and assignment_id
        assert scale is not None and coefficient is not None
        key = (assignment_id, period["id"], held_on, fold(title))
        assessment = work.assessments.get(key)
        if assessment is None:
            label = f"{title} — {subject['name']} — {school_class['name']} — {_day(held_on)}"
            assessment = AssessmentWork(key, line, assignment_id, period["id"], title, held_on, kind, scale, coefficient, label)
            work.assessments[key] = assessment
        else:
            for column, mine, first in (("scale", scale, assessment.scale), ("coefficient", coefficient, assessment.coefficient),
                                        ("kind", kind, assessment.kind)):
                if mine != first:
                    report(column, _("La même évaluation a un autre « %(column)s » ligne %(line)s : une évaluation a un seul "
                                     "type, un seul barème et un seul coefficient.") % {"column": header.name(column), "line": assessment.line})
        if parsed is None or parsed.status == Mark.Status.NOT_MARKED:
            continue
        mark_key = (key, student["id"])
        if mark_key in seen_marks:
            report("national_id", _("%(student)s a déjà une note pour cette évaluation ligne %(line)s.")
                   % {"student": student["name"], "line": seen_marks[mark_key]})
            continue
        seen_marks[mark_key] = line
        work.marks.append(MarkWork(line, key, student["id"], parsed.status, parsed.value, comment,
                                   f"{student['name']} — {title} ({subject['name']}, {school_class['name']})"))

    _compare(plan, work, existing_assessments, {k.pk: k.name for k in custom_kinds.values()})
    return plan


def _compare(plan: Plan, work: MarksWork, existing_assessments: dict[tuple, dict[str, Any]], custom_names: dict[int, str]) -> None:
    """Turn the work into created / updated / unchanged changes, against what Carnet holds."""
    for item in work.assessments.values():
        current = existing_assessments.get(item.key)
        if current is None:
            plan.change("assessments", CREATED, item.label, item.line)
            continue
        item.existing_id = current["id"]
        if KindChoice(current["kind"], current["custom_kind_id"]) != item.kind:
            item.changes["assessment_kind"] = (
                kind_label(current["kind"], current["custom_kind_id"], custom_names), item.kind.label
            )
        if current["scale"] != item.scale:
            item.changes["scale"] = (current["scale"], item.scale)
        if current["coefficient"] != item.coefficient:
            item.changes["coefficient"] = (current["coefficient"], item.coefficient)
        plan.change("assessments", UPDATED if item.changes else UNCHANGED, item.label, item.line, item.changes)
    existing_ids = [a.existing_id for a in work.assessments.values() if a.existing_id]
    existing_marks: dict[tuple[int, int], dict[str, Any]] = {}
    if existing_ids:
        for row in people.rows(Mark.objects.filter(assessment_id__in=existing_ids),
                               "id", "assessment_id", "student_id", "status", "value", "comment", "version"):
            existing_marks[(row["assessment_id"], row["student_id"])] = row
    in_file = {(work.assessments[m.assessment_key].existing_id, m.student_id) for m in work.marks}
    for item in work.assessments.values():
        if item.existing_id and "scale" in item.changes:
            above = [row for (a, s), row in existing_marks.items()
                     if a == item.existing_id and (a, s) not in in_file and row["value"] is not None and row["value"] > item.scale]
            if above:
                plan.add_problem(item.line, _("Sur"), _("%(count)s note(s) déjà saisie(s) pour « %(title)s » dépassent le nouveau "
                                                         "barème (sur %(scale)s).") % {"count": len(above), "title": item.title,
                                                                                         "scale": format_number(item.scale)})
    for m in work.marks:
        assessment = work.assessments[m.assessment_key]
        current = existing_marks.get((assessment.existing_id, m.student_id)) if assessment.existing_id else None
        new_text = format_mark(m.status, m.value)
        if current is None:
            fields = {"mark": (None, new_text)}
            if m.comment:
                fields["comment"] = (None, m.comment)
            plan.change("marks", CREATED, m.label, m.line, fields)
            continue
        m.existing = current
        if (current["status"], current["value"]) != (m.status, m.value):
            m.changes["mark"] = (format_mark(current["status"], current["value"]), new_text)
        if m.comment is not None and m.comment != current["comment"]:
            m.changes["comment"] = (current["comment"], m.comment)
        plan.change("marks", UPDATED if m.changes else UNCHANGED, m.label, m.line, m.changes)


def _student(text: str, students: dict[str, dict[str, Any]], report) -> dict[str, Any] | None:
    if not text:
        report(_("Matricule manquant."))
        return None
    found = students.get(_matricule(text))
    if found is None:
        report(_("Matricule « %(value)s » inconnu : aucun élève de l'établissement n'a ce matricule cette année.") % {"value": text})
    return found


def _lookup(text: str, table: dict[str, dict], normalize, report, missing: str, unknown: str) -> dict | None:
    if not text:
        report(missing)
        return None
    found = table.get(normalize(text))
    if found is None:
        report(unknown % {"value": text})
    return found


def _period(text: str, by_key: dict[str, dict], periods: list[dict], report) -> dict | None:
    if not text:
        report(_("Période manquante."))
        return None
    found = by_key.get(SchoolClass.normalize(text))
    if found is None:
        report(_("Période « %(value)s » inconnue : les périodes de l'année sont %(names)s.")
               % {"value": text, "names": ", ".join(p["name"] for p in periods) or "—"})
    return found


def _scale(text: str, report) -> Decimal | None:
    if not text:
        return TWENTY
    try:
        value = parse_decimal(text, label=_("Sur"), maximum=Decimal("100000"))
    except CellError as exc:
        report(str(exc))
        return None
    if not ONE <= value <= Decimal("100"):
        report(_("Sur « %(value)s » : le barème va de 1 à 100.") % {"value": text})
        return None
    return value


def _coefficient(text: str, report) -> Decimal | None:
    if not text:
        return ONE
    if text.strip().startswith("-"):
        report(_("Coefficient « %(value)s » : le coefficient doit être supérieur à 0.") % {"value": text})
        return None
    try:
        value = parse_decimal(text, label=_("Coefficient"))
    except CellError as exc:
        report(str(exc))
        return None
    if value <= 0:
        report(_("Coefficient « %(value)s » : le coefficient doit être supérieur à 0.") % {"value": text})
        return None
    return value
