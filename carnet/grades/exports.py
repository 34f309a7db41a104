"""The averages of a class for a period as a table, in the shape EducMaster entry wants: one row per
student in class-list order — Matricule, Nom, Prénoms, each subject average (in the order of the
report card), Conduite when it counts, Moyenne générale, and Rang when the establishment ranks.

Formats (`render`):
- csv: semicolon-separated, UTF-8 with BOM (Excel opens it as is), decimal comma: "12,50";
- xlsx: real numeric cells with two decimals (number format 0.00);
- json: {"establishment", "class", "period", "columns", "rows"} with numbers as strings "12.50".
An average that cannot be computed (no mark, or blocked) is an empty cell.

Who: the staff who read every mark of the establishment (head, deputy, school life, secretary,
`policies.GRADES_READERS`): the secretariat keys the averages into EducMaster."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from carnet.core.errors import NotFound, PermissionDenied, ValidationFailed
from carnet.grades.computation import period_results
from carnet.grades.policies import GRADES_READERS
from carnet.identity.names import fold
from carnet.school.models import Establishment, Period, SchoolClass, SchoolYear
from carnet.school.roles import roles_of

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
TWO_PLACES = Decimal("0.01")

Cell = str | Decimal | int | None


# --- who, and which class and period ------------------------------------------------------------
def can_export_averages(actor, establishment) -> bool:
    return roles_of(actor).has_function(establishment.pk, *GRADES_READERS)


def ensure_can_export_averages(actor, establishment) -> None:
    if not can_export_averages(actor, establishment):
        raise PermissionDenied()


def exporting_establishments(actor) -> list[Establishment]:
    roles = roles_of(actor)
    ids = [e for e, kinds in roles.functions.items() if kinds & GRADES_READERS]
    return list(Establishment.objects.filter(id__in=ids).order_by("name"))


def current_year(establishment) -> SchoolYear | None:
    return SchoolYear.objects.filter(establishment=establishment, is_current=True).first()


def classes_of(establishment) -> list[SchoolClass]:
    return list(SchoolClass.objects.filter(establishment=establishment, school_year__is_current=True).select_related("level"))


def periods_of(establishment) -> list[Period]:
    return list(Period.objects.filter(establishment=establishment, school_year__is_current=True))


def find_class(establishment, name: str) -> SchoolClass:
    """A class of the current year by its name, whatever the case, accents and spaces."""
    found = SchoolClass.objects.filter(
        establishment=establishment, school_year__is_current=True, normalized_name=SchoolClass.normalize(name)
    ).select_related("establishment", "school_year", "level").first()
    if found is None:
        names = ", ".join(c.name for c in classes_of(establishment)) or "—"
        raise NotFound(_("Classe « %(name)s » inconnue pour l'année en cours. Classes : %(names)s.") % {"name": name, "names": names})
    return found


def find_period(establishment, name: str) -> Period:
    """A period of the current year by its name ("Trimestre 1", "semestre 2"), or "T1", "S2"."""
    wanted = fold(name).replace(" ", "")
    periods = periods_of(establishment)
    for period in periods:
        letter = "t" if period.kind == Period.Kind.TRIMESTER else "s"
        if wanted in {fold(period.name).replace(" ", ""), f"{letter}{period.number}"}:
            return period
    names = ", ".join(p.name for p in periods) or "—"
    raise NotFound(_("Période « %(name)s » inconnue pour l'année en cours. Périodes : %(names)s.") % {"name": name, "names": names})


# --- the table ----------------------------------------------------------------------------------
def averages_cells(*, school_class, period) -> tuple[list[str], list[list[Cell]]]:
    """The header and one row per student; averages as Decimal (2 places), rank as int, None empty."""
    results = period_results(school_class=school_class, period=period, audience="staff")
    header = [_("Matricule"), _("Nom"), _("Prénoms")]
    header += [str(subject.name) for subject in results.subjects]
    header.append(_("Moyenne générale"))
    ranked = results.rules.ranks
    if ranked:
        header.append(_("Rang"))
    rows: list[list[Cell]] = []
    for student in results.students:
        user = student.user
        row: list[Cell] = [student.national_id, user.last_name.upper(), user.first_name]
        for subject in results.subjects:
            row.append(_two_places(results.subject_average(student.id, subject.key)))
        row.append(_two_places(results.general_average(student.id)))
        if ranked:
            row.append(results.rank(student.id))
        rows.append(row)
    return header, rows


def averages_table(*, school_class, period) -> tuple[list[str], list[list[str]]]:
    """The same as text: averages "12.50", ranks "3", empty cells ""."""
    header, rows = averages_cells(school_class=school_class, period=period)
    return header, [[_plain(cell) for cell in row] for row in rows]


def _two_places(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES)


def _plain(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return f"{cell:.2f}"
    return str(cell)


# --- formats ------------------------------------------------------------------------------------
def render(fmt: str, *, school_class, period) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the averages export in `fmt`."""
    if fmt not in FORMATS:
        raise ValidationFailed(_("Format « %(format)s » inconnu : csv, xlsx ou json.") % {"format": fmt})
    header, rows = averages_cells(school_class=school_class, period=period)
    if fmt == "csv":
        content = as_csv(header, rows)
    elif fmt == "xlsx":
        content = as_xlsx(header, rows, title=f"{school_class.name} {period.name}")
    else:
        content = as_json(header, rows, school_class=school_class, period=period)
    return content, CONTENT_TYPES[fmt], file_name(school_class, period, fmt)


def file_name(school_class, period, fmt: str) -> str:
    stem = "-".join(fold(part).replace(" ", "-") for part in ("moyennes", school_class.name, period.name))
    return "".join(c for c in stem if c.isalnum() or c in "-_") + f".{fmt}"


def as_csv(header: list[str], rows: list[list[Cell]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_plain(cell).replace(".", ",") if isinstance(cell, Decimal) else _plain(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(header: list[str], rows: list[list[Cell]], *, title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = (title or _("Moyennes"))[:31].replace("/", "-")
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if cell is None else cell for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    sheet.freeze_panes = "D2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column) + 2
        sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8), 30)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_json(header: list[str], rows: list[list[Cell]], *, school_class, period) -> bytes:
    payload: dict[str, Any] = {
        "establishment": school_class.establishment.code,
        "class": school_class.name,
        "period": period.name,
        "columns": header,
        "rows": [[_plain(cell) for cell in row] for row in rows],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
