"""API of the absences part."""

from ninja import Router

router = Router(tags=["absences"])
