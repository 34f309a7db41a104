"""API of the timetable part."""

from ninja import Router

router = Router(tags=["timetable"])
