"""The blocks of a report card, top to bottom: header, student, subjects table (the country's
columns), general block with the radar chart, appraisals."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, white
from reportlab.lib.utils import simpleSplit

from carnet.reportcards.pdf.page import (
    BOLD,
    CLASS_LINE,
    INK,
    ITALIC,
    MARGIN,
    MUTED,
    PAGE_W,
    PRIMARY,
    REGULAR,
    RULE,
    SOFT,
    WIDTH,
    ZEBRA,
    Page,
    _decimal,
    date_fr,
    number,
    ordinal,
    safe,
)


def header(p: Page) -> None:
    content = p.content
    est = content["establishment"]
    y = p.y
    p.text(MARGIN, y - 12, est["name"], BOLD, 13, PRIMARY)
    facts = " · ".join(part for part in (est.get("code"), est.get("city"), est.get("country_name")) if part)
    p.text(MARGIN, y - 25, facts, REGULAR, 8, MUTED)
    p.text(PAGE_W - MARGIN, y - 12, _("Année scolaire %(year)s") % {"year": content["year"]}, BOLD, 9.5, INK, "right")
    p.text(PAGE_W - MARGIN, y - 25, content["period"]["name"], REGULAR, 8.5, MUTED, "right")
    y -= 36
    p.fill(PRIMARY)
    p.c.rect(MARGIN, y - 24, WIDTH, 24, stroke=0, fill=1)
    p.text(PAGE_W / 2, y - 16.5, content["title"], BOLD, 13, white, "center")
    p.y = y - 32


def student(p: Page) -> None:
    content = p.content
    student, klass = content["student"], content["class"]
    sex = {"F": _("Féminin"), "M": _("Masculin")}.get(student.get("sex") or "", "–")
    born = date_fr(student.get("birth_date")) or "–"
    if student.get("birth_place"):
        born = _("%(date)s à %(place)s") % {"date": born, "place": student["birth_place"]}
    left = [
        (_("Nom et prénoms"), f"{student['last_name']} {student['first_name']}"),
        (student["national_id_label"], student.get("national_id") or "–"),
        (_("Né(e) le"), born),
        (_("Sexe"), sex),
    ]
    level = " ".join(part for part in (klass.get("level"), klass.get("series")) if part)
    right = [
        (_("Classe"), klass["name"] + (f" ({level})" if level and level != klass["name"] else "")),
        (_("Effectif"), str(klass["size"])),
        (_("Redoublant(e)"), student.get("repeating") or "N"),
        (_("Professeur principal"), klass.get("main_teacher") or "–"),
    ]
    height = 4 * 12 + 10
    p.fill(SOFT)
    p.c.setStrokeColor(RULE)
    p.c.setLineWidth(0.5)
    p.c.roundRect(MARGIN, p.y - height, WIDTH, height, 4, stroke=1, fill=1)
    for column, rows in ((0, left), (1, right)):
        x = MARGIN + 8 + column * (WIDTH / 2)
        y = p.y - 14
        for label, value in rows:
            p.text(x, y, f"{label} :", REGULAR, 8, MUTED)
            p.text(x + 92, y, value, BOLD, 8.5)
            y -= 12
    p.y -= height + 10


def _columns(content: dict) -> list[tuple[str, float, str, str]]:
    """(header, width, content key, alignment)."""
    if content["country"] == "BJ":
        return [
            (_("Discipline"), 106, "name", "left"),
            (_("Coef"), 30, "coefficient", "center"),
            (_("Moy. interro"), 44, "interrogation_mean", "center"),
            (_("Devoir 1"), 40, "devoir_1", "center"),
            (_("Devoir 2"), 40, "devoir_2", "center"),
            (_("Moy/20"), 40, "average", "center"),
            (_("Moy × coef"), 46, "weighted", "center"),
            (_("Rang"), 32, "rank", "center"),
            (_("Appréciation"), WIDTH - 378, "appraisal", "left"),
        ]
    return [
        (_("Discipline"), 150, "name", "left"),
        (_("Moyenne de l'élève"), 52, "average", "center"),
        (_("Moyenne de la classe"), 52, "class_average", "center"),
        (_("Min."), 38, "minimum", "center"),
        (_("Max."), 38, "maximum", "center"),
        (_("Appréciation"), WIDTH - 330, "appraisal", "left"),
    ]


def _cell_text(line: dict, key: str, sex: str) -> str:
    value = line.get(key)
    if key == "rank":
        return ordinal(value, sex) if value is not None else "–"
    if key in ("name", "appraisal"):
        return value or ""
    if key == "coefficient":
        return number(value).removesuffix(",00")
    return number(value)


def _table_header(p: Page, columns) -> None:
    height = 22
    p.fill(PRIMARY)
    p.c.rect(MARGIN, p.y - height, WIDTH, height, stroke=0, fill=1)
    x: float = MARGIN
    for title, width, _key, align in columns:
        lines = simpleSplit(safe(title), BOLD, 7.2, width - 4)[:2]
        y = p.y - (9 if len(lines) == 2 else 13.5)
        for text in lines:
            if align == "left":
                p.text(x + 4, y, text, BOLD, 7.2, white)
            else:
                p.text(x + width / 2, y, text, BOLD, 7.2, white, "center")
            y -= 8.5
        x += width
    p.y -= height


def subjects(p: Page) -> None:
    content = p.content
    columns = _columns(content)
    sex = content["student"].get("sex") or ""
    p.ensure(22 + 18 * 3)
    _table_header(p, columns)
    appraisal_width = columns[-1][1] - 8
    name_width = columns[0][1] - 8
    for index, line in enumerate(content["subjects"]):
        appraisal = simpleSplit(safe(line.get("appraisal") or ""), REGULAR, 7.3, appraisal_width)
        name_lines = simpleSplit(safe(line["name"] + (" *" if line.get("is_bonus") else "")), BOLD, 8, name_width)[:2]
        teacher = line.get("teacher") or ""
        has_teacher = content["country"] != "BJ" and bool(teacher)
        lines = max(len(appraisal), len(name_lines) + (1 if has_teacher else 0), 1)
        height = max(17, 6 + lines * 9)
        if p.ensure(height):
            _table_header(p, columns)
        if index % 2:
            p.fill(ZEBRA)
            p.c.rect(MARGIN, p.y - height, WIDTH, height, stroke=0, fill=1)
        x: float = MARGIN
        for _title, width, key, _align in columns:
            if key == "name":
                y = p.y - 11
                for text in name_lines:
                    p.text(x + 4, y, text, BOLD, 8)
                    y -= 9
                if has_teacher:
                    p.text(x + 4, y, teacher, REGULAR, 6.8, MUTED)
            elif key == "appraisal":
                y = p.y - 10.5
                for text in appraisal:
                    p.text(x + 4, y, text, REGULAR, 7.3)
                    y -= 9
            else:
                font = BOLD if key == "average" else REGULAR
                p.text(x + width / 2, p.y - 11, _cell_text(line, key, sex), font, 8.2, INK, "center")
            x += width
        p.c.setStrokeColor(RULE)
        p.c.setLineWidth(0.4)
        p.c.line(MARGIN, p.y - height, MARGIN + WIDTH, p.y - height)
        p.y -= height
    totals = content.get("totals") or {}
    if content["country"] == "BJ" and totals:
        height = 16
        p.ensure(height)
        p.fill(SOFT)
        p.c.rect(MARGIN, p.y - height, WIDTH, height, stroke=0, fill=1)
        x = MARGIN
        for _title, width, key, _align in columns:
            if key == "name":
                p.text(x + 4, p.y - 11, _("Totaux"), BOLD, 8)
            elif key == "coefficient":
                p.text(x + width / 2, p.y - 11, number(totals.get("coefficients")).removesuffix(",00"), BOLD, 8.2, INK, "center")
            elif key == "weighted":
                p.text(x + width / 2, p.y - 11, number(totals.get("weighted")), BOLD, 8.2, INK, "center")
            x += width
        p.y -= height
    if any(line.get("is_bonus") for line in content["subjects"]):
        p.text(MARGIN, p.y - 9, _("* Matière facultative : seuls les points au-dessus de 10 comptent."), ITALIC, 7, MUTED)
        p.y -= 10
    p.y -= 8


def _radar(p: Page, x: float, y: float, size: float) -> None:
    """Student (filled) against class (dashed) on 0–20 axes; paired bars under three subjects."""
    radar = p.content.get("radar") or {}
    axes: Sequence[str] = radar.get("axes") or []
    student = [_decimal(v) for v in radar.get("student") or []]
    klass = [_decimal(v) for v in radar.get("class") or []]
    c = p.c
    if not axes:
        return
    bars = len(axes) < 3
    legend_y = y + 4
    p.fill(PRIMARY)
    c.rect(x + 4, legend_y, 7, 7, stroke=0, fill=1)
    p.text(x + 14, legend_y + 1, _("Élève"), REGULAR, 7)
    if bars:
        p.fill(CLASS_LINE)
        c.rect(x + 52, legend_y + 1.5, 12, 4, stroke=0, fill=1)
    else:
        c.setStrokeColor(CLASS_LINE)
        c.setDash(2, 1.5)
        c.line(x + 52, legend_y + 3.5, x + 64, legend_y + 3.5)
        c.setDash()
    p.text(x + 67, legend_y + 1, _("Moyenne de la classe"), REGULAR, 7)
    top = y + 14
    if bars:
        bar_w = (size - 20) / 20
        row_y = top + 30 * len(axes) - 18
        for name, mine, theirs in zip(axes, student, klass, strict=False):
            p.text(x + 4, row_y + 10, name, BOLD, 7)
            p.fill(PRIMARY)
            c.rect(x + 4, row_y + 1, bar_w * (mine or 0), 6, stroke=0, fill=1)
            p.fill(CLASS_LINE)
            c.rect(x + 4, row_y - 6, bar_w * (theirs or 0), 4, stroke=0, fill=1)
            row_y -= 30
        return
    cx, cy = x + size / 2, top + size / 2 - 4
    radius = size / 2 - 26
    n = len(axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = math.pi / 2 - 2 * math.pi * i / n
        r = radius * max(0.0, min(value, 20.0)) / 20
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    c.setLineWidth(0.4)
    c.setStrokeColor(RULE)
    for ring in (5, 10, 15, 20):
        path = c.beginPath()
        for i in range(n):
            px, py = point(i, ring)
            path.moveTo(px, py) if i == 0 else path.lineTo(px, py)
        path.close()
        c.drawPath(path, stroke=1, fill=0)
    for i, name in enumerate(axes):
        px, py = point(i, 20)
        c.line(cx, cy, px, py)
        lx, ly = point(i, 23.5)
        align = "center" if abs(lx - cx) < 4 else ("left" if lx > cx else "right")
        p.text(lx, ly - 2.5, name, BOLD, 6.5, MUTED, align)

    def polygon(values, stroke: Color, fill: Color | None, dash: bool) -> None:
        path = c.beginPath()
        for i, value in enumerate(values):
            px, py = point(i, value or 0.0)
            path.moveTo(px, py) if i == 0 else path.lineTo(px, py)
        path.close()
        c.setStrokeColor(stroke)
        c.setLineWidth(1.2)
        if dash:
            c.setDash(2.5, 2)
        if fill is not None:
            p.fill(fill)
        c.drawPath(path, stroke=1, fill=1 if fill is not None else 0)
        c.setDash()

    polygon(klass, CLASS_LINE, None, True)
    polygon(student, PRIMARY, Color(0.118, 0.353, 0.627, alpha=0.22), False)


def general(p: Page) -> None:
    content = p.content
    general = content["general"]
    klass = content["class"]
    rows: list[tuple[str, str]] = []
    if general.get("ranks_enabled") and general.get("rank") is not None:
        rows.append((_("Rang"), f"{ordinal(general['rank'], content['student'].get('sex') or '')} / {klass['size']}"))
    rows += [
        (_("Moyenne de la classe"), number(general.get("class_mean"))),
        (_("Plus forte moyenne"), number(general.get("highest"))),
        (_("Plus faible moyenne"), number(general.get("lowest"))),
    ]
    if content.get("conduct") is not None:
        rows.append((_("Conduite"), number(content["conduct"]) + " / 20"))
    for label, value in content.get("absences") or []:
        rows.append((label, value))
    radar_size = 178
    axes = len((content.get("radar") or {}).get("axes") or [])
    chart_height = radar_size + 20 if axes >= 3 else 30 * axes + 24
    height = max(chart_height, 50 + 13 * len(rows) + (30 if content.get("annual") else 0))
    p.ensure(height)
    box_w = WIDTH - radar_size - 12
    top = p.y
    p.c.setStrokeColor(RULE)
    p.c.setLineWidth(0.5)
    p.c.roundRect(MARGIN, top - height, box_w, height, 4, stroke=1, fill=0)
    p.text(MARGIN + 10, top - 18, _("Moyenne générale"), BOLD, 10)
    average = number(general.get("average"))
    p.text(MARGIN + box_w - 10, top - 20, average + ("" if general.get("average") is None else " / 20"), BOLD, 16, PRIMARY, "right")
    y = top - 34
    if general.get("note"):
        for text in simpleSplit(safe(general["note"]), ITALIC, 7.5, box_w - 20)[:2]:
            p.text(MARGIN + 10, y, text, ITALIC, 7.5, MUTED)
            y -= 9
    y -= 4
    for label, value in rows:
        p.text(MARGIN + 10, y, label, REGULAR, 8.5, MUTED)
        p.text(MARGIN + box_w - 10, y, value, BOLD, 8.5, INK, "right")
        y -= 13
    annual = content.get("annual")
    if annual:
        y -= 2
        p.c.setStrokeColor(RULE)
        p.c.line(MARGIN + 10, y + 8, MARGIN + box_w - 10, y + 8)
        p.text(MARGIN + 10, y - 3, _("Moyenne annuelle"), BOLD, 9)
        p.text(MARGIN + box_w - 10, y - 3, number(annual.get("average")), BOLD, 10, PRIMARY, "right")
        periods = " · ".join(f"{name} : {number(value)}" for name, value in annual.get("periods") or [])
        if periods:
            p.text(MARGIN + 10, y - 14, periods, REGULAR, 7.5, MUTED)
    _radar(p, MARGIN + box_w + 12, top - height if axes >= 3 else top - chart_height, radar_size)
    p.y = top - height - 10


def appraisals(p: Page) -> None:
    content = p.content
    appraisals = content.get("appraisals") or {}
    blocks: list[tuple[str, str, list[tuple[str, str]]]] = []
    if appraisals.get("main_teacher"):
        blocks.append((_("Appréciation du professeur principal"), appraisals["main_teacher"], []))
    extra = []
    if appraisals.get("mention"):
        extra.append((_("Mention"), appraisals["mention"]))
    decision = appraisals.get("decision") or ((content.get("annual") or {}).get("decision") if content["period"].get("is_last_of_year") else "")
    if decision:
        extra.append((_("Décision de fin d'année"), decision))
    if appraisals.get("council") or extra:
        blocks.append((_("Avis du conseil de classe"), appraisals.get("council") or "", extra))
    for title, text, facts in blocks:
        lines = simpleSplit(safe(text), REGULAR, 8.5, WIDTH - 20) if text else []
        height = 24 + 11 * len(lines) + 12 * len(facts)
        p.ensure(height)
        p.c.setStrokeColor(RULE)
        p.c.setLineWidth(0.5)
        p.c.roundRect(MARGIN, p.y - height, WIDTH, height, 4, stroke=1, fill=0)
        p.text(MARGIN + 10, p.y - 14, title, BOLD, 9, PRIMARY)
        y = p.y - 27
        for line in lines:
            p.text(MARGIN + 10, y, line, REGULAR, 8.5)
            y -= 11
        for label, value in facts:
            p.text(MARGIN + 10, y, f"{label} :", REGULAR, 8.5, MUTED)
            p.text(MARGIN + 120, y, value, BOLD, 9)
            y -= 12
        p.y -= height + 8
