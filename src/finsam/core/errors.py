"""Rule violations: the one way business rules refuse input.

Pages show `message` (Swedish) next to `field`; the API answers 400 with
{"errors": [{"code", "message", "field"}]}.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


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


CONFLICT = "R-CONFLICT"


def edit_conflict(what: str, *, kept: bool = False) -> RuleViolation:
    """R-CONFLICT: someone saved `what` (definite form, translated by the caller: "förbundet") since the
    editor opened the form. Pages answer 409; `kept` when the page keeps the editor's values for a second
    save."""
    then = (
        _(
            "Dina uppgifter har inte sparats men finns kvar i formuläret: "
            "jämför med det som är sparat nu och spara igen."
        )
        if kept
        else _("Ladda om sidan och gör om ändringen.")
    )
    return RuleViolation(
        CONFLICT,
        (
            _("Någon annan har ändrat %(what)s sedan du öppnade formuläret. %(then)s")
            % {"what": what, "then": then}
        ),
    )


def check_version(current: int, opened: int | None, what: str, *, kept: bool = False) -> None:
    """Optimistic locking: refuses with R-CONFLICT when the version the editor opened (`opened`) is not
    the saved one. None skips the check (a caller without a version, such as the command line)."""
    if opened is not None and opened != current:
        raise edit_conflict(what, kept=kept)
