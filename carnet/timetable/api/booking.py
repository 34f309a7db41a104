"""API of the booking part."""

from ninja import Router

router = Router(tags=["booking"])
