"""The national level (R-NATIONAL). Each part keeps its models in its own sub-package; Django finds them
here."""

from finsam.national.allocation.models import AllocationDecision, AllocationRow, AllocationSettings
from finsam.national.conferences.models import Conference, Registration
from finsam.national.council.models import CouncilOrganisation, CouncilRepresentative, Recommendation
from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion
from finsam.national.helpdesk.models import FaqEntry, Question, QuestionAttachment, QuestionMessage

__all__ = [
    "AllocationDecision",
    "AllocationRow",
    "AllocationSettings",
    "Conference",
    "CouncilOrganisation",
    "CouncilRepresentative",
    "FaqEntry",
    "HandbookChapter",
    "HandbookPage",
    "HandbookVersion",
    "Question",
    "QuestionAttachment",
    "QuestionMessage",
    "Recommendation",
    "Registration",
]
