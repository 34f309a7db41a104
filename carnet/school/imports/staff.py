"""Staff and their functions in the establishment.

A person is recognised among the establishment's staff by e-mail, else by telephone (with the
same first name), else by name. Each function named in "Fonction" becomes a StaffFunction; an
ended function named again is reopened; a function absent from the file is left as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.imports import people
from carnet.school.imports.columns import Column, locate_header
from carnet.school.imports.plan import CREATED, UNCHANGED, UPDATED, Plan
from carnet.school.imports.reading import Table
from carnet.school.imports.values import CellError, check_length, parse_email, parse_functions
from carnet.school.models import StaffFunction
from carnet.school.phones import PhoneError, normalize_phone, phone_key

User = get_user_model()
K = StaffFunction.Kind

COLUMNS = [
    Column("last_name", "Nom", ("Nom de famille", "Nom d'usage"), required=True),
    Column("first_name", "Prénom", ("Prénoms",), required=True),
    Column("email", "Courriel", ("Email", "E-mail", "Mail", "Adresse électronique", "Adresse mail")),
    Column("phone", "Téléphone", ("Tél", "Tel", "Portable", "Mobile")),
    Column("functions", "Fonction", ("Fonctions", "Rôle", "Poste"), required=True),
]

#: Functions only the head may give: they carry the head's own powers.
HEAD_ONLY = frozenset({K.HEAD, K.DEPUTY})


@dataclass
class StaffWork:
    line: int
    existing: dict | None
    values: dict[str, Any]
    changes: dict[str, tuple[Any, Any]]
    new_functions: list[str] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)  # StaffFunction ids
    user_id: int = 0  # known once the people are written


@dataclass
class StaffImportWork:
    today: dt.date
    people: list[StaffWork] = field(default_factory=list)


def validate(table: Table, *, establishment, actor, today: dt.date) -> Plan:
    plan = Plan("staff", establishment)
    header, rows = locate_header(table, COLUMNS)
    plan.rows, plan.ignored_columns = len(rows), header.ignored

    def problem(line, key, message):
        plan.add_problem(line, header.name(key), message, header.letter(key))

    functions = people.rows(
        StaffFunction.objects.filter(establishment=establishment), "id", "user_id", "kind", "starts_on", "ends_on"
    )
    staff = people.snapshot(User.objects.filter(id__in={f["user_id"] for f in functions}))
    head_actor = people.acts_as_head(actor, establishment)
    protected = people.protected_ids(functions, head_actor=head_actor)
    functions_of: dict[int, dict[str, dict]] = {}
    for f in functions:
        functions_of.setdefault(f["user_id"], {})[f["kind"]] = f
    by_email: dict[str, list[int]] = {}
    by_phone: dict[str, list[int]] = {}
    by_name: dict[tuple[str, str], list[int]] = {}
    for person in staff.values():
        if person["email"]:
            by_email.setdefault(person["email"].lower(), []).append(person["id"])
        if person["phone"]:
            by_phone.setdefault(phone_key(person["phone"]), []).append(person["id"])
        by_name.setdefault(people.name_key(person["last_name"], person["first_name"]), []).append(person["id"])

    work = StaffImportWork(today=today)
    plan.work = work
    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple, int] = {}
    claimed: dict[int, int] = {}
    for row in rows:
        line = row.line
        cells = {}
        for key, maximum, label in (("last_name", 150, _("Nom")), ("first_name", 150, _("Prénom"))):
            try:
                cells[key] = check_length(header.get(row, key), maximum, label)
            except CellError as exc:
                problem(line, key, str(exc))
                cells[key] = ""
        if not header.get(row, "last_name"):
            problem(line, "last_name", _("Nom manquant."))
        if not header.get(row, "first_name"):
            problem(line, "first_name", _("Prénom manquant."))
        email = phone = None
        kinds: list[str] = []
        try:
            email = parse_email(header.get(row, "email")) if header.get(row, "email") else None
        except CellError as exc:
            problem(line, "email", str(exc))
        try:
            phone = normalize_phone(header.get(row, "phone"), establishment.country) if header.get(row, "phone") else None
        except PhoneError as exc:
            problem(line, "phone", str(exc))
        try:
            kinds = parse_functions(header.get(row, "functions"))
        except CellError as exc:
            problem(line, "functions", str(exc))
        if not cells["last_name"] or not cells["first_name"]:
            continue

        name = people.name_key(cells["last_name"], cells["first_name"])
        if email and email in seen_emails:
            problem(line, "email", _("Le courriel « %(value)s » figure déjà ligne %(line)s.") % {"value": email, "line": seen_emails[email]})
            continue
        if not email and name in seen_names:
            problem(line, "last_name", _("Cette personne figure déjà ligne %(line)s.") % {"line": seen_names[name]})
            continue
        if email:
            seen_emails[email] = line
        seen_names.setdefault(name, line)

        existing = _find(staff, by_email, by_phone, by_name, email, phone, name)
        if existing == "ambiguous":
            problem(line, "email", _("Plusieurs personnels portent ce nom : indiquez le courriel pour les distinguer."))
            continue
        if existing is not None:
            if existing["id"] in claimed:
                problem(line, "last_name", _("Cette ligne désigne la même personne que la ligne %(line)s.") % {"line": claimed[existing["id"]]})
                continue
            claimed[existing["id"]] = line

        values = {"last_name": cells["last_name"], "first_name": cells["first_name"], "email": email, "phone": phone}
        label = people.full_name(cells["last_name"], cells["first_name"])
        changes = people.diff(existing, values) if existing else {}
        if changes and existing["id"] in protected:
            problem(line, "last_name", _("Seul le chef d'établissement peut modifier la fiche de %(name)s.") % {"name": label})
        item = StaffWork(line=line, existing=existing, values=values, changes=changes)
        held = functions_of.get(existing["id"], {}) if existing else {}
        for kind in kinds:
            function = held.get(kind)
            kind_label = str(K(kind).label)
            if function is not None and (function["ends_on"] is None or function["ends_on"] >= today):
                plan.change("functions", UNCHANGED, f"{label} : {kind_label}", line)
                continue
            if kind in HEAD_ONLY and not head_actor:
                problem(line, "functions", _("Seul le chef d'établissement peut attribuer la fonction « %(kind)s ».") % {"kind": kind_label})
                continue
            if function is not None:
                item.reopened.append(function["id"])
                plan.change("functions", UPDATED, f"{label} : {kind_label}", line, {"ends_on": (function["ends_on"], None)})
            else:
                item.new_functions.append(kind)
                plan.change("functions", CREATED, f"{label} : {kind_label}", line)
        work.people.append(item)
        if existing is None:
            plan.change("staff", CREATED, label, line)
        else:
            plan.change("staff", UPDATED if changes else UNCHANGED, label, line, changes)
    return plan


def _find(staff, by_email, by_phone, by_name, email, phone, key):
    if email and len(by_email.get(email, [])) == 1:
        return staff[by_email[email][0]]
    if phone:
        same = [i for i in by_phone.get(phone_key(phone), []) if fold(staff[i]["first_name"]) == key[1]]
        if len(same) == 1:
            return staff[same[0]]
    named = by_name.get(key, [])
    if len(named) > 1:
        return "ambiguous"
    return staff[named[0]] if named else None


def apply(plan: Plan) -> None:
    work: StaffImportWork = plan.work
    establishment = plan.establishment
    new = [p for p in work.people if p.existing is None]
    for item, user in zip(new, people.create_people([p.values for p in new]), strict=True):
        item.user_id = user.pk
    for item in work.people:
        if item.existing is not None:
            item.user_id = item.existing["id"]
    people.update_people([(p.existing, p.changes) for p in work.people if p.existing is not None])
    StaffFunction.objects.bulk_create(
        [
            StaffFunction(establishment=establishment, user_id=p.user_id, kind=kind, starts_on=work.today)
            for p in work.people
            for kind in p.new_functions
        ],
        batch_size=people.BATCH,
    )
    StaffFunction.objects.bulk_update(
        [StaffFunction(pk=pk, ends_on=None) for p in work.people for pk in p.reopened], ["ends_on"], batch_size=people.BATCH
    )
