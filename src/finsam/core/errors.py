"""Rule violations: the one way business rules refuse input.

Pages show `message` (Swedish) next to `field`; the API answers 400 with
{"errors": [{"code", "message", "field"}]}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class RuleViolation(Exception):
    """One or more broken rules. Raised by rules and services; nothing has been written."""

    def __init__(
        self,
        code: str | None = None,
        message: str | None = None,
        field: str | None = None,
        *,
        violations: list[Violation] | None = None,
    ) -> None:
        items = list(violations or [])
        if code is not None:
            items.insert(0, Violation(code, message or code, field))
        if not items:
            raise ValueError("RuleViolation needs at least one violation")
        self.violations = items
        super().__init__("; ".join(f"{v.code}: {v.message}" for v in items))

    @property
    def code(self) -> str:
        return self.violations[0].code

    @property
    def message(self) -> str:
        return self.violations[0].message

    def as_payload(self) -> dict[str, list[dict[str, str | None]]]:
        return {"errors": [v.as_dict() for v in self.violations]}


def raise_if_any(violations: list[Violation]) -> None:
    if violations:
        raise RuleViolation(violations=violations)
