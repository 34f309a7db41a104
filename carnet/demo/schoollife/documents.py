"""Documents made in memory for the demo: a photo of a note (PNG) and certificates (PDF)."""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from carnet.demo.schoollife.common import Cast


def note_png(rng: random.Random, width: int = 240, height: int = 160) -> bytes:
    """A small greyscale PNG that looks like a photo of a handwritten note: paper, ruled lines and
    strokes of "writing"."""
    rows = []
    strokes = {y: [(rng.randrange(12, 60), rng.randrange(150, 228))] for y in range(24, height - 16, 18)}
    for y in range(height):
        row = bytearray([0])  # filter: none
        base = 232 - (y * 12) // height
        line = strokes.get(y - (y - 24) % 18) if y >= 24 else None
        for x in range(width):
            value = base
            if (y - 24) % 18 == 6:
                value = 200  # ruled line
            if (
                line
                and 2 <= (y - 24) % 18 <= 5
                and line[0][0] <= x <= line[0][1]
                and (x * 7 + y * 3) % 11 < 6
            ):
                value = 60  # ink
            row.append(value)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    y = A4[1] - 90
    for number, line in enumerate(lines):
        canvas.setFont("Helvetica-Bold" if number == 0 else "Helvetica", 16 if number == 0 else 11)
        canvas.drawString(72, y, line)
        y -= 34 if number == 0 else 18
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def certificate_pdf(student, establishment, start: dt.date, end: dt.date) -> SimpleUploadedFile:
    content = _pdf(
        [
            "Certificat médical de contre-indication",
            "Je soussigné, docteur en médecine, certifie avoir examiné",
            f"{student.full_name}, élève de l'établissement {establishment.name},",
            "et que son état de santé contre-indique la course d'endurance",
            f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}.",
            "Certificat remis en main propre à l'intéressé pour servir et valoir ce que de droit.",
        ]
    )
    return SimpleUploadedFile("certificat-medical.pdf", content, content_type="application/pdf")


def attestation_pdf(cast: Cast) -> bytes:
    return _pdf(
        [
            "Attestation",
            "Je soussignée, responsable légale de l'élève, atteste que mon enfant",
            "a dû s'absenter pour assister aux obsèques d'un proche.",
            f"Fait à {cast.establishment.city or 'domicile'}, pour servir et valoir ce que de droit.",
        ]
    )
