"""Demo data of governance: the year-end documents of the three Västerbotten förbund, a joint member
consultation in spring with locked minutes, board meetings (one still to come), discharge decisions and
national report filings, so that the annual cycle shows every kind of status and one overdue obligation
(Bjurholm has not decided on discharge for Umeåregionen's board).

Everything goes through the services with the system actor. Each part looks for what an earlier run
created and only adds what is missing. Dates follow the demo's "cycle year": this year once its spring
is over, else last year, so that the consultation has been held and its minutes locked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from finsam.core.access import Actor
from finsam.governance import selectors, services
from finsam.governance.models import (
    Capacity,
    Discharge,
    Document,
    DocumentKind,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Minutes,
    MinutesStatus,
    NationalReportFiling,
)
from finsam.registry import selectors as registry_selectors

if TYPE_CHECKING:
    from finsam.registry.models import Association

CONSULTATION_TITLE = "Gemensamt medlemssamråd för Västerbottens samordningsförbund"
UNDECIDED_DISCHARGE = ("umea", "2403")  # Bjurholm has not yet decided on discharge: the overdue obligation


def cycle_year(today: date) -> int:
    return today.year if today > date(today.year, 6, 30) else today.year - 1


def pdf_document(title: str, lines: list[str]) -> bytes:
    """A small one-page PDF with a title and a few lines, written by hand (Helvetica, WinAnsi), so that
    the demo's documents open in any reader without a PDF library at demo time."""

    def text(value: str) -> str:
        raw = value.encode("cp1252", errors="replace")
        return "".join(f"\\{b:03o}" if b > 126 or chr(b) in "()\\" else chr(b) for b in raw)

    content = ["BT", "/F1 18 Tf", "56 780 Td", f"({text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        content += ["0 -22 Td", f"({text(line)}) Tj"]
    content.append("ET")
    stream = "\n".join(content).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _documents(actor: Actor, association: Association, year: int) -> None:
    wanted = [
        (DocumentKind.ANNUAL_REPORT, f"Årsredovisning {year}", date(year + 1, 3, 20)),
        (DocumentKind.ACTIVITY_REPORT, f"Verksamhetsberättelse {year}", date(year + 1, 3, 20)),
        (DocumentKind.AUDIT_REPORT, f"Revisionsberättelse {year} (gemensam)", date(year + 1, 4, 8)),
    ]
    for kind, title, delivered in wanted:
        if Document.objects.filter(association=association, year=year, kind=kind).exists():
            continue
        content = pdf_document(
            f"{title}",
            [association.name, f"Org.nr {association.org_number}", "Demodokument i Finsam."],
        )
        services.document_upload(
            actor=actor,
            association=association,
            year=year,
            kind=kind,
            title=title,
            file=SimpleUploadedFile(f"{kind}-{year}.pdf", content, content_type="application/pdf"),
            delivered_on=delivered,
        )


def _adjust_and_lock(
    actor: Actor,
    meeting: Meeting,
    notes: dict[int, str],
    decisions: list[Any],
    *,
    recorder: Actor | None = None,
) -> None:
    """The adjusters confirmed on paper; `recorder` (the förbund's director, when a demo user) recorded
    their confirmations and locked the minutes, as the minutes then say."""
    if Minutes.objects.filter(meeting=meeting, status=MinutesStatus.LOCKED).exists():
        return
    services.minutes_update(actor=actor, meeting=meeting, notes=notes, decisions=decisions)
    for participant in MeetingParticipant.objects.filter(meeting=meeting, adjuster=True).select_related(
        "person"
    ):
        services.minutes_confirm(actor=recorder or actor, meeting=meeting, participant=participant)
    services.minutes_lock(actor=recorder or actor, meeting=meeting)


def _consultation(actor: Actor, associations: list[Association], year: int) -> None:
    day = date(year, 4, 22)
    if Meeting.objects.filter(title=CONSULTATION_TITLE, date=day).exists():
        return
    invitations = selectors.default_invitations(associations=associations, day=day)
    region_rep = next(
        i
        for i in invitations
        if i.member is not None and i.member.kind == "region" and i.association == associations[0]
    )
    fk_rep = next(
        i
        for i in invitations
        if i.member is not None and i.member.kind == "fk" and i.association == associations[0]
    )
    participants = [
        services.ParticipantInput(
            person=i.person,
            capacity=i.capacity,
            member=i.member,
            association=i.association,
            attended=True,
            adjuster=i in (region_rep, fk_rep),
        )
        for i in invitations
    ]
    meeting = services.meeting_create(
        actor=actor,
        kind=MeetingKind.MEMBER_CONSULTATION,
        consultation_kind="annual",
        title=CONSULTATION_TITLE,
        date=day,
        start_time=None,
        place="Regionens hus, Umeå",
        associations=associations,
        convener=region_rep.person,
        participants=participants,
        documents=list(Document.objects.filter(association__in=associations, year=year - 1)),
    )
    names = ", ".join(a.name.removeprefix("Samordningsförbundet ") for a in associations)
    notes = {
        1: f"Förbundscheferna för {names} redovisade resultat och ekonomi för {year - 1}. "
        "Samtliga förbund redovisade ett resultat i balans med budget.",
        2: "Medlemmarna lyfte svårigheter att dela information mellan parterna och långa väntetider "
        "till arbetslivsinriktad rehabilitering i inlandskommunerna.",
        3: "Årets insatser möter behoven hos unga utan sysselsättning och personer med långa "
        "sjukskrivningar; samverkan på handläggarnivå har utvecklats.",
        4: "Förbunden tar fram en gemensam behovsanalys för länet till nästa medlemssamråd.",
        5: "Medlemmarna aviserade oförändrade bidrag för nästa år; staten väntas höja anslaget något.",
    }
    decisions = [
        services.DecisionInput("Medlemssamrådet noterar redovisningen av föregående års resultat.", False, 1),
        services.DecisionInput(
            "Förbunden återkommer med en gemensam behovsanalys till nästa medlemssamråd.", False, 4
        ),
    ]
    _adjust_and_lock(actor, meeting, notes, decisions)


BOARD_AGENDA = [
    "Mötets öppnande",
    "Val av justerare",
    "Godkännande av dagordningen",
]


def _board_meeting(
    actor: Actor,
    association: Association,
    day: date,
    title: str,
    points: list[tuple[str, str, str, bool]],
    *,
    lock: bool,
    recorders: dict[int, Actor] | None = None,
) -> None:
    """A board meeting: the ordinary members (ledamöter) and the director, the chair and vice chair
    adjusting. `points` are (agenda title, note, decision, R-INFO)."""
    if Meeting.objects.filter(title=title, date=day, associations=association).exists():
        return
    seats = [
        s
        for s in registry_selectors.board_list(user=actor, association_id=association.pk)
        if s.start <= day <= s.end and s.role == "member"
    ]
    participants = [
        services.ParticipantInput(
            person=s.person,
            capacity=Capacity.CHAIR if s.chair else Capacity.BOARD_MEMBER,
            association=association,
            attended=True if day <= selectors.today() else None,
            adjuster=s.chair or s.vice_chair,
        )
        for s in seats
    ]
    director = registry_selectors.director_list(user=actor, association_id=association.pk).first()
    if director is not None:
        participants.append(
            services.ParticipantInput(
                person=director.person,
                capacity=Capacity.DIRECTOR,
                association=association,
                attended=True if day <= selectors.today() else None,
            )
        )
    meeting = services.meeting_create(
        actor=actor,
        kind=MeetingKind.BOARD,
        title=title,
        date=day,
        place="Förbundets kansli",
        associations=[association],
        convener=next((s.person for s in seats if s.chair), None),
        participants=participants,
        agenda=[services.AgendaInput(t) for t in BOARD_AGENDA] + [services.AgendaInput(p[0]) for p in points],
    )
    if not lock:
        return
    offset = len(BOARD_AGENDA)
    notes = {
        1: "Ordföranden öppnade mötet.",
        2: "Ordföranden och vice ordföranden valdes att justera protokollet.",
    }
    notes |= {offset + n: p[1] for n, p in enumerate(points, start=1)}
    decisions = [services.DecisionInput("Dagordningen godkänns.", False, 3)]
    decisions += [services.DecisionInput(p[2], p[3], offset + n) for n, p in enumerate(points, start=1)]
    _adjust_and_lock(actor, meeting, notes, decisions, recorder=(recorders or {}).get(association.pk))


def _board_meetings(
    actor: Actor, associations: dict[str, Association], year: int, recorders: dict[int, Actor]
) -> None:
    umea = associations["umea"]
    _board_meeting(
        actor,
        umea,
        date(year, 2, 14),
        f"Styrelsemöte {year}-02-14",
        [
            (
                f"Årsredovisning {year - 1}",
                "Förbundschefen föredrog årsredovisningen och verksamhetsberättelsen.",
                f"Årsredovisningen och verksamhetsberättelsen för {year - 1} godkänns och lämnas till "
                "medlemmarna och revisorerna.",
                True,
            ),
            (
                "Rapport från förbundschefen",
                "Förbundschefen rapporterade om insatserna.",
                "Rapporten noteras.",
                False,
            ),
        ],
        lock=True,
        recorders=recorders,
    )
    _board_meeting(
        actor,
        umea,
        date(year, 5, 28),
        f"Styrelsemöte {year}-05-28",
        [
            (
                "Ny insats för unga vuxna",
                "Kommunerna och Arbetsförmedlingen har gemensamt föreslagit en insats för unga vuxna utan "
                "sysselsättning.",
                f"Förbundet finansierar insatsen Unga vuxna i arbete {year + 1}–{year + 2} "
                "med 1,2 Mkr per år.",
                True,
            ),
            (
                "Förbundets organisation",
                "Förbundschefen föreslog en gemensam kansliorganisation med Skellefteå–Norsjö.",
                "Förbundschefen får i uppdrag att utreda en gemensam kansliorganisation till hösten.",
                True,
            ),
        ],
        lock=True,
        recorders=recorders,
    )
    _board_meeting(
        actor,
        umea,
        date(year, 9, 25),
        f"Styrelsemöte {year}-09-25",
        [("Budget och verksamhetsplan för nästa år", "", "", False)],
        lock=False,
        recorders=recorders,
    )
    upcoming: date | None = selectors.today() + timedelta(days=21)
    if Meeting.objects.filter(kind=MeetingKind.BOARD, associations=umea, date__gt=selectors.today()).exists():
        upcoming = None
    if upcoming is not None:
        _board_meeting(
            actor,
            umea,
            upcoming,
            f"Styrelsemöte {upcoming:%Y-%m-%d}",
            [("Budget för nästa år", "", "", False), ("Sammanträdesplan", "", "", False)],
            lock=False,
            recorders=recorders,
        )
    for key in ("skelleftea", "sodra-lappland"):
        _board_meeting(
            actor,
            associations[key],
            date(year, 3, 12),
            f"Styrelsemöte {year}-03-12",
            [
                (
                    f"Årsredovisning {year - 1}",
                    "Förbundschefen föredrog årsredovisningen.",
                    f"Årsredovisningen för {year - 1} godkänns och lämnas till medlemmarna.",
                    True,
                )
            ],
            lock=True,
            recorders=recorders,
        )


def _budget_consultation(actor: Actor, association: Association, year: int) -> None:
    """The autumn budget consultation with Umeåregionen's members (23 §), minutes still a draft."""
    day = date(year, 10, 8)
    title = f"Budgetsamråd {year}"
    if Meeting.objects.filter(title=title, date=day, associations=association).exists():
        return
    invitations = selectors.default_invitations(associations=[association], day=day)
    convener = next(i.person for i in invitations if i.member is not None and i.member.kind == "region")
    services.meeting_create(
        actor=actor,
        kind=MeetingKind.MEMBER_CONSULTATION,
        consultation_kind="budget",
        title=title,
        date=day,
        online_link="https://mote.example.org/budgetsamrad",
        associations=[association],
        convener=convener,
        participants=[
            services.ParticipantInput(
                i.person,
                i.capacity,
                i.member,
                i.association,
                attended=True if day <= selectors.today() else None,
            )
            for i in invitations
        ],
    )


def _discharges(actor: Actor, key: str, association: Association, year: int) -> None:
    for member in (
        registry_selectors.members().filter(association=association).select_related("region", "municipality")
    ):
        if (key, member.code) == UNDECIDED_DISCHARGE or not member.active_on(date(year, 12, 31)):
            continue
        if Discharge.objects.filter(member=member, year=year).exists():
            continue
        services.discharge_record(
            actor=actor,
            association=association,
            member=member,
            year=year,
            decided_on=date(year + 1, 6, 10) if member.kind == "municipality" else date(year + 1, 5, 20),
            granted=True,
        )


def governance_step(ctx: Any) -> None:
    """The demo step (see finsam.demo.STEPS)."""
    year = cycle_year(selectors.today())
    associations = ctx.associations
    for key, association in ctx.progress(list(associations.items()), desc="Styrning"):
        with transaction.atomic():
            _documents(ctx.actor, association, year - 1)
            _discharges(ctx.actor, key, association, year - 1)
            if not NationalReportFiling.objects.filter(association=association, year=year - 1).exists():
                services.national_report_record(
                    actor=ctx.actor,
                    association=association,
                    year=year - 1,
                    submitted_on=date(year, 3, 16),
                    reference=f"Dnr {year}/{association.pk:03d}",
                )
    with transaction.atomic():
        _consultation(ctx.actor, [associations[k] for k in ("umea", "skelleftea", "sodra-lappland")], year)
        # Umeåregionen's director records the adjusters' confirmations in the platform.
        director = ctx.users.get("umea-chef")
        recorders = {associations["umea"].pk: director} if director is not None else {}
        _board_meetings(ctx.actor, associations, year, recorders)
        _budget_consultation(ctx.actor, associations["umea"], year)
