"""Every read of governance, scoped by the user. A meeting, document or förbund outside the user's scope
does not exist for them (Http404).

Who sees what: GOVERNANCE_BOARD_VIEW (national working group, the förbund's administration, board and
auditors) sees every meeting of its förbund; GOVERNANCE_VIEW alone (member representatives) sees the
member consultations, the decisions marked for the members (R-INFO), the year-end documents and the
annual cycle. The national council's and working group's meetings, which belong to no förbund, are for
the national working group.

The annual cycle reads other apps through their selectors: R-BOARD from
`registry.selectors.association_status`, R-BUDGET from `finance.selectors.budget_adoption` and the
budget's consultations. Those take the system actor here, because this module has already checked that
the user may see the förbund's cycle (member representatives, say, may not read the budget pages).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from finsam.accounts import selectors as account_selectors
from finsam.core.access import SYSTEM, Actor, Scope, filter_scope, require, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability
from finsam.governance import rules
from finsam.governance.models import (
    AgendaItem,
    CalendarFeed,
    Capacity,
    ConsultationKind,
    Decision,
    Discharge,
    Document,
    DocumentKind,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
    NationalReportFiling,
)
from finsam.registry import selectors as registry_selectors
from finsam.reports import ical

if TYPE_CHECKING:
    from finsam.finance.selectors import Adoption, ConsultationState
    from finsam.registry.models import Association, Member, Person

VIEW = Capability.GOVERNANCE_VIEW
BOARD_VIEW = Capability.GOVERNANCE_BOARD_VIEW
EDIT = Capability.GOVERNANCE_EDIT
NATIONAL = Capability.GOVERNANCE_NATIONAL
YEAR_END_KINDS = (DocumentKind.ANNUAL_REPORT, DocumentKind.ACTIVITY_REPORT, DocumentKind.AUDIT_REPORT)


def today() -> date:
    return timezone.localdate()


def _through() -> Any:
    return Meeting.associations.through.objects


# --- meetings ---------------------------------------------------------------------------------------


def _visible_meetings(user: Actor) -> QuerySet[Meeting]:
    consult = require(user, VIEW)
    full = scope_for(user, BOARD_VIEW)
    if full.all:
        return Meeting.objects.all()
    visible = Q(pk__in=_through().filter(association_id__in=full.association_ids).values("meeting_id"))
    if consult.all:
        visible |= Q(kind=MeetingKind.MEMBER_CONSULTATION)
    else:
        in_scope = _through().filter(association_id__in=consult.association_ids).values("meeting_id")
        visible |= Q(kind=MeetingKind.MEMBER_CONSULTATION, pk__in=in_scope)
    return Meeting.objects.filter(visible)


def _association_in_scope(scope: Scope, association_id: int) -> Association:
    if not scope.allows(association_id):
        raise Http404
    association = registry_selectors.associations().select_related("seat").filter(pk=association_id).first()
    if association is None:
        raise Http404
    return association


def association_get(*, user: Actor, association_id: int, capability: Capability = VIEW) -> Association:
    return _association_in_scope(require(user, capability), association_id)


def meeting_list(
    *, user: Actor, association_id: int | None = None, year: int | None = None, kind: str = ""
) -> QuerySet[Meeting]:
    """The meetings the user may see, newest first, with their förbund and minutes. Two queries."""
    meetings = _visible_meetings(user)
    if association_id is not None:
        association_get(user=user, association_id=association_id)
        meetings = meetings.filter(
            pk__in=_through().filter(association_id=association_id).values("meeting_id")
        )
    if year is not None:
        meetings = meetings.filter(date__year=year)
    if kind:
        meetings = meetings.filter(kind=kind)
    return (
        meetings.select_related("minutes")
        .prefetch_related(
            Prefetch("associations", queryset=registry_selectors.associations().order_by("name"))
        )
        .order_by("-date", "-id")
    )


def meeting_get(*, user: Actor, meeting_id: int, capability: Capability = VIEW) -> Meeting:
    """The meeting, if the user may see it; for EDIT, if the user may edit every förbund it covers (the
    national meetings, which cover none, only the national working group)."""
    if capability == EDIT:
        scope = require(user, EDIT)
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None or not _may_edit(scope, [a.pk for a in meeting.associations.all()]):
            raise Http404
        return meeting
    meeting = _visible_meetings(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def _may_edit(scope: Scope, association_ids: Iterable[int]) -> bool:
    ids = list(association_ids)
    if not ids:
        return scope.all
    return all(scope.allows(i) for i in ids)


def can_edit_meeting(*, user: Actor, meeting: Meeting) -> bool:
    return _may_edit(scope_for(user, EDIT), [a.pk for a in meeting.associations.all()])


def can_edit(*, user: Actor, association_id: int | None = None) -> bool:
    scope = scope_for(user, EDIT)
    return not scope.empty if association_id is None else scope.allows(association_id)


@dataclass
class MeetingDetail:
    meeting: Meeting
    associations: list[Association]
    participants: list[MeetingParticipant]
    agenda: list[AgendaItem]
    decisions: list[Decision]
    documents: list[Document]
    minutes: Minutes | None
    confirmations: list[MinutesConfirmation]
    can_edit: bool

    @property
    def participant_groups(self) -> list[tuple[Association | None, list[MeetingParticipant]]]:
        """The participants by the förbund they come from (a member's förbund for its representative);
        people from none of them last."""
        groups: dict[int, tuple[Association, list[MeetingParticipant]]] = {
            a.pk: (a, []) for a in self.associations
        }
        others: list[MeetingParticipant] = []
        for p in self.participants:
            home = p.member.association_id if p.member is not None else p.association_id
            (groups[home][1] if home in groups else others).append(p)
        result: list[tuple[Association | None, list[MeetingParticipant]]] = [
            (a, people) for a, people in groups.values() if people
        ]
        if others:
            result.append((None, others))
        return result

    @property
    def adjusters(self) -> list[MeetingParticipant]:
        return [p for p in self.participants if p.adjuster]

    @property
    def confirmed_ids(self) -> set[int]:
        return {c.participant_id for c in self.confirmations}

    @property
    def unconfirmed_adjusters(self) -> list[MeetingParticipant]:
        return [p for p in self.adjusters if p.pk not in self.confirmed_ids]

    @property
    def locked(self) -> bool:
        return self.minutes is not None and self.minutes.status == MinutesStatus.LOCKED

    def decisions_of(self, item: AgendaItem) -> list[Decision]:
        return [d for d in self.decisions if d.agenda_item_id == item.pk]

    @property
    def loose_decisions(self) -> list[Decision]:
        return [d for d in self.decisions if d.agenda_item_id is None]

    @property
    def items_with_decisions(self) -> list[tuple[AgendaItem, list[Decision]]]:
        return [(item, self.decisions_of(item)) for item in self.agenda]


def meeting_detail(*, user: Actor, meeting_id: int, capability: Capability = VIEW) -> MeetingDetail:
    """A meeting with everything its page and minutes show. A fixed number of queries."""
    meeting = meeting_get(user=user, meeting_id=meeting_id, capability=capability)
    return _detail(meeting, can_edit=can_edit_meeting(user=user, meeting=meeting))


def _detail(meeting: Meeting, *, can_edit: bool = False) -> MeetingDetail:
    meeting = (
        Meeting.objects.select_related("convener")
        .prefetch_related(
            Prefetch(
                "associations",
                queryset=registry_selectors.associations().select_related("seat").order_by("name"),
            )
        )
        .get(pk=meeting.pk)
    )
    minutes = Minutes.objects.filter(meeting=meeting).first()
    return MeetingDetail(
        meeting=meeting,
        associations=list(meeting.associations.all()),
        participants=list(
            MeetingParticipant.objects.filter(meeting=meeting).select_related(
                "person", "member__region", "member__municipality", "member__association", "association"
            )
        ),
        agenda=list(AgendaItem.objects.filter(meeting=meeting).order_by("position")),
        decisions=list(Decision.objects.filter(meeting=meeting).order_by("position")),
        documents=list(
            meeting.documents.select_related("association", "member__region", "member__municipality")
        ),
        minutes=minutes,
        confirmations=list(
            MinutesConfirmation.objects.filter(minutes=minutes).select_related("participant__person")
            if minutes is not None
            else []
        ),
        can_edit=can_edit,
    )


def minutes_document(*, user: Actor, meeting_id: int) -> MeetingDetail:
    """What the minutes (page and PDF) show: the meeting, its förbund's details, participants, agenda,
    notes, decisions and adjusters."""
    return meeting_detail(user=user, meeting_id=meeting_id)


def editable_associations(*, user: Actor) -> QuerySet[Association]:
    scope = require(user, EDIT)
    return filter_scope(registry_selectors.association_list(user=user), scope, field="id").order_by("name")


def person_choices(*, user: Actor) -> QuerySet[Person]:
    """The people an editor may invite or name as convener: those registered in, or holding a post in,
    a förbund the user may see."""
    return registry_selectors.person_list(user=user)


def member_choices(*, user: Actor) -> QuerySet[Member]:
    """The members of the förbund the user keeps the record of."""
    ids = editable_associations(user=user).values("id")
    return (
        registry_selectors.members()
        .filter(association_id__in=ids)
        .select_related("association", "region", "municipality")
        .order_by("association__name", "kind", "region__code", "municipality__code")
    )


def document_choices(*, user: Actor, since_year: int | None = None) -> QuerySet[Document]:
    scope = require(user, EDIT)
    documents = filter_scope(Document.objects.all(), scope)
    if since_year is not None:
        documents = documents.filter(year__gte=since_year)
    return documents.select_related("association").order_by("association__name", "-year", "kind", "id")


# --- the registry facts of R-SAMRAD ----------------------------------------------------------------


def _on(day: date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


def association_facts(*, associations: Iterable[Association], day: date) -> list[rules.AssociationFacts]:
    """What R-SAMRAD needs from the registry (members, board, director, member representatives on the
    day) and from the year-end documents, for each förbund of a meeting."""
    facts = []
    for association in associations:
        aid = association.pk
        members = {
            m.pk: m.name
            for m in registry_selectors.member_list(user=SYSTEM, association_id=aid)
            if m.active_on(day)
        }
        seats = list(
            registry_selectors.board_list(user=SYSTEM, association_id=aid).filter(
                start__lte=day, end__gte=day
            )
        )
        directors = registry_selectors.director_list(user=SYSTEM, association_id=aid).filter(_on(day))
        representatives = registry_selectors.representative_list(user=SYSTEM, association_id=aid).filter(
            _on(day)
        )
        facts.append(
            rules.AssociationFacts(
                id=aid,
                name=association.name,
                members=members,
                board=frozenset(s.person_id for s in seats),
                ordinary=frozenset(s.person_id for s in seats if s.role == "member"),
                directors=frozenset(d.person_id for d in directors),
                representatives=frozenset(r.person_id for r in representatives if r.member_id in members),
                year_end_missing=tuple(_year_end_missing(aid, day)),
            )
        )
    return facts


def _year_end_missing(association_id: int, day: date) -> list[str]:
    delivered = set(
        Document.objects.filter(
            association_id=association_id,
            year=day.year - 1,
            kind__in=YEAR_END_KINDS,
            delivered_on__isnull=False,
            delivered_on__lte=day,
        ).values_list("kind", flat=True)
    )
    # Swedish message ids, translated where the warning is made (in each language of the site).
    names = {
        DocumentKind.ANNUAL_REPORT: gettext_noop("bokslut (årsredovisning)"),
        DocumentKind.ACTIVITY_REPORT: gettext_noop("verksamhetsberättelse"),
        DocumentKind.AUDIT_REPORT: gettext_noop("revisionsberättelse"),
    }
    return [names[kind] for kind in YEAR_END_KINDS if kind not in delivered]


@dataclass(frozen=True)
class Invitation:
    person: Person
    capacity: str
    member: Member | None
    association: Association


def default_invitations(*, associations: Iterable[Association], day: date) -> list[Invitation]:
    """The people a member consultation invites by default: each member's representative, the chair and
    the director of each förbund, on the day."""
    invitations: list[Invitation] = []
    for association in associations:
        aid = association.pk
        for rep in (
            registry_selectors.representative_list(user=SYSTEM, association_id=aid)
            .filter(_on(day))
            .order_by("member__kind", "member__region__code", "member__municipality__code", "start")
        ):
            if rep.member.active_on(day):
                invitations.append(
                    Invitation(rep.person, Capacity.MEMBER_REPRESENTATIVE, rep.member, association)
                )
        chair = (
            registry_selectors.board_list(user=SYSTEM, association_id=aid)
            .filter(start__lte=day, end__gte=day, chair=True)
            .first()
        )
        if chair is not None:
            invitations.append(Invitation(chair.person, Capacity.CHAIR, None, association))
        director = registry_selectors.director_list(user=SYSTEM, association_id=aid).filter(_on(day)).first()
        if director is not None:
            invitations.append(Invitation(director.person, Capacity.DIRECTOR, None, association))
    return invitations


# --- R-INFO ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InformedDecision:
    decision: Decision
    meeting: Meeting
    visible: bool  # whether the user may open the meeting itself


def informed_decisions(*, user: Actor, association_id: int) -> list[InformedDecision]:
    """The decisions of the förbund's meetings marked for the members (R-INFO, 18 §), from locked
    minutes only: what the members are told is what was adjusted. Member representatives see them
    although they do not see the board's meetings. Two queries."""
    association_get(user=user, association_id=association_id)
    decisions = list(
        Decision.objects.filter(
            r_info=True,
            meeting__minutes__status=MinutesStatus.LOCKED,
            meeting__in=_through().filter(association_id=association_id).values("meeting_id"),
        )
        .select_related("meeting", "agenda_item")
        .order_by("-meeting__date", "meeting_id", "position")
    )
    visible = set(
        _visible_meetings(user).filter(pk__in={d.meeting_id for d in decisions}).values_list("pk", flat=True)
    )
    return [InformedDecision(d, d.meeting, d.meeting_id in visible) for d in decisions]


# --- documents ------------------------------------------------------------------------------------


def document_list(*, user: Actor, association_id: int) -> QuerySet[Document]:
    association_get(user=user, association_id=association_id)
    return Document.objects.filter(association_id=association_id).select_related(
        "member__region", "member__municipality"
    )


def document_get(*, user: Actor, document_id: int, capability: Capability = VIEW) -> Document:
    scope = require(user, capability)
    document = Document.objects.select_related("association", "member").filter(pk=document_id).first()
    if document is None or not scope.allows(document.association_id):
        raise Http404
    return document


def members_of(*, user: Actor, association_id: int) -> QuerySet[Member]:
    association_get(user=user, association_id=association_id)
    return registry_selectors.member_list(user=SYSTEM, association_id=association_id).order_by(
        "kind", "region__code", "municipality__code", "joined"
    )


def discharge_list(*, user: Actor, association_id: int) -> QuerySet[Discharge]:
    association_get(user=user, association_id=association_id)
    return Discharge.objects.filter(association_id=association_id).select_related(
        "member__region", "member__municipality"
    )


def national_report_filings(*, user: Actor, association_id: int) -> QuerySet[NationalReportFiling]:
    association_get(user=user, association_id=association_id)
    return NationalReportFiling.objects.filter(association_id=association_id)


# --- the annual cycle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleLine:
    """One obligation on the cycle page: a single row, or the members' rows summed up."""

    group: rules.GroupState
    title: str
    done_on: date | None
    detail: str

    @property
    def rule(self) -> str:
        return rules.OBLIGATION_RULES[self.group.obligation]


@dataclass(frozen=True)
class MemberLine:
    member_id: int
    name: str
    audit_report: rules.ObligationRow | None
    discharge: rules.ObligationRow | None


@dataclass
class Cycle:
    association: Association
    year: int
    day: date
    rows: list[rules.ObligationRow]

    @property
    def groups(self) -> list[rules.GroupState]:
        return rules.groups(self.rows)

    def group(self, obligation: rules.Obligation) -> rules.GroupState | None:
        return next((g for g in self.groups if g.obligation == obligation), None)

    @property
    def lines(self) -> list[CycleLine]:
        lines = []
        for group in self.groups:
            mine = [r for r in self.rows if r.obligation == group.obligation]
            if len(mine) == 1 and mine[0].member_id is None:
                row = mine[0]
                lines.append(CycleLine(group, row.title, row.done_on, row.detail))
                continue
            done = [r.done_on for r in mine if r.done_on is not None]
            waiting = [r.member_name for r in mine if r.status in (rules.Status.DUE, rules.Status.OVERDUE)]
            detail = gettext("%(done)s av %(total)s medlemmar klara.") % {
                "done": group.done,
                "total": group.total,
            }
            if waiting:
                detail += " " + gettext("Saknas: %(members)s.") % {"members": ", ".join(waiting)}
            lines.append(
                CycleLine(
                    group,
                    rules.obligation_title(group.obligation, self.year),
                    max(done) if done and not waiting else None,
                    detail,
                )
            )
        return lines

    @property
    def members(self) -> list[MemberLine]:
        """The members' audit reports and discharge decisions side by side (R-AUDIT)."""
        by_member: dict[int, dict[str, Any]] = {}
        for row in self.rows:
            if row.member_id is None:
                continue
            entry = by_member.setdefault(row.member_id, {"name": row.member_name})
            entry[str(row.obligation)] = row
        return [
            MemberLine(
                member_id,
                entry["name"],
                entry.get(str(rules.Obligation.AUDIT_REPORT)),
                entry.get(str(rules.Obligation.DISCHARGE)),
            )
            for member_id, entry in sorted(by_member.items(), key=lambda kv: kv[1]["name"])
        ]


def annual_cycle(*, user: Actor, association_id: int, year: int, day: date | None = None) -> Cycle:
    """The förbund's obligations of `year` with their status on `day` (today)."""
    association = association_get(user=user, association_id=association_id)
    day = day or today()
    facts = _cycle_facts([association], year, day)[association.pk]
    return Cycle(association=association, year=year, day=day, rows=rules.annual_cycle(facts, day))


@dataclass
class OverviewRow:
    association: Association
    cycle: Cycle

    def cell(self, obligation: rules.Obligation) -> rules.GroupState | None:
        return self.cycle.group(obligation)


def national_overview(*, user: Actor, year: int, day: date | None = None) -> list[OverviewRow]:
    """Every förbund against every obligation of `year`. The governance records, the boards (registry)
    and the budgets with their consultations (finance) are each read in one query or a few for all
    förbund: the count does not grow with the number of förbund."""
    require(user, NATIONAL)
    day = day or today()
    associations = list(
        registry_selectors.associations()
        .filter(founded__lte=date(year, 12, 31))
        .filter(Q(dissolved__isnull=True) | Q(dissolved__gte=date(year - 1, 1, 1)))
        .select_related("seat")
        .order_by("name")
    )
    facts = _cycle_facts(associations, year, day)
    return [
        OverviewRow(a, Cycle(association=a, year=year, day=day, rows=rules.annual_cycle(facts[a.pk], day)))
        for a in associations
    ]


def _cycle_facts(associations: list[Association], year: int, day: date) -> dict[int, rules.CycleFacts]:
    ids = [a.pk for a in associations]
    first, last = date(year - 1, 1, 1), date(year - 1, 12, 31)
    previous_members: dict[int, dict[int, str]] = defaultdict(dict)
    for member in (
        registry_selectors.members()
        .filter(association_id__in=ids, joined__lte=last)
        .filter(Q(left__isnull=True) | Q(left__gte=first))
        .select_related("region", "municipality")
    ):
        previous_members[member.association_id][member.pk] = member.name

    delivered: dict[tuple[int, str], date] = {}
    audits: dict[int, dict[int | None, date]] = defaultdict(dict)
    for document in Document.objects.filter(association_id__in=ids, year=year - 1, kind__in=YEAR_END_KINDS):
        if document.kind == DocumentKind.AUDIT_REPORT:
            on = document.delivered_on or timezone.localdate(document.uploaded)
            known = audits[document.association_id].get(document.member_id)
            audits[document.association_id][document.member_id] = min(on, known) if known else on
        elif document.delivered_on is not None:
            key = (document.association_id, document.kind)
            delivered[key] = min(document.delivered_on, delivered.get(key, document.delivered_on))

    discharges: dict[int, dict[int, tuple[date, bool]]] = defaultdict(dict)
    for discharge in Discharge.objects.filter(association_id__in=ids, year=year - 1):
        discharges[discharge.association_id][discharge.member_id] = (discharge.decided_on, discharge.granted)

    filings = dict(
        NationalReportFiling.objects.filter(association_id__in=ids, year=year - 1).values_list(
            "association_id", "submitted_on"
        )
    )

    held: dict[int, date] = {}
    budget_meetings: dict[int, list[int]] = defaultdict(list)
    consultations = (
        _through()
        .filter(
            association_id__in=ids,
            meeting__kind=MeetingKind.MEMBER_CONSULTATION,
            meeting__date__year=year,
            meeting__date__lte=day,
        )
        .values_list("association_id", "meeting_id", "meeting__date", "meeting__consultation_kind")
        .order_by("meeting__date")
    )
    for association_id, meeting_id, meeting_date, consultation_kind in consultations:
        held.setdefault(association_id, meeting_date)
        if consultation_kind == ConsultationKind.BUDGET and meeting_date <= rules.due_date(
            rules.Obligation.BUDGET_CONSULTATION, year
        ):
            budget_meetings[association_id].append(meeting_id)

    from finsam.finance import selectors as finance_selectors

    spans = {a.pk: _board_span(a, year) for a in associations}
    statuses = registry_selectors.board_statuses(
        windows={aid: (start, (end - start).days) for aid, (start, end) in spans.items() if end >= start}
    )
    adoptions = finance_selectors.budget_adoptions(association_ids=ids, year=year + 1)
    states = finance_selectors.consultation_states(
        budget_ids=[a.budget_id for a in adoptions.values() if a.budget_id is not None]
    )
    meetings = _budget_meetings(budget_meetings)

    result = {}
    for association in associations:
        aid = association.pk
        board_from, gaps = _board_gaps(spans[aid], statuses.get(aid), year, day)
        adoption = adoptions[aid]
        consulted, note, adopted, late = _budget(
            adoption,
            states.get(adoption.budget_id) if adoption.budget_id is not None else None,
            meetings.get(aid, []),
        )
        result[aid] = rules.CycleFacts(
            year=year,
            founded=association.founded,
            dissolved=association.dissolved,
            previous_year_members=previous_members.get(aid, {}),
            board_gaps=gaps,
            board_from=board_from,
            annual_report_delivered=delivered.get((aid, DocumentKind.ANNUAL_REPORT)),
            activity_report_delivered=delivered.get((aid, DocumentKind.ACTIVITY_REPORT)),
            audit_reports=audits.get(aid, {}),
            discharges=discharges.get(aid, {}),
            consultation_held=held.get(aid),
            budget_consulted=consulted,
            budget_consultation_note=note,
            budget_adopted=adopted,
            budget_adopted_late=late,
            national_report_filed=filings.get(aid),
        )
    return result


def _board_span(association: Association, year: int) -> tuple[date, date]:
    """The part of `year` the förbund existed in (end before start: not at all)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if association.dissolved is not None:
        end = min(end, association.dissolved)
    return max(start, association.founded), end


def _board_gaps(
    span: tuple[date, date], status: registry_selectors.AssociationStatus | None, year: int, day: date
) -> tuple[date, list[rules.BoardGap]]:
    """R-BOARD over the year, through the registry (`status`: the board over `span`). In the current year
    only the gaps that are still open or to come count: a gap that was closed is history, not an open
    obligation."""
    start, end = span
    if end < start or status is None:
        return start, []
    gaps = []
    for item in status.board:
        for role, periods in (
            (gettext("ledamot"), item.member_gaps),
            (gettext("ersättare"), item.deputy_gaps),
        ):
            gaps += [rules.BoardGap(item.member.name, role, g.start, g.end or end) for g in periods]
    if year == day.year:
        return max(start, day), [g for g in gaps if g.end >= day]
    return start, gaps


@dataclass(frozen=True)
class _BudgetMeeting:
    date: date
    members: list[int]  # the förbund's members on the meeting's day
    represented: set[int]  # members with a representative present (or not marked absent)


def _budget_meetings(budget_meetings: dict[int, list[int]]) -> dict[int, list[_BudgetMeeting]]:
    """The budget consultations held as member consultations ({association id: meeting ids}), with
    who was there, per association. Three queries however many."""
    meeting_ids = {m for ids in budget_meetings.values() for m in ids}
    if not meeting_ids:
        return {}
    dates = dict(Meeting.objects.filter(pk__in=meeting_ids).values_list("pk", "date"))
    members: dict[int, list[Any]] = defaultdict(list)
    for member in registry_selectors.members().filter(association_id__in=list(budget_meetings)):
        members[member.association_id].append(member)
    represented: dict[int, set[int]] = defaultdict(set)
    for meeting_id, member_id in (
        MeetingParticipant.objects.filter(meeting_id__in=meeting_ids, capacity=Capacity.MEMBER_REPRESENTATIVE)
        .exclude(attended=False)
        .values_list("meeting_id", "member_id")
    ):
        represented[meeting_id].add(member_id)
    result: dict[int, list[_BudgetMeeting]] = {}
    for association_id, ids in budget_meetings.items():
        held = []
        for meeting_id in ids:
            day = dates[meeting_id]
            active = [m.pk for m in members[association_id] if m.active_on(day)]
            held.append(_BudgetMeeting(day, active, represented[meeting_id] & set(active)))
        result[association_id] = sorted(held, key=lambda m: m.date)
    return result


def _budget(
    adoption: Adoption, state: ConsultationState | None, meetings: list[_BudgetMeeting]
) -> tuple[date | None, str, date | None, bool]:
    """R-BUDGET for next year's budget: (consulted on, note, adopted on, adopted late).

    The consultation comes from finance's record of consultations with each member when a budget
    exists (and only from it, so that the cycle and the budget agree), else from a budget consultation
    held here with every member represented. The adoption comes
    from finance only: the board adopts the budget there.
    """
    adopted = (adoption.adopted_on or adoption.deadline) if adoption.adopted else None
    late = adoption.late if adoption.adopted else False
    if state is not None:
        # The budget's record of consultations, member by member, decides (finance is where they are
        # registered): a budget consultation meeting does not make up for a member the budget lacks.
        if not state.missing and state.held:
            return max(state.held), gettext("Samråd med varje medlem registrerat i budgeten."), adopted, late
        if state.missing:
            missing = ", ".join(m.name for m in state.missing)
            return None, gettext("Samråd saknas med %(members)s.") % {"members": missing}, adopted, late
        return None, "", adopted, late
    for meeting in meetings:
        if meeting.members and meeting.represented >= set(meeting.members):
            return (
                meeting.date,
                gettext("Budgetsamråd (medlemssamråd) %(date)s.")
                % {"date": format(meeting.date, "%Y-%m-%d")},
                adopted,
                late,
            )
    return None, "", adopted, late


# --- reminders ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderDue:
    association: Association
    group: rules.GroupState
    rows: list[rules.ObligationRow]
    year: int
    offset: int
    recipients: list[Any] = field(default_factory=list)

    @property
    def obligation(self) -> rules.Obligation:
        return self.group.obligation


def reminders_due(*, day: date, before: list[int], after: list[int]) -> list[ReminderDue]:
    """For the daily reminder run (system): each open obligation of each förbund whose reminder
    threshold falls today, with the users who hold a responsible role and have an e-mail address."""
    associations = list(
        registry_selectors.associations()
        .filter(Q(dissolved__isnull=True) | Q(dissolved__gte=day - timedelta(days=366)))
        .select_related("seat")
        .order_by("name")
    )
    due: list[ReminderDue] = []
    for year in (day.year - 1, day.year, day.year + 1):
        facts = _cycle_facts(associations, year, day)
        for association in associations:
            rows = rules.annual_cycle(facts[association.pk], day)
            for group in rules.groups(rows):
                if group.status not in (rules.Status.DUE, rules.Status.OVERDUE):
                    continue
                offset = rules.reminder_offset(due=group.due, today=day, before=before, after=after)
                if offset is None:
                    continue
                due.append(
                    ReminderDue(
                        association=association,
                        group=group,
                        rows=[r for r in rows if r.obligation == group.obligation],
                        year=year,
                        offset=offset,
                    )
                )
    if not due:
        return []
    holders: dict[tuple[int | None, str], list[Any]] = defaultdict(list)
    for assignment in account_selectors.role_holders_with_email(
        association_ids={d.association.pk for d in due}
    ):
        holders[(assignment.association_id, assignment.role)].append(assignment.user)
    result = []
    for item in due:
        people = {
            user.pk: user
            for role in rules.RESPONSIBLE[item.obligation]
            for user in holders.get((item.association.pk, role), [])
        }
        result.append(
            ReminderDue(
                association=item.association,
                group=item.group,
                rows=item.rows,
                year=item.year,
                offset=item.offset,
                recipients=[people[pk] for pk in sorted(people)],
            )
        )
    return result


def cycle_url(association_id: int, year: int) -> str:
    return f"{settings.SITE_URL}{reverse('governance:annual_cycle', args=[association_id])}?ar={year}"


# --- calendar feed ----------------------------------------------------------------------------------

_FEED_SALT = "finsam.governance.calendar-feed"


def feed_token(*, feed: CalendarFeed) -> str:
    digest = salted_hmac(_FEED_SALT, f"{feed.user_id}:{feed.nonce}", algorithm="sha256").hexdigest()
    return f"{feed.user_id}-{digest[:40]}"


def calendar_token(*, user: Actor) -> str | None:
    """The user's current calendar address secret, or None before they asked for one."""
    require(user, VIEW)
    feed = CalendarFeed.objects.filter(user_id=user.pk).first()
    return feed_token(feed=feed) if feed is not None else None


def feed_user(*, token: str) -> Any | None:
    """The active user whose calendar secret `token` is, or None."""
    user_part, _, _ = token.partition("-")
    if not user_part.isdigit() or len(token) > 80:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(user_id=int(user_part)).first()
    if feed is None or not feed.user.is_active or not constant_time_compare(feed_token(feed=feed), token):
        return None
    return feed.user


def meeting_event_title(meeting: Meeting) -> str:
    """A meeting's title in a calendar: its kind named once. "Styrelsemöte 2026-12-28" stays as it is;
    "Vårens samråd" becomes "Medlemssamråd: Vårens samråd", so the kind shows in a calendar of many."""
    kind = str(MeetingKind(meeting.kind).label)
    if kind.casefold() in meeting.title.casefold():
        return meeting.title
    return f"{kind}: {meeting.title}"


def calendar_events(
    *, user: Actor, association_id: int, day: date | None = None
) -> tuple[Association, list[ical.Event]]:
    """The förbund's meetings the user may see (from a year back) and the due dates of its annual
    cycle this year and next, as calendar events."""
    association = association_get(user=user, association_id=association_id)
    day = day or today()
    events: list[ical.Event] = []
    meetings = meeting_list(user=user, association_id=association_id).filter(
        date__gte=day - timedelta(days=366)
    )
    for meeting in meetings:
        start: date | datetime = meeting.date
        if meeting.start_time is not None:
            start = timezone.make_aware(datetime.combine(meeting.date, meeting.start_time))
        location = meeting.place or meeting.online_link
        events.append(
            ical.Event(
                uid=f"meeting-{meeting.pk}@finsam",
                summary=meeting_event_title(meeting),
                start=start,
                location=location,
                url=f"{settings.SITE_URL}{reverse('governance:meeting_detail', args=[meeting.pk])}",
                description=", ".join(a.name for a in meeting.associations.all()),
            )
        )
    for year in (day.year, day.year + 1):
        facts = _cycle_facts([association], year, day)[association.pk]
        for group in rules.groups(rules.annual_cycle(facts, day)):
            if group.status == rules.Status.NOT_APPLICABLE:
                continue
            title = rules.obligation_title(group.obligation, year)
            events.append(
                ical.Event(
                    uid=f"obligation-{association.pk}-{group.obligation}-{year}@finsam",
                    summary=f"Senast: {title} ({group.status_label.lower()})",
                    start=group.due,
                    description=f"{association.name}. {rules.OBLIGATION_RULES[group.obligation]}.",
                    url=cycle_url(association.pk, year),
                )
            )
    return association, events


# --- the national bodies' meetings ------------------------------------------------------------------

NATIONAL_KINDS = (MeetingKind.NATIONAL_COUNCIL, MeetingKind.WORKING_GROUP)


def national_meeting_list(*, user: Actor, since: date | None = None) -> QuerySet[Meeting]:
    """The national council's and working group's meetings (newest first, with their minutes) for the
    national roles (GOVERNANCE_NATIONAL); nothing for anyone else. Whether the user may open a meeting's
    page is `can_open_national_meetings`."""
    if scope_for(user, NATIONAL).empty:
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(kind__in=NATIONAL_KINDS)
    if since is not None:
        meetings = meetings.filter(date__gte=since)
    return meetings.select_related("minutes").order_by("-date", "-id")


def can_open_national_meetings(*, user: Actor) -> bool:
    """The meeting pages of the national bodies are the national working group's (see `_visible_meetings`)."""
    return scope_for(user, BOARD_VIEW).all


# --- the home page -------------------------------------------------------------------------------------

HOME_HORIZON_DAYS = 90


@dataclass(frozen=True)
class PendingObligation:
    association: Association
    line: CycleLine

    @property
    def url(self) -> str:
        """The annual cycle page of the obligation's year (the address on this site, not the e-mails' full
        one)."""
        year = self.line.group.due.year
        return f"{reverse('governance:annual_cycle', args=[self.association.pk])}?ar={year}"


def pending_obligations(*, user: Actor, day: date | None = None) -> list[PendingObligation]:
    """The obligations of this year's annual cycle that are overdue or due within HOME_HORIZON_DAYS, of the
    förbund the user's own roles name (national roles have the national overview instead), most urgent
    first. A handful of queries however many förbund (as the national overview)."""
    scope = scope_for(user, VIEW)
    if scope.all or scope.empty:
        return []
    day = day or today()
    associations = list(
        registry_selectors.associations()
        .filter(pk__in=scope.association_ids, founded__lte=day)
        .select_related("seat")
        .order_by("name")
    )
    facts = _cycle_facts(associations, day.year, day)
    horizon = day + timedelta(days=HOME_HORIZON_DAYS)
    pending = [
        PendingObligation(a, line)
        for a in associations
        for line in Cycle(
            association=a, year=day.year, day=day, rows=rules.annual_cycle(facts[a.pk], day)
        ).lines
        if line.group.status == rules.Status.OVERDUE
        or (line.group.status == rules.Status.DUE and line.group.due <= horizon)
    ]
    return sorted(pending, key=lambda p: (p.line.group.status != rules.Status.OVERDUE, p.line.group.due))


def upcoming_meetings(*, user: Actor, day: date | None = None, limit: int = 5) -> list[Meeting]:
    """The next meetings the user may see, from `day` (today) on, soonest first. Two queries."""
    day = day or today()
    return list(
        _visible_meetings(user)
        .filter(date__gte=day)
        .prefetch_related(
            Prefetch("associations", queryset=registry_selectors.associations().order_by("name"))
        )
        .order_by("date", "start_time", "id")[:limit]
    )


# --- the audit log's words ------------------------------------------------------------------------


def _meeting_words(meeting: Meeting) -> str:
    day = date_format(meeting.date, "j F Y")
    words = {
        MeetingKind.BOARD: gettext("styrelsemötet {day}"),
        MeetingKind.MEMBER_CONSULTATION: gettext("medlemssamrådet {day}"),
        MeetingKind.NATIONAL_COUNCIL: gettext("Nationella rådets möte {day}"),
        MeetingKind.WORKING_GROUP: gettext("arbetsgruppens möte {day}"),
    }
    return words.get(MeetingKind(meeting.kind), gettext("mötet {day}")).format(day=day)


def audit_objects(*, refs: Refs) -> Described:
    """Governance's objects named in audit entries, for the log (the caller has scoped the entries). One
    query per kind of object."""
    described: Described = {}
    for m in Meeting.objects.filter(pk__in=ids_of(refs, "governance.meeting")):
        described["governance.meeting", str(m.pk)] = ObjectText(
            _meeting_words(m), reverse("governance:meeting_detail", args=[m.pk])
        )
    for minutes in Minutes.objects.filter(pk__in=ids_of(refs, "governance.minutes")).select_related(
        "meeting"
    ):
        described["governance.minutes", str(minutes.pk)] = ObjectText(
            gettext("protokollet från {meeting}").format(meeting=_meeting_words(minutes.meeting)),
            reverse("governance:meeting_detail", args=[minutes.meeting_id]),
        )
    for d in Document.objects.filter(pk__in=ids_of(refs, "governance.document")):
        described["governance.document", str(d.pk)] = ObjectText(
            gettext("dokumentet ”{title}” ({year})").format(title=d.title, year=d.year),
            reverse("governance:document_list", args=[d.association_id]),
        )
    return described
