"""axe-core (the copy bundled with axe-playwright-python) run on a page, with readable findings."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

BLOCKING = frozenset({"serious", "critical"})

_axe = Axe()


def violations(page: Any) -> list[dict[str, Any]]:
    """All of axe's violations on the page as it is now (every rule axe runs by default)."""
    results = _axe.run(page, options={"resultTypes": ["violations"]})
    return list(results.response["violations"])


def blocking(page: Any) -> list[dict[str, Any]]:
    """The violations a user cannot work around: impact serious or critical."""
    return [v for v in violations(page) if v.get("impact") in BLOCKING]


def describe(found: list[dict[str, Any]], where: str) -> list[str]:
    """One line per offending element: where, rule id, impact, CSS target, and what axe says."""
    lines = []
    for violation in found:
        for node in violation["nodes"]:
            target = " ".join(" > ".join(t) if isinstance(t, list) else str(t) for t in node["target"])
            rule = f"{violation['id']} ({violation['impact']})"
            lines.append(f"{where}: {rule} at {target} – {violation['help']}")
    return lines
