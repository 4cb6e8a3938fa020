from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.local import Local
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.tasks import task_backends
from django.test import Client

from finsam.core.roles import NATIONAL_ROLES, Role
from tests.factories import PASSWORD, make_association, make_user


@receiver(setting_changed)
def _task_backends_follow_the_setting(*, setting: str, **kwargs: Any) -> None:
    """Django keeps the task backends it made; a test that changes TASKS gets backends made anew."""
    if setting == "TASKS":
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)


@dataclass
class World:
    """Two associations; a user per role in the first ("own"), and per role in the second ("outsider")."""

    own: Any
    other: Any
    users: dict[str, Any] = field(default_factory=dict)
    outsiders: dict[str, Any] = field(default_factory=dict)
    no_role: Any = None

    def client(self, user: Any | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(db: Any) -> World:
    own = make_association("Samordningsförbundet Umeåregionen", municipalities=("2480", "2460"))
    other = make_association("Samordningsförbundet Skellefteå–Norsjö", municipalities=("2482", "2417"))
    w = World(own=own, other=other, no_role=make_user("no-roles"))
    for role in Role:
        target: Any = True if role in NATIONAL_ROLES else own
        w.users[role] = make_user(f"own-{role}", **{role: target})
        if role not in NATIONAL_ROLES:
            w.outsiders[role] = make_user(f"other-{role}", **{role: other})
    return w


@pytest.fixture
def password() -> str:
    return PASSWORD
