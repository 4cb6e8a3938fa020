"""The interventions of `finsam synth`: 1 100 insatser over the 75 förbund, in proportion to the population
they cover (at least six each). Each förbund has two individual-level interventions that run through all
the years (so that every year has somewhere to take part), and others, individual-level or structural,
that start in some year and run one to eight years. Through the interventions service, as the system
actor; the providers are one or two of the förbund's members."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from finsam.core.synth import INTERVENTIONS, SynthContext, apportion
from finsam.interventions import services
from finsam.interventions.schemas import InterventionKind, InterventionStatus

MINIMUM = 6
LASTING = 2  # interventions per förbund that run through all the years

INDIVIDUAL_NAMES = (
    "Arbetslivsinriktad rehabilitering",
    "Unga vuxna i arbete",
    "Samverkansteam psykisk hälsa",
    "Vägen till arbete",
    "Koordinatorer i samverkan",
    "Resursteam",
    "Steg för steg",
    "Individuellt stöd i arbete (IPS)",
    "Aktivitetscenter",
    "Språk och arbete",
    "Hälsofrämjande rehabilitering",
    "Jobbcoacher i samverkan",
)
STRUCTURAL_NAMES = (
    "Kompetensutveckling i samverkan",
    "Gemensam kartläggning",
    "Samverkan kring unga",
    "Nätverk för chefer",
    "Metodstöd och utbildning",
)
TARGET_GROUPS = (
    "Personer 18–64 år med sjukpenning, aktivitetsersättning eller ekonomiskt bistånd",
    "Unga vuxna 16–29 år utan arbete eller studier",
    "Personer med psykisk ohälsa som behöver samordnat stöd",
    "Personer långt från arbetsmarknaden",
    "Nyanlända med behov av samordnade insatser",
)


def interventions_step(ctx: SynthContext) -> None:
    rng = ctx.rng
    weights = [sum(ctx.population[c] for c in item.municipality_codes) for item in ctx.associations]
    counts = [
        MINIMUM + extra for extra in apportion(INTERVENTIONS - MINIMUM * len(ctx.associations), weights)
    ]
    first, last = date(ctx.years[0], 1, 1), date(ctx.years[-1], 12, 31)
    for item, count in zip(ctx.progress(ctx.associations, desc="Insatser"), counts, strict=True):
        names: set[str] = set()
        with transaction.atomic():
            for index in range(count):
                if index < LASTING:
                    kind = InterventionKind.INDIVIDUAL
                    start, end = first, None
                else:
                    kind = InterventionKind.INDIVIDUAL if rng.random() < 0.75 else InterventionKind.STRUCTURAL
                    start = first + timedelta(days=rng.randrange((last - first).days - 180))
                    end = date(start.year + rng.randint(1, 8), start.month, 1) - timedelta(days=1)
                    end = end if end <= last else None
                pool = INDIVIDUAL_NAMES if kind == InterventionKind.INDIVIDUAL else STRUCTURAL_NAMES
                base = rng.choice(pool)
                name = base if base not in names else f"{base} {start.year}"
                while name in names:
                    name = f"{name} ({index})"
                names.add(name)
                providers = rng.sample(item.members, rng.randint(1, 2))
                item.interventions.append(
                    services.intervention_create(
                        actor=ctx.actor,
                        association=item.association,
                        kind=kind,
                        name=name,
                        start=start,
                        end=end,
                        target_group=rng.choice(TARGET_GROUPS),
                        providers=providers,
                        board_decision_reference=f"§ {rng.randint(10, 90)}",
                        board_decision_date=start - timedelta(days=rng.randint(30, 120)),
                        status=InterventionStatus.ENDED if end is not None else InterventionStatus.ACTIVE,
                    )
                )
