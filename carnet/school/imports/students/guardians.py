"""Recognising the guardians of a students file, and their links to the students."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.imports import people
from carnet.school.imports.phones import phone_key
from carnet.school.imports.plan import CREATED, UNCHANGED, UPDATED
from carnet.school.imports.students.lines import (
    GuardianEntry,
)
from carnet.school.imports.students.work import (
    GuardianWork,
    Known,
    StudentsWork,
)
from carnet.school.models import (
    Guardianship,
)


def match_guardians(plan, work: StudentsWork, known: Known, lines, students, problem) -> None:
    guardian_ids = {g["guardian_id"] for g in known.guardianships}
    by_contact: dict[str, list[int]] = {}
    by_name: dict[tuple, list[int]] = {}
    for person in known.adults.values():
        if person["phone"]:
            by_contact.setdefault("p:" + phone_key(person["phone"]), []).append(person["id"])
        if person["email"]:
            by_contact.setdefault("e:" + person["email"].lower(), []).append(person["id"])
        if person["id"] in guardian_ids:
            by_name.setdefault(people.name_key(person["last_name"], person["first_name"]), []).append(person["id"])
    links: dict[tuple[int, int], dict] = {(g["student_id"], g["guardian_id"]): g for g in known.guardianships}
    guardians_of: dict[int, list[int]] = {}
    for g in known.guardianships:
        guardians_of.setdefault(g["student_id"], []).append(g["guardian_id"])

    person_of_user: dict[int, int] = {}
    person_of_key: dict[tuple, int] = {}

    def compatible(entry: GuardianEntry, person: dict) -> bool:
        if entry.first_name:
            return fold(entry.first_name) == fold(person["first_name"])
        return fold(entry.last_name) == fold(person["last_name"])

    def find_existing(entry: GuardianEntry, student_id: int | None) -> dict | None:
        contacts = []
        if entry.phone:
            contacts.append("p:" + phone_key(entry.phone))
        if entry.email:
            contacts.append("e:" + entry.email)
        ids = {i for c in contacts for i in by_contact.get(c, [])}
        matches = [known.adults[i] for i in ids if compatible(entry, known.adults[i])]
        if len(matches) == 1:
            return matches[0]
        key = people.name_key(entry.last_name, entry.first_name)
        if student_id is not None:
            own = [known.adults[i] for i in guardians_of.get(student_id, []) if i in known.adults]
            same = [p for p in own if people.name_key(p["last_name"], p["first_name"]) == key]
            if len(same) == 1:
                return same[0]
        if not contacts:
            named = by_name.get(key, [])
            if len(named) == 1:
                return known.adults[named[0]]
        return None

    def contradicts(gw: GuardianWork, entry: GuardianEntry) -> bool:
        """Two lines naming the same person with different telephones or e-mails name two people."""
        phone, email = gw.values.get("phone"), gw.values.get("email")
        return bool(
            (entry.phone and phone and phone_key(entry.phone) != phone_key(phone))
            or (entry.email and email and entry.email != email)
        )

    comparable: dict[str, Callable[[str], str]] = {"last_name": fold, "first_name": fold, "phone": phone_key, "email": str}

    def merge(index: int, entry: GuardianEntry) -> None:
        gw = work.guardians[index]
        for name, same in comparable.items():
            value = getattr(entry, name) or None
            current = gw.values.get(name)
            if value is None:
                continue
            if current is None:
                gw.values[name] = value
            elif same(current) != same(value):
                problem(
                    entry.line,
                    f"g{entry.slot}_{name}",
                    _("Ce responsable figure aussi ligne %(line)s avec une autre valeur (« %(other)s »).")
                    % {"line": gw.lines[0], "other": current},
                )
        gw.lines.append(entry.line)

    for sl, student_index in zip(lines, students, strict=True):
        if student_index is None:
            continue
        sw = work.students[student_index]
        student_id = sw.existing["id"] if sw.existing else None
        chosen: dict[int, int] = {}
        for entry in sl.guardians:
            if not entry.last_name:
                continue
            existing = find_existing(entry, student_id)
            if existing is not None:
                index = person_of_user.get(existing["id"])
                if index is None:
                    work.guardians.append(GuardianWork(existing=existing, values={}, lines=[]))
                    index = person_of_user[existing["id"]] = len(work.guardians) - 1
            else:
                keys = []
                if entry.phone:
                    keys.append(("p", phone_key(entry.phone), entry.who))
                if entry.email:
                    keys.append(("e", entry.email, entry.who))
                name = ("n", *people.name_key(entry.last_name, entry.first_name))
                found = [person_of_key[k] for k in keys if k in person_of_key]
                if not found and name in person_of_key and not contradicts(work.guardians[person_of_key[name]], entry):
                    found = [person_of_key[name]]
                keys.append(name)
                if found:
                    index = found[0]
                    if any(f != index for f in found):
                        problem(entry.line, f"g{entry.slot}_email",
                                _("Le téléphone et le courriel de ce responsable appartiennent à deux personnes différentes du fichier."))
                else:
                    work.guardians.append(GuardianWork(existing=None, values={}, lines=[]))
                    index = len(work.guardians) - 1
                for k in keys:
                    person_of_key.setdefault(k, index)
            merge(index, entry)
            if index in chosen:
                problem(entry.line, f"g{entry.slot}_last_name",
                        _("Le responsable %(n)s est la même personne que le responsable %(other)s.")
                        % {"n": entry.slot, "other": chosen[index]})
                continue
            chosen[index] = entry.slot
            gw = work.guardians[index]
            link = links.get((student_id, gw.existing["id"])) if student_id and gw.existing else None
            student_label = people.full_name(sl.last_name, sl.first_name)
            guardian_label = people.full_name(entry.last_name, entry.first_name)
            label = f"{guardian_label} → {student_label}"
            if link is None:
                relationship = entry.relationship or Guardianship.Relationship.OTHER
                work.new_links.append((student_index, index, relationship))
                plan.change("guardianships", CREATED, label, entry.line, {"relationship": (None, _relationship_label(relationship))})
            elif entry.relationship and entry.relationship != link["relationship"]:
                work.link_updates.append((link["id"], entry.relationship))
                plan.change("guardianships", UPDATED, label, entry.line, {
                    "relationship": (_relationship_label(link["relationship"]), _relationship_label(entry.relationship))
                })
            else:
                plan.change("guardianships", UNCHANGED, label, entry.line)

    for gw in work.guardians:
        label = people.full_name(gw.values.get("last_name", ""), gw.values.get("first_name", ""))
        if gw.existing is None:
            plan.change("guardians", CREATED, label, gw.lines[0])
            continue
        changes = gw.changes = people.diff(gw.existing, gw.values)
        if changes and gw.existing["id"] in known.protected:
            plan.add_problem(
                gw.lines[0], "", _("Seul le chef d'établissement peut modifier la fiche de %(name)s.") % {"name": label}
            )
        plan.change("guardians", UPDATED if changes else UNCHANGED, label, gw.lines[0], changes)


def _relationship_label(value: str) -> str:
    return str(Guardianship.Relationship(value).label)
