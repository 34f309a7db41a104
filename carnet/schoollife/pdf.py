"""Printable letters of a mailing: one PDF, each letter starting on a new A4 page (a long letter
continues on the next page), drawn with reportlab's canvas like the report cards.

The text is exactly the letter rendered when the mailing was prepared (what the preview showed).
Fonts are the PDF's built-in Helvetica (WinAnsi: every French accent); a character outside WinAnsi
is folded to its unaccented form or "?"."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from carnet.notifications.quiet import zone

PAGE_W, PAGE_H = A4
MARGIN = 56
WIDTH = PAGE_W - 2 * MARGIN
INK = HexColor("#1f2933")
MUTED = HexColor("#5b6675")
PRIMARY = HexColor("#1e5aa0")
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY_SIZE, LEADING = 11, 15.5


def safe(text) -> str:
    """Text the built-in fonts can draw."""
    text = "" if text is None else str(text)
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore").decode("cp1252")
            out.append(folded or "?")
    return "".join(out)


class _Letter:
    def __init__(self, canvas: Canvas, *, establishment, sent_on, letter):
        self.c = canvas
        self.establishment = establishment
        self.sent_on = sent_on
        self.letter = letter
        self.y = PAGE_H - MARGIN

    def _line(self, text: str, *, font=REGULAR, size=BODY_SIZE, color=INK, x=MARGIN, right=False) -> None:
        self.c.setFont(font, size)
        self.c.setFillColor(color)
        if right:
            self.c.drawRightString(PAGE_W - MARGIN, self.y, safe(text))
        else:
            self.c.drawString(x, self.y, safe(text))

    def _need(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self.c.showPage()
            self.y = PAGE_H - MARGIN
            self._line(self.letter.subject, font=BOLD, size=9, color=MUTED)
            self.y -= 24

    def draw(self) -> None:
        letter = self.letter
        self._line(self.establishment.name, font=BOLD, size=13, color=PRIMARY)
        if self.establishment.city:
            self.y -= 16
            self._line(self.establishment.city, size=10, color=MUTED)
        # The address block sits where a window envelope shows it.
        self.y = PAGE_H - MARGIN - 80
        x = PAGE_W / 2 + 20
        student = letter.student
        if letter.guardian is not None:
            self._line(letter.guardian.full_name, font=BOLD, x=x)
            self.y -= LEADING
            self._line(_("Responsable de %(name)s") % {"name": student.full_name}, size=10, x=x)
        else:
            self._line(_("Aux responsables légaux de"), x=x)
            self.y -= LEADING
            self._line(student.full_name, font=BOLD, x=x)
        self.y -= 48
        place = self.establishment.city
        day = formats.date_format(self.sent_on, "j F Y")
        self._line(
            _("%(place)s, le %(date)s") % {"place": place, "date": day}
            if place
            else _("Le %(date)s") % {"date": day},
            right=True,
        )
        self.y -= 36
        for row in simpleSplit(
            safe(_("Objet : %(subject)s") % {"subject": letter.subject}), BOLD, BODY_SIZE, WIDTH
        ):
            self._need(LEADING)
            self._line(row, font=BOLD)
            self.y -= LEADING
        self.y -= LEADING
        for paragraph in letter.text.split("\n"):
            rows = simpleSplit(safe(paragraph), REGULAR, BODY_SIZE, WIDTH) or [""]
            for row in rows:
                self._need(LEADING)
                self._line(row)
                self.y -= LEADING
        self.c.showPage()


def letters_pdf(mailing, letters: Iterable, *, compress: bool = True) -> bytes:
    """One PDF holding every letter of `letters` (MailingRecipient rows with student and guardian
    loaded), each from a new page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0, invariant=1)
    canvas.setTitle(safe(f"{mailing.name} – {mailing.establishment.name}"))
    canvas.setAuthor(safe(mailing.establishment.name))
    canvas.setCreator("Carnet")
    moment = mailing.sent_at or mailing.created_at
    sent_on = timezone.localtime(moment, zone(mailing.establishment.time_zone)).date()
    count = 0
    for letter in letters:
        _Letter(canvas, establishment=mailing.establishment, sent_on=sent_on, letter=letter).draw()
        count += 1
    if not count:
        canvas.setFont(REGULAR, BODY_SIZE)
        canvas.drawString(MARGIN, PAGE_H - MARGIN, safe(_("Aucune lettre à imprimer.")))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
