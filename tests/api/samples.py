"""Sample request bodies for the API's write operations, used by the access matrix.

Each is a valid body for the own association of the test world (tests/conftest.py). The matrix posts
the body once per role, so every call builds a fresh one: a new name and organisation number, a
municipality that is not yet a member, a person without a seat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count
from typing import Any

from finsam.registry.models import Member, Municipality, PartyKind, Person
from tests.factories import (
    consultation_participants,
    followup_sample,
    governance_sample,
    make_participant,
    valid_identity_number,
    valid_org_number,
)

_serial = count(500)


def new_association(world: Any) -> dict[str, Any]:
    n = next(_serial)
    return {
        "name": f"Samordningsförbundet Prov {n}",
        "org_number": valid_org_number(n),
        "seat": "2418",
        "founded": "2024-01-01",
    }


def new_municipal_member(world: Any) -> dict[str, Any]:
    taken = Member.objects.filter(association=world.own, kind=PartyKind.MUNICIPALITY).values("municipality")
    municipality = Municipality.objects.filter(region__code="24").exclude(pk__in=taken).order_by("code")[0]
    return {"kind": "municipality", "municipality": municipality.code, "joined": "2024-01-01"}


def new_board_seat(world: Any) -> dict[str, Any]:
    person = Person.objects.create(
        first_name="Prov", last_name=f"Ledamot {next(_serial)}", association=world.own
    )
    member = Member.objects.get(association=world.own, kind=PartyKind.FK)
    today = date.today()  # noqa: DTZ011
    return {
        "person": person.pk,
        "member": member.pk,
        "role": "deputy",
        "start": today.replace(month=1, day=1).isoformat(),
        "end": today.replace(month=12, day=31).isoformat(),
    }


def new_intervention(world: Any) -> dict[str, Any]:
    return {
        "kind": "individual",
        "name": f"Provinsats {next(_serial)}",
        "start": "2024-01-01",
        "planned_participants": [{"year": 2024, "count": 30}],
    }


def new_anonymous_participant(world: Any) -> dict[str, Any]:
    return {
        "intervention": followup_sample(world.own).intervention.pk,
        "registration": "anonymous",
        "sex": "woman",
        "start_year": 2024,
    }


def new_participation(world: Any) -> dict[str, Any]:
    """A start for a participant without an open participation (a fresh anonymous one each time)."""
    participant = make_participant(followup_sample(world.own).intervention, anonymous=True)
    return {
        "participant": participant.pk,
        "start": "2024-03-01",
        "employment_before": "seeking_work",
        "education_level": "upper_secondary",
        "income_before": [{"source": "unemployment_benefit", "extent": 100}],
    }


def participant_search(world: Any) -> dict[str, Any]:
    """A personnummer search (a valid number; whether anyone has it does not matter to access)."""
    return {"identity_number": valid_identity_number(date(1979, 5, 17), 412)}


def participation_exit(world: Any) -> dict[str, Any]:
    return {
        "exit": "2024-09-30",
        "exit_reason": "work",
        "employment_after": "work",
        "income_after": [{"source": "salary", "extent": 100}],
    }


def participant_correction(world: Any) -> dict[str, Any]:
    """The sample participant has a personnummer: a mistyped one corrected (a fresh number each time)."""
    return {
        "reason": "Felskrivet personnummer vid registreringen.",
        "identity_number": valid_identity_number(date(1980, 2, 3), next(_serial)),
    }


def participation_correction(world: Any) -> dict[str, Any]:
    """The sample's participation as it is now (the matrix may have ended it), its before-values
    corrected."""
    participation = followup_sample(world.own).participation
    participation.refresh_from_db()
    body: dict[str, Any] = {
        "reason": "Fel sysselsättning registrerades.",
        "start": participation.start.isoformat(),
        "employment_before": "work" if participation.employment_before != "work" else "studies",
        "education_level": participation.education_level,
        "income_before": [{"source": "salary", "extent": 100}],
    }
    if participation.exit is not None:
        body |= {
            "exit": participation.exit.isoformat(),
            "exit_reason": participation.exit_reason,
            "employment_after": participation.employment_after,
            "income_after": [
                {"source": e.source, "extent": e.extent}
                for e in participation.income_sources.filter(phase="after")
            ],
        }
    return body


def new_consultation(world: Any) -> dict[str, Any]:
    """A member consultation of the own association (DESIGN §5 shape) that passes R-SAMRAD-1, 3 and 4."""
    day = date(date.today().year, 5, 12)  # noqa: DTZ011
    participants = [
        {
            "person": p.person.pk,
            "capacity": p.capacity,
            **({"member": p.member.pk} if p.member is not None else {}),
            **({"association": p.association.pk} if p.association is not None else {}),
        }
        for p in consultation_participants(world.own, day)
    ]
    convener = next(p["person"] for p in participants if p["capacity"] == "member_representative")
    return {
        "kind": "member_consultation",
        "associations": [world.own.pk],
        "date": day.isoformat(),
        "convener": convener,
        "participants": participants,
    }


def sample_consultation_update(world: Any) -> dict[str, Any]:
    """The sample consultation again, with a place: valid for every editor, any number of times."""
    body = new_consultation(world)
    meeting = governance_sample(world.own).meeting
    body["date"] = meeting.date.isoformat()
    meeting.refresh_from_db()
    return {**body, "place": "Förbundets kansli", "title": "Provsamråd", "version": meeting.version}


def sample_minutes(world: Any) -> dict[str, Any]:
    from finsam.governance.models import Minutes

    meeting = governance_sample(world.own).meeting
    return {
        "version": getattr(Minutes.objects.filter(meeting=meeting).first(), "version", 1),
        "notes": [{"position": 1, "text": "Förbundschefen redovisade förra årets resultat."}],
        "decisions": [
            {"text": "Medlemssamrådet noterar redovisningen.", "r_info": False, "agenda_position": 1}
        ],
    }


def new_question(world: Any) -> dict[str, Any]:
    return {
        "association": world.own.pk,
        "category": "economy",
        "title": f"Fråga om budgeten {next(_serial)}",
        "body": "Hur ska vi redovisa ett överskott?",
    }


def new_answer(world: Any) -> dict[str, Any]:
    from tests.national.helpdesk_samples import helpdesk_sample

    question = helpdesk_sample(world.own).question
    question.refresh_from_db()
    return {"kind": "answer", "body": "Så här gör ni: …", "version": question.version}


API_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "POST /api/v1/auth/token": lambda w: {"username": "own-national_admin", "password": "test-lösenord-123"},
    "DELETE /api/v1/auth/tokens/{token_id}": lambda w: {},
    "POST /api/v1/associations": new_association,
    "POST /api/v1/associations/{association_id}/members": new_municipal_member,
    "POST /api/v1/associations/{association_id}/board": new_board_seat,
    "POST /api/v1/associations/{association_id}/interventions": new_intervention,
    "POST /api/v1/associations/{association_id}/participants": new_anonymous_participant,
    "POST /api/v1/associations/{association_id}/participants/search": participant_search,
    "POST /api/v1/participations": new_participation,
    "PATCH /api/v1/participations/{participation_id}": participation_exit,
    "POST /api/v1/participants/{participant_id}/corrections": participant_correction,
    "POST /api/v1/participations/{participation_id}/corrections": participation_correction,
    "POST /api/v1/meetings": new_consultation,
    "POST /api/v1/questions": new_question,
    "POST /api/v1/questions/{helpdesk_question_id}/answers": new_answer,
    "POST /api/v1/conferences/{conference_id}/registration": lambda w: {},
    "PUT /api/v1/meetings/{meeting_id}": sample_consultation_update,
    "PUT /api/v1/meetings/{meeting_id}/minutes": sample_minutes,
    "POST /api/v1/contributions/calculate": lambda w: {
        "total": "1000000.00",
        "municipal_key": "population",
        "regions": [{"code": "24"}],
        "municipalities": [{"code": "2480", "population": 130000}, {"code": "2460", "population": 8800}],
    },
    "POST /api/v1/contributions/cap-2004": lambda w: {"sickness_benefit_costs": "109569000"},
    "POST /api/v1/state-allocation/calculate": lambda w: {
        "appropriation": "10000000.00",
        "associations": [
            {"code": "A", "support_measure": "3000", "population": 40000, "previous": "3800000"},
            {"code": "B", "support_measure": "1500", "population": 30000, "previous": "2400000"},
        ],
    },
}
