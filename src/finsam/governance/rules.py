"""Pure functions of the governance rules: R-SAMRAD (member consultations), the minutes' life, the
year-end documents, the annual cycle of obligations (R-BUDGET, R-ANNUAL, R-AUDIT, R-SAMRAD-5, R-BOARD,
the national report) and when to remind. No ORM here: plain values in, plain values out, so that each
can be property-tested. Messages are Swedish; they name förbund, members and people, never log them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext, gettext_lazy

from finsam.core.errors import Violation

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# --- meetings and R-SAMRAD ------------------------------------------------------------------------

BOARD_MEETING = "board_meeting"
MEMBER_CONSULTATION = "member_consultation"
NATIONAL_KINDS = frozenset({"national_council", "working_group"})
MEETING_KINDS = frozenset({BOARD_MEETING, MEMBER_CONSULTATION, *NATIONAL_KINDS})
CONSULTATION_KINDS = frozenset({"annual", "budget"})
MEMBER_REPRESENTATIVE = "member_representative"
CAPACITIES = frozenset({MEMBER_REPRESENTATIVE, "chair", "board_member", "director", "other"})

# R-SAMRAD-6: the national council's recommended agenda of a member consultation (seed 001).
SAMRAD_AGENDA: tuple[str, ...] = (
    "Föregående års ekonomiska resultat och verksamhetsresultat",
    "Iakttagelser av strukturella hinder för samverkan",
    "Årets verksamhet i förhållande till behoven av stöd till medborgarna och utveckling av "
    "myndighetssamverkan",
    "Långsiktig utveckling i förhållande till behovsanalyser med mera i förbundets verksamhet",
    "Budgetförutsättningar",
)

# R-SAMRAD-5: "under våren". Spring is taken as March to June, the months in which förbund hold them
# after the year-end documents (due by 31 March) have gone to the members.
SPRING = ((3, 1), (6, 30))


def is_spring(day: date) -> bool:
    return date(day.year, *SPRING[0]) <= day <= date(day.year, *SPRING[1])


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold().rstrip(".")


def samrad_point_of(title: str) -> int | None:
    """The R-SAMRAD-6 point an agenda title is, when it is one of the recommended titles (case and
    spacing aside)."""
    wanted = _normal(title)
    for number, standard in enumerate(SAMRAD_AGENDA, start=1):
        if _normal(standard) == wanted:
            return number
    return None


def agenda_points(items: Iterable[tuple[str, int | None]]) -> set[int]:
    """The R-SAMRAD-6 points an agenda covers: items marked with a point, or titled as one."""
    covered: set[int] = set()
    for title, point in items:
        number = point if point is not None else samrad_point_of(title)
        if number is not None and 1 <= number <= len(SAMRAD_AGENDA):
            covered.add(number)
    return covered


@dataclass(frozen=True)
class AssociationFacts:
    """What the registry says about one förbund on the meeting day."""

    id: int
    name: str
    members: Mapping[int, str]  # members on the day: id → name
    board: frozenset[int] = frozenset()  # people holding a seat (ledamot or ersättare) on the day
    ordinary: frozenset[int] = frozenset()  # people holding an ordinary seat (ledamot) on the day
    directors: frozenset[int] = frozenset()  # the förbundschef on the day
    representatives: frozenset[int] = frozenset()  # people designated by one of its members on the day
    # last year's documents not delivered to the members by the day: Swedish message ids of their names
    year_end_missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParticipantFact:
    person_id: int
    person_name: str
    capacity: str
    member_id: int | None = None
    association_id: int | None = None
    attended: bool | None = None


@dataclass(frozen=True)
class MeetingCheck:
    errors: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    # The warnings made again in each language of the site (language code → warnings, in the same order).
    translated: dict[str, list[Violation]] = field(default_factory=dict)


def check_meeting(
    *,
    kind: str,
    consultation_kind: str,
    day: date,
    associations: Sequence[AssociationFacts],
    convener_id: int | None,
    participants: Sequence[ParticipantFact],
    agenda: Sequence[tuple[str, int | None]],
) -> MeetingCheck:
    """R-SAMRAD for a meeting as it would be saved. Points 1, 3 and 4 are errors; 2, 5 and 6 warnings.

    A member representative who sits on the board of the förbund concerned, a member nobody was invited
    to represent, and a convener whom no member designated are errors. A representative recorded as
    absent is a warning under point 1: the record must be able to say what happened.
    """
    errors: list[Violation] = []
    warnings: list[Violation] = []
    if kind not in MEETING_KINDS:
        return MeetingCheck(errors=[Violation("R-INPUT", gettext("Välj en mötestyp."), "kind")])
    consultation = kind == MEMBER_CONSULTATION
    if consultation and not associations:
        errors.append(
            Violation(
                "R-SAMRAD-3",
                gettext("Ett medlemssamråd ska omfatta minst ett samordningsförbund."),
                "associations",
            )
        )
    if kind == BOARD_MEETING and len(associations) != 1:
        errors.append(
            Violation(
                "R-MEETING", gettext("Ett styrelsemöte hör till ett samordningsförbund."), "associations"
            )
        )
    if consultation and consultation_kind not in CONSULTATION_KINDS:
        errors.append(
            Violation(
                "R-REQUIRED",
                gettext("Ange om samrådet är årligt eller ett budgetsamråd."),
                "consultation_kind",
            )
        )
    if not consultation and consultation_kind:
        errors.append(
            Violation("R-INPUT", gettext("Bara ett medlemssamråd har en typ av samråd."), "consultation_kind")
        )

    by_id = {a.id: a for a in associations}
    member_home = {member_id: a for a in associations for member_id in a.members}
    seen: set[tuple[int, int | None]] = set()
    for index, p in enumerate(participants):
        where = f"participants[{index}]"
        if p.capacity not in CAPACITIES:
            errors.append(
                Violation("R-INPUT", gettext("Ange i vilken egenskap personen deltar."), f"{where}.capacity")
            )
            continue
        if (p.person_id, p.member_id) in seen:
            errors.append(
                Violation(
                    "R-INPUT",
                    gettext("%(person_name)s finns redan bland deltagarna.") % {"person_name": p.person_name},
                    f"{where}.person",
                )
            )
        seen.add((p.person_id, p.member_id))
        if p.association_id is not None and p.association_id not in by_id:
            errors.append(
                Violation(
                    "R-INPUT", gettext("Förbundet hör inte till mötets förbund."), f"{where}.association"
                )
            )
        if p.capacity != MEMBER_REPRESENTATIVE:
            if p.member_id is not None:
                errors.append(
                    Violation(
                        "R-INPUT",
                        gettext("Bara en medlemsrepresentant företräder en medlem."),
                        f"{where}.member",
                    )
                )
            continue
        home = member_home.get(p.member_id) if p.member_id is not None else None
        if home is None:
            errors.append(
                Violation(
                    "R-SAMRAD-1",
                    gettext("Ange vilken av förbundens medlemmar %(person_name)s företräder.")
                    % {"person_name": p.person_name},
                    f"{where}.member",
                )
            )
        elif consultation and p.person_id in home.board:
            errors.append(
                Violation(
                    "R-SAMRAD-1",
                    (
                        gettext(
                            "%(person_name)s sitter i styrelsen för %(name)s och kan inte "
                            "företräda %(members)s vid samrådet: medlemmen ska representeras "
                            "av en annan person än en styrelseledamot."
                        )
                        % {
                            "person_name": p.person_name,
                            "name": home.name,
                            "members": home.members[p.member_id or 0],
                        }
                    ),
                    f"{where}.person",
                )
            )

    if not consultation:
        return MeetingCheck(errors=errors, warnings=warnings)

    for a in associations:
        for member_id, member_name in a.members.items():
            mine = [
                p for p in participants if p.capacity == MEMBER_REPRESENTATIVE and p.member_id == member_id
            ]
            if not mine:
                errors.append(
                    Violation(
                        "R-SAMRAD-1",
                        (
                            gettext(
                                "%(member_name)s (%(name)s) har ingen medlemsrepresentant bland deltagarna."
                            )
                            % {"member_name": member_name, "name": a.name}
                        ),
                        "participants",
                    )
                )
            elif all(p.attended is False for p in mine):
                warnings.append(
                    Violation(
                        "R-SAMRAD-1",
                        (
                            gettext(
                                "%(member_name)s (%(name)s) var inte företrädd: "
                                "medlemsrepresentanten deltog inte."
                            )
                            % {"member_name": member_name, "name": a.name}
                        ),
                        "participants",
                    )
                )

    designated = (
        frozenset().union(*(a.representatives for a in associations)) if associations else frozenset()
    )
    if convener_id is None:
        errors.append(
            Violation(
                "R-SAMRAD-4",
                gettext("Ange vem som är sammankallande: en person som en medlem har utsett."),
                "convener",
            )
        )
    elif convener_id not in designated:
        errors.append(
            Violation(
                "R-SAMRAD-4",
                gettext(
                    "Sammankallande ska vara en person som någon av "
                    "förbundsmedlemmarna har utsett (en medlemsrepresentant)."
                ),
                "convener",
            )
        )

    present = [p for p in participants if p.attended is not False]
    for a in associations:
        people = {p.person_id for p in present}
        if not people & a.ordinary:
            warnings.append(
                Violation(
                    "R-SAMRAD-2",
                    (
                        gettext(
                            "Från %(name)s deltar varken ordföranden eller någon annan "
                            "ordinarie styrelseledamot."
                        )
                        % {"name": a.name}
                    ),
                    "participants",
                )
            )
        if not people & a.directors:
            warnings.append(
                Violation(
                    "R-SAMRAD-2",
                    gettext("Förbundschefen för %(name)s deltar inte.") % {"name": a.name},
                    "participants",
                )
            )

    if consultation_kind == "annual":
        if not is_spring(day):
            warnings.append(
                Violation(
                    "R-SAMRAD-5",
                    gettext(
                        "Medlemssamrådet bör hållas under våren (mars–juni), efter att "
                        "förbunden lämnat bokslut, verksamhetsberättelse och "
                        "revisionsberättelse till medlemmarna."
                    ),
                    "date",
                )
            )
        for a in associations:
            if a.year_end_missing:
                warnings.append(
                    Violation(
                        "R-SAMRAD-5",
                        (
                            gettext(
                                "%(name)s har inte lämnat %(join)s för %(value)s till "
                                "medlemmarna före samrådet."
                            )
                            % {
                                "name": a.name,
                                "join": _join([gettext(n) for n in a.year_end_missing]),
                                "value": day.year - 1,
                            }
                        ),
                        "date",
                    )
                )

    missing = [n for n in range(1, len(SAMRAD_AGENDA) + 1) if n not in agenda_points(agenda)]
    if missing:
        warnings.append(
            Violation(
                "R-SAMRAD-6",
                gettext("Dagordningen saknar rekommendationens punkter: ")
                + "; ".join(f"{n}. {SAMRAD_AGENDA[n - 1]}" for n in missing)
                + ".",
                "agenda",
            )
        )
    return MeetingCheck(errors=errors, warnings=warnings)


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(items)s och %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


# --- minutes -------------------------------------------------------------------------------------

DRAFT, CHECKED, LOCKED = "draft", "checked", "locked"


def minutes_status_after(*, adjusters: Iterable[int], confirmed: Iterable[int]) -> str:
    """Draft until every adjuster has confirmed; then checked. Without adjusters, a draft."""
    wanted = set(adjusters)
    return CHECKED if wanted and wanted <= set(confirmed) else DRAFT


def locked_violation() -> Violation:
    return Violation(
        "R-MINUTES-LOCKED",
        gettext("Protokollet är justerat och låst. Varken protokollet eller mötets uppgifter kan ändras."),
        None,
    )


# --- documents ------------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# Extension → (content type, how the file starts). The office formats are ZIP containers.
DOCUMENT_TYPES: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
}


def document_type(*, filename: str, size: int, head: bytes) -> tuple[str, str] | Violation:
    """(extension, content type) of an uploaded document, or why it is refused: too large, empty, or not
    a PDF or office document (by its name and by its first bytes, so a renamed file is caught)."""
    if size <= 0:
        return Violation("R-DOCUMENT", gettext("Filen är tom."), "file")
    if size > MAX_DOCUMENT_BYTES:
        return Violation(
            "R-DOCUMENT",
            gettext("Filen är för stor: högst %(value)s MB.")
            % {"value": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            "file",
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    known = DOCUMENT_TYPES.get(extension)
    if known is None:
        return Violation(
            "R-DOCUMENT", gettext("Ladda upp en PDF (eller en docx-, xlsx- eller odt-fil)."), "file"
        )
    content_type, magic = known
    if not head.startswith(magic):
        return Violation(
            "R-DOCUMENT",
            gettext("Filen är inte en giltig %(extension)s-fil.") % {"extension": extension},
            "file",
        )
    return extension, content_type


def safe_document_name(filename: str) -> str:
    """The client's file name without a path and without control characters, at most 150 characters."""
    name = re.split(r"[\\/]", filename)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip() or "dokument"
    if len(name) > 150:
        stem, _, extension = name.rpartition(".")
        name = stem[: 150 - len(extension) - 1] + "." + extension if stem else name[:150]
    return name


# --- the annual cycle -----------------------------------------------------------------------------


class Obligation(StrEnum):
    BOARD = "board"
    ANNUAL_REPORT = "annual_report"
    NATIONAL_REPORT = "national_report"
    AUDIT_REPORT = "audit_report"
    MEMBER_CONSULTATION = "member_consultation"
    DISCHARGE = "discharge"
    BUDGET_CONSULTATION = "budget_consultation"
    BUDGET_ADOPTION = "budget_adoption"


OBLIGATION_RULES: dict[Obligation, str] = {
    Obligation.BOARD: "R-BOARD",
    Obligation.ANNUAL_REPORT: "R-ANNUAL",
    Obligation.NATIONAL_REPORT: "R-FOLLOWUP",
    Obligation.AUDIT_REPORT: "R-AUDIT",
    Obligation.MEMBER_CONSULTATION: "R-SAMRAD-5",
    Obligation.DISCHARGE: "R-AUDIT",
    Obligation.BUDGET_CONSULTATION: "R-BUDGET",
    Obligation.BUDGET_ADOPTION: "R-BUDGET",
}

# Who is reminded of each obligation (roles of the förbund).
RESPONSIBLE: dict[Obligation, tuple[str, ...]] = {
    Obligation.BOARD: ("association_admin",),
    Obligation.ANNUAL_REPORT: ("association_admin", "board_member"),
    Obligation.NATIONAL_REPORT: ("association_admin",),
    Obligation.AUDIT_REPORT: ("association_admin", "auditor"),
    Obligation.MEMBER_CONSULTATION: ("association_admin",),
    Obligation.DISCHARGE: ("association_admin", "member_representative"),
    Obligation.BUDGET_CONSULTATION: ("association_admin",),
    Obligation.BUDGET_ADOPTION: ("association_admin", "board_member"),
}


# Column headings of the national overview; the soft hyphens let narrow columns break the long words.
SHORT_TITLES: dict[Obligation, _StrPromise] = {
    Obligation.BOARD: gettext_lazy("Styrelse­platser"),
    Obligation.ANNUAL_REPORT: gettext_lazy("Års­redovisning"),
    Obligation.NATIONAL_REPORT: gettext_lazy("Nationell rapport"),
    Obligation.AUDIT_REPORT: gettext_lazy("Revisions­berättelse"),
    Obligation.MEMBER_CONSULTATION: gettext_lazy("Medlems­samråd"),
    Obligation.DISCHARGE: gettext_lazy("Ansvars­frihet"),
    Obligation.BUDGET_CONSULTATION: gettext_lazy("Budgetsamråd"),
    Obligation.BUDGET_ADOPTION: gettext_lazy("Budget fastställd"),
}


def obligation_title(obligation: Obligation, year: int) -> str:
    """The Swedish title of an obligation of the annual cycle of `year`."""
    return {
        Obligation.BOARD: gettext("Styrelseplatser för varje medlem %(year)s") % {"year": year},
        Obligation.ANNUAL_REPORT: (
            gettext("Årsredovisning och verksamhetsberättelse %(value)s till medlemmarna")
            % {"value": year - 1}
        ),
        Obligation.NATIONAL_REPORT: gettext("Nationell uppföljningsrapport %(value)s") % {"value": year - 1},
        Obligation.AUDIT_REPORT: gettext("Revisionsberättelse %(value)s") % {"value": year - 1},
        Obligation.MEMBER_CONSULTATION: gettext("Medlemssamråd %(year)s") % {"year": year},
        Obligation.DISCHARGE: gettext("Beslut om ansvarsfrihet %(value)s") % {"value": year - 1},
        Obligation.BUDGET_CONSULTATION: gettext("Budgetsamråd med medlemmarna om budget %(value)s")
        % {"value": year + 1},
        Obligation.BUDGET_ADOPTION: gettext("Budget %(value)s fastställd") % {"value": year + 1},
    }[obligation]


def due_date(obligation: Obligation, year: int) -> date:
    """When each obligation of the annual cycle of `year` falls due.

    Budget: 30 November, for next year's budget, after consulting the members (law 23 §). Annual report:
    three months after the year's end (finsam.se). Member consultation: in spring (R-SAMRAD-5). The audit
    report, the members' discharge decisions and the national report follow common practice: the
    auditors report by the end of April, the members decide on discharge before the end of June, and the
    national follow-up report is filed by the end of March. Board seats: from the first day of the year.
    """
    return {
        Obligation.BOARD: date(year, 1, 1),
        Obligation.ANNUAL_REPORT: date(year, 3, 31),
        Obligation.NATIONAL_REPORT: date(year, 3, 31),
        Obligation.AUDIT_REPORT: date(year, 4, 30),
        Obligation.MEMBER_CONSULTATION: date(year, *SPRING[1]),
        Obligation.DISCHARGE: date(year, 6, 30),
        Obligation.BUDGET_CONSULTATION: date(year, 11, 30),
        Obligation.BUDGET_ADOPTION: date(year, 11, 30),
    }[obligation]


class Status(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS: dict[Status, _StrPromise] = {
    Status.DONE: gettext_lazy("Klar"),
    Status.DUE: gettext_lazy("Ska göras"),
    Status.OVERDUE: gettext_lazy("Försenad"),
    Status.NOT_APPLICABLE: gettext_lazy("Gäller inte"),
}


def obligation_status(*, done: bool, due: date, today: date, applicable: bool = True) -> Status:
    """Not applicable first; then done whatever the date; otherwise overdue once the due date has passed."""
    if not applicable:
        return Status.NOT_APPLICABLE
    if done:
        return Status.DONE
    return Status.OVERDUE if today > due else Status.DUE


@dataclass(frozen=True)
class BoardGap:
    member: str
    role: str  # "ledamot" / "ersättare"
    start: date
    end: date


@dataclass(frozen=True)
class CycleFacts:
    """Everything the annual cycle of one förbund and year is computed from."""

    year: int
    founded: date
    dissolved: date | None = None
    previous_year_members: Mapping[int, str] = field(default_factory=dict)  # members during year - 1
    board_gaps: Sequence[BoardGap] = ()
    board_from: date | None = None  # the first day the board gaps were looked for
    annual_report_delivered: date | None = None
    activity_report_delivered: date | None = None
    audit_reports: Mapping[int | None, date] = field(default_factory=dict)  # member id (None: joint) → day
    discharges: Mapping[int, tuple[date, bool]] = field(default_factory=dict)  # member id → (day, granted)
    consultation_held: date | None = None  # the first member consultation of the year already held
    budget_consulted: date | None = None  # the day the last member was consulted on next year's budget
    budget_consultation_note: str = ""
    budget_adopted: date | None = None
    budget_adopted_late: bool = False
    national_report_filed: date | None = None


@dataclass(frozen=True)
class ObligationRow:
    obligation: Obligation
    year: int
    title: str
    due: date
    status: Status
    done_on: date | None = None
    late: bool = False
    detail: str = ""
    member_id: int | None = None
    member_name: str = ""

    @property
    def rule(self) -> str:
        return OBLIGATION_RULES[self.obligation]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _existed(facts: CycleFacts, first: date, last: date) -> bool:
    """Whether the förbund existed on some day of [first, last]."""
    return facts.founded <= last and (facts.dissolved is None or facts.dissolved >= first)


def _row(
    obligation: Obligation,
    facts: CycleFacts,
    today: date,
    *,
    done_on: date | None,
    applicable: bool,
    detail: str = "",
    due: date | None = None,
    late: bool | None = None,
    member: tuple[int, str] | None = None,
) -> ObligationRow:
    due = due or due_date(obligation, facts.year)
    status = obligation_status(done=done_on is not None, due=due, today=today, applicable=applicable)
    if status == Status.NOT_APPLICABLE:
        done_on = None
    is_late = (done_on is not None and done_on > due) if late is None else late
    title = obligation_title(obligation, facts.year)
    return ObligationRow(
        obligation=obligation,
        year=facts.year,
        title=f"{title}: {member[1]}" if member else title,
        due=due,
        status=status,
        done_on=done_on,
        late=is_late and status == Status.DONE,
        detail=detail,
        member_id=member[0] if member else None,
        member_name=member[1] if member else "",
    )


def annual_cycle(facts: CycleFacts, today: date) -> list[ObligationRow]:
    """Every obligation of the förbund's annual cycle of `facts.year`, in the order they fall due, with
    its status on `today`. Audit reports and discharge decisions come one row per member (R-AUDIT)."""
    y = facts.year
    this_year = _existed(facts, date(y, 1, 1), date(y, 12, 31))
    last_year = _existed(facts, date(y - 1, 1, 1), date(y - 1, 12, 31)) and facts.founded < date(y, 1, 1)
    next_year = this_year and (facts.dissolved is None or facts.dissolved > date(y, 12, 31))
    rows: list[ObligationRow] = []

    gaps = sorted(facts.board_gaps, key=lambda g: (g.start, g.member))
    checked_from = max(date(y, 1, 1), facts.board_from or date(y, 1, 1))
    if gaps:
        shown = "; ".join(
            gettext("%(member)s saknar %(role)s %(start)s–%(end)s")
            % {"member": g.member, "role": g.role, "start": f"{g.start:%Y-%m-%d}", "end": f"{g.end:%Y-%m-%d}"}
            for g in gaps[:6]
        )
        more = len(gaps) - 6
        detail = (
            gettext("%(shown)s (och %(count)s till).") % {"shown": shown, "count": more}
            if more > 0
            else f"{shown}."
        )
    else:
        detail = gettext("Varje medlem har ledamot och ersättare från %(checked_from)s till årets slut.") % {
            "checked_from": format(checked_from, "%Y-%m-%d")
        }
    rows.append(
        _row(
            Obligation.BOARD,
            facts,
            today,
            done_on=None if gaps else checked_from,
            applicable=this_year,
            due=gaps[0].start if gaps else date(y, 1, 1),
            late=False,
            detail=detail,
        )
    )

    delivered = [facts.annual_report_delivered, facts.activity_report_delivered]
    missing = [
        name
        for name, day in zip(
            (gettext("årsredovisningen"), gettext("verksamhetsberättelsen")), delivered, strict=True
        )
        if day is None
    ]
    rows.append(
        _row(
            Obligation.ANNUAL_REPORT,
            facts,
            today,
            done_on=None if missing else max(d for d in delivered if d is not None),
            applicable=last_year,
            detail=gettext("Inte lämnat till medlemmarna: %(join)s.") % {"join": _join(missing)}
            if missing
            else "",
        )
    )
    rows.append(
        _row(
            Obligation.NATIONAL_REPORT,
            facts,
            today,
            done_on=facts.national_report_filed,
            applicable=last_year,
        )
    )

    members = sorted(facts.previous_year_members.items(), key=lambda kv: kv[1])
    joint = facts.audit_reports.get(None)
    for member_id, name in members:
        own = facts.audit_reports.get(member_id)
        rows.append(
            _row(
                Obligation.AUDIT_REPORT,
                facts,
                today,
                done_on=own or joint,
                applicable=last_year,
                detail=gettext("Gemensam revisionsberättelse.") if own is None and joint is not None else "",
                member=(member_id, name),
            )
        )

    rows.append(
        _row(
            Obligation.MEMBER_CONSULTATION,
            facts,
            today,
            done_on=facts.consultation_held,
            applicable=this_year,
            detail=""
            if facts.consultation_held is None or is_spring(facts.consultation_held)
            else gettext("Hölls inte under våren (rekommendationen)."),
        )
    )

    for member_id, name in members:
        decision = facts.discharges.get(member_id)
        rows.append(
            _row(
                Obligation.DISCHARGE,
                facts,
                today,
                done_on=decision[0] if decision else None,
                applicable=last_year,
                detail=(
                    gettext("Ansvarsfrihet beviljad.")
                    if decision[1]
                    else gettext("Ansvarsfrihet ej beviljad.")
                )
                if decision
                else "",
                member=(member_id, name),
            )
        )

    rows.append(
        _row(
            Obligation.BUDGET_CONSULTATION,
            facts,
            today,
            done_on=facts.budget_consulted,
            applicable=next_year,
            detail=facts.budget_consultation_note,
        )
    )
    rows.append(
        _row(
            Obligation.BUDGET_ADOPTION,
            facts,
            today,
            done_on=facts.budget_adopted,
            applicable=next_year,
            late=facts.budget_adopted_late,
            detail=gettext("Fastställd efter den 30 november.")
            if facts.budget_adopted and facts.budget_adopted_late
            else "",
        )
    )
    return rows


@dataclass(frozen=True)
class GroupState:
    """One obligation over its rows (the members' audit reports or discharges, say)."""

    obligation: Obligation
    status: Status
    due: date
    done: int
    total: int
    late: bool

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def group_status(rows: Sequence[ObligationRow]) -> GroupState:
    """Overdue if any row is; else due if any is; done when every applicable row is done."""
    if not rows:
        raise ValueError("no rows")
    applicable = [r for r in rows if r.status != Status.NOT_APPLICABLE]
    if not applicable:
        status = Status.NOT_APPLICABLE
    elif any(r.status == Status.OVERDUE for r in applicable):
        status = Status.OVERDUE
    elif any(r.status == Status.DUE for r in applicable):
        status = Status.DUE
    else:
        status = Status.DONE
    open_rows = [r for r in applicable if r.status != Status.DONE]
    return GroupState(
        obligation=rows[0].obligation,
        status=status,
        due=min(r.due for r in (open_rows or rows)),
        done=sum(1 for r in applicable if r.status == Status.DONE),
        total=len(applicable),
        late=any(r.late for r in applicable),
    )


def groups(rows: Sequence[ObligationRow]) -> list[GroupState]:
    """The rows grouped by obligation, in the order of `Obligation`."""
    return [
        group_status([r for r in rows if r.obligation == obligation])
        for obligation in Obligation
        if any(r.obligation == obligation for r in rows)
    ]


# --- reminders --------------------------------------------------------------------------------------


REMINDER_GRACE_DAYS = 7


def reminder_offset(
    *, due: date, today: date, before: Sequence[int], after: Sequence[int], grace: int = REMINDER_GRACE_DAYS
) -> int | None:
    """The reminder due today for an obligation not yet done, as days from the due date (negative before
    it), or None.

    Only the latest threshold passed counts, and only for `grace` days after it: a run that missed a few
    days sends that one, not a backlog of older ones, and an installation started long after a due date
    does not mail about it. Each threshold is sent at most once (the caller records it).
    """
    candidates = [d for d in after if d > 0 and (today - due).days >= d]
    offset: int | None = max(candidates) if candidates else None
    if offset is None and today <= due:
        passed = [d for d in before if (due - today).days <= d]
        offset = -min(passed) if passed else None
    if offset is None or (today - (due + timedelta(days=offset))).days > grace:
        return None
    return offset
