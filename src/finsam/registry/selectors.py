"""Every read of the registry, scoped by the user. Objects outside the user's scope do not exist for
them (Http404), so that an outsider cannot even learn which ids are taken."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from finsam.core.access import Actor, filter_scope, require, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.roles import Capability
from finsam.registry import rules
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


def today() -> date:
    return timezone.localdate()


def association_list(*, user: Actor) -> QuerySet[Association]:
    """The associations the user may see, with their seat. Their members are read by
    `association_overview`, in one query for all of them, where a list shows them."""
    scope = require(user, Capability.REGISTRY_VIEW)
    return filter_scope(Association.objects.all(), scope, field="id").select_related("seat")


@dataclass(frozen=True, slots=True)
class MemberBrief:
    id: int
    kind: str
    code: str
    name: str
    joined: date
    left: date | None

    def active_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day <= self.left)


@dataclass(frozen=True, slots=True)
class AssociationOverview:
    id: int
    name: str
    org_number: str
    dissolved: date | None
    seat_short_name: str
    members: list[MemberBrief]

    def members_on(self, day: date) -> list[MemberBrief]:
        return [m for m in self.members if m.active_on(day)]


def association_overview(*, user: Actor) -> list[AssociationOverview]:
    """The association list (page and API): each association the user may see, by name, with its members
    (by kind and code). Two queries of plain values whatever the number of associations: the members of
    all of them are read at once and grouped here, without building a model instance per row."""
    scope = require(user, Capability.REGISTRY_VIEW)
    labels = {kind.value: str(kind.label) for kind in PartyKind}
    members: dict[int, list[MemberBrief]] = defaultdict(list)
    rows = (
        filter_scope(Member.objects.all(), scope)
        .order_by("association_id", "kind", "region__code", "municipality__code", "id")
        .values_list(
            "association_id",
            "id",
            "kind",
            "joined",
            "left",
            "region__code",
            "region__name",
            "municipality__code",
            "municipality__name",
        )
    )
    for association_id, pk, kind, joined, left, r_code, r_name, m_code, m_name in rows:
        # A region member has only a region, a municipality member only a municipality (a constraint).
        code = r_code or m_code or kind.upper()
        name = r_name or m_name or labels[kind]
        members[association_id].append(MemberBrief(pk, kind, code, name, joined, left))
    associations = (
        filter_scope(Association.objects.all(), scope, field="id")
        .order_by("name", "id")
        .values_list("id", "name", "org_number", "dissolved", "seat__short_name")
    )
    return [
        AssociationOverview(pk, name, org_number, dissolved, seat, members.get(pk, []))
        for pk, name, org_number, dissolved, seat in associations
    ]


def association_get(
    *, user: Actor, association_id: int, capability: Capability = Capability.REGISTRY_VIEW
) -> Association:
    scope = require(user, capability)
    if not scope.allows(association_id):
        raise Http404
    try:
        return Association.objects.select_related("seat__region").get(pk=association_id)
    except Association.DoesNotExist as exc:
        raise Http404 from exc


def can_edit(*, user: Actor, association_id: int | None) -> bool:
    scope = scope_for(user, Capability.REGISTRY_EDIT)
    return scope.all if association_id is None else scope.allows(association_id)


def member_list(*, user: Actor, association_id: int) -> QuerySet[Member]:
    association_get(user=user, association_id=association_id)
    return Member.objects.filter(association_id=association_id).select_related("region", "municipality")


def member_get(*, user: Actor, member_id: int, capability: Capability = Capability.REGISTRY_VIEW) -> Member:
    scope = require(user, capability)
    member = (
        Member.objects.select_related("association", "region", "municipality").filter(pk=member_id).first()
    )
    if member is None or not scope.allows(member.association_id):
        raise Http404
    return member


def board_list(*, user: Actor, association_id: int, current_only: bool = False) -> QuerySet[BoardSeat]:
    association_get(user=user, association_id=association_id)
    seats = BoardSeat.objects.filter(association_id=association_id).select_related(
        "person", "member__region", "member__municipality"
    )
    if current_only:
        day = today()
        return seats.filter(start__lte=day, end__gte=day).order_by(*BOARD_ORDER)
    return seats.order_by("-end", *BOARD_ORDER)


def _rank(field: str, codes: list[str]) -> Case:
    ranks = (When(**{field: code}, then=Value(i)) for i, code in enumerate(codes))
    return Case(*ranks, default=Value(len(codes)))


# A board as it is read out: the chair, the vice chair, then member by member (Försäkringskassan,
# Arbetsförmedlingen, the region, the municipalities) each member's ledamot before its ersättare; a later
# mandate period before an earlier one (`board_list` puts the end first when it lists every period).
BOARD_ORDER = (
    "-chair",
    "-vice_chair",
    _rank("member__kind", list(PartyKind.values)),
    "member_id",
    _rank("role", [SeatRole.MEMBER, SeatRole.DEPUTY]),
    "person__last_name",
)


def board_seat_get(
    *, user: Actor, seat_id: int, capability: Capability = Capability.REGISTRY_VIEW
) -> BoardSeat:
    scope = require(user, capability)
    seat = BoardSeat.objects.select_related("association", "person", "member").filter(pk=seat_id).first()
    if seat is None or not scope.allows(seat.association_id):
        raise Http404
    return seat


def charter_list(*, user: Actor, association_id: int) -> QuerySet[Charter]:
    association_get(user=user, association_id=association_id)
    return Charter.objects.filter(association_id=association_id).prefetch_related("shares__member")


def director_list(*, user: Actor, association_id: int) -> QuerySet[Director]:
    association_get(user=user, association_id=association_id)
    return Director.objects.filter(association_id=association_id).select_related("person")


def director_get(
    *, user: Actor, director_id: int, capability: Capability = Capability.REGISTRY_VIEW
) -> Director:
    scope = require(user, capability)
    director = Director.objects.select_related("association", "person").filter(pk=director_id).first()
    if director is None or not scope.allows(director.association_id):
        raise Http404
    return director


def representative_list(*, user: Actor, association_id: int) -> QuerySet[MemberRepresentative]:
    association_get(user=user, association_id=association_id)
    return MemberRepresentative.objects.filter(member__association_id=association_id).select_related(
        "person", "member__region", "member__municipality"
    )


def representative_get(
    *, user: Actor, representative_id: int, capability: Capability = Capability.REGISTRY_VIEW
) -> MemberRepresentative:
    scope = require(user, capability)
    representative = (
        MemberRepresentative.objects.select_related("member__association", "person")
        .filter(pk=representative_id)
        .first()
    )
    if representative is None or not scope.allows(representative.member.association_id):
        raise Http404
    return representative


def _person_scope_q(association_ids: frozenset[int]) -> Q:
    return (
        Q(association_id__in=association_ids)
        | Q(board_seats__association_id__in=association_ids)
        | Q(directorships__association_id__in=association_ids)
        | Q(representations__member__association_id__in=association_ids)
    )


def person_list(*, user: Actor, association_id: int | None = None) -> QuerySet[Person]:
    scope = require(user, Capability.REGISTRY_VIEW)
    people = Person.objects.all()
    if association_id is not None:
        if not scope.allows(association_id):
            raise Http404
        people = people.filter(_person_scope_q(frozenset({association_id})))
    elif not scope.all:
        people = people.filter(_person_scope_q(scope.association_ids))
    return people.distinct().order_by("last_name", "first_name", "id")


def person_get(*, user: Actor, person_id: int, capability: Capability = Capability.REGISTRY_VIEW) -> Person:
    scope = require(user, capability)
    people = Person.objects.filter(pk=person_id)
    if not scope.all:
        if capability == Capability.REGISTRY_EDIT:
            people = people.filter(association_id__in=scope.association_ids)
        else:
            people = people.filter(_person_scope_q(scope.association_ids))
    person = people.select_related("association").first()
    if person is None:
        raise Http404
    return person


@dataclass
class PersonPosts:
    seats: list[BoardSeat]
    directorships: list[Director]
    representations: list[MemberRepresentative]


def person_posts(*, user: Actor, person_id: int) -> PersonPosts:
    """A person's board seats, director posts and member representations, in the associations the
    user may see (a person may hold posts in several förbund). Three queries."""
    person_get(user=user, person_id=person_id)
    scope = require(user, Capability.REGISTRY_VIEW)
    seats = filter_scope(BoardSeat.objects.filter(person_id=person_id), scope).select_related(
        "association", "member__region", "member__municipality"
    )
    directors = filter_scope(Director.objects.filter(person_id=person_id), scope).select_related(
        "association"
    )
    representations = filter_scope(
        MemberRepresentative.objects.filter(person_id=person_id), scope, field="member__association_id"
    ).select_related("member__association", "member__region", "member__municipality")
    return PersonPosts(
        seats=list(seats.order_by("-start")),
        directorships=list(directors.order_by("-start")),
        representations=list(representations.order_by("-start")),
    )


def persons_for_choice(*, user: Actor, association_id: int) -> QuerySet[Person]:
    """People an editor may pick for a seat or post in this association."""
    return person_list(user=user, association_id=association_id)


# --- base querysets for the apps above the registry -------------------------------------------------
# Other apps never import the registry's models: they start their queries here and filter them to their
# needs. These are unscoped: the caller has checked access with `require` (or is the system), as every
# selector of theirs does before it reads.


def associations() -> QuerySet[Association]:
    return Association.objects.all()


def members() -> QuerySet[Member]:
    return Member.objects.select_related("region", "municipality")


def charters() -> QuerySet[Charter]:
    return Charter.objects.all()


def directors() -> QuerySet[Director]:
    return Director.objects.all()


def representatives() -> QuerySet[MemberRepresentative]:
    return MemberRepresentative.objects.all()


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.all()


def regions() -> QuerySet[Region]:
    return Region.objects.all()


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("code")


def municipality_list(*, user: Actor, query: str = "", region_code: str = "") -> QuerySet[Municipality]:
    """Reference data; any signed-in user with a registry role may read it."""
    require(user, Capability.REGISTRY_VIEW)
    qs = Municipality.objects.select_related("region")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__startswith=query))
    if region_code:
        qs = qs.filter(region__code=region_code)
    return qs.order_by("code")


def municipality_coverage() -> dict[str, int | None]:
    """Which municipality codes belong to an association today: code → association id."""
    day = today()
    rows = (
        Member.objects.filter(kind=PartyKind.MUNICIPALITY, joined__lte=day)
        .filter(Q(left__isnull=True) | Q(left__gte=day))
        .values_list("municipality__code", "association_id")
    )
    return dict(rows)


# --- R-MEMBERS and R-BOARD status -----------------------------------------------------------------


@dataclass
class MemberBoardStatus:
    member: Member
    current_members: list[BoardSeat] = field(default_factory=list)
    current_deputies: list[BoardSeat] = field(default_factory=list)
    member_gaps: list[rules.Period] = field(default_factory=list)
    deputy_gaps: list[rules.Period] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.member_gaps and not self.deputy_gaps


@dataclass
class AssociationStatus:
    day: date
    window: rules.Period
    active_members: list[Member]
    missing_kinds: list[str]
    board: list[MemberBoardStatus]

    @property
    def valid(self) -> bool:
        return not self.missing_kinds

    @property
    def missing_labels(self) -> list[str]:
        return [rules.KIND_LABELS[k] for k in self.missing_kinds]

    @property
    def board_ok(self) -> bool:
        return all(item.ok for item in self.board)


def association_status(
    *, user: Actor, association_id: int, day: date | None = None, horizon_days: int = 365
) -> AssociationStatus:
    """R-MEMBERS validity on `day` and, per active member, the days in [day, day + horizon] without a
    ledamot or without an ersättare (R-BOARD). Two queries, whatever the size of the board."""
    association_get(user=user, association_id=association_id)
    day = day or today()
    window_end = day + timedelta(days=horizon_days)
    members = list(
        Member.objects.filter(association_id=association_id).select_related("region", "municipality")
    )
    seats = list(
        BoardSeat.objects.filter(
            association_id=association_id, end__gte=day, start__lte=window_end
        ).select_related("person")
    )
    return _status(day, window_end, members, seats)


def board_statuses(*, windows: dict[int, tuple[date, int]]) -> dict[int, AssociationStatus]:
    """`association_status` of many förbund at once, each on its own day and horizon
    ({association id: (day, horizon_days)}), for the governance app's national overview. Two queries
    however many förbund. Unscoped: its caller has checked the user."""
    if not windows:
        return {}
    ends = {pk: day + timedelta(days=horizon) for pk, (day, horizon) in windows.items()}
    members: dict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.filter(association_id__in=list(windows)).select_related(
        "region", "municipality"
    ):
        members[member.association_id].append(member)
    seats: dict[int, list[BoardSeat]] = defaultdict(list)
    for seat in BoardSeat.objects.filter(
        association_id__in=list(windows),
        end__gte=min(day for day, _ in windows.values()),
        start__lte=max(ends.values()),
    ).select_related("person"):
        day = windows[seat.association_id][0]
        if seat.end >= day and seat.start <= ends[seat.association_id]:
            seats[seat.association_id].append(seat)
    return {
        pk: _status(day, ends[pk], members.get(pk, []), seats.get(pk, []))
        for pk, (day, _horizon) in windows.items()
    }


def _status(
    day: date, window_end: date, all_members: list[Member], seats: list[BoardSeat]
) -> AssociationStatus:
    members = [m for m in all_members if m.active_on(day)]
    board: list[MemberBoardStatus] = []
    for member in members:
        window = rules.Period(day, min(window_end, member.left) if member.left else window_end)
        mine = [s for s in seats if s.member_id == member.pk]
        status = MemberBoardStatus(member=member)
        for role, current, gaps in (
            (SeatRole.MEMBER, status.current_members, status.member_gaps),
            (SeatRole.DEPUTY, status.current_deputies, status.deputy_gaps),
        ):
            periods = [rules.Period(s.start, s.end) for s in mine if s.role == role]
            current.extend(s for s in mine if s.role == role and s.start <= day <= s.end)
            gaps.extend(rules.coverage_gaps(periods, window))
        board.append(status)
    return AssociationStatus(
        day=day,
        window=rules.Period(day, window_end),
        active_members=members,
        missing_kinds=rules.missing_member_kinds(m.kind for m in members),
        board=board,
    )


def association_is_valid(*, association_id: int, day: date) -> bool:
    """R-MEMBERS, for other apps' services (finance refuses adoption for an invalid association)."""
    kinds = [
        m.kind
        for m in Member.objects.filter(association_id=association_id, joined__lte=day).filter(
            Q(left__isnull=True) | Q(left__gte=day)
        )
    ]
    return not rules.missing_member_kinds(kinds)


# --- for the statistics app --------------------------------------------------------------------------
# What the outcome statistics and the national report read of the förbund. Not scoped by a user: the
# statistics check the user with `require` (and decide which förbund from the scope) before they ask.
# Each is one query.


def associations_by_name(*, association_ids: Collection[int] | None = None) -> QuerySet[Association]:
    """The förbund (all of them, or these), by name. Unscoped: see above."""
    associations = Association.objects.order_by("name")
    return associations if association_ids is None else associations.filter(pk__in=association_ids)


def association_names(*, association_ids: Iterable[int]) -> dict[int, str]:
    """Id → name of these förbund, in the order of their names. `association_ids` may be another app's
    lazy query of ids: the database then answers both in one query. Unscoped: see above."""
    return dict(Association.objects.filter(pk__in=association_ids).order_by("name").values_list("pk", "name"))


def associations_active_in(*, year: int) -> list[Association]:
    """The förbund that existed at some time during `year`, by name. Unscoped: see above."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return list(
        Association.objects.filter(founded__lte=last)
        .filter(Q(dissolved__isnull=True) | Q(dissolved__gte=first))
        .order_by("name")
    )


def association_regions() -> dict[int, list[tuple[str, str]]]:
    """Förbund id → [(region code, region name)] of its region members: a förbund's region is known by
    its members. Unscoped: see above."""
    rows = (
        Member.objects.filter(kind=PartyKind.REGION, region__isnull=False)
        .values_list("association_id", "region__code", "region__name")
        .distinct()
    )
    regions: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for association_id, code, name in rows:
        regions[association_id].append((code, name))
    return dict(regions)


# --- coverage: which municipalities and regions are in a förbund (R-NATIONAL) --------------------------
# The council's strategy goal is every municipality and every region in a förbund. A municipality (a
# region) is covered on a day when it is a member, on that day, of at least one förbund that exists on that
# day. Both the national dashboard and the open data read these figures, so that they cannot differ.
# Unscoped: the figures are public (open data); a page that shows them checks its user first.


@dataclass(frozen=True)
class CoveringAssociation:
    id: int
    name: str


@dataclass(frozen=True)
class MunicipalityCoverage:
    code: str
    name: str
    county_code: str
    county_name: str
    associations: tuple[CoveringAssociation, ...]

    @property
    def covered(self) -> bool:
        return bool(self.associations)


@dataclass(frozen=True)
class CountyCoverage:
    """A county (län) with its region: how many of its municipalities are covered, and the region."""

    code: str
    name: str
    region_name: str
    municipalities: int
    covered: int
    region_associations: tuple[CoveringAssociation, ...]

    @property
    def region_covered(self) -> bool:
        return bool(self.region_associations)

    @property
    def outside(self) -> int:
        return self.municipalities - self.covered

    @property
    def share_percent(self) -> Decimal | None:
        """Covered municipalities as a percentage of the county's, to one decimal."""
        return rules.percent(self.covered, self.municipalities)


@dataclass(frozen=True)
class Coverage:
    day: date
    municipalities: list[MunicipalityCoverage]
    counties: list[CountyCoverage]

    @property
    def municipalities_total(self) -> int:
        return sum(c.municipalities for c in self.counties)

    @property
    def municipalities_covered(self) -> int:
        return sum(c.covered for c in self.counties)

    @property
    def municipalities_share_percent(self) -> Decimal | None:
        return rules.percent(self.municipalities_covered, self.municipalities_total)

    @property
    def regions_total(self) -> int:
        return len(self.counties)

    @property
    def regions_covered(self) -> int:
        return sum(1 for c in self.counties if c.region_covered)

    @property
    def outside_municipalities(self) -> list[MunicipalityCoverage]:
        return [m for m in self.municipalities if not m.covered]

    @property
    def outside_regions(self) -> list[CountyCoverage]:
        return [c for c in self.counties if not c.region_covered]


def _associations_on(day: date) -> QuerySet[Association]:
    return Association.objects.filter(founded__lte=day).filter(
        Q(dissolved__isnull=True) | Q(dissolved__gte=day)
    )


def _membership(kind: PartyKind, day: date) -> FilteredRelation:
    """A membership of `kind` on `day` (joined as `membership`)."""
    return FilteredRelation(
        "memberships",
        condition=Q(memberships__kind=kind, memberships__joined__lte=day)
        & (Q(memberships__left__isnull=True) | Q(memberships__left__gte=day)),
    )


def _membership_association(day: date) -> FilteredRelation:
    """The förbund of `membership` when it exists on `day`, null otherwise."""
    return FilteredRelation(
        "membership__association",
        condition=Q(membership__association__founded__lte=day)
        & (
            Q(membership__association__dissolved__isnull=True)
            | Q(membership__association__dissolved__gte=day)
        ),
    )


def _active_members(kind: PartyKind, day: date) -> QuerySet[Member]:
    return Member.objects.filter(
        kind=kind, joined__lte=day, association_id__in=_associations_on(day).values("pk")
    ).filter(Q(left__isnull=True) | Q(left__gte=day))


def coverage(*, day: date) -> Coverage:
    """Every municipality and every county (with its region) on `day`, with the förbund that cover them.

    Two queries whatever the number of förbund: the municipalities joined to their memberships of the day,
    and the regions joined to theirs, with each county's counts computed by the database. Unscoped: see
    above.
    """
    municipality_rows = (
        Municipality.objects.annotate(
            membership=_membership(PartyKind.MUNICIPALITY, day), active=_membership_association(day)
        )
        .order_by("code", "active__name", "active__id")
        .values_list(
            "code",
            "name",
            "region__code",
            "region__county_name",
            "active__id",
            "active__name",
        )
    )
    covered_in_region = (
        Municipality.objects.filter(region=OuterRef("pk"))
        .filter(Exists(_active_members(PartyKind.MUNICIPALITY, day).filter(municipality=OuterRef("pk"))))
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_region = (
        Municipality.objects.filter(region=OuterRef("pk"))
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
        .values("n")
    )
    region_rows = (
        Region.objects.annotate(
            membership=_membership(PartyKind.REGION, day),
            active=_membership_association(day),
            total=Coalesce(Subquery(in_region), 0),
            covered_count=Coalesce(Subquery(covered_in_region), 0),
        )
        .order_by("code", "active__name", "active__id")
        .values_list(
            "code",
            "county_name",
            "name",
            "total",
            "covered_count",
            "active__id",
            "active__name",
        )
    )
    municipalities: dict[str, MunicipalityCoverage] = {}
    for code, name, county_code, county_name, association_id, association_name in municipality_rows:
        known = municipalities.get(code)
        found = (CoveringAssociation(association_id, association_name),) if association_id else ()
        if known is None:
            municipalities[code] = MunicipalityCoverage(code, name, county_code, county_name, found)
        elif found and found[0] not in known.associations:
            municipalities[code] = replace(known, associations=known.associations + found)
    counties: dict[str, CountyCoverage] = {}
    for code, county_name, region_name, total, covered, association_id, association_name in region_rows:
        known_county = counties.get(code)
        found = (CoveringAssociation(association_id, association_name),) if association_id else ()
        if known_county is None:
            counties[code] = CountyCoverage(code, county_name, region_name, total, covered, found)
        elif found and found[0] not in known_county.region_associations:
            counties[code] = replace(
                known_county, region_associations=known_county.region_associations + found
            )
    return Coverage(day=day, municipalities=list(municipalities.values()), counties=list(counties.values()))


def board_shortfalls(*, day: date) -> dict[int, list[str]]:
    """R-BOARD on `day` for every förbund that exists then: förbund id → the names of its members without
    a current ledamot or ersättare ("Umeå kommun (ersättare)"); an empty list when the board is complete.
    Two queries for all förbund. Unscoped: the caller checks its user first."""
    members = list(
        _associations_on(day)
        .annotate(
            membership=FilteredRelation(
                "members",
                condition=Q(members__joined__lte=day)
                & (Q(members__left__isnull=True) | Q(members__left__gte=day)),
            )
        )
        .values_list(
            "pk",
            "membership__pk",
            "membership__kind",
            "membership__region__name",
            "membership__municipality__name",
        )
    )
    seated = set(
        BoardSeat.objects.filter(start__lte=day, end__gte=day).values_list("member_id", "role").distinct()
    )
    result: dict[int, list[str]] = {}
    for association_id, member_id, kind, region_name, municipality_name in members:
        missing = result.setdefault(association_id, [])
        if member_id is None:
            continue
        name = region_name or municipality_name or str(PartyKind(kind).label)
        for role in (SeatRole.MEMBER, SeatRole.DEPUTY):
            if (member_id, role) not in seated:
                missing.append(f"{name} ({str(role.label).lower()})")
    return result


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """The registry's objects named in audit entries, for the log (the caller has scoped the entries).
    One query per kind of object."""
    described: Described = {}
    for a in Association.objects.filter(pk__in=ids_of(refs, "registry.association")):
        described["registry.association", str(a.pk)] = ObjectText(
            a.name, reverse("registry:association_detail", args=[a.pk])
        )
    for m in Member.objects.filter(pk__in=ids_of(refs, "registry.member")).select_related(
        "association", "region", "municipality"
    ):
        described["registry.member", str(m.pk)] = ObjectText(
            gettext("medlemmen {member} i {association}").format(
                member=m.name, association=m.association.name
            ),
            reverse("registry:association_detail", args=[m.association_id]),
        )
    for p in Person.objects.filter(pk__in=ids_of(refs, "registry.person")):
        described["registry.person", str(p.pk)] = ObjectText(
            p.name, reverse("registry:person_detail", args=[p.pk])
        )
    for s in BoardSeat.objects.filter(pk__in=ids_of(refs, "registry.boardseat")).select_related(
        "person", "member__region", "member__municipality"
    ):
        described["registry.boardseat", str(s.pk)] = ObjectText(
            gettext("{person} som {role} för {member}").format(
                person=s.person.name, role=str(SeatRole(s.role).label).lower(), member=s.member.name
            ),
            reverse("registry:board", args=[s.association_id]),
        )
    for d in Director.objects.filter(pk__in=ids_of(refs, "registry.director")).select_related("person"):
        described["registry.director", str(d.pk)] = ObjectText(
            gettext("{person} som förbundschef").format(person=d.person.name),
            reverse("registry:director_list", args=[d.association_id]),
        )
    for r in MemberRepresentative.objects.filter(
        pk__in=ids_of(refs, "registry.memberrepresentative")
    ).select_related("person", "member__region", "member__municipality"):
        described["registry.memberrepresentative", str(r.pk)] = ObjectText(
            gettext("{person} som medlemsrepresentant för {member}").format(
                person=r.person.name, member=r.member.name
            ),
            reverse("registry:representative_list", args=[r.member.association_id]),
        )
    for c in Charter.objects.filter(pk__in=ids_of(refs, "registry.charter")):
        described["registry.charter", str(c.pk)] = ObjectText(
            gettext("förbundsordningen version {version}").format(version=c.version),
            reverse("registry:charter_list", args=[c.association_id]),
        )
    return described
