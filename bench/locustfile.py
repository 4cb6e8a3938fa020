"""The HTTP load test's virtual users (locust), run by `bench/load.py` against `finsam serve`.

Each virtual user takes an account of its own from the accounts file (`bench/load_accounts.py`, path in
FINSAM_LOAD_ACCOUNTS) and signs in as a person does: it reads the sign-in page, posts the form with the
CSRF token from it, and, where the role needs a second factor, types the code its TOTP app would show
(computed from the accounts file's secret) before it is sent to the home page. It then asks for an API key
(POST /api/v1/auth/token, with the code of the next time step: the one just used is refused as reused)
and mixes page views and API reads by its role; participant coordinators also register participants
(an anonymous participant, then the start of a participation) through the API. Between requests it
waits FINSAM_LOAD_WAIT seconds ("1-3", the default; "0" for the saturated throughput).

Requests are named by their route (ids replaced by placeholders), so that the statistics are per endpoint.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django_otp.oath import totp as oath_totp
from locust import HttpUser, between, constant, events, task

ACCOUNTS = json.loads(Path(os.environ["FINSAM_LOAD_ACCOUNTS"]).read_text())
_next_account = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STOCKHOLM = ZoneInfo("Europe/Stockholm")
YEAR = int(os.environ.get("FINSAM_LOAD_YEAR", str(datetime.now(STOCKHOLM).year - 1)))  # the last whole year


# Every request's time, so that bench/load.py can give percentiles over all requests but the sign-in
# (locust's own CSV has them per endpoint and over all only). Cleared with locust's statistics
# (--reset-stats), written when the run stops.
# Each sample: (name, response time in ms, failed, when it ended). bench/load.py makes its whole report from
# these, the totals as well as the split, so that both count the same requests: locust's CSV is a snapshot
# written every second while the users still run, and missed the last second or two of a run.
SAMPLES: list[tuple[str, float, bool, float]] = []
_ENVIRONMENT: list[Any] = []
# When the last user had signed in and held its API key (locust's spawning ends when every user has been
# started, before the users who wait for their app's next code have signed in): bench/load.py also gives
# the figures of the requests made after it, when every user is at work.
_KEYS_TAKEN: list[float] = []


@events.init.add_listener
def _init(environment: Any, **_: Any) -> None:
    _ENVIRONMENT.append(environment)


@events.request.add_listener
def _sample(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    SAMPLES.append((name, response_time, exception is not None, time.time()))


@events.reset_stats.add_listener
def _reset(**_: Any) -> None:
    """Locust's web page resets the statistics with this event."""
    SAMPLES.clear()


@events.spawning_complete.add_listener
def _spawned(**_: Any) -> None:
    """`--reset-stats` without the web page: locust resets its statistics when every user has started,
    and fires no `reset_stats` event for it; the samples follow."""
    if _ENVIRONMENT and _ENVIRONMENT[0].reset_stats:
        SAMPLES.clear()


@events.test_stop.add_listener
def _write(**_: Any) -> None:
    path = os.environ.get("FINSAM_LOAD_SAMPLES")
    if path:
        lines = [f"{n}\t{t:.1f}\t{int(f)}\t{w:.3f}\n" for n, t, f, w in SAMPLES]
        if _ENVIRONMENT and len(_KEYS_TAKEN) >= _ENVIRONMENT[0].parsed_options.num_users:
            lines.append(f"#every user signed in\t{max(_KEYS_TAKEN):.3f}\n")
        Path(path).write_text("".join(lines))


VERIFY = "/konto/tvastegsverifiering/kod/"
STEP_SECONDS = 30
SECOND_FACTOR_ROLES = {"national_admin", "association_admin", "participant_coordinator"}


def totp(secret: str) -> tuple[str, int]:
    """The code a TOTP app (RFC 6238: SHA-1, 30 seconds, 6 digits) shows now for the base32 secret, computed
    by django-otp as the server checks it, and its time step."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{oath_totp(key):06d}", int(time.time()) // STEP_SECONDS


def next_step(after: int) -> None:
    """Waits, as a person does, for the app to show the code of a time step after `after`: the server
    refuses a step already used, and a code of a step still to come would teach it a clock drift that it
    keeps (django-otp's TOTPDevice.drift) and that refuses the next sign-in's code."""
    if int(time.time()) // STEP_SECONDS <= after:
        while int(time.time()) // STEP_SECONDS <= after:
            time.sleep(0.5)
        # People do not all act the moment their apps turn to the next code: without this, every user who
        # signed in within the same 30 seconds asked for a key in the same second, and that burst of
        # password hashes queued the requests of everyone else behind it.
        time.sleep(random.uniform(0, STEP_SECONDS * 2 / 3))


def _wait() -> Any:
    low, _, high = os.environ.get("FINSAM_LOAD_WAIT", "1-3").partition("-")
    return constant(0) if float(low) == 0 and not high else between(float(low), float(high or low))


class Person(HttpUser):
    wait_time = _wait()

    def on_start(self) -> None:
        self.account = ACCOUNTS["users"][next(_next_account)]
        self.role: str = self.account["role"]
        self.association: int | None = self.account["association"]
        self.code_step = -1
        self.sign_in()
        credentials = {"username": self.account["username"], "password": ACCOUNTS["password"]}
        if self.role in SECOND_FACTOR_ROLES:
            next_step(self.code_step)
            credentials["otp"], self.code_step = totp(ACCOUNTS["totp_secret"])
        response = self.client.post("/api/v1/auth/token", json=credentials, name="POST /api/v1/auth/token")
        self.api = {"Authorization": f"Bearer {response.json()['token']}"}
        _KEYS_TAKEN.append(time.time())

    def sign_in(self) -> None:
        page = self.client.get("/logga-in/", name="GET /logga-in/")
        match = CSRF.search(page.text)
        if match is None:
            raise RuntimeError("the sign-in page has no CSRF token")
        with self.client.post(
            "/logga-in/",
            data={
                "username": self.account["username"],
                "password": ACCOUNTS["password"],
                "csrfmiddlewaretoken": match.group(1),
            },
            headers={"Referer": f"{self.host}/logga-in/"},
            name="POST /logga-in/ (then GET /)",
            catch_response=True,
        ) as response:
            if self.role in SECOND_FACTOR_ROLES:
                if VERIFY not in response.url:
                    response.failure(f"not asked for the second factor: ended at {response.url}")
                    return
                match = CSRF.search(response.text)
            elif response.url.rstrip("/") != self.host.rstrip("/"):  # a refused sign-in stays on the form
                response.failure(f"not signed in: ended at {response.url}")
                return
        if self.role not in SECOND_FACTOR_ROLES:
            return
        if match is None:
            raise RuntimeError("the second factor's page has no CSRF token")
        code, self.code_step = totp(ACCOUNTS["totp_secret"])
        with self.client.post(
            VERIFY,
            data={"otp": code, "next": "/", "csrfmiddlewaretoken": match.group(1)},
            headers={"Referer": f"{self.host}{VERIFY}"},
            name="POST /konto/tvastegsverifiering/kod/ (then GET /)",
            catch_response=True,
        ) as response:
            if response.url.rstrip("/") != self.host.rstrip("/"):  # a refused code stays on the form
                response.failure(f"second factor refused: ended at {response.url}")

    # --- helpers ------------------------------------------------------------------------------

    def page(self, path: str, name: str) -> None:
        self.client.get(path, name=f"page {name}")

    def read(self, path: str, name: str, **params: Any) -> Any:
        return self.client.get(path, params=params or None, headers=self.api, name=f"GET {name}")

    # --- what every role does -----------------------------------------------------------------

    @task(2)
    def home(self) -> None:
        self.page("/", "/")

    @task(1)
    def associations(self) -> None:
        if random.random() < 0.5:
            self.page("/register/forbund/", "/register/forbund/")
        else:
            self.read("/api/v1/associations", "/api/v1/associations")

    # --- by role --------------------------------------------------------------------------------

    @task(8)
    def work(self) -> None:
        getattr(self, f"work_{self.role}")()

    def work_participant_coordinator(self) -> None:
        a = self.association
        choice = random.random()
        if choice < 0.3:
            self.page(f"/uppfoljning/forbund/{a}/deltagare/", "/uppfoljning/forbund/{id}/deltagare/")
        elif choice < 0.5:
            self.read(f"/api/v1/associations/{a}/participants", "/api/v1/associations/{id}/participants")
        elif choice < 0.7:
            self.register()
        elif choice < 0.85:
            self.read("/api/v1/statistics", "/api/v1/statistics", association=a, year=YEAR)
        else:
            self.page(f"/insatser/forbund/{a}/", "/insatser/forbund/{id}/")

    def register(self) -> None:
        interventions = self.account["interventions"]
        if not interventions:
            return
        created = self.client.post(
            f"/api/v1/associations/{self.association}/participants",
            json={
                "intervention": random.choice(interventions),
                "registration": "anonymous",
                "sex": random.choice(["woman", "man"]),
            },
            headers=self.api,
            name="POST /api/v1/associations/{id}/participants",
        )
        if created.status_code != 201:
            return
        self.client.post(
            "/api/v1/participations",
            json={
                "participant": created.json()["id"],
                "start": datetime.now(STOCKHOLM).date().isoformat(),
                "employment_before": "seeking_work",
                "education_level": "upper_secondary",
                "income_before": [{"source": "unemployment_benefit", "extent": 100}],
            },
            headers=self.api,
            name="POST /api/v1/participations",
        )

    def statistics_page(self) -> None:
        self.page(
            f"/uppfoljning/forbund/{self.association}/statistik/?ar={YEAR}",
            "/uppfoljning/forbund/{id}/statistik/",
        )

    def work_association_admin(self) -> None:
        a = self.association
        choice = random.random()
        if choice < 0.2:
            self.page(f"/register/forbund/{a}/", "/register/forbund/{id}/")
        elif choice < 0.35:
            self.page(f"/insatser/forbund/{a}/", "/insatser/forbund/{id}/")
        elif choice < 0.5:
            self.page(f"/ekonomi/forbund/{a}/", "/ekonomi/forbund/{id}/")
        elif choice < 0.65:
            self.statistics_page()
        elif choice < 0.8:
            self.read("/api/v1/statistics", "/api/v1/statistics", association=a, year=YEAR)
        elif choice < 0.9:
            self.read(f"/api/v1/associations/{a}/interventions", "/api/v1/associations/{id}/interventions")
        else:
            self.read(f"/api/v1/associations/{a}/budgets", "/api/v1/associations/{id}/budgets")

    def work_board_member(self) -> None:
        a = self.association
        choice = random.random()
        if choice < 0.3:
            self.page("/styrning/moten/", "/styrning/moten/")
        elif choice < 0.5:
            self.page(f"/register/forbund/{a}/", "/register/forbund/{id}/")
        elif choice < 0.7:
            self.statistics_page()
        elif choice < 0.85:
            self.read(f"/api/v1/associations/{a}/meetings", "/api/v1/associations/{id}/meetings")
        else:
            self.page("/nationellt/handbok/", "/nationellt/handbok/")

    def work_national_viewer(self) -> None:
        choice = random.random()
        if choice < 0.25:
            self.read("/api/v1/statistics/national", "/api/v1/statistics/national", year=YEAR)
        elif choice < 0.4:
            self.page(f"/uppfoljning/statistik/?ar={YEAR}", "/uppfoljning/statistik/")
        elif choice < 0.6:
            self.read("/api/v1/conferences", "/api/v1/conferences")
        elif choice < 0.8:
            self.read("/api/v1/handbook/pages", "/api/v1/handbook/pages")
        else:
            self.page("/nationellt/", "/nationellt/")
