"""API of the registers part."""

from ninja import Router

router = Router(tags=["registers"])
