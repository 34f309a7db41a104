"""A realistic students file in the documented import format (docs/import-formats.md): one line per
student with an INE, a class of about 35, and one or two guardians with a telephone (siblings share
their parents, as in a real school). Deterministic for a given seed, so a re-import is the very
same file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

HEADERS = [
    "Matricule", "Nom", "Prénom", "Sexe", "Date de naissance", "Lieu de naissance", "Classe", "Redoublant",
    "Niveau", "Série",
    "Responsable 1 Nom", "Responsable 1 Prénom", "Responsable 1 Lien", "Responsable 1 Téléphone",
    "Responsable 1 Courriel",
    "Responsable 2 Nom", "Responsable 2 Prénom", "Responsable 2 Lien", "Responsable 2 Téléphone",
    "Responsable 2 Courriel",
]

LAST_NAMES = (
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
    "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
    "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFEBVRE", "FAURE", "ANDRÉ",
    "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER", "FRANÇOIS", "LEGRAND", "GAUTHIER", "GARCIA",
    "PERRIN", "ROBIN", "CLÉMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON",
    "N'DIAYE", "DIALLO", "TRAORÉ", "KONÉ", "BENALI", "HADDAD", "NGUYEN", "TRAN", "DA SILVA", "PEREIRA",
    "HOUNKPATIN", "AGBODJAN", "DOSSOU", "KPOGNON", "ADJOVI", "AHOUANDJINOU", "GBAGUIDI", "SOSSOU",
    "LE GALL", "LE ROUX", "KERVELLA", "SCHMITT", "MEYER", "WEBER", "DE LA FONTAINE", "SAINT-MARTIN",
)
GIRLS = (
    "Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léa", "Rose", "Anna", "Mila", "Inès", "Ambre",
    "Julia", "Mia", "Léna", "Manon", "Juliette", "Lou", "Zoé", "Camille", "Sarah", "Agathe", "Aïcha",
    "Fatoumata", "Maëlys", "Noémie", "Héloïse", "Yasmine", "Océane", "Clémence", "Éloïse", "Romane",
    "Afi", "Sènami", "Mahugnon", "Nafissatou",
)
BOYS = (
    "Gabriel", "Léo", "Raphaël", "Arthur", "Louis", "Jules", "Adam", "Maël", "Lucas", "Hugo", "Noah",
    "Liam", "Gabin", "Sacha", "Paul", "Nathan", "Aaron", "Mohamed", "Ethan", "Tom", "Théo", "Noé",
    "Timéo", "Enzo", "Mathis", "Baptiste", "Clément", "Yanis", "Ibrahim", "Élie", "Jean-Baptiste",
    "Koffi", "Sèdjro", "Comlan", "Mamadou", "Anthony",
)
ADULT_WOMEN = ("Sophie", "Nathalie", "Isabelle", "Sandrine", "Céline", "Aurélie", "Stéphanie", "Valérie",
               "Karima", "Fatima", "Awa", "Chantal", "Véronique", "Émilie", "Hélène", "Delphine")
ADULT_MEN = ("Olivier", "Stéphane", "Nicolas", "Christophe", "Frédéric", "Laurent", "David", "Sébastien",
             "Karim", "Moussa", "Romuald", "Jean-Marc", "Pascal", "Éric", "Thierry", "Cédric")
PLACES = ("Paris", "Lyon", "Marseille", "Lille", "Nantes", "Bordeaux", "Toulouse", "Rennes", "Strasbourg",
          "Montreuil", "Saint-Denis", "Créteil", "Cotonou", "Porto-Novo", "Dakar", "Bamako", "Alger", "Lisbonne")
LEVELS = (("Seconde", "2nde", 2010), ("Première", "1re", 2009), ("Terminale", "Tle", 2008))
CLASS_SIZE = 35


def _class_names(students: int) -> list[tuple[str, str, int]]:
    """(class name, level name, birth year) for every class, about CLASS_SIZE students each."""
    classes_per_level = max(1, -(-students // (CLASS_SIZE * len(LEVELS))))
    result = []
    for level, short, year in LEVELS:
        for index in range(classes_per_level):
            letter = chr(ord("A") + index % 26) + ("" if index < 26 else str(index // 26))
            result.append((f"{short} {letter}", level, year))
    return result


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        digits = f"0{rng.choice('67')}" + "".join(str(rng.randrange(10)) for _ in range(8))
        if digits not in used:
            used.add(digits)
            return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


def _email(first: str, last: str, rng: random.Random, used: set[str]) -> str:
    """A personal address, never shared with another person of the file."""
    from carnet.identity.names import fold

    local = f"{fold(first)}.{fold(last)}".replace(" ", "-").replace("'", "")
    while True:
        address = f"{local}{rng.randrange(10, 1000)}@example.org"
        if address not in used:
            used.add(address)
            return address


def students_rows(students: int, *, seed: int = 2026) -> list[list[str]]:
    rng = random.Random(seed)
    classes = _class_names(students)
    used_phones: set[str] = set()
    used_emails: set[str] = set()
    rows: list[list[str]] = []
    family: list[list[str]] = []  # guardian cells of the previous student, for siblings
    family_name = ""
    for index in range(students):
        class_name, level, birth_year = classes[index % len(classes)]
        sibling = bool(family) and rng.random() < 0.08
        last = family_name if sibling else rng.choice(LAST_NAMES)
        girl = rng.random() < 0.5
        first = rng.choice(GIRLS if girl else BOYS)
        repeating = rng.random() < 0.04
        born = dt.date(birth_year - (1 if repeating else 0), 1, 1) + dt.timedelta(days=rng.randrange(365))
        if not sibling:
            mother = [last if rng.random() < 0.7 else rng.choice(LAST_NAMES), rng.choice(ADULT_WOMEN), "Mère"]
            father = [last, rng.choice(ADULT_MEN), "Père"]
            first_guardian, second = (mother, father) if rng.random() < 0.75 else (father, mother)
            guardians = [first_guardian]
            if rng.random() < 0.6:
                guardians.append(second)
            if rng.random() < 0.03:
                guardians = [[rng.choice(LAST_NAMES), rng.choice(ADULT_WOMEN + ADULT_MEN), "Tuteur"]]
            family = []
            for g_last, g_first, relationship in guardians:
                email = _email(g_first, g_last, rng, used_emails) if rng.random() < 0.5 else ""
                family.append([g_last, g_first, relationship, _phone(rng, used_phones), email])
            family_name = last
        cells = [
            f"{index + 100000000:09d}{chr(65 + index % 26)}{chr(65 + (index // 26) % 26)}",
            last,
            first,
            "F" if girl else "M",
            born.strftime("%d/%m/%Y"),
            rng.choice(PLACES),
            class_name,
            "O" if repeating else "N",
            level,
            "",
        ]
        for slot in range(2):
            cells += family[slot] if slot < len(family) else ["", "", "", "", ""]
        rows.append(cells)
    return rows


def students_csv(students: int, *, seed: int = 2026) -> bytes:
    """The file as a French spreadsheet saves it: UTF-8 with BOM, ';' between cells, CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(students_rows(students, seed=seed))
    return buffer.getvalue().encode("utf-8-sig")
