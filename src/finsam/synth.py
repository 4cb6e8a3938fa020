"""`finsam synth`: national data at the scale of DESIGN §7 on an empty database, for benchmarks and load
tests — 75 förbund over the real municipalities and regions, 1 100 interventions, and 20 years of
round(35 000 × scale) participations a year with their participants, income sources, budgets and
outcomes. The scale multiplies the participations only; the förbund, interventions and years stay.

Each app writes its part in its own `synth.py` (a function of `core.synth.SynthContext`); this module
puts them in order, as `finsam.demo` does for the demo. The small parts (registry, interventions,
budgets) go through the services one by one; the participations through the participant import's bulk
path (COPY on PostgreSQL). The same seed and years give the same rows.
"""

from __future__ import annotations

import time

from django.db import connection

from finsam.core.demo import Writer
from finsam.core.synth import YEARS, SynthContext, SynthStep
from finsam.finance.synth import budgets_step, populations_step
from finsam.followup.synth import participations_step
from finsam.interventions.synth import interventions_step
from finsam.registry.synth import registry_step


def refresh_summaries(ctx: SynthContext) -> None:
    """The one call after the bulk load. The statistics' summary tables need no rebuild: the participations
    are written through the participant import, which adds its rows' contributions to them in its own
    transaction (`followup.summaries.add_imported_participations`). PostgreSQL's planner statistics are
    refreshed here, as they would otherwise lag behind a load this size."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


STEPS: list[SynthStep] = [
    SynthStep("Förbund, medlemmar, förbundsordningar, styrelser", registry_step),
    SynthStep("Folkmängd", populations_step),
    SynthStep("Insatser", interventions_step),
    SynthStep("Budgetar, samråd, utfall och eget kapital", budgets_step),
    SynthStep("Deltagare och deltaganden", participations_step),
    SynthStep("Sammanställningar", refresh_summaries),
]


def build(
    *,
    seed: int,
    scale: float,
    last_year: int,
    out: Writer,
    show_progress: bool | None = None,
    years: int = YEARS,
) -> SynthContext:
    ctx = SynthContext(
        seed=seed,
        scale=scale,
        years=range(last_year - years + 1, last_year + 1),
        out=out,
        show_progress=show_progress,
    )
    for number, step in enumerate(STEPS, start=1):
        out.write(f"[{number}/{len(STEPS)}] {step.title}\n")
        started = time.monotonic()
        step.run(ctx)
        out.write(f"      {time.monotonic() - started:.0f} s\n")
    return ctx
