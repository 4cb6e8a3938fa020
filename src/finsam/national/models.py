"""The national level (R-NATIONAL). Each part keeps its models in its own sub-package; Django finds them
here."""

from finsam.national.allocation.models import AllocationDecision, AllocationRow, AllocationSettings
from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion

__all__ = [
    "AllocationDecision",
    "AllocationRow",
    "AllocationSettings",
    "HandbookChapter",
    "HandbookPage",
    "HandbookVersion",
]
