"""(filled by the part that owns it)"""

from ninja import Router

router = Router()
