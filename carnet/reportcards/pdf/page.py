"""The page of a report card: its measures, colours and fonts, the text and QR helpers, and `Page`,
a canvas with a cursor that starts a new page (footer drawn) when a block does not fit."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from carnet.reportcards import codes

# Binary compressed streams: ASCII85 on top of zlib only makes the file bigger and costs ~6 ms a
# page in pure Python. Carnet is reportlab's only user in the process.
rl_config.useA85 = 0

PAGE_W, PAGE_H = A4
MARGIN = 34
WIDTH = PAGE_W - 2 * MARGIN
FOOTER_H = 92  # reserved at the bottom of every page for the verification block
TOP = PAGE_H - MARGIN
BOTTOM = MARGIN + FOOTER_H + 8

INK = HexColor("#1f2933")
MUTED = HexColor("#5b6675")
PRIMARY = HexColor("#1e5aa0")
SOFT = HexColor("#eaf2fb")
ZEBRA = HexColor("#f5f7fa")
RULE = HexColor("#b8c2cf")
CLASS_LINE = HexColor("#7a4b00")

BOLD = "Helvetica-Bold"
REGULAR = "Helvetica"
ITALIC = "Helvetica-Oblique"
MONO = "Courier"


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code (level M, 4-module quiet zone) as one filled path in module units (integers: the
    pure-Python number formatting of reportlab costs more than the code itself). The mask pattern
    is fixed: any of the eight is valid for readers, and trying all eight (what reportlab's widget
    does) costs ~40 ms a page."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(data)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 2)
    count = qr.getModuleCount()
    box = size / (count + 8)
    ops = []
    for row_index, row in enumerate(qr.modules):
        bottom = count + 3 - row_index  # module rows from the bottom, quiet zone of 4 included
        start = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                ops.append(f"{start + 4} {bottom} {col - start} 1 re")
                start = None
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.transform(box, 0, 0, box, x, y)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()


# --- text helpers ---------------------------------------------------------------------------------
def safe(text) -> str:
    """Text the built-in fonts can draw (WinAnsi): accents kept, anything else folded or '?'."""
    text = "" if text is None else str(text)
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        out = []
        for ch in text:
            try:
                ch.encode("cp1252")
                out.append(ch)
            except UnicodeEncodeError:
                folded = unicodedata.normalize("NFKD", ch).encode("cp1252", "ignore").decode("cp1252")
                out.append(folded or "?")
        return "".join(out)


def number(value, dash: str = "–") -> str:
    """'12.50' -> '12,50' (French decimal comma); None -> a dash."""
    if value is None or value == "":
        return dash
    return str(value).replace(".", ",")


def ordinal(rank, sex: str = "") -> str:
    if rank is None:
        return "–"
    if int(rank) == 1:
        return _("1re") if sex == "F" else _("1er")
    return _("%(rank)se") % {"rank": rank}


def date_fr(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _decimal(value) -> float | None:
    try:
        return float(Decimal(str(value))) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


class Page:
    """A canvas with a cursor; starts a new page (footer drawn) when a block does not fit."""

    def __init__(self, canvas: Canvas, content: dict, issue: dict | None):
        self.c = canvas
        self.content = content
        self.issue = issue or {}
        self.y = TOP
        self.page = 1
        self._font: tuple[str, float] | None = None
        self._fill: Color | None = None
        self._refs: dict[str, str] = {}

    def fill(self, color: Color) -> None:
        self.c.setFillColor(color)
        self._fill = color

    def text(self, x, y, text, font=REGULAR, size=8.5, color=INK, align="left"):
        # Setting the colour only when it changes keeps the page stream short and fast.
        if self._fill is not color:
            self.c.setFillColor(color)
            self._fill = color
        text = safe(text)
        if not text:
            return
        if align != "left":
            width = stringWidth(text, font, size)
            x = x - width if align == "right" else x - width / 2
        ref = self._refs.get(font)
        if ref is None:
            ref = self._refs[font] = self.c._doc.getInternalFontName(font)
        # One text operation written directly: what drawString writes for a built-in font, without
        # its text object and generic number formatting (a third of the page's drawing time).
        self.c._code.append(f"BT {ref} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ({self.c._escape(text.encode('cp1252'))}) Tj ET")

    def ensure(self, height: float) -> bool:
        """Start a new page if `height` does not fit; True when it did."""
        if self.y - height >= BOTTOM:
            return False
        self.footer()
        self.c.showPage()
        self._font, self._fill = None, None
        self.page += 1
        self.y = TOP
        self.running_header()
        return True

    def running_header(self) -> None:
        content = self.content
        student = content["student"]
        self.text(MARGIN, self.y - 10, f"{content['title']} · {student['last_name']} {student['first_name']}", BOLD, 9)
        self.text(PAGE_W - MARGIN, self.y - 10, _("(suite)"), ITALIC, 8, MUTED, "right")
        self.y -= 22

    def footer(self) -> None:
        c = self.c
        issue = self.issue
        top = MARGIN + FOOTER_H
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(MARGIN, top, PAGE_W - MARGIN, top)
        code = issue.get("code", "")
        url = issue.get("verify_url", "")
        qr_size = 74
        text_x = MARGIN
        if url:
            draw_qr(c, url, MARGIN - 4, MARGIN + 6, qr_size)
            text_x = MARGIN + qr_size + 6
        y = top - 16
        if code:
            self.text(text_x, y, _("Code de vérification : %(code)s") % {"code": codes.formatted(code)}, BOLD, 11, PRIMARY)
            y -= 13
        if url:
            self.text(text_x, y, _("Vérifiez l'authenticité de ce bulletin : %(url)s") % {"url": url}, REGULAR, 8)
            y -= 11
        version = issue.get("version")
        published = issue.get("published_on", "")
        if version:
            line = _("Version %(version)s") % {"version": version}
            if published:
                line += " · " + _("publiée le %(date)s") % {"date": published}
            establishment = self.content["establishment"]["name"]
            line += " · " + _("émise par %(name)s") % {"name": establishment}
            self.text(text_x, y, line, REGULAR, 7.5, MUTED)
            y -= 11
        digest = issue.get("digest", "")
        if digest:
            self.text(text_x, y, _("Empreinte SHA-256 du contenu :"), REGULAR, 7, MUTED)
            y -= 9
            self.text(text_x, y, digest, MONO, 6.8, INK)
        self.text(PAGE_W - MARGIN, MARGIN - 12, _("Page %(page)s") % {"page": self.page}, REGULAR, 7, MUTED, "right")
