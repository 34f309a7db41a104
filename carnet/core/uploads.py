"""Checking a document someone uploads (a medical certificate, a photo of a note from home) before
it is stored: the file must really be what it claims (PDF, JPEG, PNG or WebP, read from its first
bytes, not its name) and not larger than the limit. Stored files get random names; the original
name is kept apart, cleaned, for display only."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from carnet.core.errors import ValidationFailed

#: content type -> (extensions people use, magic-byte test)
_KINDS: dict[str, tuple[tuple[str, ...], object]] = {
    "application/pdf": ((".pdf",), lambda head: head.startswith(b"%PDF-")),
    "image/jpeg": ((".jpg", ".jpeg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    "image/png": ((".png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/webp": ((".webp",), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}

ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.webp,application/pdf,image/jpeg,image/png,image/webp"


def max_document_bytes() -> int:
    return int(getattr(settings, "CARNET_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    display_name: str
    size: int


def clean_display_name(name: str) -> str:
    base = os.path.basename(name or "").strip()
    base = re.sub(r"[^\w.\- ()]+", "_", base)[:120]
    return base or "document"


def check_document(uploaded, *, field: str = "document") -> CheckedDocument:
    """Raise ValidationFailed (details {field: message}) unless `uploaded` (a Django UploadedFile)
    is a PDF, JPEG, PNG or WebP file whose extension matches its content and whose size is within
    `CARNET_DOCUMENT_MAX_BYTES` (5 MB by default). Leaves the file positioned at its start."""
    limit = max_document_bytes()
    size = getattr(uploaded, "size", None) or 0
    if size == 0:
        raise ValidationFailed(_("Le fichier est vide."), details={field: _("Le fichier est vide.")})
    if size > limit:
        message = _("Le fichier est trop lourd (%(size)s Mo) : %(limit)s Mo au plus.") % {
            "size": f"{size / 1048576:.1f}".replace(".", ","),
            "limit": f"{limit / 1048576:.0f}",
        }
        raise ValidationFailed(message, details={field: message})
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    extension = os.path.splitext(uploaded.name or "")[1].lower()
    for content_type, (extensions, test) in _KINDS.items():
        if test(head):  # type: ignore[operator]
            if extension not in extensions:
                message = _("Le fichier « %(name)s » n'est pas ce que dit son extension.") % {
                    "name": clean_display_name(uploaded.name)
                }
                raise ValidationFailed(message, details={field: message})
            return CheckedDocument(content_type, clean_display_name(uploaded.name), size)
    message = _("Seuls les fichiers PDF, JPEG, PNG ou WebP sont acceptés.")
    raise ValidationFailed(message, details={field: message})
