"""The demo's shared kit: the context every app's demo step receives, and the step itself.

Each app writes its own demo data in its `demo.py`, through its services, as a function of the context;
the top-level `finsam.demo` puts the steps in order and runs them. The context carries the system actor,
the associations by key ("umea", "skelleftea", "sodra-lappland"), the demo users by username and a
progress helper for long loops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from tqdm import tqdm

from finsam.core.access import SYSTEM


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass
class DemoContext:
    """What the steps share. `associations` is keyed "umea", "skelleftea", "sodra-lappland"."""

    password: str
    out: Writer
    show_progress: bool | None = None  # None: only on a terminal
    actor: Any = SYSTEM
    associations: dict[str, Any] = field(default_factory=dict)  # registry.Association by key
    users: dict[str, Any] = field(default_factory=dict)

    def progress[T](self, items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
        disable = None if self.show_progress is None else not self.show_progress
        yield from tqdm(items, desc=desc, total=total, unit="st", leave=False, disable=disable)


@dataclass(frozen=True)
class Step:
    title: str
    run: Callable[[DemoContext], None]
