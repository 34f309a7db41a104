"""Recognising the guardians of a students file, and their links to the students.

An entry (guardian 1 or 2 of a line) is, in this order:
1. a person Carnet knows (guardians and staff of the establishment) with the same telephone or
   e-mail and the same first name: a household often shares one telephone, so mother and father
   stay two people;
2. one of the student's own guardians with the same name (their telephone was corrected);
3. when the entry gives neither telephone nor e-mail, the only guardian of the establishment with
   that name;
4. else a person met earlier in the file (same telephone or e-mail and first name, or same name
   without contradicting contact details), so a parent of two children is one account;
5. else a new person."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.imports import people
from carnet.school.imports.plan import CREATED, UNCHANGED, UPDATED, Plan
from carnet.school.imports.students.lines import GuardianEntry, Problems, StudentLine
from carnet.school.imports.students.work import GuardianWork, Known, StudentsWork
from carnet.school.models import Guardianship
from carnet.school.phones import phone_key

#: How two values of one guardian are compared when the guardian appears on several lines.
_SAME: dict[str, Callable[[str], str]] = {"last_name": fold, "first_name": fold, "phone": phone_key, "email": str}


def match_guardians(plan: Plan, work: StudentsWork, known: Known, lines: list[StudentLine],
                    students: list[int | None], problem: Problems) -> None:
    """Fill `work.guardians`, `work.new_links` and `work.link_updates`; `students[i]` is the index in
    `work.students` of line i (None for a line refused earlier)."""
    matcher = _Matcher(plan, work, known, problem)
    for line, student_index in zip(lines, students, strict=True):
        if student_index is not None:
            matcher.link_guardians_of(line, student_index)
    matcher.count_people()


class _Matcher:
    def __init__(self, plan: Plan, work: StudentsWork, known: Known, problem: Problems):
        self.plan, self.work, self.known, self.problem = plan, work, known, problem
        guardian_ids = {g["guardian_id"] for g in known.guardianships}
        self.by_contact: dict[str, list[int]] = {}
        self.by_name: dict[tuple, list[int]] = {}
        for person in known.adults.values():
            if person["phone"]:
                self.by_contact.setdefault("p:" + phone_key(person["phone"]), []).append(person["id"])
            if person["email"]:
                self.by_contact.setdefault("e:" + person["email"].lower(), []).append(person["id"])
            if person["id"] in guardian_ids:
                self.by_name.setdefault(people.name_key(person["last_name"], person["first_name"]), []).append(person["id"])
        self.links = {(g["student_id"], g["guardian_id"]): g for g in known.guardianships}
        self.guardians_of: dict[int, list[int]] = {}
        for g in known.guardianships:
            self.guardians_of.setdefault(g["student_id"], []).append(g["guardian_id"])
        self.index_of_user: dict[int, int] = {}  # user id -> index in work.guardians
        self.index_of_key: dict[tuple, int] = {}  # contact or name key of a new person -> index

    # --- one line ---------------------------------------------------------------------------
    def link_guardians_of(self, line: StudentLine, student_index: int) -> None:
        student = self.work.students[student_index]
        student_id = student.existing["id"] if student.existing else None
        slots: dict[int, int] = {}  # guardian index -> slot, to catch one person in both slots
        for entry in line.guardians:
            if not entry.last_name:
                continue  # already reported as a missing name
            index = self._person_for(entry, student_id)
            self._merge(index, entry)
            if index in slots:
                self.problem(entry.line, f"g{entry.slot}_last_name",
                             _("Le responsable %(n)s est la même personne que le responsable %(other)s.")
                             % {"n": entry.slot, "other": slots[index]})
                continue
            slots[index] = entry.slot
            self._link(line, student_index, student_id, entry, index)

    def _person_for(self, entry: GuardianEntry, student_id: int | None) -> int:
        existing = self._existing(entry, student_id)
        if existing is not None:
            if existing["id"] not in self.index_of_user:
                self.work.guardians.append(GuardianWork(existing=existing, values={}, lines=[]))
                self.index_of_user[existing["id"]] = len(self.work.guardians) - 1
            return self.index_of_user[existing["id"]]
        keys: list[tuple] = []
        if entry.phone:
            keys.append(("p", phone_key(entry.phone), entry.who))
        if entry.email:
            keys.append(("e", entry.email, entry.who))
        found = [self.index_of_key[k] for k in keys if k in self.index_of_key]
        name = ("n", *people.name_key(entry.last_name, entry.first_name))
        if not found and name in self.index_of_key and not self._contradicts(self.index_of_key[name], entry):
            found = [self.index_of_key[name]]
        if found:
            index = found[0]
            if any(f != index for f in found):
                self.problem(entry.line, f"g{entry.slot}_email", _(
                    "Le téléphone et le courriel de ce responsable appartiennent à deux personnes différentes du fichier."
                ))
        else:
            self.work.guardians.append(GuardianWork(existing=None, values={}, lines=[]))
            index = len(self.work.guardians) - 1
        for key in (*keys, name):
            self.index_of_key.setdefault(key, index)
        return index

    def _existing(self, entry: GuardianEntry, student_id: int | None) -> dict | None:
        adults = self.known.adults
        contacts = []
        if entry.phone:
            contacts.append("p:" + phone_key(entry.phone))
        if entry.email:
            contacts.append("e:" + entry.email)
        ids = {i for c in contacts for i in self.by_contact.get(c, [])}
        same_contact = [adults[i] for i in ids if self._same_first_name(entry, adults[i])]
        if len(same_contact) == 1:
            return same_contact[0]
        name = people.name_key(entry.last_name, entry.first_name)
        if student_id is not None:
            own = [adults[i] for i in self.guardians_of.get(student_id, []) if i in adults]
            same_name = [p for p in own if people.name_key(p["last_name"], p["first_name"]) == name]
            if len(same_name) == 1:
                return same_name[0]
        if not contacts:
            named = self.by_name.get(name, [])
            if len(named) == 1:
                return adults[named[0]]
        return None

    @staticmethod
    def _same_first_name(entry: GuardianEntry, person: dict) -> bool:
        if entry.first_name:
            return fold(entry.first_name) == fold(person["first_name"])
        return fold(entry.last_name) == fold(person["last_name"])

    def _contradicts(self, index: int, entry: GuardianEntry) -> bool:
        """Two lines naming the same person with different telephones or e-mails name two people."""
        values = self.work.guardians[index].values
        phone, email = values.get("phone"), values.get("email")
        return bool(
            (entry.phone and phone and phone_key(entry.phone) != phone_key(phone))
            or (entry.email and email and entry.email != email)
        )

    def _merge(self, index: int, entry: GuardianEntry) -> None:
        """Gather what the lines say of one guardian; different values on two lines are a problem."""
        guardian = self.work.guardians[index]
        for name, same in _SAME.items():
            value = getattr(entry, name) or None
            current = guardian.values.get(name)
            if value is None:
                continue
            if current is None:
                guardian.values[name] = value
            elif same(current) != same(value):
                self.problem(entry.line, f"g{entry.slot}_{name}",
                             _("Ce responsable figure aussi ligne %(line)s avec une autre valeur (« %(other)s »).")
                             % {"line": guardian.lines[0], "other": current})
        guardian.lines.append(entry.line)

    def _link(self, line: StudentLine, student_index: int, student_id: int | None, entry: GuardianEntry,
              index: int) -> None:
        guardian = self.work.guardians[index]
        link = self.links.get((student_id, guardian.existing["id"])) if student_id and guardian.existing else None
        label = f"{people.full_name(entry.last_name, entry.first_name)} → {people.full_name(line.last_name, line.first_name)}"
        if link is None:
            relationship = entry.relationship or Guardianship.Relationship.OTHER
            self.work.new_links.append((student_index, index, relationship))
            self.plan.change("guardianships", CREATED, label, entry.line, {"relationship": (None, _label(relationship))})
        elif entry.relationship and entry.relationship != link["relationship"]:
            self.work.link_updates.append((link["id"], entry.relationship))
            self.plan.change("guardianships", UPDATED, label, entry.line,
                             {"relationship": (_label(link["relationship"]), _label(entry.relationship))})
        else:
            self.plan.change("guardianships", UNCHANGED, label, entry.line)

    # --- the whole file ---------------------------------------------------------------------
    def count_people(self) -> None:
        for guardian in self.work.guardians:
            label = people.full_name(guardian.values.get("last_name", ""), guardian.values.get("first_name", ""))
            if guardian.existing is None:
                self.plan.change("guardians", CREATED, label, guardian.lines[0])
                continue
            changes = guardian.changes = people.diff(guardian.existing, guardian.values)
            if changes and guardian.existing["id"] in self.known.protected:
                self.plan.add_problem(guardian.lines[0], "",
                                      _("Seul le chef d'établissement peut modifier la fiche de %(name)s.") % {"name": label})
            self.plan.change("guardians", UPDATED if changes else UNCHANGED, label, guardian.lines[0], changes)


def _label(relationship: str) -> str:
    return str(Guardianship.Relationship(relationship).label)
