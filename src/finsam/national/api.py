"""The national level's API operations; each part adds its router here."""

from ninja import Router

from finsam.national.conferences.api import router as conferences_router
from finsam.national.council.api import router as council_router

router = Router(tags=["national"])
router.add_router("", conferences_router)
router.add_router("", council_router)
