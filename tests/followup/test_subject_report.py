"""`finsam subject-report PERSONNUMMER`: everything stored about one person for a request under the GDPR's
right of access, in every förbund, found by the keyed hash; the read is audited without the number."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from finsam import cli
from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.core.roles import Role
from finsam.followup import services
from finsam.followup.models import Participant
from tests.factories import (
    exit_participation,
    make_intervention,
    make_participant,
    make_participation,
    valid_identity_number,
)

pytestmark = pytest.mark.django_db

NUMBER = valid_identity_number(date(1981, 12, 28), 987)
SOMEONE_ELSE = valid_identity_number(date(1990, 1, 2), 246)


@pytest.fixture
def person(fu: Any) -> dict[str, Any]:
    """The person in both förbund: in the own förbund with an open participation, in the other with one
    that ended; someone else beside them; their identity read and searched for once."""
    own = make_participant(fu.x, number=NUMBER)
    make_participation(own)
    other_intervention = make_intervention(
        fu.world.other, name="Vägen ut", coordinators=[fu.world.outsiders[Role.PARTICIPANT_COORDINATOR]]
    )
    other = make_participant(other_intervention, number=NUMBER)
    exit_participation(make_participation(other, start=date(2023, 3, 1)), exit=date(2023, 11, 30))
    make_participation(make_participant(fu.x, number=SOMEONE_ELSE))
    services.participant_identity_read(actor=fu.coordinator, participant_id=own.pk)
    services.participant_identity_search(
        actor=fu.coordinator, association_id=fu.world.own.pk, identity_number=NUMBER
    )
    return {"own": own, "other": other}


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("subject_report", *args, stdout=out)
    return out.getvalue()


def test_the_report_lists_the_person_in_every_forbund_with_all_that_is_stored(
    fu: Any, person: dict[str, Any]
) -> None:
    report = json.loads(_report(NUMBER.replace("-", ""), "--format", "json"))

    assert report["identity_number"] == NUMBER
    found = {p["id"]: p for p in report["participants"]}
    assert set(found) == {person["own"].pk, person["other"].pk}
    assert {p["association"]["name"] for p in found.values()} == {fu.world.own.name, fu.world.other.name}
    own, other = found[person["own"].pk], found[person["other"].pk]
    assert own["consent"]["form_version"] == "FK 9443 v3" and own["consent"]["withdrawn_on"] is None
    assert own["sex"] == "man" and own["birth_year"] == 1981
    (ended,) = other["participations"]
    assert (ended["start"], ended["exit"], ended["exit_reason"], ended["employment_after"]) == (
        "2023-03-01",
        "2023-11-30",
        "work",
        "work",
    )
    assert {(e["phase"], e["source"], e["extent"]) for e in ended["income_sources"]} == {
        ("before", "sickness_benefit", 75),
        ("before", "salary", 25),
        ("after", "salary", 100),
    }
    actions = [entry["action"] for entry in report["audit"]]
    assert actions.count("participant.register") == 2
    assert "participation.exit" in actions
    assert "participant.identity.read" in actions and "participant.identity.search" in actions
    someone_else = Participant.objects.exclude(pk__in=found).get()
    assert all(entry["object_id"] != str(someone_else.pk) for entry in report["audit"])


def test_the_report_is_a_read_of_identity_in_the_audit_log_without_the_number(
    fu: Any, person: dict[str, Any]
) -> None:
    text = _report(NUMBER)

    assert f"Registerutdrag för {NUMBER}" in text
    assert fu.world.own.name in text and fu.world.other.name in text
    assert "Arbete" in text  # the exit outcome, by its label
    entries = AuditEntry.objects.filter(action="participant.subject_report")
    assert {(e.object_type, e.object_id, e.association_id, e.actor_username) for e in entries} == {
        ("followup.participant", str(person["own"].pk), fu.world.own.pk, "system"),
        ("followup.participant", str(person["other"].pk), fu.world.other.pk, "system"),
    }
    digits = NUMBER.replace("-", "")
    for entry in AuditEntry.objects.all():
        assert digits[2:8] not in json.dumps(entry.details), entry.action


def test_a_person_not_stored_gets_a_report_that_says_so_and_the_search_is_audited(fu: Any) -> None:
    text = _report(NUMBER)

    assert "finns inte hos någon deltagare" in text
    assert AuditEntry.objects.get(action="participant.subject_report").details == {"participants": 0}


def test_only_the_system_may_ask_for_a_report(fu: Any, person: dict[str, Any]) -> None:
    for user in [fu.coordinator, fu.world.users[Role.NATIONAL_ADMIN]]:
        with pytest.raises(PermissionDenied):
            services.subject_report(actor=user, identity_number=NUMBER)
    assert services.subject_report(actor=SYSTEM, identity_number=NUMBER)["participants"]


def test_a_number_that_is_not_valid_prints_one_line_and_exits_1(
    fu: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["subject-report", "19811228-9870"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Kontrollsiffran" in err[0] and "9870" not in err[0]
    assert not AuditEntry.objects.filter(action="participant.subject_report").exists()
