"""Reading one cell: dates, yes/no, sex, relationships, functions, decimals, e-mail addresses.

Each reader takes the cell's text (never empty: callers handle empty cells) and returns a value, or
raises CellError with a plain French message naming what was written and what is expected."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from carnet.identity.names import fold
from carnet.school.models import Guardianship, StaffFunction


class CellError(ValueError):
    pass


# --- dates --------------------------------------------------------------------------------------
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def parse_date(text: str) -> dt.date:
    match = _YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.match(text)
        if not match:
            raise CellError(_("Date « %(value)s » illisible : écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ.") % {"value": text})
        day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        if len(year_text) != 4:
            raise CellError(_("Date « %(value)s » : écrivez l'année avec quatre chiffres (JJ/MM/AAAA).") % {"value": text})
        year = int(year_text)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("La date « %(value)s » n'existe pas.") % {"value": text}) from exc


def parse_birth_date(text: str, today: dt.date) -> dt.date:
    value = parse_date(text)
    if value > today:
        raise CellError(_("La date de naissance « %(value)s » est dans le futur.") % {"value": text})
    if value.year < 1900:
        raise CellError(_("La date de naissance « %(value)s » n'est pas plausible.") % {"value": text})
    return value


# --- words --------------------------------------------------------------------------------------
def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", " ", fold(text)).strip()


YES = {"o", "oui", "y", "yes", "1", "x", "vrai", "true"}
NO = {"n", "non", "no", "0", "faux", "false"}


def parse_yes_no(text: str) -> bool:
    word = _word(text).replace(" ", "")
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(_("« %(value)s » : répondez O (oui) ou N (non).") % {"value": text})


_SEXES = {
    "f": "F", "feminin": "F", "fille": "F", "femme": "F", "fem": "F",
    "m": "M", "masculin": "M", "garcon": "M", "g": "M", "h": "M", "homme": "M", "masc": "M",
}


def parse_sex(text: str) -> str:
    sex = _SEXES.get(_word(text).replace(" ", ""))
    if sex is None:
        raise CellError(_("Sexe « %(value)s » inconnu : écrivez F ou M.") % {"value": text})
    return sex


R = Guardianship.Relationship
_RELATIONSHIPS = {
    R.MOTHER: {"mere", "maman", "mere biologique"},
    R.FATHER: {"pere", "papa", "pere biologique"},
    R.GUARDIAN: {"tuteur", "tutrice", "tuteur legal", "tutrice legale", "tuteur ou tutrice", "tuteur tutrice"},
    R.OTHER: {
        "autre", "grand mere", "grand pere", "grands parents", "oncle", "tante", "frere", "soeur", "cousin",
        "cousine", "famille", "famille d accueil", "beau pere", "belle mere", "educateur", "educatrice",
        "assistante familiale", "assistant familial", "responsable", "parent",
    },
}
_RELATIONSHIP_BY_WORD = {word: kind for kind, words in _RELATIONSHIPS.items() for word in words}


def parse_relationship(text: str) -> str:
    word = re.sub(r"\s+", " ", _word(text))
    kind = _RELATIONSHIP_BY_WORD.get(word)
    if kind is None:
        raise CellError(
            _("Lien « %(value)s » inconnu : écrivez mère, père, tuteur, tutrice ou autre.") % {"value": text}
        )
    return kind


K = StaffFunction.Kind
# Looked for in this order: "proviseur adjoint" is a deputy, "professeur principal" a teacher.
_FUNCTION_WORDS = (
    (K.DEPUTY, ("adjoint", "adjointe", "censeur", "censeure")),
    (K.TEACHER, ("enseignant", "enseignante", "professeur", "professeure", "prof", "teacher", "documentaliste")),
    (K.SCHOOL_LIFE, ("cpe", "surveillant", "surveillante", "vie scolaire", "aed", "assistant d education",
                     "assistante d education", "conseiller principal d education", "surveillant general")),
    (K.SECRETARY, ("secretariat", "secretaire", "intendance", "intendant", "intendante", "gestionnaire",
                   "econome", "comptable")),
    (K.IT_ADMIN, ("informatique", "informaticien", "informaticienne", "administrateur informatique",
                  "referent numerique")),
    (K.HEAD, ("direction", "proviseur", "proviseure", "principal", "principale", "directeur", "directrice",
              "chef d etablissement")),
)


def parse_functions(text: str) -> list[str]:
    """One function or several separated by '/', '+', ',' or ' et ': 'Enseignant / CPE'."""
    kinds: list[str] = []
    for part in re.split(r"[/+,;&]| et ", text):
        if not part.strip():
            continue
        word = " " + re.sub(r"\s+", " ", _word(part)) + " "
        kind = next((k for k, words in _FUNCTION_WORDS if any(f" {w} " in word for w in words)), None)
        if kind is None:
            raise CellError(
                _(
                    "Fonction « %(value)s » inconnue : écrivez enseignant, CPE, direction, adjoint, secrétariat "
                    "ou informatique."
                )
                % {"value": part.strip()}
            )
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise CellError(_("Fonction manquante."))
    return kinds


# --- numbers ------------------------------------------------------------------------------------
def parse_decimal(text: str, *, label: str, maximum: Decimal = Decimal("999.99")) -> Decimal:
    compact = text.replace(" ", "").replace(",", ".")
    try:
        value = Decimal(compact)
    except InvalidOperation as exc:
        raise CellError(_("%(label)s « %(value)s » n'est pas un nombre.") % {"label": label, "value": text}) from exc
    if not value.is_finite():
        raise CellError(_("%(label)s « %(value)s » n'est pas un nombre.") % {"label": label, "value": text})
    if value < 0:
        raise CellError(_("%(label)s « %(value)s » ne peut pas être négatif.") % {"label": label, "value": text})
    if value > maximum:
        raise CellError(_("%(label)s « %(value)s » est trop grand.") % {"label": label, "value": text})
    if value != value.quantize(Decimal("0.01")):
        raise CellError(_("%(label)s « %(value)s » : deux décimales au plus.") % {"label": label, "value": text})
    return value.quantize(Decimal("0.01"))


_HOURS = re.compile(r"^(\d{1,2})\s*h\s*(\d{2})?$", re.IGNORECASE)


def parse_hours(text: str) -> Decimal:
    """'3', '2,5', '3h', '1h30' -> hours per week."""
    match = _HOURS.match(text.strip())
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if minutes >= 60:
            raise CellError(_("Heures « %(value)s » : les minutes vont de 00 à 59.") % {"value": text})
        return (Decimal(hours) + Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return parse_decimal(text, label=_("Heures"), maximum=Decimal("99"))


# --- text ---------------------------------------------------------------------------------------
def parse_email(text: str) -> str:
    value = text.strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise CellError(_("« %(value)s » n'est pas une adresse électronique valide.") % {"value": text}) from exc
    return value


def check_length(text: str, maximum: int, label: str) -> str:
    if len(text) > maximum:
        raise CellError(_("%(label)s trop long : %(max)s caractères au plus.") % {"label": label, "max": maximum})
    return text
