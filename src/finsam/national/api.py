"""The national level's API operations; each part adds its router here."""

from ninja import Router

router = Router(tags=["national"])
