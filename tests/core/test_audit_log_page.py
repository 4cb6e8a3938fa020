"""The audit log as people read it (issue 13, point 3): each entry a Swedish sentence naming the person and
the object (a link where the reader may open it), filters by person, kind of event and period, and a CSV
that keeps the codes beside the words."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from finsam.core import audit
from finsam.core.roles import Role
from finsam.finance.audit_actions import AuditAction as FinanceAction
from finsam.followup.audit_actions import AuditAction as FollowupAction
from finsam.governance.audit_actions import AuditAction as GovernanceAction
from finsam.governance.models import Meeting, Minutes
from finsam.registry.audit_actions import AuditAction as RegistryAction
from tests.core.test_audit_actions import STORED
from tests.factories import followup_sample, make_budget

pytestmark = pytest.mark.django_db


def _anna(world: Any) -> Any:
    user = world.users[Role.ASSOCIATION_ADMIN]
    user.first_name, user.last_name = "Anna", "Berg"
    user.save()
    return user


def _locked_minutes(world: Any) -> Minutes:
    meeting = Meeting.objects.create(kind="board_meeting", title="Styrelsemöte", date=date(2026, 3, 12))
    meeting.associations.add(world.own)
    minutes = Minutes.objects.create(meeting=meeting, status="locked")
    audit.record(
        actor=_anna(world), action=GovernanceAction.MINUTES_LOCK, target=minutes, association_id=world.own.pk
    )
    return minutes


def _main(response: Any) -> str:
    return response.content.decode().split("<main", 1)[1]


@pytest.mark.parametrize("actions", list(STORED), ids=lambda a: a.__module__.split(".")[1])
def test_every_action_of_every_app_has_a_name_and_a_sentence_with_its_actor(actions: Any) -> None:
    wording = __import__(actions.__module__, fromlist=["WORDING"]).WORDING
    assert set(wording) == set(actions)
    for action, words in wording.items():
        assert str(words.label) and "{actor}" in str(words.sentence), action
        str(words.sentence).format(actor="Anna Berg", object="x")  # no other placeholder


def test_an_entry_reads_as_a_sentence_with_the_object_as_a_link(world: Any) -> None:
    minutes = _locked_minutes(world)
    page = _main(world.client(world.users[Role.ASSOCIATION_ADMIN]).get(reverse("audit_log")))
    link = reverse("governance:meeting_detail", args=[minutes.meeting_id])
    assert f'Anna Berg låste <a href="{link}">protokollet från styrelsemötet 12 mars 2026</a>' in page
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Protokoll låst" in rows
    assert "minutes.lock" not in rows and "governance.minutes" not in rows


def test_an_object_the_reader_may_not_open_is_named_without_a_link(world: Any) -> None:
    participant = followup_sample(world.own).participant
    audit.record(
        actor=world.users[Role.PARTICIPANT_COORDINATOR],
        action=FollowupAction.PARTICIPANT_IDENTITY_READ,
        target=participant,
        association_id=world.own.pk,
    )
    page = _main(world.client(world.users[Role.ASSOCIATION_ADMIN]).get(reverse("audit_log")))
    assert f"läste identiteten för deltagare nr {participant.pk}" in page
    assert reverse("followup:participant_detail", args=[participant.pk]) not in page


def test_the_log_filters_by_person_kind_of_event_and_period(world: Any) -> None:
    _locked_minutes(world)
    budget = make_budget(world.own)
    board = world.users[Role.NATIONAL_ADMIN]
    audit.record(actor=board, action=FinanceAction.BUDGET_UPDATE, target=budget, association_id=world.own.pk)
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    page = client.get(reverse("audit_log")).content.decode()
    # The choices are in words: the person by name, the event by its Swedish name.
    assert '<option value="own-association_admin">Anna Berg (own-association_admin)</option>' in page
    assert '<option value="minutes.lock">Protokoll låst</option>' in page

    def actions(**query: str) -> list[str]:
        response = client.get(reverse("audit_log"), query)
        assert response.status_code == 200
        return [line.entry.action for line in response.context["lines"]]

    assert set(actions(person="own-association_admin")) == {"minutes.lock"}
    assert set(actions(action="budget.update")) == {"budget.update"}
    today = date.today().isoformat()  # noqa: DTZ011
    assert "minutes.lock" in actions(date_from=today, date_to=today)
    assert actions(date_from="2000-01-01", date_to="2000-12-31") == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "12 mars"}, "date_from", "Skriv datumet som ÅÅÅÅ-MM-DD"),
        ({"date_to": "2026-02-30"}, "date_to", "Skriv datumet som ÅÅÅÅ-MM-DD"),
        ({"date_from": "2026-03-12", "date_to": "2026-03-01"}, "date_to", "Slutdatumet kan inte vara före"),
        ({"action": "minutes.burn"}, "action", "Välj en händelse i listan."),
        ({"person": "ingen-sadan"}, "person", "Välj en person i listan."),
    ],
)
def test_a_malformed_filter_is_answered_with_a_message_at_its_field(
    world: Any, query: dict[str, str], field: str, message: str
) -> None:
    _locked_minutes(world)
    client = world.client(world.users[Role.ASSOCIATION_ADMIN])
    response = client.get(reverse("audit_log"), query)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and message in page
    assert response.context["lines"] == []
    assert client.get(reverse("audit_export"), query).status_code == 400


def test_the_pages_are_linked_with_the_filter_kept(world: Any) -> None:
    admin = world.users[Role.ASSOCIATION_ADMIN]
    for _ in range(51):
        audit.record(
            actor=admin,
            action=RegistryAction.ASSOCIATION_UPDATE,
            target=world.own,
            association_id=world.own.pk,
        )
    client = world.client(admin)
    first = client.get(reverse("audit_log"), {"action": "association.update"})
    assert len(first.context["lines"]) == 50
    assert "?action=association.update&amp;sida=2" in first.content.decode()
    second = client.get(reverse("audit_log"), {"action": "association.update", "sida": "2"})
    assert len(second.context["lines"]) == 1


def test_the_csv_keeps_the_codes_beside_the_words(world: Any) -> None:
    minutes = _locked_minutes(world)
    response = world.client(world.users[Role.ASSOCIATION_ADMIN]).get(reverse("audit_export"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    row = dict(zip(header, rows[0], strict=True))
    assert (row["händelse"], row["objekttyp"], row["objekt-id"]) == (
        "minutes.lock",
        "governance.minutes",
        str(minutes.pk),
    )
    assert row["beskrivning"] == "Anna Berg låste protokollet från styrelsemötet 12 mars 2026"
    assert (row["namn"], row["händelse i ord"]) == ("Anna Berg", "Protokoll låst")
    assert row["förbund"] == world.own.name


def test_the_auditor_reads_the_own_forbund_s_entries_and_no_other_s(world: Any) -> None:
    audit.record(
        actor=world.users[Role.ASSOCIATION_ADMIN], action="member.update", association_id=world.own.pk
    )
    audit.record(
        actor=world.outsiders[Role.ASSOCIATION_ADMIN], action="member.update", association_id=world.other.pk
    )
    response = world.client(world.users[Role.AUDITOR]).get(reverse("audit_log"))
    assert response.status_code == 200
    assert {line.entry.association_id for line in response.context["lines"]} == {world.own.pk}
    # Asking for the other förbund by its id is no way around the scope.
    asked = world.client(world.users[Role.AUDITOR]).get(reverse("audit_log"), {"association": world.other.pk})
    assert {line.entry.association_id for line in asked.context["lines"]} == {world.own.pk}
    export = world.client(world.users[Role.AUDITOR]).get(reverse("audit_export"))
    rows = list(
        csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert {r[5] for r in rows[1:]} == {str(world.own.pk)}
