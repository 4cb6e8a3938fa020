from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from finsam.core.roles import Role
from tests.factories import make_intervention, make_user


@dataclass
class Followup:
    """Two interventions in the own association: X, coordinated by the world's coordinator, and Y, by
    another coordinator of the same förbund."""

    world: Any
    x: Any
    y: Any
    coordinator: Any
    coordinator_y: Any
    admin: Any


@pytest.fixture
def fu(world: Any) -> Followup:
    coordinator = world.users[Role.PARTICIPANT_COORDINATOR]
    coordinator_y = make_user("coordinator-y", participant_coordinator=world.own)
    x = make_intervention(world.own, name="Steget vidare", coordinators=[coordinator])
    y = make_intervention(world.own, name="Unga till arbete", coordinators=[coordinator_y])
    return Followup(
        world=world,
        x=x,
        y=y,
        coordinator=coordinator,
        coordinator_y=coordinator_y,
        admin=world.users[Role.ASSOCIATION_ADMIN],
    )
