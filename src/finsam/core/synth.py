"""The kit of `finsam synth`: the context every app's synth step receives, and the integer split.

`finsam synth` builds national data at the scale of DESIGN §7 (75 förbund, 1 100 interventions, 20 years of
35 000 participations a year at scale 1) on an empty database. Like the demo, each app writes its own part
in its own `synth.py` as a step — a function of the `SynthContext` — and the shell (`finsam/synth.py`)
puts the steps in order. Every random choice draws from the context's single `random.Random(seed)`, in the
same order on every run, so one seed gives the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tqdm import tqdm

from finsam.core.access import SYSTEM
from finsam.core.demo import Writer

PARTICIPATIONS_PER_YEAR = 35_000  # at scale 1 (DESIGN §7)
ASSOCIATIONS = 75
INTERVENTIONS = 1_100
YEARS = 20


@dataclass
class SynthContext:
    """What the steps share. `years` are the calendar years of data (the last one complete); `today` is
    the date the data are registered on, the day after the last year, so that the data do not depend on
    the day they are built. The steps leave what the next ones need in `associations` (one `SynthAssociation`
    per förbund, in a fixed order) and `population` (municipality code → inhabitants in the last year)."""

    seed: int
    scale: float
    years: range
    out: Writer
    show_progress: bool | None = None  # None: only on a terminal
    actor: Any = SYSTEM
    rng: random.Random = field(init=False)
    associations: list[SynthAssociation] = field(default_factory=list)
    population: dict[str, int] = field(default_factory=dict)
    population_by_year: dict[tuple[str, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def today(self) -> date:
        return date(self.years[-1] + 1, 1, 1)

    @property
    def participations_per_year(self) -> int:
        return round(PARTICIPATIONS_PER_YEAR * self.scale)

    def progress[T](self, items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
        disable = None if self.show_progress is None else not self.show_progress
        yield from tqdm(items, desc=desc, total=total, unit="st", leave=False, disable=disable)

    def bar(self, *, desc: str, total: int) -> tqdm[Any]:
        disable = None if self.show_progress is None else not self.show_progress
        return tqdm(desc=desc, total=total, unit="st", leave=False, disable=disable)


@dataclass(frozen=True)
class SynthStep:
    title: str
    run: Callable[[SynthContext], None]


@dataclass
class SynthAssociation:
    """One förbund as the steps build it: the registry's association and members, the municipality codes
    it covers, and (after the interventions step) its interventions."""

    association: Any  # registry.Association
    municipality_codes: tuple[str, ...]
    members: list[Any] = field(default_factory=list)  # registry.Member
    interventions: list[Any] = field(default_factory=list)  # interventions.Intervention


def apportion(total: int, weights: Sequence[float | int]) -> list[int]:
    """`total` split in proportion to `weights` into whole numbers that sum exactly to `total` (largest
    remainder; ties to the earlier weight)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
