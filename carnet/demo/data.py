"""What the two demo establishments are made of: calendars, levels, series, curricula (weekly hours
and coefficients), staff titles, and the printed demo accounts.

The curricula follow common practice: in France the 2019 lycée reform (tronc commun plus
spécialités, bac weights for the cycle terminal); in Benin the coefficients printed on public CEG
bulletins, which depend on the level and, in the second cycle, on the series. They are demo data to
show the product, not reference data to rely on: a school sets its own in its import.

Holiday dates follow the usual pattern of the national calendars (zone A for Lyon); lunar feasts in
Benin move with the official announcement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from carnet.demo import names

D = dt.date


@dataclass(frozen=True)
class Lesson:
    """A subject in a class's timetable: weekly hours, coefficient, and the share of the hours taught
    to half-classes (practical work)."""

    subject: str
    hours: Decimal
    coefficient: Decimal
    practical_hours: Decimal = Decimal("0")


def lessons(*rows: tuple) -> tuple[Lesson, ...]:
    return tuple(Lesson(row[0], Decimal(str(row[1])), Decimal(str(row[2])), Decimal(str(row[3] if len(row) > 3 else 0))) for row in rows)


@dataclass(frozen=True)
class Cell:
    """A level (and series) of the establishment: its share of the students and how its classes are named."""

    level: str
    rank: int
    share: float
    class_names: Callable[[int], list[str]]
    series: str = ""
    #: Typical age of its students on 1 September (without repeating).
    age: int = 15


@dataclass(frozen=True)
class EstablishmentSpec:
    key: str  # "lycee" / "ceg": prefixes the demo passwords
    code: str
    name: str
    country: str
    time_zone: str
    city: str
    year: tuple[str, dt.date, dt.date]
    period_kind: str
    periods: tuple[tuple[str, dt.date, dt.date], ...]
    events: tuple[tuple[str, str, dt.date, dt.date], ...]  # kind, name, starts_on, ends_on
    cells: tuple[Cell, ...]
    subjects: tuple[tuple[str, str, str], ...]  # name, short name, colour
    curriculum: Callable[[Cell, int], tuple[Lesson, ...]]
    #: (subject, share of students) for the second modern language, taught in groups across two classes.
    second_languages: tuple[tuple[str, float], ...]
    second_language_lesson: Callable[[Cell], Lesson | None]
    #: A subject taught by the teacher of another subject in the same class (EMC by the history teacher).
    taught_with: dict[str, str]
    #: Subjects whose teachers are not picked as main teacher when another is available.
    not_main: frozenset[str]
    #: Preferred subjects for the printed "teacher" account, in order.
    printed_teacher_subjects: tuple[str, ...]
    class_size: int
    students_per_teacher: int
    pools: tuple[names.NamePool, ...]
    birth_places: tuple[tuple[str, int], ...]
    mobile: Callable
    two_guardians_rate: float
    mother_keeps_own_name_rate: float
    single_guardian_weights: tuple[tuple[str, int], ...]  # relationship -> weight
    guardian_email_rate: float
    student_phone_rate: float
    repeating_rate: float
    #: The administration, in order: (StaffFunction kind, title for a man, title for a woman).
    staff: tuple[tuple[str, str, str], ...]
    guest: tuple[str, dt.date, dt.date]  # note, starts_on, ends_on
    #: Where the printed student and their sibling are: (level, series).
    printed_student_cell: tuple[str, str]
    printed_sibling_cell: tuple[str, str]
    family_sizes: tuple[tuple[int, int], ...] = field(default=((1, 75), (2, 21), (3, 4)))
    #: Years some students are older than their level's age (late school start), drawn uniformly.
    late_start_years: tuple[int, ...] = (0,)


def _numbered(prefix: str, first: str = "") -> Callable[[int], list[str]]:
    """'2nde' -> ['2nde 1', '2nde 2', …]; with first='G': ['1re G1', '1re G2', …]."""
    return lambda count: [f"{prefix} {first}{n}" for n in range(1, count + 1)]


def _series_class(prefix: str, series: str) -> Callable[[int], list[str]]:
    """One class: 'Tle D'; several: 'Tle D1', 'Tle D2'… ('Tle A1-1', 'Tle A1-2' for a numbered series)."""
    separator = "-" if series[-1].isdigit() else ""
    return lambda count: [f"{prefix} {series}"] if count == 1 else [f"{prefix} {series}{separator}{n}" for n in range(1, count + 1)]


# --- France: Lycée Jean-Jaurès, Lyon -------------------------------------------------------------

_FR_SECONDE = lessons(
    ("Français", 4, 3), ("Mathématiques", 4, 3), ("Histoire-géographie", 3, 3), ("Anglais (LVA)", 3, 2),
    ("SES", 1.5, 1), ("SVT", 1.5, 1), ("Physique-chimie", 3, 2, 1), ("EPS", 2, 1), ("EMC", 0.5, 1), ("SNT", 1.5, 1),
)
_FR_PREMIERE = lessons(
    ("Français", 4, 5), ("Histoire-géographie", 3, 3), ("Anglais (LVA)", 2, 3),
    ("Enseignement scientifique", 2, 3), ("EPS", 2, 2), ("EMC", 0.5, 1),
)
_FR_TERMINALE = lessons(
    ("Philosophie", 4, 8), ("Histoire-géographie", 3, 3), ("Anglais (LVA)", 2, 3),
    ("Enseignement scientifique", 2, 3), ("EPS", 2, 6), ("EMC", 0.5, 1),
)
# Classes grouped by spécialités, as many lycées do to build a timetable that holds.
_FR_PREMIERE_PROFILES = (
    ("Mathématiques", "Physique-chimie", "SVT"),
    ("Mathématiques", "Physique-chimie", "SES"),
    ("SES", "HGGSP", "Mathématiques"),
    ("HLP", "HGGSP", "SES"),
    ("Mathématiques", "SVT", "SES"),
)
_FR_TERMINALE_PROFILES = (
    ("Mathématiques", "Physique-chimie"),
    ("Physique-chimie", "SVT"),
    ("Mathématiques", "SES"),
    ("SES", "HGGSP"),
    ("HLP", "HGGSP"),
)


def _france_curriculum(cell: Cell, index: int) -> tuple[Lesson, ...]:
    if cell.level == "Seconde":
        return _FR_SECONDE
    if cell.level == "Première":
        specialities: tuple[str, ...] = _FR_PREMIERE_PROFILES[index % len(_FR_PREMIERE_PROFILES)]
        return _FR_PREMIERE + lessons(*((subject, 4, 8) for subject in specialities))
    specialities = _FR_TERMINALE_PROFILES[index % len(_FR_TERMINALE_PROFILES)]
    return _FR_TERMINALE + lessons(*((subject, 6, 16) for subject in specialities))


def _france_second_language(cell: Cell) -> Lesson:
    return Lesson("", Decimal("2.5"), Decimal("2")) if cell.level == "Seconde" else Lesson("", Decimal("2"), Decimal("3"))


FRANCE = EstablishmentSpec(
    key="lycee",
    code="0691234X",
    name="Lycée Jean-Jaurès",
    country="FR",
    time_zone="Europe/Paris",
    city="Lyon",
    year=("2026-2027", D(2026, 9, 1), D(2027, 7, 3)),
    period_kind="trimester",
    periods=(
        ("1er trimestre", D(2026, 9, 1), D(2026, 11, 27)),
        ("2e trimestre", D(2026, 11, 28), D(2027, 3, 5)),
        ("3e trimestre", D(2027, 3, 6), D(2027, 7, 3)),
    ),
    events=(
        ("holiday", "Vacances de la Toussaint", D(2026, 10, 17), D(2026, 11, 1)),
        ("closed", "Armistice de 1918", D(2026, 11, 11), D(2026, 11, 11)),
        ("holiday", "Vacances de Noël", D(2026, 12, 19), D(2027, 1, 3)),
        ("holiday", "Vacances d'hiver", D(2027, 2, 6), D(2027, 2, 21)),
        ("exceptional", "Journée portes ouvertes", D(2027, 3, 13), D(2027, 3, 13)),
        ("closed", "Lundi de Pâques", D(2027, 3, 29), D(2027, 3, 29)),
        ("holiday", "Vacances de printemps", D(2027, 4, 3), D(2027, 4, 18)),
        ("closed", "Pont de l'Ascension", D(2027, 5, 6), D(2027, 5, 9)),
        ("closed", "Lundi de Pentecôte", D(2027, 5, 17), D(2027, 5, 17)),
    ),
    cells=(
        Cell("Seconde", 10, 0.36, _numbered("2nde"), age=15),
        Cell("Première", 20, 0.32, _numbered("1re", "G"), series="Générale", age=16),
        Cell("Terminale", 30, 0.32, _numbered("Tle", "G"), series="Générale", age=17),
    ),
    subjects=(
        ("Français", "FRANC", "#1f5f8b"), ("Mathématiques", "MATHS", "#b03a2e"),
        ("Histoire-géographie", "HIGEO", "#7d5a2c"), ("Anglais (LVA)", "ANG1", "#2e7d32"),
        ("Espagnol (LVB)", "ESP2", "#c0570b"), ("Allemand (LVB)", "ALL2", "#5d4037"),
        ("SES", "SES", "#6a1b9a"), ("SVT", "SVT", "#33691e"), ("Physique-chimie", "PHCH", "#00695c"),
        ("EPS", "EPS", "#ad1457"), ("EMC", "EMC", "#546e7a"), ("SNT", "SNT", "#283593"),
        ("Enseignement scientifique", "ENSCI", "#00838f"), ("Philosophie", "PHILO", "#4e342e"),
        ("HGGSP", "HGGSP", "#8d6e63"), ("HLP", "HLP", "#6d4c41"),
    ),
    curriculum=_france_curriculum,
    second_languages=(("Espagnol (LVB)", 0.72), ("Allemand (LVB)", 0.28)),
    second_language_lesson=_france_second_language,
    taught_with={"EMC": "Histoire-géographie"},
    not_main=frozenset({"EPS", "EMC", "SNT"}),
    printed_teacher_subjects=("Anglais (LVA)", "Histoire-géographie", "Français"),
    class_size=35,
    students_per_teacher=12,
    pools=names.FRANCE_POOLS,
    birth_places=names.FRANCE_BIRTH_PLACES,
    mobile=names.french_mobile,
    two_guardians_rate=0.72,
    mother_keeps_own_name_rate=0.3,
    single_guardian_weights=(("mother", 68), ("father", 20), ("guardian", 12)),
    guardian_email_rate=0.7,
    student_phone_rate=0.5,
    repeating_rate=0.04,
    staff=(
        ("head", "Proviseur", "Proviseure"),
        ("deputy", "Proviseur adjoint", "Proviseure adjointe"),
        ("school_life", "Conseiller principal d'éducation", "Conseillère principale d'éducation"),
        ("school_life", "Assistant d'éducation", "Assistante d'éducation"),
        ("secretary", "Secrétariat de direction", "Secrétariat de direction"),
        ("it_admin", "Référent numérique", "Référente numérique"),
    ),
    guest=("Intervenante théâtre (atelier du mercredi)", D(2026, 9, 1), D(2027, 6, 30)),
    printed_student_cell=("Première", "Générale"),
    printed_sibling_cell=("Seconde", ""),
)


# --- Benin: CEG Dantokpa, Cotonou ---------------------------------------------------------------

_BJ_FIRST_CYCLE = lessons(
    ("Français", 5, 3), ("Anglais", 3, 2), ("Mathématiques", 4, 3), ("PCT", 2, 2), ("SVT", 2, 2),
    ("Histoire-Géographie", 3, 2), ("EPS", 2, 1),
)
# Second cycle, by series: (subject, weekly hours, coefficient). Philosophy is taught in Terminale.
_BJ_SERIES = {
    "A1": lessons(("Français", 5, 4), ("Anglais", 4, 3), ("Histoire-Géographie", 3, 2), ("Mathématiques", 2, 1),
                  ("SVT", 2, 1), ("EPS", 2, 1)),
    "A2": lessons(("Français", 4, 3), ("Anglais", 3, 2), ("Histoire-Géographie", 5, 4), ("Mathématiques", 2, 1),
                  ("SVT", 2, 1), ("EPS", 2, 1)),
    "B": lessons(("Économie", 5, 4), ("Mathématiques", 4, 3), ("Histoire-Géographie", 4, 3), ("Français", 3, 2),
                 ("Anglais", 3, 2), ("EPS", 2, 1)),
    "C": lessons(("Mathématiques", 6, 5), ("PCT", 5, 5), ("SVT", 2, 2), ("Français", 3, 2), ("Anglais", 3, 2),
                 ("Histoire-Géographie", 2, 2), ("EPS", 2, 1)),
    "D": lessons(("Mathématiques", 5, 4), ("PCT", 4, 5), ("SVT", 5, 5), ("Français", 3, 2), ("Anglais", 3, 2),
                 ("Histoire-Géographie", 2, 2), ("EPS", 2, 1)),
}
_BJ_PHILOSOPHY = {"A1": (5, 4), "A2": (4, 4), "B": (3, 2), "C": (3, 2), "D": (3, 2)}
_BJ_SECOND_LANGUAGE = {"A1": (3, 3), "A2": (3, 2), "B": (2, 1)}


def _benin_curriculum(cell: Cell, index: int) -> tuple[Lesson, ...]:
    if not cell.series:
        return _BJ_FIRST_CYCLE
    rows = _BJ_SERIES[cell.series]
    if cell.level == "Tle":
        hours, coefficient = _BJ_PHILOSOPHY[cell.series]
        rows = rows + lessons(("Philosophie", hours, coefficient))
    return rows


def _benin_second_language(cell: Cell) -> Lesson | None:
    if not cell.series:
        return Lesson("", Decimal("2"), Decimal("1")) if cell.level in ("4e", "3e") else None
    if cell.series in _BJ_SECOND_LANGUAGE:
        hours, coefficient = _BJ_SECOND_LANGUAGE[cell.series]
        return Lesson("", Decimal(hours), Decimal(coefficient))
    return None


_BJ_SERIES_SHARES = (("D", 0.38), ("A1", 0.22), ("A2", 0.14), ("C", 0.14), ("B", 0.12))


def _benin_cells() -> tuple[Cell, ...]:
    cells = [
        Cell(level, rank, share, _numbered(level, "M"), age=age)
        for level, rank, share, age in (("6e", 1, 0.17, 11), ("5e", 2, 0.16, 12), ("4e", 3, 0.14, 13), ("3e", 4, 0.13, 14))
    ]
    for level, rank, share, age in (("2nde", 5, 0.15, 15), ("1re", 6, 0.13, 16), ("Tle", 7, 0.12, 17)):
        cells.extend(
            Cell(level, rank, share * series_share, _series_class(level, series), series=series, age=age)
            for series, series_share in _BJ_SERIES_SHARES
        )
    return tuple(cells)


BENIN = EstablishmentSpec(
    key="ceg",
    code="BJ-LIT-0412",
    name="CEG Dantokpa",
    country="BJ",
    time_zone="Africa/Porto-Novo",
    city="Cotonou",
    year=("2026-2027", D(2026, 9, 14), D(2027, 7, 2)),
    period_kind="semester",
    periods=(
        ("1er semestre", D(2026, 9, 14), D(2027, 2, 12)),
        ("2e semestre", D(2027, 2, 13), D(2027, 7, 2)),
    ),
    events=(
        ("holiday", "Congés de Noël et du Nouvel An", D(2026, 12, 19), D(2027, 1, 3)),
        ("closed", "Fête des religions traditionnelles", D(2027, 1, 11), D(2027, 1, 11)),
        ("closed", "Fête du Ramadan", D(2027, 3, 10), D(2027, 3, 10)),
        ("closed", "Lundi de Pâques", D(2027, 3, 29), D(2027, 3, 29)),
        ("holiday", "Congés de Pâques", D(2027, 4, 3), D(2027, 4, 18)),
        ("closed", "Fête du Travail", D(2027, 5, 1), D(2027, 5, 1)),
        ("closed", "Ascension", D(2027, 5, 6), D(2027, 5, 6)),
        ("closed", "Lundi de Pentecôte et Tabaski", D(2027, 5, 17), D(2027, 5, 17)),
        ("exceptional", "Examens blancs (BEPC et BAC)", D(2027, 5, 24), D(2027, 5, 28)),
    ),
    cells=_benin_cells(),
    subjects=(
        ("Français", "FRA", "#1f5f8b"), ("Anglais", "ANG", "#2e7d32"), ("Mathématiques", "MATHS", "#b03a2e"),
        ("PCT", "PCT", "#00695c"), ("SVT", "SVT", "#33691e"), ("Histoire-Géographie", "HG", "#7d5a2c"),
        ("EPS", "EPS", "#ad1457"), ("Philosophie", "PHILO", "#4e342e"), ("Allemand", "ALL", "#5d4037"),
        ("Espagnol", "ESP", "#c0570b"), ("Économie", "ECO", "#6a1b9a"),
    ),
    curriculum=_benin_curriculum,
    second_languages=(("Espagnol", 0.55), ("Allemand", 0.45)),
    second_language_lesson=_benin_second_language,
    taught_with={},
    not_main=frozenset({"EPS"}),
    printed_teacher_subjects=("Français", "Anglais", "Histoire-Géographie"),
    class_size=50,
    students_per_teacher=12,
    pools=names.BENIN_POOLS,
    birth_places=names.BENIN_BIRTH_PLACES,
    mobile=names.benin_mobile,
    two_guardians_rate=0.6,
    mother_keeps_own_name_rate=0.85,
    single_guardian_weights=(("mother", 48), ("father", 22), ("guardian", 30)),
    guardian_email_rate=0.3,
    student_phone_rate=0.1,
    repeating_rate=0.12,
    staff=(
        ("head", "Directeur", "Directrice"),
        ("deputy", "Censeur", "Censeure"),
        ("school_life", "Surveillant général", "Surveillante générale"),
        ("school_life", "Surveillant", "Surveillante"),
        ("secretary", "Secrétaire", "Secrétaire"),
        ("it_admin", "Responsable informatique", "Responsable informatique"),
    ),
    guest=("Inspecteur pédagogique (visite de classe)", D(2026, 10, 1), D(2027, 6, 30)),
    printed_student_cell=("Tle", "D"),
    printed_sibling_cell=("5e", ""),
    late_start_years=(0, 0, 0, 1, 1, 2),
)

SPECS: tuple[EstablishmentSpec, ...] = (FRANCE, BENIN)
DEMO_CODES: tuple[str, ...] = tuple(spec.code for spec in SPECS)


# --- the printed accounts -------------------------------------------------------------------------

#: Role -> label; the order is the order of the printed table.
ROLE_LABELS = {
    "head": _("Direction"),
    "deputy": _("Adjoint ou censeur"),
    "school_life": _("Vie scolaire"),
    "secretary": _("Secrétariat"),
    "it_admin": _("Administration informatique"),
    "teacher": _("Professeur"),
    "main_teacher": _("Professeur principal"),
    "teacher_parent": _("Professeur et parent"),
    "student": _("Élève"),
    "guardian": _("Parent de deux enfants"),
    "guardian_both": _("Parent dans les deux établissements"),
}

# Words of each demo password (the French the people in the school use), after "demo-<establishment>-".
PASSWORD_WORDS = {
    "head": "direction",
    "deputy": "adjoint",
    "school_life": "vie-scolaire",
    "secretary": "secretariat",
    "it_admin": "informatique",
    "teacher": "professeur",
    "main_teacher": "prof-principal",
    "teacher_parent": "prof-parent",
    "student": "eleve",
    "guardian": "parent",
}
BOTH_KEY = "parent-deux-pays"


def account_key(spec_key: str, role: str) -> str:
    return BOTH_KEY if role == "guardian_both" else f"{spec_key}-{PASSWORD_WORDS[role]}"


def demo_password(key: str) -> str:
    """The known password of a printed demo account: 'demo-lycee-direction', 'demo-ceg-eleve'…"""
    return f"demo-{key}"
