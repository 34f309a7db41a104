"""API of the record part."""

from ninja import Router

router = Router(tags=["record"])
