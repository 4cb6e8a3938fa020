"""Every read of participants and participations, scoped by the user.

A participant exists only for the participant coordinators assigned to its intervention (in a förbund
where they hold that role); for everyone else it raises Http404. The reads here never decrypt an
identity: that is `services.participant_identity_read`, which writes the audit entry.
Counts for those who may not see participants (association admins, boards) come from `intervention_counts`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from finsam.core.access import Actor, require, scope_for
from finsam.core.audit_text import Described, ObjectText, Refs, ids_of
from finsam.core.errors import RuleViolation
from finsam.core.roles import Capability
from finsam.followup import identity
from finsam.followup.models import (
    DurationSummary,
    ExitedSummary,
    FollowUpAnswer,
    FollowUpQuestion,
    IncomeSourceEntry,
    IncomeSummary,
    OutcomeSummary,
    Participant,
    Participation,
    Sex,
    StartedAgeSummary,
    StartedSummary,
    SummaryStamp,
    TakingPartSummary,
)
from finsam.followup.schemas import ParticipantSort, ParticipantStatus
from finsam.interventions import selectors as intervention_selectors
from finsam.interventions.schemas import InterventionKind


def intervention_has_participants(*, intervention_id: int) -> bool:
    """For the interventions app's rules (the kind of an intervention with participants is fixed)."""
    return Participant.objects.filter(intervention_id=intervention_id).exists()


def consent_form_content(*, name: str) -> bytes:
    """A scanned consent form as it was uploaded: stored encrypted (followup.identity), decrypted here.
    The caller has checked the reader's access and audited the read. A file the keys cannot decrypt is
    refused with RuleViolation R-KEYS, never sent as it lies."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    try:
        return identity.decrypt_file(content)
    except identity.IdentityKeyError as exc:
        raise RuleViolation(
            "R-KEYS",
            gettext(
                "Blanketten kan inte läsas med plattformens nycklar. Kontakta den som driftar plattformen."
            ),
        ) from exc


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
    # The interventions in scope as a list of ids (one small query), not a subquery: the database then
    # checks each participant's intervention against the list as it walks the rows in order, where a
    # semi-join against the subquery, in the order of a deep page, compared every row with every
    # intervention (issue 11: page 400 of 40 000).
    in_scope = intervention_selectors.coordinated_interventions(user=user, association_id=association_id)
    interventions = list(in_scope.values_list("pk", flat=True))
    participants = Participant.objects.filter(
        association_id=association_id, intervention_id__in=interventions
    )
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
        # A scalar subquery, not EXISTS: PostgreSQL turns EXISTS into a semi-join that hashes every
        # counted participation of the table before the first row, where a participant has one or two,
        # looked up by index (issue 11: half the time of the list "in statistics").
        participants = participants.alias(
            counted=Subquery(mine.for_statistics().order_by().values("pk")[:1])
        ).filter(counted__isnull=False)
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


@dataclass(frozen=True)
class SamePerson:
    """The other records of the same person in the förbund (the same keyed hash, docs/participant-list.md):
    those in interventions the user coordinates, with the intervention's name, and how many others."""

    shown: list[tuple[int, str]]
    elsewhere: int

    def __bool__(self) -> bool:
        return bool(self.shown) or self.elsewhere > 0


def same_person(*, user: Actor, participant: Participant) -> SamePerson:
    """For a participant the user may see (`participant_get`): the other participants of the förbund with
    the same identity. An intervention is named only where the user coordinates it."""
    if participant.identity_hash is None:
        return SamePerson(shown=[], elsewhere=0)
    others = Participant.objects.filter(
        association_id=participant.association_id, identity_hash=participant.identity_hash
    ).exclude(pk=participant.pk)
    coordinated = intervention_selectors.coordinated_interventions(
        user=user, association_id=participant.association_id
    )
    shown = list(
        others.filter(intervention__in=coordinated).order_by("pk").values_list("pk", "intervention__name")
    )
    return SamePerson(shown=shown, elsewhere=others.exclude(intervention__in=coordinated).count())


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
# The figures behind the outcome statistics, the economy and the national report. They answer counts,
# sums and ids, never a person, and they are not scoped by a user: the statistics check the user with
# `require` (and the förbund against the scope) before they ask.
#
# They read the summary tables (models.StartedSummary …, kept current by the services: `summaries`), one
# GROUP BY over a summary's cells each, never the participation rows. The participations counted are those
# of individual-level interventions that were not registered by mistake (`participations_counted`). The
# year of a figure: "started" counts participations started in the year, "exited" those exited in the
# year, "ongoing" those open on 31 December of the year (for the current year: today, as no start or exit
# can lie after the day it is recorded).

YearSet = Literal["started", "exited", "ongoing"]

# What `participation_counts` groups by: a name each, for a key field of a summary.
ParticipationDimension = Literal[
    "association", "intervention", "sex", "age_band", "employment_after", "income_before", "income_after"
]
_DIMENSIONS: dict[str, str] = {
    "association": "association_id",
    "intervention": "intervention_id",
    "sex": "sex",
    "age_band": "age_band",
    "employment_after": "employment_after",
    "income_before": "income_before",
    "income_after": "income_after",
}
# The summaries of each year set, the first with every dimension asked for answers.
_SUMMARIES: dict[str, tuple[type[models.Model], ...]] = {
    "started": (StartedSummary, StartedAgeSummary),
    "exited": (ExitedSummary, OutcomeSummary, IncomeSummary),
}


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def participations_counted(*, association_id: int | None = None) -> QuerySet[Participation]:
    """The participations the statistics count (optionally of one förbund), as rows. Unscoped: see above."""
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


def _summary_for(which: str, fields: Sequence[str]) -> type[models.Model]:
    for model in _SUMMARIES[which]:
        names = {field.attname for field in model._meta.concrete_fields}
        if set(fields) <= names:
            return model
    raise ValueError(f"No summary of {which} participations by {', '.join(fields)}")


def _summed(cells: QuerySet[Any], fields: Sequence[str], value: str = "n") -> dict[tuple[Any, ...], int]:
    # Tuples, not dicts: the national duration table alone is a thousand rows and more.
    rows = cells.order_by().values(*fields).annotate(total=Sum(value)).filter(~Q(total=0))
    return {row[:-1]: row[-1] for row in rows.values_list(*fields, "total")}


def participation_counts(
    *,
    year: int,
    which: YearSet,
    by: Sequence[ParticipationDimension],
    association_id: int | None = None,
) -> dict[tuple[Any, ...], int]:
    """{(value, …): participations} of those started, exited or ongoing in `year`, grouped by `by`, from
    the summary with those dimensions in one GROUP BY. The values are as stored: ids, codes, and "" where
    one is missing (age band unknown, no income source, no employment at exit). The main income source
    is the one with the largest extent. Ongoing: started up to the year minus exited up to the year
    (by intervention and sex). Unscoped: see above."""
    fields = [_DIMENSIONS[dimension] for dimension in by]
    if which == "ongoing":
        started = _cumulative(StartedSummary, year, association_id, fields)
        exited = _cumulative(ExitedSummary, year, association_id, fields)
        ongoing = {key: n - exited.get(key, 0) for key, n in started.items()}
        return {key: n for key, n in ongoing.items() if n}
    cells = _summary_for(which, fields)._default_manager.filter(year=year)
    if association_id is not None:
        cells = cells.filter(association_id=association_id)
    return _summed(cells, fields)


def _cumulative(
    model: type[models.Model], year: int, association_id: int | None, fields: Sequence[str]
) -> dict[tuple[Any, ...], int]:
    cells = model._default_manager.filter(year__lte=year)
    if association_id is not None:
        cells = cells.filter(association_id=association_id)
    return _summed(cells, fields)


def participation_durations(*, year: int, association_id: int | None = None) -> dict[int, int]:
    """{whole days from start to exit: participations exited in `year`}, one query. Unscoped: see above."""
    cells = DurationSummary.objects.filter(year=year)
    if association_id is not None:
        cells = cells.filter(association_id=association_id)
    return {days: n for (days,), n in _summed(cells, ["days"]).items()}


def duration_band_counts(
    durations: Mapping[int, int], bands: Sequence[tuple[str, int | None]]
) -> dict[str, int]:
    """{band: participations} of `participation_durations`. A band is (code, first day of the next band);
    what falls in none of them is in the last."""
    bounded = sorted((limit, code) for code, limit in bands if limit is not None)
    limits = [limit for limit, _ in bounded]
    codes = [code for _, code in bounded] + [bands[-1][0]]
    counts: dict[str, int] = {}
    for days, n in durations.items():
        band = codes[bisect_right(limits, days)]
        counts[band] = counts.get(band, 0) + n
    return counts


def duration_mean_median(durations: Mapping[int, int]) -> tuple[float | None, float | None]:
    """(mean, median) days of `participation_durations`; the median is the middle one, or the mean of the
    two middle ones."""
    n = sum(durations.values())
    if n == 0:
        return None, None
    mean = sum(days * count for days, count in durations.items()) / n
    middle: list[int] = []
    seen = 0
    for days in sorted(durations):
        count = durations[days]
        for position in ((n - 1) // 2, n // 2):
            if seen <= position < seen + count:
                middle.append(days)
        seen += count
    return mean, sum(middle) / len(middle)


def summaries_stamp(*, year: int, association_id: int | None = None) -> tuple[tuple[int, int, int], ...]:
    """The stamps of the summaries (models.SummaryStamp) of `year` and the years before it — all that the
    statistics of `year` read — one förbund's or every förbund's, as ((association id, year, stamp), …):
    whatever a write changes in those cells, it changes these in the same transaction. Read them before the
    summaries: what is read after is at least as new. One query. Unscoped: see above."""
    stamps = SummaryStamp.objects.filter(year__lte=year).order_by("association_id", "year")
    if association_id is not None:
        stamps = stamps.filter(association_id=association_id)
    return tuple(stamps.values_list("association_id", "year", "stamp"))


def statistics_first_year() -> int | None:
    """The year of the first start the statistics count. Unscoped: see above."""
    first: int | None = StartedSummary.objects.filter(n__gt=0).aggregate(first=Min("year"))["first"]
    return first


def participations_first_start(*, counted_only: bool = True) -> date | None:
    """The first start on record: of the participations the statistics count, or of all of them."""
    participations = participations_counted() if counted_only else Participation.objects.all()
    first: date | None = participations.aggregate(first=Min("start"))["first"]
    return first


def participation_association_ids(*, until_year: int) -> QuerySet[Any, int]:
    """The ids of the förbund with participations the statistics count started in `until_year` or before
    it, as a lazy query: handed to a registry selector, the database answers both in one query. Unscoped:
    see above."""
    return (
        StartedSummary.objects.filter(n__gt=0, year__lte=until_year)
        .order_by()
        .values_list("association_id", flat=True)
        .distinct()
    )


def participants_per_intervention(*, year: int, association_id: int) -> dict[int, int]:
    """Intervention id → people whose participation was open at some time during `year`. One query.
    Unscoped: see above."""
    cells = TakingPartSummary.objects.filter(association_id=association_id, year__lte=year)
    return {pk: n for (pk,), n in _summed(cells, ["intervention_id"], "change").items()}


def participants_per_intervention_and_sex(
    *, year: int, association_ids: Collection[int]
) -> dict[tuple[int, int, str], int]:
    """(association id, intervention id, sex) → people whose participation was open at some time during
    `year`, for the national report of these förbund. One query. Unscoped: see above."""
    cells = TakingPartSummary.objects.filter(association_id__in=association_ids, year__lte=year)
    counts = _summed(cells, ["association_id", "intervention_id", "sex"], "change")
    return {(association, intervention, sex): n for (association, intervention, sex), n in counts.items()}


def public_support_per_intervention(*, year: int, association_id: int) -> dict[int, tuple[int, int, int]]:
    """Intervention id → (participations exited in `year`, their public support before, after, summed in
    percent of full time) for the socio-economic estimate. One query. Unscoped: see above."""
    rows = (
        ExitedSummary.objects.filter(year=year, association_id=association_id)
        .order_by()
        .values("intervention_id")
        .annotate(exited=Sum("n"), before=Sum("support_before"), after=Sum("support_after"))
        .filter(exited__gt=0)
    )
    return {row["intervention_id"]: (row["exited"], row["before"] or 0, row["after"] or 0) for row in rows}


# --- the audit log's words ------------------------------------------------------------------------


def audit_objects(*, refs: Refs) -> Described:
    """The follow-up's objects named in audit entries, for the log. A participant is named by number
    only: the log never shows an identity. One query per kind of object."""
    described: Described = {}
    for pk in ids_of(refs, "followup.participant"):
        described["followup.participant", str(pk)] = ObjectText(
            gettext("deltagare nr {number}").format(number=pk),
            reverse("followup:participant_detail", args=[pk]),
        )
    for p in Participation.objects.filter(pk__in=ids_of(refs, "followup.participation")).select_related(
        "intervention"
    ):
        described["followup.participation", str(p.pk)] = ObjectText(
            gettext("deltagare nr {number} i insatsen {intervention}").format(
                number=p.participant_id, intervention=p.intervention.name
            ),
            reverse("followup:participant_detail", args=[p.participant_id]),
        )
    for q in FollowUpQuestion.objects.filter(pk__in=ids_of(refs, "followup.followupquestion")):
        described["followup.followupquestion", str(q.pk)] = ObjectText(
            gettext("uppföljningsfrågan ”{text}”").format(text=q.text),
            reverse("followup:question_list", args=[q.association_id]),
        )
    return described
