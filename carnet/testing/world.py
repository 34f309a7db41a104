"""The named test school, built once per test that asks for `world`.

Lycée Victor-Hugo (France, current year 2026-2027, three trimesters):
- head: Hélène Proviseur; cpe: Claire Vie-Scolaire; secretary: Sam Secrétaire
- teacher_maths: Marc Maths (maths in 2nde A, main teacher of 2nde A; maths in 2nde B)
- teacher_french: Fanny Français (French in 2nde B) — also bruno's father: teacher and parent
- 2nde A: alice, bruno; 2nde B: chloe
- guardians: alice_mother (Anne), chloe_father (Charles); chloe's mother is alice_mother too
  (a guardian with two children, in the same establishment)
CEG Akpakpa (Benin, second establishment):
- outsider: Olivier Dehors, teacher of 6e M1 there; student: dossou in 6e M1, with guardian dossou_parent
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carnet.school import models as school
from carnet.testing.factories import (
    PASSWORD,
    EstablishmentFactory,
    SchoolClassFactory,
    SchoolYearFactory,
    SubjectFactory,
    UserFactory,
    assign,
    enroll,
    give_function,
    guard,
)

K = school.StaffFunction.Kind


@dataclass
class World:
    password: str
    lycee: school.Establishment
    ceg: school.Establishment
    year: school.SchoolYear
    ceg_year: school.SchoolYear
    periods: list
    seconde_a: school.SchoolClass
    seconde_b: school.SchoolClass
    sixieme: school.SchoolClass
    maths: school.Subject
    french: school.Subject
    head: object
    cpe: object
    secretary: object
    teacher_maths: object
    teacher_french: object
    alice: object
    bruno: object
    chloe: object
    alice_mother: object
    chloe_father: object
    outsider: object
    dossou: object
    dossou_parent: object

    def people(self) -> dict[str, object]:
        return {
            name: getattr(self, name)
            for name in (
                "head", "cpe", "secretary", "teacher_maths", "teacher_french", "alice", "bruno", "chloe",
                "alice_mother", "chloe_father", "outsider", "dossou", "dossou_parent",
            )
        }


def build_world() -> World:
    lycee = EstablishmentFactory.create(code="0750001A", name="Lycée Victor-Hugo", country="FR", time_zone="Europe/Paris")
    ceg = EstablishmentFactory.create(code="BJ-CEG-001", name="CEG Akpakpa", country="BJ", time_zone="Africa/Porto-Novo")
    year = SchoolYearFactory.create(establishment=lycee, name="2026-2027", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 7, 4))
    ceg_year = SchoolYearFactory.create(establishment=ceg, name="2026-2027", starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2027, 7, 15))
    periods = [
        school.Period.objects.create(establishment=lycee, school_year=year, kind="trimester", number=n, name=f"Trimestre {n}", starts_on=s, ends_on=e)
        for n, s, e in (
            (1, dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
            (2, dt.date(2026, 12, 1), dt.date(2027, 3, 10)),
            (3, dt.date(2027, 3, 11), dt.date(2027, 7, 4)),
        )
    ]
    seconde = school.Level.objects.create(establishment=lycee, name="Seconde", rank=10)
    seconde_a = SchoolClassFactory.create(school_year=year, name="2nde A", level=seconde)
    seconde_b = SchoolClassFactory.create(school_year=year, name="2nde B", level=seconde)
    sixieme = SchoolClassFactory.create(school_year=ceg_year, name="6e M1")
    maths = SubjectFactory.create(establishment=lycee, name="Mathématiques", short_name="MATHS")
    french = SubjectFactory.create(establishment=lycee, name="Français", short_name="FRAN")
    ceg_maths = SubjectFactory.create(establishment=ceg, name="Mathématiques", short_name="MATHS")

    def person(first, last, username, **extra):
        return UserFactory(first_name=first, last_name=last, username=username, **extra)

    head = person("Hélène", "Proviseur", "helene.proviseur")
    cpe = person("Claire", "Vie-Scolaire", "claire.vie-scolaire")
    secretary = person("Sam", "Secrétaire", "sam.secretaire")
    teacher_maths = person("Marc", "Maths", "marc.maths")
    teacher_french = person("Fanny", "Français", "fanny.francais")
    alice = person("Alice", "Martin", "alice.martin", birth_date=dt.date(2010, 5, 4))
    bruno = person("Bruno", "Français", "bruno.francais", birth_date=dt.date(2010, 2, 1))
    chloe = person("Chloé", "Durand", "chloe.durand", birth_date=dt.date(2010, 8, 9))
    alice_mother = person("Anne", "Martin", "anne.martin", phone="+33612345678")
    chloe_father = person("Charles", "Durand", "charles.durand", phone="+33698765432")
    outsider = person("Olivier", "Dehors", "olivier.dehors")
    dossou = person("Koffi", "Dossou", "koffi.dossou")
    dossou_parent = person("Afi", "Dossou", "afi.dossou", phone="+22997000001")

    give_function(head, lycee, K.HEAD)
    give_function(cpe, lycee, K.SCHOOL_LIFE)
    give_function(secretary, lycee, K.SECRETARY)
    assign(teacher_maths, seconde_a, maths, main=True, coefficient="4")
    assign(teacher_maths, seconde_b, maths, coefficient="4")
    assign(teacher_french, seconde_b, french, coefficient="3")
    assign(outsider, sixieme, ceg_maths, coefficient="3")

    enroll(alice, seconde_a, national_id="123456789AA")
    enroll(bruno, seconde_a, national_id="123456789BB")
    enroll(chloe, seconde_b, national_id="123456789CC")
    enroll(dossou, sixieme, national_id="BJ2026000001")

    guard(alice_mother, alice, lycee, "mother")
    guard(alice_mother, chloe, lycee, "mother")
    guard(chloe_father, chloe, lycee, "father")
    guard(teacher_french, bruno, lycee, "mother")
    guard(dossou_parent, dossou, ceg, "father")

    return World(
        password=PASSWORD, lycee=lycee, ceg=ceg, year=year, ceg_year=ceg_year, periods=periods,
        seconde_a=seconde_a, seconde_b=seconde_b, sixieme=sixieme, maths=maths, french=french,
        head=head, cpe=cpe, secretary=secretary, teacher_maths=teacher_maths, teacher_french=teacher_french,
        alice=alice, bruno=bruno, chloe=chloe, alice_mother=alice_mother, chloe_father=chloe_father,
        outsider=outsider, dossou=dossou, dossou_parent=dossou_parent,
    )
