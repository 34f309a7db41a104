"""Server-rendered charts: inline SVG, no JavaScript, no library.

Every chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>` that
states every number it shows (screen readers read that text instead of the drawing). Colours come
from CSS classes styled in `ui/charts.css` with the design tokens; presentation attributes carry the
same colours so that a chart stays legible where that stylesheet is absent (a PDF, an e-mail).
Series are told apart without colour too: solid and filled, dashed, dotted; round and square
markers. The drawing scales with its container (`viewBox`, width 100 %).

Values are `Decimal` or None; None is a gap (nothing drawn, "—" in the description). Geometry is
computed in float because it only places pixels; the numbers printed come from the Decimals.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = ["bars_svg", "format_number", "line_svg", "radar_svg"]

_ids = itertools.count(1)

# Fallback colours, equal to the tokens of carnet.css (used when charts.css is not loaded).
_PRIMARY = "#1e5aa0"
_MUTED = "#5b6675"
_TEXT = "#1f2933"
_GRID = "#dde3ea"
_NEUTRAL = "#3e4753"
_SOFT = "#b8c2cf"

_SERIES_STYLES = (
    # (class, stroke, dash, marker shape)
    ("chart-series-1", _PRIMARY, "", "circle"),
    ("chart-series-2", _NEUTRAL, "6 4", "square"),
    ("chart-series-3", _MUTED, "2 3", "diamond"),
)


def format_number(value) -> str:
    """A mark or average as people read it: "12,5", "10", "—" for None (two decimals at most,
    half-up, the active language's decimal separator)."""
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(number.normalize(), "f")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _n(x: float) -> str:
    """A coordinate, short."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _abbreviate(label: str, limit: int) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _as_float(value) -> float | None:
    return None if value is None else float(value)


def _open(kind: str, width: int, height: int, title: str, desc: str) -> tuple[str, str]:
    chart_id = f"chart-{kind}-{next(_ids)}"
    head = (
        f'<svg class="chart chart-{kind}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'focusable="false" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
    )
    return chart_id, head


def _marker(shape: str, x: float, y: float, css: str, colour: str, size: float = 3.5) -> str:
    if shape == "square":
        return (
            f'<rect class="chart-marker {css}" x="{_n(x - size)}" y="{_n(y - size)}" width="{_n(2 * size)}" '
            f'height="{_n(2 * size)}" fill="#fff" stroke="{colour}" stroke-width="2"/>'
        )
    if shape == "diamond":
        s = size * 1.3
        return (
            f'<path class="chart-marker {css}" d="M{_n(x)} {_n(y - s)}L{_n(x + s)} {_n(y)}L{_n(x)} {_n(y + s)}'
            f'L{_n(x - s)} {_n(y)}Z" fill="#fff" stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle class="chart-marker {css}" cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" fill="{colour}" stroke="#fff" stroke-width="1"/>'


def _path(points: Sequence[tuple[float, float] | None], *, closed: bool = False) -> str:
    """An SVG path through the points, lifted at each None (a gap). `closed` joins the last point
    to the first when neither is a gap."""
    parts: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(("L" if pen_down else "M") + f"{_n(point[0])} {_n(point[1])}")
        pen_down = True
    if closed and points and points[0] is not None and points[-1] is not None and len(parts) > 2:
        if all(p is not None for p in points):
            parts.append("Z")
        else:
            parts.append(f"L{_n(points[0][0])} {_n(points[0][1])}")
    return "".join(parts)


def _legend(items: list[tuple[str, int]], *, x: float, y: float, width: float) -> tuple[str, float]:
    """Legend entries (label, style index) laid out on as many rows as needed."""
    out = []
    cx, cy = x, y
    for label, index in items:
        css, colour, dash, shape = _SERIES_STYLES[min(index, len(_SERIES_STYLES) - 1)]
        text = _abbreviate(label, 34)
        item_width = 34 + len(text) * 6.6
        if cx > x and cx + item_width > x + width:
            cx, cy = x, cy + 20
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line class="chart-line {css}" x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(cx + 24)}" y2="{_n(cy)}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            + _marker(shape, cx + 12, cy, css, colour)
            + f'<text class="chart-legend" x="{_n(cx + 30)}" y="{_n(cy + 4)}" font-size="12" fill="{_TEXT}">{escape(text)}</text>'
        )
        cx += item_width + 16
    return "".join(out), cy


def _legend_rows(items: list[str], width: float) -> int:
    rows, cx = 1, 0.0
    for label in items:
        item_width = 34 + len(_abbreviate(label, 34)) * 6.6
        if cx > 0 and cx + item_width > width:
            rows, cx = rows + 1, 0.0
        cx += item_width + 16
    return rows


# --- radar ------------------------------------------------------------------------------------------
def radar_svg(*, axes: list[str], series: list[tuple[str, list]], maximum=20, title: str, size: int = 320) -> SafeString:
    """A spider chart of `series` (name, values aligned with `axes`) on a scale from 0 to `maximum`.

    series[0] (the student) is drawn filled with round markers, series[1] (the class average) as a
    dashed outline with square markers. Works from 3 to 16 axes; labels are shortened to stay
    readable at 360 px (the full names are in the description and in each label's tooltip)."""
    count = len(axes)
    top = float(maximum) or 20.0
    width = size + 40
    margin = 54 if count <= 10 else 50
    radius = size / 2 - margin
    cx, cy = width / 2, size / 2
    names = [name for name, _values in series]
    legend_height = 20 * _legend_rows(names, width - 24) + 8 if series else 0
    height = size + legend_height

    desc_parts = []
    for index, axis in enumerate(axes):
        joined = ", ".join(
            f"{name} {format_number(values[index] if index < len(values) else None)}" for name, values in series
        )
        desc_parts.append(f"{axis} : {joined}")
    desc = _("Sur %(maximum)s.") % {"maximum": format_number(maximum)} + " " + " ; ".join(desc_parts) + "."
    _chart_id, head = _open("radar", width, height, title, desc)
    out = [head]
    if count < 3:
        # A radar needs three axes; with fewer, the description carries the numbers alone.
        too_few = _("Pas assez de matières pour un graphique.")
        out.append(
            f'<text class="chart-label" x="{_n(width / 2)}" y="{_n(size / 2)}" text-anchor="middle" '
            f'font-size="13" fill="{_MUTED}">{escape(too_few)}</text></svg>'
        )
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped

    def angle(i: int) -> float:
        return -math.pi / 2 + 2 * math.pi * i / count

    def point(i: int, value: float) -> tuple[float, float]:
        r = radius * max(0.0, min(value, top)) / top
        return cx + r * math.cos(angle(i)), cy + r * math.sin(angle(i))

    # Grid: rings at each quarter of the scale, and the spokes.
    out.append('<g class="chart-grid" fill="none" stroke="' + _GRID + '" stroke-width="1">')
    for step in (0.25, 0.5, 0.75, 1.0):
        ring = [point(i, top * step) for i in range(count)]
        out.append(f'<path d="{_path(ring, closed=True)}"/>')
    for i in range(count):
        x, y = point(i, top)
        out.append(f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}"/>')
    out.append("</g>")
    # Scale marks along the first spoke (half and full).
    for step in (0.5, 1.0):
        x, y = point(0, top * step)
        out.append(
            f'<text class="chart-tick" x="{_n(x + 4)}" y="{_n(y + 4)}" font-size="10" fill="{_MUTED}">'
            f"{escape(format_number(Decimal(str(maximum)) * Decimal(str(step))))}</text>"
        )

    # Series, the class first so that the student's shape lies on top.
    for index in reversed(range(len(series))):
        values = series[index][1]
        css, colour, dash, shape = _SERIES_STYLES[min(index, len(_SERIES_STYLES) - 1)]
        floats = [_as_float(values[i]) if i < len(values) else None for i in range(count)]
        pts = [None if v is None else point(i, v) for i, v in enumerate(floats)]
        present = [p for p in pts if p is not None]
        if index == 0 and len(present) >= 3:
            polygon = " ".join(f"{_n(x)},{_n(y)}" for x, y in present)
            out.append(f'<polygon class="chart-area {css}" points="{polygon}" fill="{colour}" fill-opacity=".18" stroke="none"/>')
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        d = _path(pts, closed=True)
        if d:
            out.append(
                f'<path class="chart-line {css}" d="{d}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-linejoin="round"{dash_attr}/>'
            )
        out.extend(_marker(shape, x, y, css, colour, 3.2) for x, y in present)

    # Axis labels, shortened; anchored away from the centre.
    limit = 10 if count <= 8 else 8 if count <= 12 else 7
    for i, axis in enumerate(axes):
        a = angle(i)
        lx, ly = cx + (radius + 10) * math.cos(a), cy + (radius + 10) * math.sin(a)
        cos_a = math.cos(a)
        anchor = "middle" if abs(cos_a) < 0.3 else ("start" if cos_a > 0 else "end")
        sin_a = math.sin(a)
        dy = 4 + (5 * sin_a if abs(cos_a) < 0.3 else 2 * sin_a)
        out.append(
            f'<text class="chart-label" x="{_n(lx)}" y="{_n(ly + dy)}" text-anchor="{anchor}" font-size="12.5" '
            f'fill="{_TEXT}"><title>{escape(axis)}</title>{escape(_abbreviate(axis, limit))}</text>'
        )

    if series:
        legend, _y = _legend([(name, i) for i, name in enumerate(names)], x=16, y=size + 4, width=width - 24)
        out.append(legend)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


# --- line -------------------------------------------------------------------------------------------
def line_svg(
    *,
    points: list[tuple[str, Decimal | None]],
    title: str,
    maximum=20,
    reference=None,
    name: str | None = None,
    reference_label: str | None = None,
) -> SafeString:
    """An evolution (e.g. the general average per period) on a 0..`maximum` scale.

    `reference`: None, one value (a horizontal dashed line, e.g. the class mean) or a list of values
    aligned with `points` (a dashed series, e.g. the class mean of each period). `name` and
    `reference_label` name the two lines in the legend and the description."""
    name = name or _("Moyenne")
    reference_label = reference_label or _("Moyenne de la classe")
    top = float(maximum) or 20.0
    width, plot_top, plot_height = 360, 16, 150
    left, right = 34, 14
    plot_width = width - left - right
    count = len(points)
    per_point_reference = isinstance(reference, list | tuple)
    has_reference = reference is not None and (not per_point_reference or any(v is not None for v in reference))
    legend_items = [name] + ([reference_label] if has_reference else [])
    legend_y = plot_top + plot_height + 40
    height = legend_y + 20 * _legend_rows(legend_items, width - 24) - 4

    desc = "; ".join(f"{label} : {format_number(value)}" for label, value in points) or _("Aucune valeur.")
    if has_reference:
        if per_point_reference:
            desc += ". " + reference_label + " : " + "; ".join(
                f"{label} {format_number(reference[i] if i < len(reference) else None)}"
                for i, (label, _v) in enumerate(points)
            )
        else:
            desc += ". " + reference_label + " : " + format_number(reference)
    desc = _("Sur %(maximum)s.") % {"maximum": format_number(maximum)} + " " + desc + "."
    _chart_id, head = _open("line", width, height, title, desc)
    out = [head]

    def y_of(value: float) -> float:
        return plot_top + plot_height * (1 - max(0.0, min(value, top)) / top)

    def x_of(i: int) -> float:
        return left + plot_width / 2 if count == 1 else left + 8 + (plot_width - 16) * i / (count - 1)

    # Horizontal grid at each quarter of the scale, labelled.
    out.append(f'<g class="chart-grid" stroke="{_GRID}" stroke-width="1">')
    for step in (0, 0.25, 0.5, 0.75, 1.0):
        y = y_of(top * step)
        out.append(f'<line x1="{left}" y1="{_n(y)}" x2="{width - right}" y2="{_n(y)}"/>')
    out.append("</g>")
    for step in (0, 0.25, 0.5, 0.75, 1.0):
        y = y_of(top * step)
        out.append(
            f'<text class="chart-tick" x="{left - 6}" y="{_n(y + 4)}" text-anchor="end" font-size="11" fill="{_MUTED}">'
            f"{escape(format_number(Decimal(str(maximum)) * Decimal(str(step))))}</text>"
        )

    if has_reference:
        css, colour, dash, shape = _SERIES_STYLES[1]
        if per_point_reference:
            ref_pts = [
                None if (i >= len(reference) or reference[i] is None) else (x_of(i), y_of(float(reference[i])))
                for i in range(count)
            ]
            d = _path(ref_pts)
            if d:
                out.append(
                    f'<path class="chart-line {css}" d="{d}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
                )
            out.extend(_marker(shape, p[0], p[1], css, colour, 3) for p in ref_pts if p is not None)
        else:
            y = y_of(float(reference))
            out.append(
                f'<line class="chart-line {css}" x1="{left}" y1="{_n(y)}" x2="{width - right}" y2="{_n(y)}" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            )

    css, colour, _dash, shape = _SERIES_STYLES[0]
    pts = [None if value is None else (x_of(i), y_of(float(value))) for i, (_label, value) in enumerate(points)]
    d = _path(pts)
    if d:
        out.append(f'<path class="chart-line {css}" d="{d}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>')
    show_values = count <= 8
    for (_label, value), p in zip(points, pts, strict=True):
        if p is None:
            continue
        out.append(_marker(shape, p[0], p[1], css, colour, 4))
        if show_values:
            ty = p[1] - 9 if p[1] > plot_top + 14 else p[1] + 18
            out.append(
                f'<text class="chart-value" x="{_n(p[0])}" y="{_n(ty)}" text-anchor="middle" font-size="12" '
                f'font-weight="600" fill="{_TEXT}">{escape(format_number(value))}</text>'
            )

    # X labels: all of them when they fit, else evenly thinned.
    every = max(1, math.ceil(count / 6))
    limit = 14 if count <= 3 else 10 if count <= 5 else 8
    for i, (label, _value) in enumerate(points):
        if i != count - 1 and (i % every or count - 1 - i < every):
            continue
        anchor = "middle"
        if count > 1 and i == 0:
            anchor = "start" if len(_abbreviate(label, limit)) * 6.5 / 2 > x_of(0) else "middle"
        if count > 1 and i == count - 1:
            anchor = "end" if len(_abbreviate(label, limit)) * 6.5 / 2 > width - x_of(i) else "middle"
        x = x_of(i) - (8 if anchor == "start" else -8 if anchor == "end" else 0)
        out.append(
            f'<text class="chart-label" x="{_n(x)}" y="{plot_top + plot_height + 18}" text-anchor="{anchor}" '
            f'font-size="12" fill="{_TEXT}"><title>{escape(label)}</title>{escape(_abbreviate(label, limit))}</text>'
        )

    legend, _y = _legend([(n, i) for i, n in enumerate(legend_items)], x=16, y=legend_y, width=width - 24)
    out.append(legend)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


# --- bars -------------------------------------------------------------------------------------------
def bars_svg(*, bars: list[tuple[str, int]], title: str, highlight: int | None = None,
             highlight_label: str | None = None) -> SafeString:
    """A distribution: one bar per band with its count above it. `highlight` is the index of the
    band to set apart (the student's mark), drawn darker, outlined and pointed at by a triangle;
    `highlight_label` says what it is in the description (default "la note de l'élève")."""
    highlight_label = highlight_label or _("la note de l'élève")
    width, plot_top, plot_height, left, right = 360, 34, 116, 8, 8
    count = max(1, len(bars))
    slot = (width - left - right) / count
    bar_width = min(44.0, slot * 0.72)
    top = max([c for _l, c in bars] + [1])
    height = plot_top + plot_height + 30

    desc = "; ".join(f"{label} : {number}" for label, number in bars) or _("Aucune valeur.")
    if highlight is not None and 0 <= highlight < len(bars):
        desc += ". " + _("%(what)s est dans la tranche %(band)s") % {"what": highlight_label, "band": bars[highlight][0]}
    _chart_id, head = _open("bars", width, height, title, desc + ".")
    out = [head]
    baseline = plot_top + plot_height
    out.append(f'<line class="chart-axis" x1="{left}" y1="{baseline}" x2="{width - right}" y2="{baseline}" stroke="{_SOFT}" stroke-width="1"/>')
    limit = 7 if count > 6 else 10
    for i, (label, number) in enumerate(bars):
        x = left + slot * i + (slot - bar_width) / 2
        h = plot_height * number / top
        is_hl = i == highlight
        css = "chart-bar chart-bar-highlight" if is_hl else "chart-bar"
        fill = _PRIMARY if is_hl else _SOFT
        stroke = f' stroke="{_TEXT}" stroke-width="2"' if is_hl else ""
        if h > 0:
            out.append(f'<rect class="{css}" x="{_n(x)}" y="{_n(baseline - h)}" width="{_n(bar_width)}" height="{_n(h)}" rx="2" fill="{fill}"{stroke}/>')
        mid = x + bar_width / 2
        out.append(
            f'<text class="chart-value" x="{_n(mid)}" y="{_n(baseline - h - 5)}" text-anchor="middle" font-size="12" '
            f'font-weight="{700 if is_hl else 500}" fill="{_TEXT}">{number}</text>'
        )
        if is_hl:
            ty = baseline - h - 20
            out.append(
                f'<path class="chart-pointer" d="M{_n(mid - 5)} {_n(ty - 6)}L{_n(mid + 5)} {_n(ty - 6)}L{_n(mid)} {_n(ty)}Z" fill="{_TEXT}"/>'
            )
        out.append(
            f'<text class="chart-label" x="{_n(mid)}" y="{baseline + 17}" text-anchor="middle" font-size="11.5" '
            f'font-weight="{700 if is_hl else 400}" fill="{_TEXT}"><title>{escape(label)}</title>{escape(_abbreviate(label, limit))}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
