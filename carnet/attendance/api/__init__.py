"""The API routers of the attendance app, one module per part, mounted under one router."""

from ninja import Router

from carnet.attendance.api import absences as _absences
from carnet.attendance.api import registers as _registers

router = Router()
router.add_router("", _registers.router)
router.add_router("", _absences.router)
