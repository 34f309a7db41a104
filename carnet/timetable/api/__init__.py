"""The API routers of the timetable app, one module per part, mounted under one router."""

from ninja import Router

from carnet.timetable.api import booking as _booking
from carnet.timetable.api import timetable as _timetable

router = Router()
router.add_router("", _timetable.router)
router.add_router("", _booking.router)
