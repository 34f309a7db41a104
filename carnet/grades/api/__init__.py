"""The API routers of the grades app, one module per part, mounted under one router."""

from ninja import Router

from carnet.grades.api import council as _council
from carnet.grades.api import family as _family
from carnet.grades.api import settings as _settings
from carnet.grades.api import teacher as _teacher

router = Router()
router.add_router("", _teacher.router)
router.add_router("", _family.router)
router.add_router("", _settings.router)
router.add_router("", _council.router)
