"""The national level's API operations; each part adds its router here."""

from ninja import Router

from finsam.national.allocation.api import router as allocation_router

router = Router(tags=["national"])
router.add_router("", allocation_router)
