"""Input bounds and types shared by every app's API: what the database holds and what makes sense."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from ninja import Field
from ninja.params.functions import Path

MAX_ID = 2**63 - 1
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1F\x7F]*$"
# Multi-line text: line breaks and tabs, but no other control characters (PostgreSQL refuses NUL).
MULTILINE_TEXT = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)

AssociationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Förbundets id.")]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description="ÅÅÅÅ-MM-DD, år 1900–2199.")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
