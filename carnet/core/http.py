"""Small helpers of the web layer shared by every app."""

from __future__ import annotations

import uuid

from django.http import Http404


def uuid_or_404(value) -> uuid.UUID:
    """`value` (a query-string or path piece) as a UUID; Http404 for anything that is not one, so
    that a mangled identifier answers like an unknown one."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise Http404 from None
