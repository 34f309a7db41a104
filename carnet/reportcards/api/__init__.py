"""The API routers of the reportcards app, one module per part, mounted under one router."""

from ninja import Router

from carnet.reportcards.api import cards as _cards

router = Router()
router.add_router("", _cards.router)
