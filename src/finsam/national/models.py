"""The national level (R-NATIONAL). Each part keeps its models in its own sub-package; Django finds them
here."""

from finsam.national.conferences.models import Conference, Registration
from finsam.national.council.models import CouncilOrganisation, CouncilRepresentative, Recommendation
from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion

__all__ = [
    "Conference",
    "CouncilOrganisation",
    "CouncilRepresentative",
    "HandbookChapter",
    "HandbookPage",
    "HandbookVersion",
    "Recommendation",
    "Registration",
]
