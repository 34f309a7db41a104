"""API of the discipline part."""

from ninja import Router

router = Router(tags=["discipline"])
