"""Builders for test data: a complete, valid association, users with roles."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from stdnum.se import orgnr

from finsam.accounts.models import RoleAssignment
from finsam.registry.models import (
    Association,
    BoardSeat,
    Charter,
    Director,
    Member,
    MemberRepresentative,
    Municipality,
    PartyKind,
    Person,
    Region,
    SeatRole,
)
from finsam.registry.reference import load_reference_data

_serial = count(1)
PASSWORD = "test-lösenord-123"


def valid_org_number(seed: int) -> str:
    """A valid organisation number of the kind förbund have (222000-NNNC, Luhn check digit)."""
    body = f"222000{seed % 1000:03d}"
    digit = orgnr.luhn.calc_check_digit(body)
    return orgnr.format(body + digit)


def make_user(username: str | None = None, **roles: Any) -> Any:
    """make_user("anna", association_admin=assoc, national_admin=True)."""
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_serial)}", password=PASSWORD, email=f"{username or 'u'}@example.org"
    )
    for role, target in roles.items():
        RoleAssignment.objects.create(user=user, role=role, association=None if target is True else target)
    return user


# --- signing in with the second factor (core.second_factor) -------------------------------------------

# The TOTP secret that the tests' apps share (hex, as django-otp stores it; base32 TOTP_SECRET_B32).
TOTP_KEY = "3132333435363738393031323334353637383930"
TOTP_SECRET_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def give_totp(user: Any, key: str = TOTP_KEY) -> Any:
    """The user's TOTP app, set up, with the tests' secret (made once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Finsam", key=key, confirmed=True)
    return device


def totp_now(key: str = TOTP_KEY, *, offset_steps: int = 0) -> str:
    """The code an app with this (hex) key shows now, or `offset_steps` time steps from now."""
    from binascii import unhexlify

    from django_otp.oath import totp

    return f"{totp(unhexlify(key), drift=offset_steps):06d}"


def fresh_totp(user: Any) -> str:
    """A code the user's app would give, accepted even if the test used one in this time step already: the
    device forgets its last step and its failures (a test's shortcut, like force_login)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = give_totp(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return totp_now(device.key)


def sign_in(client: Any, user: Any) -> Any:
    """Signs `user` in on the test client with both factors given (force_login, and the session marked as
    having given the second factor): the sign-in pages themselves are tested in tests/accounts."""
    from finsam.core import second_factor

    client.force_login(user)
    session = client.session
    session[second_factor.SESSION_KEY] = second_factor.TOTP
    session.save()
    return client


def token_for(*, username: str, password: str = PASSWORD) -> str:
    """An API token as POST /api/v1/auth/token gives it, with a code from the user's app where one is
    needed (the app set up with the tests' secret on first use)."""
    from finsam.accounts.services import token_create
    from finsam.core import second_factor

    user = get_user_model()._default_manager.filter(username=username).first()
    otp = fresh_totp(user) if user is not None and second_factor.required_for(user) else None
    return token_create(username=username, password=password, otp=otp)


def ensure_reference_data() -> None:
    """Browser tests flush the database between tests; put the migrated reference data back."""
    if Region.objects.count() < 21 or Municipality.objects.count() < 290:
        load_reference_data(Region, Municipality)


def make_association(
    name: str | None = None,
    *,
    municipalities: tuple[str, ...] = ("2480",),
    region: str = "24",
    founded: date = date(2005, 1, 1),
    with_board: bool = True,
) -> Association:
    ensure_reference_data()
    n = next(_serial)
    association = Association.objects.create(
        name=name or f"Samordningsförbundet Test {n}",
        org_number=valid_org_number(n),
        seat=Municipality.objects.get(code=municipalities[0]),
        founded=founded,
    )
    members = [
        Member.objects.create(association=association, kind=PartyKind.FK, joined=founded),
        Member.objects.create(association=association, kind=PartyKind.AF, joined=founded),
        Member.objects.create(
            association=association,
            kind=PartyKind.REGION,
            region=Region.objects.get(code=region),
            joined=founded,
        ),
    ]
    for code in municipalities:
        members.append(
            Member.objects.create(
                association=association,
                kind=PartyKind.MUNICIPALITY,
                municipality=Municipality.objects.get(code=code),
                joined=founded,
            )
        )
    Charter.objects.create(association=association, version=1, adopted=founded, valid_from=founded)
    if with_board:
        today = date.today()  # noqa: DTZ011
        start = date(today.year - 1, 1, 1)
        end = date(today.year + 2, 12, 31)
        for i, member in enumerate(members):
            for role in (SeatRole.MEMBER, SeatRole.DEPUTY):
                person = Person.objects.create(
                    first_name=f"Person{n}", last_name=f"{member.kind}{i}{role}", association=association
                )
                BoardSeat.objects.create(
                    association=association,
                    person=person,
                    member=member,
                    role=role,
                    start=start,
                    end=end,
                    chair=(i == 0 and role == SeatRole.MEMBER),
                )
        director = Person.objects.create(first_name="Chef", last_name=f"Förbund{n}", association=association)
        Director.objects.create(association=association, person=director, start=founded)
        rep = Person.objects.create(first_name="Rep", last_name=f"Medlem{n}", association=association)
        MemberRepresentative.objects.create(member=members[-1], person=rep, start=founded)
    return association


# --- interventions and follow-up ----------------------------------------------------------------


def valid_identity_number(birth: date, serial: int = 123, *, coordination: bool = False) -> str:
    """A personnummer (or samordningsnummer: day + 60) with a valid check digit, YYYYMMDD-NNNC.
    An odd third serial digit means a man, an even one a woman."""
    from stdnum import luhn

    day = birth.day + (60 if coordination else 0)
    body = f"{birth:%y%m}{day:02d}{serial % 1000:03d}"
    return f"{birth:%Y%m}{day:02d}-{serial % 1000:03d}{luhn.calc_check_digit(body)}"


def coordinators_of(association: Association) -> list[Any]:
    return list(
        get_user_model().objects.filter(
            role_assignments__role="participant_coordinator", role_assignments__association=association
        )
    )


def make_intervention(
    association: Association,
    *,
    name: str | None = None,
    kind: str = "individual",
    start: date = date(2020, 1, 1),
    end: date | None = None,
    status: str = "active",
    coordinators: list[Any] | None = None,
) -> Any:
    """An intervention; by default every user holding participant_coordinator there coordinates it."""
    from finsam.core.access import SYSTEM
    from finsam.interventions import services

    return services.intervention_create(
        actor=SYSTEM,
        association=association,
        kind=kind,
        name=name or f"Insats {next(_serial)}",
        start=start,
        end=end,
        status=status,
        providers=list(association.members.filter(kind=PartyKind.MUNICIPALITY)[:1]),
        planned=[(start.year, 40)],
        coordinators=coordinators_of(association) if coordinators is None else coordinators,
    )


def _serial_for(sex: str) -> int:
    """A fresh serial whose number gives `sex` (an even third serial digit: a woman), so that a participant
    is of the sex asked for whatever tests ran before."""
    serial = next(_serial)
    if (serial % 2 == 0) != (sex == "woman"):
        serial = next(_serial)
    return serial


def make_participant(
    intervention: Any,
    *,
    number: str | None = None,
    anonymous: bool = False,
    sex: str = "woman",
    consent_given_on: date = date(2024, 1, 15),
    scanned_form: bytes | None = None,
) -> Any:
    """An identified participant with consent (a fresh number unless given), or an anonymous one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from finsam.core.access import SYSTEM
    from finsam.followup import services

    if anonymous:
        return services.participant_register(
            actor=SYSTEM,
            association=intervention.association,
            intervention=intervention,
            registration="anonymous",
            sex=sex,
            start_year=2024,
        )
    return services.participant_register(
        actor=SYSTEM,
        association=intervention.association,
        intervention=intervention,
        registration="identified",
        identity_number=number or valid_identity_number(date(1985, 3, 14), _serial_for(sex)),
        consent_given_on=consent_given_on,
        consent_form_version="FK 9443 v3",
        consent_form_file=SimpleUploadedFile("samtycke.pdf", scanned_form) if scanned_form else None,
    )


INCOME_BEFORE = [("sickness_benefit", 75), ("salary", 25)]


def make_participation(participant: Any, *, start: date = date(2024, 2, 1)) -> Any:
    from finsam.core.access import SYSTEM
    from finsam.followup import services

    return services.participation_start(
        actor=SYSTEM,
        participant=participant,
        start=start,
        employment_before="none",
        education_level="upper_secondary",
        income_before=INCOME_BEFORE,
    )


def exit_participation(participation: Any, *, exit: date, reason: str = "work") -> Any:
    from finsam.core.access import SYSTEM
    from finsam.followup import services

    return services.participation_exit(
        actor=SYSTEM,
        participation=participation,
        exit=exit,
        exit_reason=reason,
        employment_after="work",
        income_after=[("salary", 100)],
    )


SAMPLE_INTERVENTION = "Provinsats Arbetslivsinriktad rehabilitering"


def followup_sample(association: Association) -> Any:
    """The same intervention, identified participant (with a scanned consent form), open participation
    and follow-up question on every call: the access matrix's sample objects."""
    from types import SimpleNamespace

    from finsam.followup.models import FollowUpQuestion, Participant, Participation
    from finsam.interventions.models import Intervention

    intervention = Intervention.objects.filter(association=association, name=SAMPLE_INTERVENTION).first()
    if intervention is None:
        intervention = make_intervention(association, name=SAMPLE_INTERVENTION)
        participant = make_participant(intervention, scanned_form=b"%PDF-1.4 prov")
        make_participation(participant)
        FollowUpQuestion.objects.create(
            association=association, text="Har insatsen hjälpt dig närmare arbete?", answer_kind="scale"
        )
    participant = Participant.objects.filter(intervention=intervention).order_by("pk").first()
    return SimpleNamespace(
        intervention=intervention,
        participant=participant,
        participation=Participation.objects.filter(participant=participant).order_by("pk").first(),
        question=FollowUpQuestion.objects.filter(association=association).order_by("pk").first(),
    )


# --- finance --------------------------------------------------------------------------------------

SAMPLE_BUDGET_YEAR = 2027


def make_populations(association: Association, year: int, figures: dict[str, int] | None = None) -> None:
    """Populations of `year` for the association's municipalities (10 000, 20 000, … unless given)."""
    from finsam.finance.models import Population

    municipalities = Municipality.objects.filter(
        memberships__association=association, memberships__kind=PartyKind.MUNICIPALITY
    ).order_by("code")
    for i, municipality in enumerate(municipalities, start=1):
        population = (figures or {}).get(municipality.code, 10_000 * i)
        Population.objects.update_or_create(
            municipality=municipality, year=year, defaults={"population": population}
        )


def make_representatives(association: Association) -> dict[int, Person]:
    """A medlemsrepresentant for every member that has none; member id → person."""
    people = {}
    for member in association.members.all():
        rep = member.representatives.select_related("person").first()
        if rep is None:
            person = Person.objects.create(
                first_name="Representant", last_name=f"{member.kind}{member.pk}", association=association
            )
            rep = MemberRepresentative.objects.create(member=member, person=person, start=date(2020, 1, 1))
        people[member.pk] = rep.person
    return people


def make_budget(
    association: Association,
    *,
    year: int = SAMPLE_BUDGET_YEAR,
    frame: str = "1000000.00",
    lines: tuple[tuple[str, str, str], ...] = (
        ("intervention", "Arbetslivsinriktad rehabilitering", "600000.00"),
        ("administration", "personnel", "300000.00"),
    ),
    consult: bool = False,
    adopt_on: date | None = None,
) -> Any:
    """A budget with populations of two years before, lines (kind, label or cost type, amount) and,
    when asked, a consultation with every member and the adoption."""
    from finsam.core.access import SYSTEM
    from finsam.finance import services
    from finsam.finance.models import Budget

    existing = Budget.objects.filter(association=association, year=year).first()
    if existing is not None:
        return existing
    make_populations(association, year - 2)
    budget = services.budget_create(actor=SYSTEM, association=association, year=year, frame=frame)
    inputs = [
        services.LineInput(
            kind=kind,
            label=text if kind == "intervention" else "",
            cost_type=text if kind == "administration" else "",
            amount=amount,
        )
        for kind, text, amount in lines
    ]
    budget = services.budget_update(
        actor=SYSTEM,
        budget=budget,
        version=budget.version,
        frame=frame,
        population_year=year - 2,
        lines=inputs,
    )
    if consult or adopt_on is not None:
        people = make_representatives(association)
        held_on = min(date(year - 1, 10, 1), date.today())  # noqa: DTZ011
        for member in association.members.all():
            services.consultation_record(
                actor=SYSTEM, budget=budget, member=member, held_on=held_on, representative=people[member.pk]
            )
    if adopt_on is not None:
        budget = services.budget_adopt(actor=SYSTEM, budget=budget, adopted_on=adopt_on)
    budget.refresh_from_db()
    return budget


# --- governance -----------------------------------------------------------------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SAMPLE_CONSULTATION = "Provsamråd"


def consultation_participants(association: Association, day: date) -> list[Any]:
    """The invitation list R-SAMRAD asks for: every member's representative, the chair, the director."""
    from finsam.governance.services import ParticipantInput

    reps = make_representatives(association)
    participants = [
        ParticipantInput(
            person=person, capacity="member_representative", member=Member.objects.get(pk=member_id)
        )
        for member_id, person in reps.items()
    ]
    chair = BoardSeat.objects.filter(
        association=association, chair=True, start__lte=day, end__gte=day
    ).first()
    if chair is not None:
        participants.append(ParticipantInput(person=chair.person, capacity="chair", association=association))
    director = Director.objects.filter(association=association).first()
    if director is not None:
        participants.append(
            ParticipantInput(person=director.person, capacity="director", association=association)
        )
    return participants


def make_consultation(
    associations: list[Association],
    *,
    day: date | None = None,
    title: str = "",
    consultation_kind: str = "annual",
    **overrides: Any,
) -> Any:
    """A member consultation that passes R-SAMRAD-1, 3 and 4, through the service."""
    from finsam.core.access import SYSTEM
    from finsam.governance import services

    day = day or date(date.today().year, 4, 15)  # noqa: DTZ011
    participants = [p for a in associations for p in consultation_participants(a, day)]
    convener = next(p.person for p in participants if p.capacity == "member_representative")
    arguments: dict[str, Any] = {
        "kind": "member_consultation",
        "consultation_kind": consultation_kind,
        "date": day,
        "associations": associations,
        "convener": convener,
        "participants": participants,
        "title": title,
    }
    arguments.update(overrides)
    return services.meeting_create(actor=SYSTEM, **arguments)


def make_document(
    association: Association,
    *,
    kind: str = "annual_report",
    year: int | None = None,
    delivered_on: date | None = None,
    member: Member | None = None,
) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from finsam.core.access import SYSTEM
    from finsam.governance import services

    return services.document_upload(
        actor=SYSTEM,
        association=association,
        year=year if year is not None else date.today().year - 1,  # noqa: DTZ011
        kind=kind,
        file=SimpleUploadedFile("bokslut.pdf", MINIMAL_PDF, content_type="application/pdf"),
        delivered_on=delivered_on,
        member=member,
    )


def governance_sample(association: Association) -> Any:
    """The same member consultation and year-end document on every call: the access matrix's samples."""
    from types import SimpleNamespace

    from finsam.governance.models import Document, Meeting

    meeting = Meeting.objects.filter(associations=association, title=SAMPLE_CONSULTATION).first()
    if meeting is None:
        meeting = make_consultation([association], title=SAMPLE_CONSULTATION)
    document = Document.objects.filter(association=association).order_by("pk").first()
    if document is None:
        document = make_document(association)
    return SimpleNamespace(meeting=meeting, document=document)
