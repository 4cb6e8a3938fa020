from __future__ import annotations

import io
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from asgiref.local import Local
from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.tasks import task_backends
from django.test import Client, override_settings
from django.utils import translation

from finsam import demo
from finsam.core.roles import NATIONAL_ROLES, Role
from finsam.statistics import api as statistics_api
from finsam.statistics import outcomes
from tests import factories
from tests.factories import PASSWORD, make_association, make_user, sign_in


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
            sign_in(client, user)
        return client


@pytest.fixture(autouse=True)
def _language_back() -> Iterator[None]:
    """A request in English leaves English active in the thread that served it (the locale middleware
    activates the request's language and leaves it), and the test client serves in the test's thread: the
    next test would read English messages. Every test starts in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _serials_from_one() -> None:
    """The factories number what they make (organisation and identity numbers, names) from one in every
    test, so that a test sees the same data whichever tests ran before it in its process: under xdist
    that is a matter of chance. (An identity number's serial decides the participant's sex.)"""
    factories._serial = count(1)


@pytest.fixture(autouse=True)
def _statistics_built_anew() -> None:
    """The statistics a process keeps (by the summaries' stamps) are dropped before every test, so that
    the tests that count queries or look at how the statistics are built see them built."""
    statistics_api.forget_kept()
    outcomes.forget_kept()


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


# --- the demo, built once -----------------------------------------------------------------------

DEMO_FIXTURE = "demo_data"


class SharedDemo:
    """The whole demo of `finsam demo`, built once and kept in an open transaction while the tests that
    read it run one after another, each in a savepoint of its own as usual; rolled back when the next
    test does not ask for it. Building the demo takes longer than most test modules, so the tests that
    only read it share one build instead of making their own."""

    def __init__(self) -> None:
        self.ctx: demo.DemoContext | None = None
        self._stack: ExitStack | None = None
        self._blocker: Any = None
        self._data_dir: Path | None = None

    @property
    def configured(self) -> bool:
        return self._blocker is not None

    def configure(self, *, blocker: Any, data_dir: Path) -> None:
        self._blocker, self._data_dir = blocker, data_dir

    def open(self) -> None:
        if self._stack is not None:
            return
        with ExitStack() as stack:
            stack.enter_context(self._blocker.unblock())
            stack.enter_context(override_settings(DATA_DIR=self._data_dir, DEMO_PASSWORD=""))
            stack.enter_context(transaction.atomic())
            self.ctx = demo.build(out=io.StringIO(), password="demo-lösenord-123", show_progress=False)
            self._stack = stack.pop_all()

    def close(self) -> None:
        if self._stack is None:
            return
        transaction.set_rollback(True)
        stack, self._stack, self.ctx = self._stack, None, None
        stack.close()


_shared_demo = SharedDemo()


@pytest.fixture(scope="session")
def _shared_demo_built(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedDemo]:
    # Session scope: set up before any test's own transaction, so that the test's nests in the demo's.
    _shared_demo.configure(blocker=django_db_blocker, data_dir=tmp_path_factory.mktemp("demo"))
    _shared_demo.open()
    yield _shared_demo
    _shared_demo.close()


@pytest.fixture
def demo_data(_shared_demo_built: SharedDemo) -> demo.DemoContext:
    """The demo (the förbund and the users by key), for tests that read it. The tests of the demo's own
    behaviour (a second run, the password) build theirs from an empty database."""
    assert _shared_demo_built.ctx is not None
    return _shared_demo_built.ctx


def _reads_the_demo(item: pytest.Item | None) -> bool:
    return item is not None and DEMO_FIXTURE in getattr(item, "fixturenames", ())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    # Built again only when the tests that read it were not run together (a selection reordered by hand).
    if _reads_the_demo(item) and _shared_demo.configured:
        _shared_demo.open()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        if not _reads_the_demo(nextitem):
            _shared_demo.close()


# --- the suite over several processes (make test: pytest-xdist, --dist loadgroup) -----------------

# Tests that share something costly made once per process go to one worker together: the demo, and
# Chromium with the live server. xdist hands out the largest groups first, so these, the longest
# stretches of the suite, start at once instead of last.
GROUPS = {DEMO_FIXTURE: "demo", "browser": "browser"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    readers = [item for item in items if _reads_the_demo(item)]
    items[:] = readers + [item for item in items if not _reads_the_demo(item)]
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if group := next((g for fixture, g in GROUPS.items() if fixture in item.fixturenames), None):
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """xdist hands tests to its workers by node id: two tests with one id would run as one. That has
    happened after an upgrade of pytest, silently."""
    if twice := sorted(nodeid for nodeid, n in Counter(ids).items() if n > 1):
        raise pytest.UsageError(f"tests share a node id and xdist would run only one of each: {twice[:3]}")


def pytest_collection_finish(session: pytest.Session) -> None:
    if not getattr(session.config.option, "loadgroup", False):  # set in an xdist worker
        return
    if any(item.get_closest_marker("xdist_group") and "@" not in item.nodeid for item in session.items):
        warnings.warn(
            pytest.PytestWarning("xdist did not group the tests: each worker builds the demo again"),
            stacklevel=1,
        )
