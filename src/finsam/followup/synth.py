"""The participations of `finsam synth`: for every year round(35 000 × scale) participations, each of its
own participant, with sex, start and exit, exit reason, employment and income sources before and after
and education level, in the förbund's individual-level interventions that run that year.

The participations of a year are split between the förbund by the population they cover (with a little
variation from year to year), and within a förbund between its running interventions at random. Durations
and distributions are those of the demo (`followup.demo`). A participation that would go on past the last
year is still open.

Every synthetic participant is anonymous (or, one in twenty, registered with protected identity): sex
and start year only, no personnummer, no consent. So no identity key is needed, nothing is encrypted, and
no row can be a real person's (R-CONSENT). The rows are written in bulk through the participant import
(`services.participants_import`: every row checked by the import's rules, then `COPY` on PostgreSQL,
`bulk_create` elsewhere), one förbund at a time, as the system actor.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from finsam.core.synth import SynthAssociation, SynthContext, apportion
from finsam.followup import services
from finsam.followup.demo import (
    EDUCATION,
    EMPLOYMENT_BEFORE,
    EXIT_REASONS,
    _after,
    _income_before,
    _pick,
)
from finsam.followup.schemas import ExitReason, ImportRow, Registration, Sex
from finsam.interventions.schemas import InterventionKind

MEDIAN_DAYS = (180, 210, 240, 270, 300)
BATCH = 5_000


def _rows(ctx: SynthContext, item: SynthAssociation, per_year: dict[int, int]) -> Iterator[ImportRow]:
    rng = ctx.rng
    last = date(ctx.years[-1], 12, 31)
    individual = [i for i in item.interventions if i.kind == InterventionKind.INDIVIDUAL]
    medians = {i.pk: rng.choice(MEDIAN_DAYS) for i in individual}
    number = 1
    for year in ctx.years:
        first_day, last_day = date(year, 1, 1), date(year, 12, 31)
        running = [i for i in individual if i.start <= last_day and (i.end is None or i.end >= first_day)]
        for _ in range(per_year[year]):
            intervention = rng.choice(running)
            low = max(first_day, intervention.start)
            high = min(last_day, intervention.end or last_day)
            start = low + timedelta(days=rng.randrange((high - low).days + 1))
            before = _income_before(rng)
            reason = _pick(rng, EXIT_REASONS)
            mistake = reason == ExitReason.REGISTERED_BY_MISTAKE
            days = (
                rng.randrange(14) if mistake else int(rng.lognormvariate(0, 0.65) * medians[intervention.pk])
            )
            exit: date | None = start + timedelta(days=max(days, 1))
            if intervention.end is not None and exit is not None and exit > intervention.end:
                exit = intervention.end
            if exit is not None and exit > last:
                exit = None
            employment_after, income_after = _after(rng, reason, before) if exit and not mistake else ("", [])
            yield ImportRow(
                row=number,
                intervention_id=intervention.pk,
                registration=Registration.PROTECTED if rng.random() < 0.05 else Registration.ANONYMOUS,
                identity_number="",
                consent_given_on=None,
                consent_form_version="",
                sex=Sex.WOMAN if rng.random() < 0.56 else Sex.MAN,
                start=start,
                education_level=_pick(rng, EDUCATION),
                employment_before=_pick(rng, EMPLOYMENT_BEFORE),
                income_before=tuple(before),
                exit=exit,
                exit_reason=reason if exit else "",
                employment_after=employment_after if exit else "",
                income_after=tuple(income_after) if exit else (),
            )
            number += 1


def participations_step(ctx: SynthContext) -> None:
    rng = ctx.rng
    weights = [sum(ctx.population[c] for c in item.municipality_codes) for item in ctx.associations]
    shares: list[dict[int, int]] = [{} for _ in ctx.associations]
    for year in ctx.years:
        varied = [w * rng.uniform(0.85, 1.15) for w in weights]
        for share, count in zip(shares, apportion(ctx.participations_per_year, varied), strict=True):
            share[year] = count
    total = ctx.participations_per_year * len(ctx.years)
    with ctx.bar(desc="Deltaganden", total=total) as bar:
        for item, per_year in zip(ctx.associations, shares, strict=True):
            if not sum(per_year.values()):
                continue
            done = 0

            def advance(count: int, /) -> Any:
                nonlocal done
                bar.update(count - done)
                done = count

            services.participants_import(
                actor=ctx.actor,
                association=item.association,
                rows=_rows(ctx, item, per_year),
                today=ctx.today,
                batch_size=BATCH,
                progress=advance,
            )
