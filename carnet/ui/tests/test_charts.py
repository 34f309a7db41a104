"""The SVG charts: well-formed XML, named and described for screen readers, gaps left empty."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from django.template import Context, Template

from carnet.ui.charts import bars_svg, format_number, line_svg, radar_svg

NS = "{http://www.w3.org/2000/svg}"
SUBJECTS = [
    "Mathématiques", "Français", "Histoire-géographie", "Anglais", "Espagnol", "SVT", "Physique-chimie", "EPS",
    "SES", "SNT", "Enseignement moral et civique", "Philosophie", "Arts plastiques", "Musique", "Latin", "Conduite",
]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    assert root.get("width") == "100%"
    title, desc = root.find(NS + "title"), root.find(NS + "desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(NS + "text")]


def test_format_number_in_french():
    assert format_number(D("12.50")) == "12,5"
    assert format_number(D("10.00")) == "10"
    assert format_number(D("9.995")) == "10"
    assert format_number(None) == "—"


@pytest.mark.parametrize("count", [3, 5, 16])
def test_radar_from_3_to_16_axes(count):
    axes = SUBJECTS[:count]
    student = [D("12.5") + i for i in range(count)]
    svg = radar_svg(axes=axes, series=[("Alice", student), ("Moyenne de la classe", [D("10")] * count)], title="Profil")
    root = parse(svg)
    desc = root.find(NS + "desc").text
    for axis in axes:
        assert axis in desc  # full names in the description…
    labels = [t for t in root.iter(NS + "text") if t.get("class") == "chart-label"]
    assert len(labels) == count  # …and one (shortened) label per axis, with its full name as tooltip
    assert [t.find(NS + "title").text for t in labels] == axes
    assert all(len("".join(t.itertext())) - len(t.find(NS + "title").text) <= 10 for t in labels)
    assert "12,5" in desc
    assert root.find(f"{NS}polygon[@class='chart-area chart-series-1']") is not None
    assert any("stroke-dasharray" in p.attrib for p in root.iter(NS + "path") if "chart-series-2" in p.get("class", ""))
    assert {"Alice", "Moyenne de la classe"} <= set(texts(root))
    assert len(svg) < 12_000


def test_radar_leaves_a_gap_for_a_missing_average():
    svg = radar_svg(
        axes=SUBJECTS[:5], series=[("Alice", [D("12"), None, D("14"), D("8"), D("15")]), ("Classe", [D("10")] * 5)],
        title="Profil",
    )
    root = parse(svg)
    line = next(p for p in root.iter(NS + "path") if p.get("class") == "chart-line chart-series-1")
    assert line.get("d").count("M") == 2  # the pen lifts at the gap
    markers = [m for m in root.iter() if "chart-marker chart-series-1" in m.get("class", "")]
    assert len(markers) == 4 + 1  # the four values, and the legend's sample
    assert "Français : Alice —" in root.find(NS + "desc").text


def test_radar_with_fewer_than_3_axes_still_describes():
    root = parse(radar_svg(axes=["Maths"], series=[("Alice", [D("12")])], title="Profil"))
    assert "12" in root.find(NS + "desc").text


def test_labels_are_escaped():
    svg = radar_svg(axes=["<b>A</b>", "B & C", "D"], series=[("x<y", [D("1"), D("2"), D("3")])], title="<script>")
    root = parse(svg)
    assert root.find(NS + "title").text == "<script>"
    assert "<script>" not in svg


def test_line_with_gap_and_reference():
    svg = line_svg(
        points=[("Trimestre 1", D("12.5")), ("Trimestre 2", None), ("Trimestre 3", D("14"))],
        title="Évolution", reference=D("11.25"),
    )
    root = parse(svg)
    desc = root.find(NS + "desc").text
    assert "Trimestre 1 : 12,5" in desc and "Trimestre 2 : —" in desc and "11,25" in desc
    line = next(p for p in root.iter(NS + "path") if p.get("class") == "chart-line chart-series-1")
    assert line.get("d").count("M") == 2
    assert {"Trimestre 1", "Trimestre 2", "Trimestre 3"} <= set(texts(root)) | {
        t.find(NS + "title").text for t in root.iter(NS + "text") if t.find(NS + "title") is not None
    }
    assert any(el.get("class") == "chart-line chart-series-2" for el in root.iter(NS + "line"))


def test_line_with_reference_per_point_and_many_points():
    points = [(f"{day:02d}/10", D(day % 20)) for day in range(1, 31)]
    root = parse(line_svg(points=points, title="Par date", reference=[D("10")] * 30))
    labels = [t for t in root.iter(NS + "text") if t.get("class") == "chart-label"]
    assert 2 <= len(labels) <= 7  # thinned so they do not overlap
    assert "30/10" in [t.find(NS + "title").text for t in labels]


def test_line_with_no_points():
    parse(line_svg(points=[], title="Rien"))


def test_bars_with_highlight():
    bars = [("0-5", 1), ("5-8", 0), ("8-10", 4), ("10-12", 7), ("12-14", 3), ("14-16", 2), ("16-20", 1)]
    root = parse(bars_svg(bars=bars, title="Répartition", highlight=3))
    assert "10-12 : 7" in root.find(NS + "desc").text
    assert "10-12" in root.find(NS + "desc").text.split(".")[-2]
    rects = [r for r in root.iter(NS + "rect")]
    assert len(rects) == 6  # the empty band draws no bar
    assert sum(1 for r in rects if "chart-bar-highlight" in r.get("class")) == 1
    assert root.find(f"{NS}path[@class='chart-pointer']") is not None


def test_bars_without_highlight_or_data():
    parse(bars_svg(bars=[("0-5", 0), ("5-10", 0)], title="Vide"))
    parse(bars_svg(bars=[], title="Vide"))


def test_ids_are_unique_on_a_page():
    a = parse(bars_svg(bars=[("a", 1)], title="A"))
    b = parse(bars_svg(bars=[("a", 1)], title="A"))
    assert a.find(NS + "title").get("id") != b.find(NS + "title").get("id")


def test_template_tags():
    html = Template(
        "{% load charts %}{% radar_chart axes=axes series=series title='Profil' %}"
        "{% line_chart points=points title='Évolution' reference=ref %}{% bars_chart bars=bars title='R' highlight=1 %}"
    ).render(Context({
        "axes": ["A", "B", "C"], "series": [("Alice", [D("1"), D("2"), D("3")])],
        "points": [("T1", D("10"))], "ref": None, "bars": [("0-10", 1), ("10-20", 2)],
    }))
    assert html.count("<svg") == 3
