"""Every read of participants and participations, scoped by the user.

A participant exists only for the participant coordinators assigned to its intervention (in a förbund
where they hold that role); for everyone else it raises Http404. The reads here never decrypt an
identity: that is `services.participant_identity_read`, which writes the audit entry.
Counts for those who may not see participants (association admins, boards) come from `intervention_counts`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.http import Http404
from django.utils import timezone

from finsam.core.access import Actor, require, scope_for
from finsam.core.roles import Capability
from finsam.followup import identity, rules
from finsam.followup.models import (
    FollowUpAnswer,
    FollowUpQuestion,
    IncomeSourceEntry,
    Participant,
    Participation,
    Sex,
)
from finsam.followup.schemas import ParticipantSort, ParticipantStatus, Phase
from finsam.interventions import selectors as intervention_selectors
from finsam.interventions.schemas import InterventionKind


def intervention_has_participants(*, intervention_id: int) -> bool:
    """For the interventions app's rules (the kind of an intervention with participants is fixed)."""
    return Participant.objects.filter(intervention_id=intervention_id).exists()


def identity_keyed_hash(normalised: str) -> str:
    """The keyed hash (HMAC) by which a personnummer is found again, for an import's duplicate check."""
    return identity.keyed_hash(normalised)


def registered_identities(
    *, intervention_ids: Iterable[int], hashes: Iterable[str]
) -> set[tuple[int, str | None]]:
    """(intervention id, keyed hash) of the participants already registered among these."""
    ids, keys = sorted(set(intervention_ids)), list(hashes)
    if connection.vendor == "postgresql":
        # One probe of the unique index (intervention, keyed hash) per pair. With `IN` lists, a planner that
        # has no statistics of the table yet (an import fills it in the transaction that looks up its next
        # batch) may take every participant of the intervention and compare each with a thousand hashes:
        # minutes per lookup once the intervention has a million participants.
        table = connection.ops.quote_name(Participant._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.intervention_id, p.identity_hash "  # noqa: S608 - the table's name only
                "FROM unnest(%s::bigint[]) AS i(id) CROSS JOIN unnest(%s::text[]) AS h(hash) "
                f"JOIN {table} p ON p.intervention_id = i.id AND p.identity_hash = h.hash",
                [ids, keys],
            )
            return {(intervention_id, hashed) for intervention_id, hashed in cursor.fetchall()}
    return set(
        Participant.objects.filter(intervention_id__in=ids, identity_hash__in=keys).values_list(
            "intervention_id", "identity_hash"
        )
    )


def _participations() -> QuerySet[Participation]:
    return Participation.objects.order_by("start").prefetch_related(
        Prefetch("income_sources", queryset=IncomeSourceEntry.objects.order_by("phase", "source")),
        Prefetch("answers", queryset=FollowUpAnswer.objects.select_related("question")),
    )


def _first_start() -> Subquery:
    return Subquery(
        Participation.objects.filter(participant=OuterRef("pk")).order_by("start").values("start")[:1],
        output_field=DateField(),
    )


_ORDER: dict[str, tuple[Any, ...]] = {
    ParticipantSort.NUMBER: (F("id").asc(),),
    ParticipantSort.NUMBER_DESC: (F("id").desc(),),
    ParticipantSort.START: (F("first_start").asc(nulls_last=True), F("id").asc()),
    ParticipantSort.START_DESC: (F("first_start").desc(nulls_last=True), F("id").desc()),
    ParticipantSort.INTERVENTION: (F("intervention__name").asc(), F("id").asc()),
    ParticipantSort.INTERVENTION_DESC: (F("intervention__name").desc(), F("id").desc()),
}


def participant_list(
    *,
    user: Actor,
    association_id: int,
    intervention_id: int | None = None,
    status: str | None = None,
    start_year: int | None = None,
    participant_number: int | None = None,
    identity_hash: str | None = None,
    sort: str = ParticipantSort.NUMBER_DESC,
    with_participations: bool = True,
) -> QuerySet[Participant]:
    """Pseudonymous: the rows carry anonymous facts only; the ciphertext is not even loaded.

    Filtered, sorted and ready to be paged (a slice is one query, plus one for the participations when
    `with_participations`). Each row has `first_start`, `ongoing_since` and `last_exit` as subqueries, so
    the database works them out for the rows of a page only (except `first_start` when sorting by it).
    `status` is a `ParticipantStatus`; `identity_hash` the keyed hash of a personnummer (exact), found
    with `services.participant_identity_search`, which writes the audit entry."""
    scope = require(user, Capability.PARTICIPANT_VIEW)
    if not scope.allows(association_id):
        raise Http404
    interventions = intervention_selectors.coordinated_interventions(user=user, association_id=association_id)
    participants = Participant.objects.filter(association_id=association_id, intervention__in=interventions)
    if intervention_id is not None:
        participants = participants.filter(intervention_id=intervention_id)
    if start_year is not None:
        participants = participants.filter(start_year=start_year)
    if participant_number is not None:
        participants = participants.filter(pk=participant_number)
    if identity_hash is not None:
        participants = participants.filter(identity_hash=identity_hash)
    mine = Participation.objects.filter(participant=OuterRef("pk"))
    if status == ParticipantStatus.ONGOING:
        participants = participants.filter(Exists(mine.filter(exit__isnull=True)))
    elif status == ParticipantStatus.EXITED:
        participants = participants.filter(Exists(mine), ~Exists(mine.filter(exit__isnull=True)))
    elif status == ParticipantStatus.IN_STATISTICS:
        participants = participants.filter(Exists(mine.for_statistics()))
    participants = (
        participants.defer("identity_ciphertext")
        .annotate(
            first_start=_first_start(),
            ongoing_since=Subquery(mine.filter(exit__isnull=True).values("start")[:1]),
            last_exit=Subquery(
                mine.filter(exit__isnull=False).order_by("-exit").values("exit")[:1],
                output_field=DateField(),
            ),
        )
        .select_related("intervention", "consent")
        .order_by(*_ORDER.get(sort, _ORDER[ParticipantSort.NUMBER_DESC]))
    )
    if with_participations:
        participants = participants.prefetch_related(
            Prefetch("participations", queryset=Participation.objects.order_by("start"))
        )
    return participants


class ParticipantPages:
    """A participant list to page (`Paginator(ParticipantPages(participants), 50)`, or a slice in the
    API): the count is one query, and a page is one query that picks the page's ids first, in a
    subquery without the per-row subqueries, and works those out for the page's rows only. Slicing the
    list itself would have the database work them out for every row skipped by the offset."""

    ordered = True

    def __init__(self, participants: QuerySet[Participant]) -> None:
        self.participants = participants

    def count(self) -> int:
        return self.participants.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Participant]:
        ids = self.participants.values("pk")[page]
        return list(self.participants.filter(pk__in=Subquery(ids)))


def participant_get(
    *, user: Actor, participant_id: int, capability: Capability = Capability.PARTICIPANT_VIEW
) -> Participant:
    require(user, capability)
    interventions = intervention_selectors.coordinated_interventions(user=user)
    participant = (
        Participant.objects.filter(pk=participant_id, intervention__in=interventions)
        .select_related("intervention", "association", "consent")
        .prefetch_related(Prefetch("participations", queryset=_participations()))
        .first()
    )
    if participant is None:
        raise Http404
    return participant


def participation_get(
    *, user: Actor, participation_id: int, capability: Capability = Capability.PARTICIPANT_VIEW
) -> Participation:
    require(user, capability)
    interventions = intervention_selectors.coordinated_interventions(user=user)
    participation = (
        _participations()
        .filter(pk=participation_id, intervention__in=interventions)
        .select_related("participant", "intervention", "association")
        .first()
    )
    if participation is None:
        raise Http404
    return participation


def question_list(
    *, user: Actor, association_id: int, point: str | None = None, active_only: bool = False
) -> QuerySet[FollowUpQuestion]:
    """The förbund's follow-up questions: for its admins (to manage) and coordinators (to ask).
    `point` ("exit" or "later") keeps the active questions asked then."""
    managing = scope_for(user, Capability.FOLLOWUP_QUESTIONS_EDIT)
    asking = scope_for(user, Capability.PARTICIPANT_EDIT)
    if managing.empty and asking.empty:
        raise PermissionDenied
    if not (managing.allows(association_id) or asking.allows(association_id)):
        raise Http404
    questions = FollowUpQuestion.objects.filter(association_id=association_id)
    if point is not None:
        questions = questions.filter(active=True, asked_at__in=[point, "both"])
    elif active_only:
        questions = questions.filter(active=True)
    return questions.order_by("position", "id")


def question_get(*, user: Actor, question_id: int) -> FollowUpQuestion:
    scope = require(user, Capability.FOLLOWUP_QUESTIONS_EDIT)
    question = FollowUpQuestion.objects.filter(pk=question_id).select_related("association").first()
    if question is None or not scope.allows(question.association_id):
        raise Http404
    return question


@dataclass(frozen=True)
class InterventionCounts:
    """Counts of participations in one intervention; "registered by mistake" is left out."""

    participants: int
    started: int
    ongoing: int
    exited: int
    women: int
    men: int


def intervention_counts(*, user: Actor, intervention_id: int) -> InterventionCounts:
    """For everyone who may see the intervention: counts only, one query, no person."""
    intervention_selectors.intervention_get(user=user, intervention_id=intervention_id)
    row = (
        Participation.objects.for_statistics()
        .filter(intervention_id=intervention_id)
        .aggregate(
            participants=Count("participant", distinct=True),
            started=Count("id"),
            ongoing=Count("id", filter=Q(exit__isnull=True)),
            exited=Count("id", filter=Q(exit__isnull=False)),
            women=Count("participant", distinct=True, filter=Q(participant__sex=Sex.WOMAN)),
            men=Count("participant", distinct=True, filter=Q(participant__sex=Sex.MAN)),
        )
    )
    return InterventionCounts(**{key: value or 0 for key, value in row.items()})


# --- for the statistics app --------------------------------------------------------------------------
# The aggregations behind the outcome statistics, the economy and the national report. They answer counts,
# sums and ids, never a person, and they are not scoped by a user: the statistics check the user with
# `require` (and the förbund against the scope) before they ask. Every one aggregates in the database.
#
# The participations the statistics count are those of individual-level interventions that were not
# registered by mistake. The year of a figure: "started" counts participations started in the year,
# "exited" those exited in the year, "ongoing" those open on 31 December of the year (or today, for the
# current year).

YearSet = Literal["started", "exited", "ongoing"]

# What `participation_counts` groups by: a name each, for the field or expression behind it.
ParticipationDimension = Literal[
    "association", "intervention", "sex", "birth_year", "employment_after", "income_before", "income_after"
]
_DIMENSIONS: dict[str, str] = {
    "association": "association_id",
    "intervention": "intervention_id",
    "sex": "participant__sex",
    "birth_year": "participant__birth_year",
    "employment_after": "employment_after",
    "income_before": "main_income_before",
    "income_after": "main_income_after",
}


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def participations_counted(*, association_id: int | None = None) -> QuerySet[Participation]:
    """The participations the statistics count (optionally of one förbund). Unscoped: see above."""
    participations = Participation.objects.for_statistics().filter(
        intervention__kind=InterventionKind.INDIVIDUAL
    )
    if association_id is not None:
        participations = participations.filter(association_id=association_id)
    return participations


def participations_started_in(*, year: int, association_id: int | None = None) -> QuerySet[Participation]:
    first, last = _year_bounds(year)
    return participations_counted(association_id=association_id).filter(start__gte=first, start__lte=last)


def participations_exited_in(*, year: int, association_id: int | None = None) -> QuerySet[Participation]:
    first, last = _year_bounds(year)
    return participations_counted(association_id=association_id).filter(exit__gte=first, exit__lte=last)


def participations_ongoing_at_end_of(
    *, year: int, association_id: int | None = None
) -> QuerySet[Participation]:
    last = min(_year_bounds(year)[1], timezone.localdate())
    return (
        participations_counted(association_id=association_id)
        .filter(start__lte=last)
        .filter(Q(exit__isnull=True) | Q(exit__gt=last))
    )


_IN_YEAR: dict[str, Callable[..., QuerySet[Participation]]] = {
    "started": participations_started_in,
    "exited": participations_exited_in,
    "ongoing": participations_ongoing_at_end_of,
}


def _main_income_source(phase: str) -> Subquery:
    """The income source with the largest extent (ties: the source code's order) of one phase."""
    return Subquery(
        IncomeSourceEntry.objects.filter(participation=OuterRef("pk"), phase=phase)
        .order_by("-extent", "source")
        .values("source")[:1],
        output_field=CharField(),
    )


def participation_counts(
    *,
    year: int,
    which: YearSet,
    by: Sequence[ParticipationDimension],
    association_id: int | None = None,
) -> dict[tuple[Any, ...], int]:
    """{(value, …): participations} of those started, exited or ongoing in `year`, grouped by `by` in one
    GROUP BY. The values are as stored: ids, codes, birth years, and None or "" where one is missing; the
    main income source before or after is the one with the largest extent. Unscoped: see above."""
    participations = _IN_YEAR[which](year=year, association_id=association_id)
    if "income_before" in by:
        participations = participations.annotate(main_income_before=_main_income_source(Phase.BEFORE))
    if "income_after" in by:
        participations = participations.annotate(main_income_after=_main_income_source(Phase.AFTER))
    fields = [_DIMENSIONS[dimension] for dimension in by]
    rows = participations.order_by().values(*fields).annotate(n=Count("id"))
    return {tuple(row[f] for f in fields): row["n"] for row in rows}


def participation_duration_band_counts(
    *, year: int, bands: Sequence[tuple[str, int | None]], association_id: int | None = None
) -> dict[str, int]:
    """{band: participations exited in `year`} by the time from start to exit, in one GROUP BY. A band is
    (code, first day of the next band); what falls in none of them is in the last. Unscoped: see above."""
    whens = [
        When(exit__lt=F("start") + timedelta(days=limit), then=Value(code))
        for code, limit in bands
        if limit is not None
    ]
    band = Case(*whens, default=Value(bands[-1][0]), output_field=CharField())
    rows = (
        participations_exited_in(year=year, association_id=association_id)
        .annotate(band=band)
        .order_by()
        .values("band")
        .annotate(n=Count("id"))
    )
    return {row["band"]: row["n"] for row in rows}


def participation_duration_days(
    *, year: int, association_id: int | None = None
) -> tuple[float | None, float | None]:
    """(mean, median) days from start to exit of the participations exited in `year`; the median from the
    one or two middle rows of the database's ordering. Unscoped: see above."""
    durations = (
        participations_exited_in(year=year, association_id=association_id)
        .order_by()
        .annotate(days=ExpressionWrapper(F("exit") - F("start"), output_field=DurationField()))
    )
    n = durations.count()
    if n == 0:
        return None, None
    mean = durations.aggregate(mean=Avg("days"))["mean"]
    middle = list(durations.order_by("days").values_list("days", flat=True)[(n - 1) // 2 : n // 2 + 1])
    median = sum(d.days for d in middle) / len(middle)
    return (mean.total_seconds() / 86400 if mean is not None else None), median


def participations_first_start(*, counted_only: bool = True) -> date | None:
    """The first start on record: of the participations the statistics count, or of all of them."""
    participations = participations_counted() if counted_only else Participation.objects.all()
    first: date | None = participations.aggregate(first=Min("start"))["first"]
    return first


def participation_association_ids() -> QuerySet[Participation, int]:
    """The ids of the förbund with participations the statistics count, as a lazy query: handed to a
    registry selector, the database answers both in one query. Unscoped: see above."""
    return participations_counted().order_by().values_list("association_id", flat=True).distinct()


def _taking_part_during(participations: QuerySet[Participation], year: int) -> QuerySet[Participation]:
    first, last = _year_bounds(year)
    return participations.filter(start__lte=last).filter(Q(exit__isnull=True) | Q(exit__gte=first))


def participants_per_intervention(*, year: int, association_id: int) -> dict[int, int]:
    """Intervention id → people whose participation was open at some time during `year`. One query.
    Unscoped: see above."""
    rows = (
        _taking_part_during(participations_counted(association_id=association_id), year)
        .order_by()
        .values("intervention_id")
        .annotate(n=Count("participant_id", distinct=True))
    )
    return {row["intervention_id"]: row["n"] for row in rows}


def participants_per_intervention_and_sex(
    *, year: int, association_ids: Collection[int]
) -> dict[tuple[int, int, str], int]:
    """(association id, intervention id, sex) → people whose participation was open at some time during
    `year`, for the national report of these förbund. One query. Unscoped: see above."""
    participations = Participation.objects.for_statistics().filter(
        association_id__in=association_ids, intervention__kind=InterventionKind.INDIVIDUAL
    )
    rows = (
        _taking_part_during(participations, year)
        .order_by()
        .values("association_id", "intervention_id", "participant__sex")
        .annotate(n=Count("participant_id", distinct=True))
    )
    return {
        (row["association_id"], row["intervention_id"], row["participant__sex"]): row["n"] for row in rows
    }


def _public_support_percent(phase: str) -> Least:
    """A participation's public support in one phase, in percent of full time, at most 100
    (rules.public_support_percent, in the database)."""
    summed = (
        IncomeSourceEntry.objects.filter(
            participation=OuterRef("pk"), phase=phase, source__in=rules.PUBLIC_SUPPORT
        )
        .order_by()
        .values("participation")
        .annotate(total=Sum("extent"))
        .values("total")
    )
    return Least(
        Coalesce(Subquery(summed, output_field=IntegerField()), Value(0)),
        Value(100),
        output_field=IntegerField(),
    )


def public_support_per_intervention(*, year: int, association_id: int) -> dict[int, tuple[int, int, int]]:
    """Intervention id → (participations exited in `year`, their public support before, after, summed in
    percent of full time) for the socio-economic estimate. One query. Unscoped: see above."""
    exited = participations_exited_in(year=year, association_id=association_id).annotate(
        before_percent=_public_support_percent(Phase.BEFORE),
        after_percent=_public_support_percent(Phase.AFTER),
    )
    rows = (
        exited.order_by()
        .values("intervention_id")
        .annotate(n=Count("id"), before=Sum("before_percent"), after=Sum("after_percent"))
    )
    return {row["intervention_id"]: (row["n"], row["before"] or 0, row["after"] or 0) for row in rows}
