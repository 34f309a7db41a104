"""The API routers of the discipline app, one module per part, mounted under one router."""

from ninja import Router

from carnet.discipline.api import discipline as _discipline

router = Router()
router.add_router("", _discipline.router)
