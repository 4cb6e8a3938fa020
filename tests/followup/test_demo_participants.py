"""Demo participants: a few thousand fictional participations over five years, through the services, valid
but made-up identity numbers, idempotent, quick enough to run with `finsam demo`, and the statistics pages
work with them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from stdnum import luhn

from finsam import demo
from finsam.core.models import AuditEntry
from finsam.followup import identity, rules
from finsam.followup.demo import fictional_identity_number, participants_step
from finsam.followup.models import Participant, Participation
from finsam.interventions.models import Intervention
from finsam.statistics import economics
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


@dataclass
class Demo:
    ctx: demo.DemoContext
    counts: dict[str, int]


def _counts() -> dict[str, int]:
    return {
        "interventions": Intervention.objects.count(),
        "participants": Participant.objects.count(),
        "participations": Participation.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def built(demo_data: demo.DemoContext) -> Demo:
    """The whole demo, its participants step included, as the test session shares it."""
    return Demo(demo_data, _counts())


def test_a_few_thousand_participants_and_a_second_run_adds_nothing(built: Demo) -> None:
    assert 1800 <= built.counts["participants"] <= 6000
    assert built.counts["participations"] == built.counts["participants"]
    with transaction.atomic():
        participants_step(built.ctx)
        assert _counts() == built.counts
        transaction.set_rollback(True)


def test_demo_participants_are_plausible(built: Demo) -> None:
    ctx = built.ctx
    participations = Participation.objects.all()
    years = dict(participations.values("start__year").annotate(n=Count("id")).values_list("start__year", "n"))
    # Five years, 2022 to this one, each with a plausible number of starts.
    assert set(years) == set(range(2022, timezone.localdate().year + 1))
    assert all(n >= 100 for n in years.values())
    sexes = Counter(participations.values_list("participant__sex", flat=True))
    assert 0.45 < sexes["woman"] / sum(sexes.values()) < 0.67
    reasons = Counter(participations.exclude(exit=None).values_list("exit_reason", flat=True))
    assert reasons["registered_by_mistake"] > 0
    assert reasons["work"] > reasons["registered_by_mistake"]
    assert participations.filter(exit=None).exists()  # some are still going on
    for association in ctx.associations.values():
        assert Intervention.objects.filter(association=association, kind="individual").count() >= 2
    # Most are anonymous; the identified ones have consent and a valid, encrypted identity number.
    registrations = Counter(Participant.objects.values_list("registration", flat=True))
    assert registrations["anonymous"] > registrations["identified"] > 0
    for participant in Participant.objects.filter(registration="identified")[:50]:
        number = identity.decrypt(participant.identity_ciphertext)
        parsed = rules.parse_identity_number(number, today=timezone.localdate())
        assert participant.consent.given_on is not None
        assert parsed.sex == participant.sex
        assert 18 <= participant.start_year - participant.birth_year <= 64


def test_fictional_identity_numbers_have_valid_check_digits() -> None:
    number = fictional_identity_number(date(1987, 4, 9), 341)
    assert number.startswith("19870409-341")
    assert luhn.is_valid(number[2:8] + number[9:])
    parsed = rules.parse_identity_number(number, today=date(2026, 1, 1))
    assert parsed.sex == "man" and parsed.birth_date == date(1987, 4, 9)
    coordination = fictional_identity_number(date(1987, 4, 9), 342, coordination=True)
    assert rules.parse_identity_number(coordination, today=date(2026, 1, 1)).coordination


def test_statistics_pages_render_with_the_demo_data(built: Demo) -> None:
    ctx = built.ctx
    year = timezone.localdate().year - 1
    chief, council = Client(), Client()
    sign_in(chief, ctx.users["umea-chef"])
    sign_in(council, ctx.users["nationella-radet"])
    umea = ctx.associations["umea"]
    response = chief.get(f"/uppfoljning/forbund/{umea.pk}/statistik/?ar={year}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arbetslivsinriktad rehabilitering" in html and 'role="img"' in html
    response = council.get(f"/uppfoljning/statistik/?ar={year}")
    assert response.status_code == 200
    html = response.content.decode()
    assert umea.name in html and "Västerbotten" in html
    assert council.get(f"/uppfoljning/statistik/excel/?ar={year}").status_code == 200


def test_demo_budgets_name_the_interventions_so_cost_per_participant_is_known(built: Demo) -> None:
    ctx = built.ctx
    year = timezone.localdate().year - 1
    economy = economics.association_economy(
        user=ctx.users["umea-chef"], association_id=ctx.associations["umea"].pk, year=year
    )
    assert economy.rows
    assert all(row.cost is not None and row.cost_per_participant is not None for row in economy.rows)
    assert economy.total.participations > 0


def test_test_numbers_are_read_from_skatteverkets_file_valid_ones_only(tmp_path: Any) -> None:
    from finsam.followup.demo import read_test_numbers

    woman = fictional_identity_number(date(1990, 3, 4), 982).replace("-", "")
    man = fictional_identity_number(date(1971, 11, 30), 991).replace("-", "")
    path = tmp_path / "testpersonnummer.csv"
    path.write_text(f"testpersonnummer\n{woman}\n{man}\n{woman}\n199003040000\nnot a number\n", "utf-8")
    known = read_test_numbers(path)
    assert [(k.number, k.birth, k.sex) for k in known] == [
        (man, date(1971, 11, 30), "man"),
        (woman, date(1990, 3, 4), "woman"),
    ]


def test_unreadable_or_empty_test_number_files_are_refused_in_swedish(tmp_path: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from finsam.followup.demo import read_test_numbers

    empty = tmp_path / "tom.csv"
    empty.write_text("testpersonnummer\n", "utf-8")
    with pytest.raises(ImproperlyConfigured, match="innehåller inga giltiga personnummer"):
        read_test_numbers(empty)
    with pytest.raises(ImproperlyConfigured, match="kan inte läsas"):
        read_test_numbers(tmp_path / "saknas.csv")


def test_with_test_numbers_configured_the_demo_uses_only_them_and_otherwise_none(
    tmp_path: Any, settings: Any
) -> None:
    import random

    from finsam.followup import demo as followup_demo

    numbers = {
        fictional_identity_number(date(1990, 3, 4), 982).replace("-", ""),
        fictional_identity_number(date(1985, 6, 7), 993).replace("-", ""),
        fictional_identity_number(date(1940, 1, 1), 984).replace("-", ""),  # too old for the demo
    }
    path = tmp_path / "testpersonnummer.txt"
    path.write_text("\n".join(sorted(numbers)), "utf-8")
    settings.DEMO_IDENTITY_NUMBERS = str(path)
    followup_demo._test_numbers.cache_clear()
    try:
        rng, taken = random.Random(1), set()
        picked = [followup_demo._identity(rng, date(2024, 5, 1), taken) for _ in range(3)]
        chosen = {p[0] for p in picked if p is not None}
        assert chosen == numbers - {fictional_identity_number(date(1940, 1, 1), 984).replace("-", "")}
        assert picked[2] is None  # every fitting number is used in this intervention: anonymous instead
    finally:
        settings.DEMO_IDENTITY_NUMBERS = ""
        followup_demo._test_numbers.cache_clear()
