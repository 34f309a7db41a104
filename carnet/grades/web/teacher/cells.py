"""The grid's body rows, written in Python: 1,000 cells through the template engine cost most of the
page's time, and each cell is the same few attributes. Everything is escaped by `format_html`."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from carnet.grades.web.teacher.data import Grid, Row

CELL = (
    '<td class="grid-cell"><div class="cell-box"><input class="cell" type="text" inputmode="text" '
    'autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="next" maxlength="12" '
    'value="{}" data-version="{}" data-saved="{}"{} aria-label="{}" readonly>'
    '<span class="cell-state" aria-hidden="true"></span>{}</div></td>'
)


def _icon(name: str, label: str, size: int) -> str:
    return (
        f'<svg class="icon" width="{size}" height="{size}" role="img" aria-label="{escape(label)}">'
        f'<use href="{static("ui/icons.svg")}#i-{name}"></use></svg>'
    )


def render_row(row: Row, comment_label: str, lock_icon: str) -> SafeString:
    name = row.student.full_name
    cells = []
    for cell in row.cells:
        flag = ""
        comment_attr = ""
        if cell.comment:
            comment_attr = format_html(' data-comment="{}"', cell.comment)
            flag = format_html('<span class="cell-flag" title="{}">{}</span>', cell.comment, mark_safe(comment_label))  # noqa: S308
        version = "" if cell.version is None else str(cell.version)
        cells.append(
            format_html(CELL, cell.text, version, cell.text, comment_attr, f"{cell.assessment.title} — {name}", flag)
        )
    average_title = format_html(' title="{}"', row.average_note) if row.average_note else ""
    return format_html(
        '<tr data-student="{}" data-name="{}"{}><th scope="row" class="grid-name">{} <span class="grid-first">{}</span>{}</th>'
        '{}<td class="num grid-avg" data-average{}>{}</td></tr>',
        row.student.public_id, name, mark_safe(' data-locked="true"') if row.locked else "",  # noqa: S308
        row.student.last_name.upper(), row.student.first_name, mark_safe(" " + lock_icon) if row.locked else "",  # noqa: S308
        mark_safe("".join(cells)), average_title, row.average or "—",  # noqa: S308
    )


def render_rows(grid: Grid) -> SafeString:
    comment_label = _icon("message-square", _("commentaire"), 12)
    lock_icon = _icon("lock", _("verrouillé"), 14)
    return mark_safe("\n".join(render_row(row, comment_label, lock_icon) for row in grid.rows))  # noqa: S308
