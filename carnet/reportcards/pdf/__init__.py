"""Drawing a report card as PDF with reportlab's canvas (pure Python, ~10 ms a page).

`render_pdf(content, issue=...)` draws exactly what the content snapshot holds (see `content.py`):
header, student, the country's subject table (Benin: Discipline | Coef | Moy. interro | Devoir 1 |
Devoir 2 | Moy/20 | Moy × coef | Rang | Appréciation; France: subject and teacher, student and class
averages, min, max, appraisal), the general block beside a radar chart (student against class),
the appraisals, and on every page the verification code, its QR code and the content's digest.

Fonts are the PDF's built-in Helvetica and Courier (WinAnsi: every French accent); a character
outside WinAnsi is replaced by its unaccented form or "?" rather than drawn as a black box."""


from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from carnet.reportcards.pdf.blocks import appraisals, general, header, student, subjects
from carnet.reportcards.pdf.page import Page, draw_qr, safe

__all__ = ["draw_qr", "render_pdf", "safe"]


def render_pdf(content: dict, *, issue: dict | None = None, compress: bool = True) -> bytes:
    """The report card as PDF bytes: one A4 page, a second one when the subjects do not fit.

    `issue` describes the published version printed in the footer of every page: {"code": stored
    verification code, "verify_url": absolute URL for the QR code, "digest": hex SHA-256, "version":
    int, "published_on": "dd/mm/yyyy"}. Without it (a preview), the footer stays empty.
    `compress=False` leaves the page streams readable (tests look for the printed code)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0, invariant=1)
    pupil = content["student"]
    canvas.setTitle(safe(f"{content['title']} – {pupil['last_name']} {pupil['first_name']}"))
    canvas.setAuthor(safe(content["establishment"]["name"]))
    canvas.setSubject(safe(f"{content['class']['name']} · {content['year']}"))
    canvas.setCreator("Carnet")
    page = Page(canvas, content, issue)
    header(page)
    student(page)
    subjects(page)
    general(page)
    appraisals(page)
    page.footer()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
