"""The columns of a students file, and one line read into a StudentLine (problems reported on the way)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.imports.columns import Column, Header
from carnet.school.imports.plan import Plan
from carnet.school.imports.reading import Row
from carnet.school.imports.values import (
    CellError,
    parse_birth_date,
    parse_email,
    parse_relationship,
    parse_sex,
    parse_yes_no,
)
from carnet.school.phones import PhoneError, normalize_phone

GUARDIAN_SLOTS = (1, 2)
GUARDIAN_FIELDS = (
    ("last_name", "Nom", ("Nom de famille",)),
    ("first_name", "Prénom", ("Prénoms",)),
    ("relationship", "Lien", ("Lien de parenté", "Parenté", "Qualité")),
    ("phone", "Téléphone", ("Tél", "Tel", "Portable", "Mobile", "Téléphone portable")),
    ("email", "Courriel", ("Email", "E-mail", "Mail", "Adresse électronique", "Adresse mail")),
)


def _guardian_columns() -> list[Column]:
    columns = []
    for n in GUARDIAN_SLOTS:
        for key, label, aliases in GUARDIAN_FIELDS:
            spellings = (label, *aliases)
            columns.append(
                Column(
                    f"g{n}_{key}",
                    f"Responsable {n} {label}",
                    tuple(f"Responsable {n} {s}" for s in aliases)
                    + tuple(f"{s} responsable {n}" for s in spellings)
                    + tuple(f"Resp {n} {s}" for s in spellings)
                    + tuple(f"{s} resp {n}" for s in spellings),
                )
            )
    return columns


COLUMNS = [
    Column("national_id", "Matricule", ("INE", "N° matricule", "Numéro matricule", "Matricule EducMaster", "Numéro INE")),
    Column("last_name", "Nom", ("Nom de famille", "Nom d'usage", "Nom élève"), required=True),
    Column("first_name", "Prénom", ("Prénoms", "Prénom élève"), required=True),
    Column("sex", "Sexe", ("Genre",)),
    Column("birth_date", "Date de naissance", ("Né le", "Née le", "Né(e) le", "Naissance", "Date naissance")),
    Column("birth_place", "Lieu de naissance", ("Lieu naissance", "Né à", "Née à", "Né(e) à")),
    Column("class", "Classe", ("Division",), required=True),
    Column("repeating", "Redoublant", ("Redoublement", "Redouble", "Redoublante")),
    Column("level", "Niveau"),
    Column("series", "Série", ("Filière",)),
    *_guardian_columns(),
]


@dataclass
class GuardianEntry:
    line: int
    slot: int
    row_index: int
    last_name: str
    first_name: str
    relationship: str | None
    phone: str | None
    email: str | None

    @property
    def who(self) -> str:
        return fold(self.first_name) or "~" + fold(self.last_name)


@dataclass
class StudentLine:
    row: Row
    national_id: str
    last_name: str
    first_name: str
    sex: str | None
    birth_date: dt.date | None
    birth_place: str | None
    class_name: str
    repeating: bool | None
    level: str
    series: str
    guardians: list[GuardianEntry] = field(default_factory=list)


class Problems:
    def __init__(self, plan: Plan, header: Header):
        self.plan, self.header = plan, header

    def __call__(self, line: int, key: str, message) -> None:
        self.plan.add_problem(line, self.header.name(key), message, self.header.letter(key))


def parse_line(row: Row, index: int, header: Header, problem, country: str, today: dt.date) -> StudentLine:
    line = row.line

    def text(key: str, maximum: int) -> str:
        value = header.get(row, key)
        if len(value) > maximum:
            problem(line, key, _("Texte trop long : %(max)s caractères au plus.") % {"max": maximum})
            return value[:maximum]
        return value

    def parsed(key: str, parser):
        value = header.get(row, key)
        if not value:
            return None
        try:
            return parser(value)
        except (CellError, PhoneError) as exc:
            problem(line, key, str(exc))
            return None

    national_id = text("national_id", 30).replace(" ", "").upper()
    last_name = text("last_name", 150)
    first_name = text("first_name", 150)
    class_name = text("class", 80)
    if not last_name:
        problem(line, "last_name", _("Nom de l'élève manquant."))
    if not first_name:
        problem(line, "first_name", _("Prénom de l'élève manquant."))
    if not class_name:
        problem(line, "class", _("Classe manquante."))
    birth_date = parsed("birth_date", lambda v: parse_birth_date(v, today))
    if not national_id and not header.get(row, "birth_date"):
        problem(
            line,
            "national_id",
            _(
                "Indiquez le matricule ou la date de naissance : sans l'un ni l'autre, l'élève ne pourrait "
                "pas être reconnu au prochain import."
            ),
        )
    student = StudentLine(
        row=row,
        national_id=national_id,
        last_name=last_name,
        first_name=first_name,
        sex=parsed("sex", parse_sex),
        birth_date=birth_date,
        birth_place=text("birth_place", 120) or None,
        class_name=class_name,
        repeating=parsed("repeating", parse_yes_no),
        level=text("level", 40),
        series=text("series", 40),
    )
    for n in GUARDIAN_SLOTS:
        cells = {key: header.get(row, f"g{n}_{key}") for key, _label, _aliases in GUARDIAN_FIELDS}
        if not any(cells.values()):
            continue
        if not cells["last_name"]:
            problem(line, f"g{n}_last_name", _("Nom du responsable %(n)s manquant.") % {"n": n})
        student.guardians.append(
            GuardianEntry(
                line=line,
                slot=n,
                row_index=index,
                last_name=text(f"g{n}_last_name", 150),
                first_name=text(f"g{n}_first_name", 150),
                relationship=parsed(f"g{n}_relationship", parse_relationship),
                phone=parsed(f"g{n}_phone", lambda v: normalize_phone(v, country)),
                email=parsed(f"g{n}_email", parse_email),
            )
        )
    return student
