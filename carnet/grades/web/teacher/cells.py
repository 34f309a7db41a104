"""The grid's body rows, written in Python: 1,000 cells through the template engine cost most of the
page's time, and each cell is the same few attributes. Every text is escaped (`html.escape`, what
Django's `escape` does, called directly: `format_html` per cell was most of the page's time).

`render_rows`: the teacher's grid (a text field per cell). `render_read_rows`: the read-only grid of
the staff, where a cell holding a mark is a link to its comment and history (a dialog with
JavaScript, a page without) and an empty cell is plain text."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from carnet.grades.web.teacher.data import Grid, Row

CELL = (
    '<td class="grid-cell"><div class="cell-box"><input class="cell" type="text" inputmode="text" '
    'autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="next" maxlength="12" '
    'value="{}" data-version="{}" data-saved="{}"{} aria-label="{}" readonly>'
    '<span class="cell-state" aria-hidden="true"></span>{}</div></td>'
).format

READ_CELL = (
    '<td class="grid-cell"><div class="cell-box"><a class="cell cell-read" href="{}" aria-label="{}">{}{}</a></div></td>'
).format

EMPTY_CELL = (
    '<td class="grid-cell"><div class="cell-box"><span class="cell cell-read cell-empty">'
    '<span aria-hidden="true">—</span><span class="visually-hidden">{}</span></span></div></td>'
).format

ROW = (
    '<tr data-student="{}" data-name="{}"{}><th scope="row" class="grid-name">{} <span class="grid-first">{}</span>{}</th>'
    '{}<td class="num grid-avg" data-average{}>{}</td></tr>'
).format


def _icon(name: str, label: str, size: int) -> str:
    return (
        f'<svg class="icon" width="{size}" height="{size}" role="img" aria-label="{escape(label)}">'
        f'<use href="{static("ui/icons.svg")}#i-{name}"></use></svg>'
    )


def render_row(row: Row, comment_label: str, lock_icon: str, titles: dict[int, str] | None = None) -> str:
    """One <tr>. `titles`: the escaped assessment titles by assessment id (filled as it goes)."""
    name = escape(row.student.full_name)
    titles = {} if titles is None else titles
    cells = []
    for cell in row.cells:
        assessment = cell.assessment
        title = titles.get(assessment.pk)
        if title is None:
            title = titles[assessment.pk] = escape(str(assessment.title))
        flag = ""
        comment_attr = ""
        if cell.comment:
            comment = escape(str(cell.comment))
            comment_attr = f' data-comment="{comment}"'
            flag = f'<span class="cell-flag" title="{comment}">{comment_label}</span>'
        text = escape(cell.text)
        version = "" if cell.version is None else str(cell.version)
        cells.append(CELL(text, version, text, comment_attr, f"{title} — {name}", flag))
    average_title = f' title="{escape(str(row.average_note))}"' if row.average_note else ""
    return ROW(
        escape(str(row.student.public_id)), name, ' data-locked="true"' if row.locked else "",
        escape(row.student.last_name.upper()), escape(row.student.first_name), " " + lock_icon if row.locked else "",
        "".join(cells), average_title, escape(row.average or "—"),
    )


def render_rows(grid: Grid) -> SafeString:
    comment_label = _icon("message-square", _("commentaire"), 12)
    lock_icon = _icon("lock", _("verrouillé"), 14)
    titles: dict[int, str] = {}
    return mark_safe("\n".join(render_row(row, comment_label, lock_icon, titles) for row in grid.rows))  # noqa: S308


def render_read_row(row: Row, mark_url: str, labels: dict[str, str], titles: dict[int, str]) -> str:
    """One <tr> of the read-only grid. `mark_url`: the dialog's URL, to which each linked cell adds
    `?assessment=&student=`; `titles`: the escaped assessment titles by id (filled as it goes)."""
    name = escape(row.student.full_name)
    student_id = str(row.student.public_id)
    cells = []
    for cell in row.cells:
        assessment = cell.assessment
        title = titles.get(assessment.pk)
        if title is None:
            title = titles[assessment.pk] = escape(str(assessment.title))
        if cell.version is None:  # no mark row: nothing to show, no history
            cells.append(EMPTY_CELL(labels["empty"]))
            continue
        text = escape(cell.text) or "—"
        flag = ""
        label = f"{title} — {name} : {text}"
        if cell.comment:
            comment = escape(str(cell.comment))
            flag = f'<span class="cell-flag" title="{comment}">{labels["comment_icon"]}</span>'
            label += f" ({labels['commented']})"
        href = escape(f"{mark_url}?{urlencode({'assessment': str(assessment.public_id), 'student': student_id})}")
        cells.append(READ_CELL(href, label, text, flag))
    average_title = f' title="{escape(str(row.average_note))}"' if row.average_note else ""
    return ROW(
        escape(student_id), name, ' data-locked="true"' if row.locked else "",
        escape(row.student.last_name.upper()), escape(row.student.first_name), "",
        "".join(cells), average_title, escape(row.average or "—"),
    )


def render_read_rows(grid: Grid, mark_url: str) -> SafeString:
    labels = {
        "empty": escape(_("pas de note")),
        "commented": escape(_("commentée")),
        "comment_icon": _icon("message-square", _("commentaire"), 12),
    }
    titles: dict[int, str] = {}
    return mark_safe("\n".join(render_read_row(row, mark_url, labels, titles) for row in grid.rows))  # noqa: S308
