"""The national level (R-NATIONAL). Each part keeps its models in its own sub-package; Django finds them
here."""

from finsam.national.handbook.models import HandbookChapter, HandbookPage, HandbookVersion

__all__ = ["HandbookChapter", "HandbookPage", "HandbookVersion"]
