"""The register of rules: every rule the platform enforces (R-…), with its text and sources.

One register for the whole platform: the error codes of `RuleViolation` name these rules (a sub-code
such as R-SAMRAD-1 names point 1 of R-SAMRAD), the rule pages show them, and the handbook, the council's
recommendations and the annual cycle link to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    text: str = ""
    sources: tuple[str, ...] = ()
    points: tuple[str, ...] = field(default=())  # numbered points: R-SAMRAD-1 is points[0]


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("R-MEMBERS", "Förbundets medlemmar"),
        Rule("R-SHARES", "Medlemmarnas bidrag"),
        Rule("R-CAP-2004", "Taket för statens del (2004)"),
        Rule("R-STATE-MODEL", "Statens fördelningsmodell"),
        Rule("R-BOARD", "Styrelsen och mandattiden"),
        Rule("R-BUDGET", "Budget senast 30 november efter samråd"),
        Rule("R-INFO", "Information till medlemmarna"),
        Rule("R-ANNUAL", "Årsredovisningen"),
        Rule("R-AUDIT", "Revision och ansvarsfrihet"),
        Rule("R-NO-AUTHORITY", "Ingen myndighetsutövning"),
        Rule("R-SAMRAD", "Medlemssamråd enligt rådets rekommendation"),
        Rule("R-CONSENT", "Samtycke och skyddad identitet"),
        Rule("R-FOLLOWUP", "Uppföljning av insatser"),
        Rule("R-SUPPRESS", "Skydd mot röjande av små tal"),
        Rule("R-NATIONAL", "Den nationella nivån"),
    )
}


def rule_for(code: str) -> Rule | None:
    """The rule an error code names: the code itself, or the rule of a numbered point (R-SAMRAD-1)."""
    if code in RULES:
        return RULES[code]
    head, _, tail = code.rpartition("-")
    if tail.isdigit() and head in RULES:
        return RULES[head]
    return None
