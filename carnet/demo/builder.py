"""Drawing the demo plan, without touching the database.

Guarantees: the same size gives the same plan, to the last name and identifier (each establishment
draws from its own `random.Random` with a fixed seed, in a fixed order); every class has at least
one student, a main teacher and a teacher for each subject of its curriculum; every student has one
or two guardians. `services.seed_demo` writes the plan with a few bulk inserts."""

from __future__ import annotations

import datetime as dt
import math
import random
import string
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from carnet.demo import names
from carnet.demo.data import BENIN, FRANCE, Cell, EstablishmentSpec, Lesson, account_key
from carnet.demo.plan import (
    AccountPlan,
    AssignmentPlan,
    ClassPlan,
    DemoPlan,
    EnrollmentPlan,
    EstablishmentPlan,
    FunctionPlan,
    GroupPlan,
    GuardianshipPlan,
    Person,
    apportion,
)

MIN_STUDENTS = 20  # one per structural class of the CEG, and a few more
SEED = "carnet-demo-2026"


def build_plan(students_per_establishment: int) -> DemoPlan:
    if students_per_establishment < MIN_STUDENTS:
        raise ValueError(f"students_per_establishment must be at least {MIN_STUDENTS}")
    benin = _Builder(BENIN, students_per_establishment).build()
    france = _Builder(FRANCE, students_per_establishment).build(cross_parent=benin.cross_father)
    both = AccountPlan(
        key=account_key("", "guardian_both"),
        role="guardian_both",
        person=benin.cross_father,
        detail=f"{france.cross_child.first_name} ({france.cross_class.name}), {benin.cross_child.first_name} ({benin.cross_class.name})",
        spec=None,
    )
    return DemoPlan(establishments=[france.plan, benin.plan], accounts=france.plan.accounts + benin.plan.accounts + [both])


@dataclass(eq=False)
class _Slot:
    """A seat in a class, filled by a student once families are drawn."""

    school_class: ClassPlan
    second_language: str = ""
    person: Person | None = None


class _Builder:
    def __init__(self, spec: EstablishmentSpec, students: int) -> None:
        self.spec = spec
        self.students = students
        self.rng = random.Random(f"{SEED}-{spec.key}")
        self.plan = EstablishmentPlan(spec=spec)
        self.start = spec.year[1]
        self.national_ids: set[str] = set()

    # --- people ----------------------------------------------------------------------------------
    def adult(self, sex: str | None = None, *, pool: names.NamePool | None = None, last_name: str = "") -> Person:
        rng = self.rng
        pool = pool or names.pick_pool(rng, self.spec.pools)
        sex = sex or rng.choice("FM")
        person = Person(
            first_name=names.first_name(rng, pool, sex, child=False, majority=self.spec.pools[0]),
            last_name=last_name or rng.choice(pool.last_names),
            sex=sex,
            phone=self.spec.mobile(rng),
        )
        self.plan.people.append(person)
        return person

    def build(self, cross_parent: Person | None = None) -> _Builder:
        self._classes()
        self._staff()
        self._teachers()
        self._families(cross_parent)
        self._practical_groups()
        self._accounts()
        return self

    # --- structure -------------------------------------------------------------------------------
    def _classes(self) -> None:
        spec, rng = self.spec, self.rng
        counts = apportion(self.students, [cell.share for cell in spec.cells], minimum=1)
        index_in_level: dict[str, int] = defaultdict(int)
        self.slots: list[_Slot] = []
        for cell, count in zip(spec.cells, counts, strict=True):
            sizes = apportion(count, [1.0] * max(1, math.ceil(count / spec.class_size)))
            for name, size in zip(cell.class_names(len(sizes)), sizes, strict=True):
                school_class = ClassPlan(
                    name=name,
                    cell=cell,
                    lessons=spec.curriculum(cell, index_in_level[cell.level]),
                    second_language=spec.second_language_lesson(cell),
                    size=size,
                )
                index_in_level[cell.level] += 1
                self.plan.classes.append(school_class)
                languages = [language for language, _ in spec.second_languages]
                weights = [share for _, share in spec.second_languages]
                for _ in range(size):
                    choice = rng.choices(languages, weights)[0] if school_class.second_language else ""
                    self.slots.append(_Slot(school_class, choice))
        self._language_groups()
        self.printed_class = self._first_class(spec.printed_student_cell)
        sibling_class = self._first_class(spec.printed_sibling_cell)
        rng.shuffle(self.slots)
        # The printed family's two children sit in chosen classes: first two seats.
        for position, wanted in ((0, self.printed_class), (1, sibling_class)):
            found = next(i for i in range(position, len(self.slots)) if self.slots[i].school_class is wanted)
            self.slots[position], self.slots[found] = self.slots[found], self.slots[position]

    def _first_class(self, cell: tuple[str, str]) -> ClassPlan:
        return next(c for c in self.plan.classes if (c.cell.level, c.cell.series) == cell)

    def _language_groups(self) -> None:
        """Second languages are taught in groups across two classes of a level ('2nde 1-2 Espagnol')."""
        by_level: dict[str, list[ClassPlan]] = defaultdict(list)
        for school_class in self.plan.classes:
            if school_class.second_language:
                by_level[school_class.cell.level].append(school_class)
        self.language_groups: list[tuple[GroupPlan, str, Lesson]] = []
        for classes in by_level.values():
            for i in range(0, len(classes), 2):
                pair = classes[i : i + 2]
                label = pair[0].name if len(pair) == 1 else _pair_label(pair[0].name, pair[1].name)
                lesson = pair[0].second_language
                assert lesson is not None
                for language, _ in self.spec.second_languages:
                    slots = [s for s in self.slots if s.school_class in pair and s.second_language == language]
                    if slots:
                        group = GroupPlan(name=f"{label} {language.split(' (')[0]}", classes=list(pair), seats=slots)
                        self.plan.groups.append(group)
                        self.language_groups.append((group, language, lesson))

    # --- staff -----------------------------------------------------------------------------------
    def _staff(self) -> None:
        rng = self.rng
        for kind, title_m, title_f in self.spec.staff:
            person = self.adult()
            person.wants_email = True
            starts_on = dt.date(rng.randrange(2012, 2026), 9, 1)
            self.plan.functions.append(FunctionPlan(person, kind, title_f if person.sex == "F" else title_m, starts_on))
        note, starts_on, ends_on = self.spec.guest
        guest = self.adult()
        guest.wants_email = True
        self.plan.functions.append(FunctionPlan(guest, "guest", note, starts_on, ends_on))

    def _teachers(self) -> None:
        spec, rng, plan = self.spec, self.rng, self.plan
        # What has to be taught: (subject, load in hours, class or group, lesson).
        units: list[tuple[str, Decimal, ClassPlan | GroupPlan, Lesson]] = []
        for school_class in plan.classes:
            for lesson in school_class.lessons:
                if lesson.subject not in spec.taught_with:
                    units.append((lesson.subject, lesson.hours + lesson.practical_hours, school_class, lesson))
        for group, language, lesson in self.language_groups:
            units.append((language, lesson.hours, group, lesson))
        hours: dict[str, Decimal] = defaultdict(Decimal)
        unit_counts: dict[str, int] = defaultdict(int)
        for subject, unit_hours, _, _ in units:
            hours[subject] += unit_hours
            unit_counts[subject] += 1
        wanted = max(1, math.ceil(self.students / spec.students_per_teacher))
        total = sum(hours.values())
        teachers: dict[str, list[Person]] = {}
        self.discipline: dict[Person, str] = {}
        for subject, _, _ in spec.subjects:
            if subject not in hours:
                continue
            count = max(1, min(unit_counts[subject], round(wanted * float(hours[subject] / total))))
            teachers[subject] = []
            for _ in range(count):
                teacher = self.adult()
                teacher.wants_email = True
                teachers[subject].append(teacher)
                plan.teachers.append(teacher)
                self.discipline[teacher] = subject
                starts_on = dt.date(rng.randrange(1998, 2026), 9, 1)
                plan.functions.append(FunctionPlan(teacher, "teacher", subject, starts_on))
        load: dict[Person, Decimal] = defaultdict(Decimal)
        order = {teacher: i for i, teacher in enumerate(plan.teachers)}
        self.class_teacher: dict[tuple[int, str], Person] = {}
        for subject, unit_load, audience, lesson in units:
            teacher = min(teachers[subject], key=lambda t: (load[t], order[t]))
            load[teacher] += unit_load
            if isinstance(audience, ClassPlan):
                self.class_teacher[(id(audience), subject)] = teacher
                plan.assignments.append(
                    AssignmentPlan(teacher, subject, lesson.hours - lesson.practical_hours, lesson.coefficient, school_class=audience)
                )
            else:
                plan.assignments.append(AssignmentPlan(teacher, subject, lesson.hours, lesson.coefficient, group=audience))
        for school_class in plan.classes:
            for lesson in school_class.lessons:
                partner = spec.taught_with.get(lesson.subject)
                if partner:
                    teacher = self.class_teacher[(id(school_class), partner)]
                    plan.assignments.append(AssignmentPlan(teacher, lesson.subject, lesson.hours, lesson.coefficient, school_class=school_class))
        self._main_teachers(order)

    def _main_teachers(self, order: dict[Person, int]) -> None:
        """One main teacher per class, spread over the staff room, never the two teachers printed as
        'a teacher' and 'a teacher who is a parent' (so each printed account shows one thing)."""
        spec = self.spec
        printed_class = self.printed_class
        self.printed_teacher = next(
            self.class_teacher[(id(printed_class), subject)]
            for subject in spec.printed_teacher_subjects
            if (id(printed_class), subject) in self.class_teacher
        )
        women = [t for t in self.plan.teachers if t.sex == "F" and t is not self.printed_teacher]
        self.teacher_parent = (women or [t for t in self.plan.teachers if t is not self.printed_teacher])[0]
        reserved = {self.printed_teacher, self.teacher_parent}
        mains: dict[Person, int] = defaultdict(int)
        by_class: dict[int, list[AssignmentPlan]] = defaultdict(list)
        for assignment in self.plan.assignments:
            if assignment.school_class is not None:
                by_class[id(assignment.school_class)].append(assignment)
        self.main_teacher: dict[int, Person] = {}
        for school_class in self.plan.classes:
            candidates = [a for a in by_class[id(school_class)] if a.teacher not in reserved]
            preferred = [a for a in candidates if a.subject not in spec.not_main and a.subject not in spec.taught_with]
            chosen = min(preferred or candidates, key=lambda a: (mains[a.teacher], order[a.teacher]))
            chosen.is_main_teacher = True
            mains[chosen.teacher] += 1
            self.main_teacher[id(school_class)] = chosen.teacher

    # --- students and their families -------------------------------------------------------------
    def _families(self, cross_parent: Person | None) -> None:
        spec, rng = self.spec, self.rng
        sizes = [size for size, _ in spec.family_sizes]
        weights = [weight for _, weight in spec.family_sizes]
        position, family = 0, 0
        while position < len(self.slots):
            size = 2 if family == 0 else 1 if family in (1, 2) else rng.choices(sizes, weights)[0]
            slots = self.slots[position : position + size]
            position += len(slots)
            self._family(family, slots, cross_parent)
            family += 1
        for group, _, _ in self.language_groups:
            group.students = [seat.person for seat in group.seats]

    def _family(self, number: int, slots: list[_Slot], cross_parent: Person | None) -> None:
        spec, rng = self.spec, self.rng
        pool = names.pick_pool(rng, spec.pools)
        last_name = rng.choice(pool.last_names)
        if number == 2 and cross_parent is not None:
            pool, last_name = names.FON_GOUN, cross_parent.last_name
        children = [self._student(slot, pool, last_name) for slot in slots]
        for i, child in enumerate(children):
            while any(child.first_name == other.first_name for other in children[:i]):
                child.first_name = names.first_name(rng, pool, child.sex, child=True, majority=spec.pools[0])
        forced = number < 3
        guardians: list[tuple[Person, str, bool]] = []
        if forced or rng.random() < spec.two_guardians_rate:
            if number == 1 and self.teacher_parent.sex == "F":
                mother = self.teacher_parent
            else:
                mother_name = last_name if rng.random() >= spec.mother_keeps_own_name_rate else ""
                mother = self.adult("F", pool=pool, last_name=mother_name)
            guardians.append((mother, "mother", True))
            if number == 2 and cross_parent is not None:
                father = cross_parent
            elif number == 1 and self.teacher_parent.sex == "M":
                father = self.teacher_parent
            elif not forced and rng.random() < 0.04:
                guardians.append((self.adult("F", pool=pool, last_name=last_name), "other", False))  # a grandmother
                father = None
            else:
                father = self.adult("M", pool=pool, last_name=last_name)
            if father is not None:
                guardians.append((father, "father", True))
        else:
            relationship = rng.choices([r for r, _ in spec.single_guardian_weights], [w for _, w in spec.single_guardian_weights])[0]
            if relationship == "guardian":
                guardians.append((self.adult(pool=pool), "guardian", True))  # an uncle or an aunt
            else:
                sex = "F" if relationship == "mother" else "M"
                guardians.append((self.adult(sex, pool=pool, last_name=last_name if sex == "M" or rng.random() < 0.6 else ""), relationship, True))
        for guardian, _, _ in guardians:
            if guardian not in self.plan.teachers and guardian is not cross_parent:
                guardian.wants_email = rng.random() < spec.guardian_email_rate
        for child in children:
            for guardian, relationship, legal in guardians:
                self.plan.guardianships.append(GuardianshipPlan(guardian, child, relationship, legal))
        if number == 0:
            self.printed_family = (guardians[0][0], children)
        if number == 2:
            self.cross_father = guardians[1][0]
            self.cross_child = children[0]
            self.cross_class = slots[0].school_class

    def _student(self, slot: _Slot, pool: names.NamePool, last_name: str) -> Person:
        spec, rng = self.spec, self.rng
        cell = slot.school_class.cell
        sex = rng.choice("FM")
        repeating = rng.random() < spec.repeating_rate
        born = self.start.year - cell.age - (1 if repeating else 0) - rng.choice(spec.late_start_years)
        person = Person(
            first_name=names.first_name(rng, pool, sex, child=True, majority=spec.pools[0]),
            last_name=last_name,
            sex=sex,
            birth_date=dt.date(born, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            birth_place=names.birth_place(rng, spec.birth_places),
            phone=spec.mobile(rng) if rng.random() < spec.student_phone_rate else "",
        )
        self.plan.people.append(person)
        slot.person = person
        slot.school_class.students.append(person)
        self.plan.enrollments.append(EnrollmentPlan(person, slot.school_class, self._national_id(cell, repeating), repeating))
        return person

    def _national_id(self, cell: Cell, repeating: bool) -> str:
        """France: an INE (ten digits and a letter). Benin: an EducMaster-like matricule (year of
        entry in 6e, then eight digits)."""
        while True:
            if self.spec.country == "FR":
                value = f"{self.rng.randrange(10**9, 10**10)}{self.rng.choice(string.ascii_uppercase)}"
            else:
                entered = self.start.year - (cell.rank - 1) - (1 if repeating else 0)
                value = f"{entered}{self.rng.randrange(10**8):08d}"
            if value not in self.national_ids:
                self.national_ids.add(value)
                return value

    def _practical_groups(self) -> None:
        """Half-class groups (alphabetical halves) for practical work, taught by the class's teacher."""
        for school_class in self.plan.classes:
            for lesson in school_class.lessons:
                if not lesson.practical_hours:
                    continue
                students = sorted(school_class.students, key=lambda p: (p.last_name, p.first_name))
                half = (len(students) + 1) // 2
                teacher = self.class_teacher[(id(school_class), lesson.subject)]
                for letter, members in (("A", students[:half]), ("B", students[half:])):
                    if not members:
                        continue
                    group = GroupPlan(name=f"{school_class.name} TP {letter}", classes=[school_class], students=members)
                    self.plan.groups.append(group)
                    self.plan.assignments.append(
                        AssignmentPlan(teacher, lesson.subject, lesson.practical_hours, lesson.coefficient, group=group)
                    )

    # --- the printed accounts --------------------------------------------------------------------
    def _accounts(self) -> None:
        spec, plan = self.spec, self.plan
        printed_class = self.printed_class
        guardian, children = self.printed_family
        student = children[0]
        main = self.main_teacher[id(printed_class)]
        child_classes = {id(p): c.name for c in plan.classes for p in c.students}
        teacher_parent_children = [
            g.student for g in plan.guardianships if g.guardian is self.teacher_parent
        ]
        rows: list[tuple[str, Person, str]] = []
        seen_kinds: set[str] = set()
        for function in plan.functions:
            if function.kind in ("teacher", "guest") or function.kind in seen_kinds:
                continue
            seen_kinds.add(function.kind)
            rows.append((function.kind, function.person, function.note))
        rows += [
            ("teacher", self.printed_teacher, f"{self.discipline[self.printed_teacher]}, {printed_class.name}"),
            ("main_teacher", main, f"{self.discipline[main]}, {printed_class.name}"),
            (
                "teacher_parent",
                self.teacher_parent,
                f"{self.discipline[self.teacher_parent]} ; "
                + ", ".join(f"{c.first_name} ({child_classes[id(c)]})" for c in teacher_parent_children),
            ),
            ("student", student, printed_class.name),
            ("guardian", guardian, ", ".join(f"{c.first_name} ({child_classes[id(c)]})" for c in children)),
        ]
        for role, person, detail in rows:
            plan.accounts.append(AccountPlan(account_key(spec.key, role), role, person, detail, spec))


def _pair_label(first: str, second: str) -> str:
    """'2nde 1' + '2nde 2' -> '2nde 1-2'; '1re A1' + '1re A2' -> '1re A1-A2'; 'Tle A1-1' + 'Tle A1-2' -> 'Tle A1-1+A1-2'."""
    prefix, _, a = first.rpartition(" ")
    _, _, b = second.rpartition(" ")
    return f"{prefix} {a}{'+' if '-' in a else '-'}{b}"
