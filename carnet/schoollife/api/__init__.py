"""The API routers of the schoollife app, one module per part, mounted under one router."""

from ninja import Router

from carnet.schoollife.api import mailing as _mailing
from carnet.schoollife.api import record as _record

router = Router()
router.add_router("", _record.router)
router.add_router("", _mailing.router)
