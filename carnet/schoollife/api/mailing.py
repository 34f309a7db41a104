"""API of the mailing part."""

from ninja import Router

router = Router(tags=["mailing"])
