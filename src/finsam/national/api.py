"""The national level's API operations; each part adds its router here."""

from ninja import Router

from finsam.national.allocation.api import router as allocation_router
from finsam.national.conferences.api import router as conferences_router
from finsam.national.council.api import router as council_router
from finsam.national.handbook.api import router as handbook_router
from finsam.national.helpdesk.api import router as helpdesk_router

router = Router(tags=["national"])
router.add_router("", handbook_router)
router.add_router("", helpdesk_router)
router.add_router("", allocation_router)
router.add_router("", conferences_router)
router.add_router("", council_router)
