"""From the bytes of an uploaded file to rows of text cells with their line numbers.

CSV: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "texte Unicode"), else Windows-1252 as
French spreadsheets write it; the delimiter (semicolon, comma, tab or pipe) is the one that splits
the first lines into the most columns. XLSX: the active sheet, read in streaming mode; dates
become AAAA-MM-JJ, whole numbers lose their ".0". Whatever cannot be read is refused as a whole
with a French message (`ImportFileRejected`), before any line is looked at."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from carnet.school.imports.errors import ImportFileRejected

#: A file with more data lines than this is refused: no school has that many people, and it keeps
#: a stray spreadsheet with a million formatted rows from tying up a worker.
MAX_ROWS = 20_000
#: Cells beyond this column are not read.
MAX_COLUMNS = 100

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and other old Office files
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = (";", ",", "\t", "|")  # in order of preference when two split a line equally
TEXT_EXTENSIONS = {".csv", ".txt"}
SHEET_EXTENSIONS = {".xlsx", ".xlsm"}

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_EXCEL_TEXT_FORMULA = re.compile(r'^="(.*)"$')  # ="0612345678", Excel's way of keeping a leading zero


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass
class Table:
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    rows: list[Row] = field(default_factory=list)  # non-blank rows only, header included


def clean_cell(value: str) -> str:
    text = _INVISIBLE.sub("", value)
    match = _EXCEL_TEXT_FORMULA.match(text.strip())
    if match:
        text = match.group(1)
    return _SPACES.sub(" ", text).strip()


def read_table(content: bytes, file_name: str) -> Table:
    """Rows of a CSV or XLSX file. Raises ImportFileRejected for a file that is empty, too large,
    of another format than its extension says, or unreadable."""
    limit = settings.CARNET_IMPORT_MAX_BYTES
    if len(content) > limit:
        raise ImportFileRejected(
            _("Le fichier est trop volumineux (%(size)s) : la limite est de %(limit)s.")
            % {"size": _human_size(len(content)), "limit": _human_size(limit)}
        )
    if not content.strip():
        raise ImportFileRejected(_("Le fichier est vide."))
    extension = PurePath(file_name or "").suffix.lower()
    if extension == ".xls" or (extension in TEXT_EXTENSIONS | SHEET_EXTENSIONS and content.startswith(OLE_MAGIC)):
        raise ImportFileRejected(
            _(
                "Le format Excel 97-2003 (.xls) n'est pas pris en charge : ouvrez le fichier dans votre "
                "tableur et enregistrez-le au format Excel (.xlsx) ou CSV."
            )
        )
    if extension == ".ods":
        raise ImportFileRejected(
            _("Le format OpenDocument (.ods) n'est pas pris en charge : enregistrez le fichier au format .xlsx ou CSV.")
        )
    if extension in SHEET_EXTENSIONS:
        if not content.startswith(ZIP_MAGIC):
            raise ImportFileRejected(
                _(
                    "Ce fichier porte l'extension %(ext)s mais n'est pas un classeur Excel : ouvrez-le dans "
                    "votre tableur et enregistrez-le au format Excel (.xlsx) ou CSV."
                )
                % {"ext": extension}
            )
        table = _read_xlsx(content)
    elif extension in TEXT_EXTENSIONS:
        if content.startswith(ZIP_MAGIC) or (b"\x00" in content[:4096] and not content.startswith(UTF16_BOMS)):
            raise ImportFileRejected(
                _(
                    "Ce fichier porte l'extension %(ext)s mais n'est pas un fichier texte (c'est peut-être un "
                    "classeur Excel) : enregistrez-le au format CSV, ou donnez-lui l'extension .xlsx."
                )
                % {"ext": extension}
            )
        table = _read_csv(content)
    else:
        raise ImportFileRejected(
            _("Format de fichier non pris en charge (« %(name)s ») : déposez un fichier CSV (.csv) ou Excel (.xlsx).")
            % {"name": PurePath(file_name or "").name or "?"}
        )
    if not table.rows:
        raise ImportFileRejected(_("Le fichier est vide."))
    if len(table.rows) > MAX_ROWS + 1:
        raise ImportFileRejected(
            _("Le fichier compte plus de %(max)s lignes : découpez-le en plusieurs fichiers.") % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
        )
    return table


# --- CSV ----------------------------------------------------------------------------------------
def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(UTF8_BOM):
        return content[len(UTF8_BOM):].decode("utf-8", errors="replace"), "utf-8-sig"
    if content.startswith(UTF16_BOMS):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileRejected(_("Ce fichier texte Unicode est endommagé : enregistrez-le en CSV UTF-8.")) from exc
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise ImportFileRejected(
            _("L'encodage du fichier n'est pas reconnu : enregistrez-le au format « CSV UTF-8 ».")
        ) from exc


def _sniff_delimiter(text: str) -> str:
    sample = [line for line in text.splitlines()[:50] if line.strip()][:10]
    best, best_score = DELIMITERS[0], 0
    for delimiter in DELIMITERS:
        score = max((len(next(csv.reader([line], delimiter=delimiter), [])) for line in sample), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(content: bytes) -> Table:
    text, encoding = _decode(content)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    previous_end = 0
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            cells = tuple(clean_cell(c) for c in record[:MAX_COLUMNS])
            if any(cells):
                rows.append(Row(line, cells))
                if len(rows) > MAX_ROWS + 1:
                    break
    except csv.Error as exc:
        raise ImportFileRejected(
            _("Le fichier CSV est mal formé vers la ligne %(line)s (guillemets non refermés ?).")
            % {"line": previous_end + 1}
        ) from exc
    return Table("csv", encoding=encoding, delimiter=delimiter, rows=rows)


# --- XLSX ---------------------------------------------------------------------------------------
def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "O" if value else "N"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.10f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return clean_cell(str(value))


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    unreadable = _("Ce classeur Excel est illisible ou endommagé : ouvrez-le et enregistrez-le à nouveau au format .xlsx.")
    rows: list[Row] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors all mean the same to the user
        raise ImportFileRejected(unreadable) from exc
    try:
        sheet = workbook.active
        if sheet is None:
            raise ImportFileRejected(_("Le classeur ne contient aucune feuille."))
        sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            cells = [_xlsx_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append(Row(line, tuple(cells)))
                if len(rows) > MAX_ROWS + 1:
                    break
    except ImportFileRejected:
        raise
    except Exception as exc:
        raise ImportFileRejected(unreadable) from exc
    finally:
        workbook.close()
    return Table("xlsx", rows=rows)


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n)s Mo") % {"n": f"{size / (1024 * 1024):.1f}".replace(".", ",")}
    return _("%(n)s Ko") % {"n": max(1, round(size / 1024))}
