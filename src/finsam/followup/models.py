"""Participants, consent, participations and the förbund's own follow-up questions.

R-NO-AUTHORITY: a förbund does not decide on benefits or rights for individuals. These models record
participation and its outcomes (what a person lived on and did before and after), never a decision about
an individual's benefits: there are no such fields, and none may be added.

R-CONSENT: a participant's personnummer or samordningsnummer is kept only with written consent for the
intervention, encrypted (`identity_ciphertext`, Fernet) and as a keyed hash (`identity_hash`, HMAC-SHA256)
that recognises the same person again without revealing the number. Sex and birth year are derived at
registration and stay when the identity is removed (consent withdrawn, or the retention period after the
last exit has passed). Anonymous participants (no consent, or protected identity) have sex and start year.

Each participant belongs to one intervention (consent is given per intervention); the same person in
two interventions is two participants with the same keyed hash.
"""

from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q

from finsam.followup.schemas import (
    EXTENTS,
    AnswerKind,
    AskedAt,
    EducationLevel,
    EmploymentStatus,
    ExitReason,
    IdentityRemoval,
    IncomeSource,
    MeasurementPoint,
    Phase,
    Registration,
    Sex,
)


def consent_form_path(instance: Consent, filename: str) -> str:
    """A random name: the uploaded file's own name may carry the participant's name."""
    return f"consents/{uuid4().hex}{PurePath(filename).suffix.lower()[:5]}"


class Participant(models.Model):
    """A person taking part in one individual-level intervention (see the module docstring)."""

    # No index of its own: participant_assoc_year and participant_assoc_interv begin with it.
    association = models.ForeignKey(
        "registry.Association",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name="förbund",
        db_index=False,
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name="insats",
    )
    registration = models.CharField("registrering", max_length=16, choices=Registration.choices)
    # NULL, not "", when there is no identity: the uniqueness per intervention must ignore missing ones.
    identity_ciphertext = models.TextField("krypterad identitet", null=True, blank=True, editable=False)  # noqa: DJ001
    identity_hash = models.CharField("nyckelhash", max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    sex = models.CharField("kön", max_length=8, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField("födelseår", null=True, blank=True)
    start_year = models.PositiveSmallIntegerField("startår")
    registered_on = models.DateField("registrerad")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    identity_removed_on = models.DateField("identitet borttagen", null=True, blank=True)
    identity_removal = models.CharField(
        "skäl till borttagen identitet", max_length=16, choices=IdentityRemoval.choices, blank=True
    )

    class Meta:
        ordering = ["intervention_id", "id"]
        verbose_name = "deltagare"
        verbose_name_plural = "deltagare"
        constraints = [
            models.CheckConstraint(
                condition=Q(identity_ciphertext__isnull=True, identity_hash__isnull=True)
                | Q(
                    identity_ciphertext__isnull=False, identity_hash__isnull=False, registration="identified"
                ),
                name="participant_identity_complete",
            ),
            models.CheckConstraint(
                condition=~Q(registration="identified", identity_hash__isnull=True)
                | Q(identity_removed_on__isnull=False),
                name="participant_identity_removed_dated",
            ),
            models.UniqueConstraint(
                fields=["intervention", "identity_hash"],
                condition=Q(identity_hash__isnull=False),
                name="participant_once_per_intervention",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "start_year"], name="participant_assoc_year"),
            # The participant list counts a coordinator's hits from the index alone (index-only scan).
            models.Index(fields=["association", "intervention"], name="participant_assoc_interv"),
            models.Index(fields=["identity_hash"], name="participant_identity_hash"),
        ]

    def __str__(self) -> str:
        return f"Deltagare {self.pk}"

    @property
    def has_identity(self) -> bool:
        return self.identity_ciphertext is not None


class Consent(models.Model):
    """Written consent for one intervention (FK form 9443 in SUS practice)."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="consent")
    given_on = models.DateField("samtycke lämnat")
    form_version = models.CharField("blankettversion", max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("registrerat", auto_now_add=True)
    scanned_form = models.FileField("inskannad blankett", upload_to=consent_form_path, blank=True)
    withdrawn_on = models.DateField("återkallat", null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "samtycke"
        verbose_name_plural = "samtycken"
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]

    def __str__(self) -> str:
        return f"Samtycke {self.given_on}"


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def for_statistics(self) -> ParticipationQuerySet:
        """Participations that count: a record exited as "registered by mistake" is left out."""
        return self.exclude(exit_reason=ExitReason.REGISTERED_BY_MISTAKE)


class Participation(models.Model):
    """One period in the intervention, from start to exit, with the R-FOLLOWUP variables.

    The before-variables are recorded at start, the after-variables at exit. `association` and
    `intervention` repeat the participant's, so that statistics aggregate on indexed columns.
    """

    # The three keys have no index of their own: the composite indexes in Meta begin with each of them,
    # and every index is one more entry per row written (the import writes hundreds of thousands).
    association = models.ForeignKey(
        "registry.Association",
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name="förbund",
        db_index=False,
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name="insats",
        db_index=False,
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="participations", db_index=False
    )
    start = models.DateField("startdatum")
    exit = models.DateField("avslutsdatum", null=True, blank=True)
    exit_reason = models.CharField("avslutsorsak", max_length=32, choices=ExitReason.choices, blank=True)
    employment_before = models.CharField(
        "sysselsättning före", max_length=16, choices=EmploymentStatus.choices
    )
    employment_after = models.CharField(
        "sysselsättning efter", max_length=16, choices=EmploymentStatus.choices, blank=True
    )
    education_level = models.CharField("utbildningsnivå", max_length=24, choices=EducationLevel.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["participant_id", "start"]
        verbose_name = "deltagande"
        verbose_name_plural = "deltaganden"
        constraints = [
            models.CheckConstraint(
                condition=Q(exit__isnull=True) | Q(exit__gte=models.F("start")),
                name="participation_exit_after_start",
            ),
            models.CheckConstraint(
                condition=Q(exit__isnull=True, exit_reason="") | (Q(exit__isnull=False) & ~Q(exit_reason="")),
                name="participation_exit_has_reason",
            ),
            models.UniqueConstraint(
                fields=["participant"], condition=Q(exit__isnull=True), name="participation_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["association", "start"], name="participation_assoc_start"),
            models.Index(fields=["association", "exit"], name="participation_assoc_exit"),
            models.Index(fields=["intervention", "start"], name="participation_interv_start"),
            # A participant's first start (the participant list's order) from the index alone.
            models.Index(fields=["participant", "start"], name="participation_part_start"),
            models.Index(fields=["exit_reason"], name="participation_exit_reason"),
        ]

    def __str__(self) -> str:
        return f"Deltagande {self.start}–{self.exit or ''}"

    @property
    def is_open(self) -> bool:
        return self.exit is None

    @property
    def counts_in_statistics(self) -> bool:
        return self.exit_reason != ExitReason.REGISTERED_BY_MISTAKE


class IncomeSourceEntry(models.Model):
    """One income source before or after the participation, with its extent (25/50/75/100 %)."""

    # No index of its own: income_source_once begins with it.
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="income_sources", db_index=False
    )
    phase = models.CharField("när", max_length=8, choices=Phase.choices)
    source = models.CharField("försörjningskälla", max_length=32, choices=IncomeSource.choices)
    extent = models.PositiveSmallIntegerField("omfattning (%)", choices=[(e, f"{e} %") for e in EXTENTS])

    class Meta:
        ordering = ["participation_id", "phase", "source"]
        verbose_name = "försörjningskälla"
        verbose_name_plural = "försörjningskällor"
        constraints = [
            models.UniqueConstraint(fields=["participation", "phase", "source"], name="income_source_once"),
            models.CheckConstraint(condition=Q(extent__in=EXTENTS), name="income_source_extent_known"),
        ]
        indexes = [models.Index(fields=["phase", "source"], name="income_phase_source")]

    def __str__(self) -> str:
        return f"{self.phase}: {self.source} {self.extent} %"


class FollowUpQuestion(models.Model):
    """A question of the förbund's own local follow-up. Answers are numbers (yes/no or 1–5), never free
    text, so that they can be aggregated and carry no personal data."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="followup_questions"
    )
    text = models.CharField("fråga", max_length=300)
    answer_kind = models.CharField("svarstyp", max_length=8, choices=AnswerKind.choices)
    asked_at = models.CharField("ställs", max_length=8, choices=AskedAt.choices, default=AskedAt.EXIT)
    active = models.BooleanField("används", default=True)
    position = models.PositiveSmallIntegerField("ordning", default=0)

    class Meta:
        ordering = ["association_id", "position", "id"]
        verbose_name = "uppföljningsfråga"
        verbose_name_plural = "uppföljningsfrågor"
        constraints = [
            models.UniqueConstraint(fields=["association", "text"], name="followup_question_unique")
        ]

    def __str__(self) -> str:
        return self.text

    def asked(self, point: str) -> bool:
        return self.asked_at in (point, AskedAt.BOTH)


class FollowUpAnswer(models.Model):
    """The answer to a follow-up question at exit or at a later measurement point (yes=1, no=0, or 1–5)."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FollowUpQuestion, on_delete=models.PROTECT, related_name="answers")
    point = models.CharField("mättillfälle", max_length=8, choices=MeasurementPoint.choices)
    answered_on = models.DateField("besvarad")
    value = models.PositiveSmallIntegerField("svar")

    class Meta:
        ordering = ["participation_id", "answered_on", "question_id"]
        verbose_name = "svar på uppföljningsfråga"
        verbose_name_plural = "svar på uppföljningsfrågor"
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "question", "point", "answered_on"], name="followup_answer_once"
            ),
            models.UniqueConstraint(
                fields=["participation", "question"],
                condition=Q(point="exit"),
                name="followup_answer_once_at_exit",
            ),
            models.CheckConstraint(condition=Q(value__lte=5), name="followup_answer_in_range"),
        ]
        indexes = [models.Index(fields=["question", "point"], name="followup_answer_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"


# --- summaries for the statistics (followup/summaries.py, docs/architecture.md) ----------------------------
# One summary per published table: counts of the participations the statistics count, per cell, kept
# current by the follow-up's services in the same transaction as the write that changes them. A cell whose
# count has gone back to zero stays as a zero row. `finsam rebuild-statistics` recomputes them from the rows.


class SummaryCell(models.Model):
    """A cell of a summary: its key fields and counts."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return " · ".join(
            str(getattr(self, f.attname)) for f in self._meta.concrete_fields if not f.primary_key
        )


class StartedSummary(SummaryCell):
    """Participations started in `year`, per förbund, intervention and sex."""

    year = models.PositiveSmallIntegerField()
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sex = models.CharField(max_length=8)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "association", "intervention", "sex"], name="started_summary_cell"
            )
        ]
        # The cumulative reads of one förbund (ongoing, people taking part): its years up to one.
        indexes = [models.Index(fields=["association", "year"], name="started_summary_assoc_year")]


class StartedAgeSummary(SummaryCell):
    """Participations started in `year`, per förbund, age band in the year ("" unknown) and sex."""

    year = models.PositiveSmallIntegerField()
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    age_band = models.CharField(max_length=8)
    sex = models.CharField(max_length=8)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "association", "age_band", "sex"], name="started_age_summary_cell"
            )
        ]


class ExitedSummary(SummaryCell):
    """Participations exited in `year`, per förbund, intervention and sex, with the sums of their public
    support before and after (`rules.public_support_percent`) for the socio-economic estimate."""

    year = models.PositiveSmallIntegerField()
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sex = models.CharField(max_length=8)
    n = models.IntegerField(default=0)
    support_before = models.BigIntegerField(default=0)
    support_after = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "association", "intervention", "sex"], name="exited_summary_cell"
            )
        ]
        # The cumulative reads of one förbund (ongoing, people taking part): its years up to one.
        indexes = [models.Index(fields=["association", "year"], name="exited_summary_assoc_year")]


class OutcomeSummary(SummaryCell):
    """Participations exited in `year`, per förbund, employment at exit ("" unknown) and sex."""

    year = models.PositiveSmallIntegerField()
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    employment_after = models.CharField(max_length=16)
    sex = models.CharField(max_length=8)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "association", "employment_after", "sex"], name="outcome_summary_cell"
            )
        ]


class IncomeSummary(SummaryCell):
    """Participations exited in `year`, per förbund and main income source before and after ("" none)."""

    year = models.PositiveSmallIntegerField()
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    income_before = models.CharField(max_length=32)
    income_after = models.CharField(max_length=32)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "association", "income_before", "income_after"], name="income_summary_cell"
            )
        ]


class DurationSummary(SummaryCell):
    """Participations exited in `year`, per förbund and whole days from start to exit: the duration bands,
    the mean and the median are exact sums over these counts."""

    year = models.PositiveSmallIntegerField()
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    days = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "association", "days"], name="duration_summary_cell")
        ]


class TakingPartSummary(SummaryCell):
    """People taking part at some time during a year, per förbund, intervention and sex, as changes: a
    person's run of consecutive years with a participation open counts +1 in its first year and -1 in the
    year after its last (none while open). The people of year Y are the sum of the changes up to Y."""

    year = models.PositiveSmallIntegerField()
    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sex = models.CharField(max_length=8)
    change = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "association", "intervention", "sex"], name="taking_part_summary_cell"
            )
        ]
        # The cumulative reads of one förbund (ongoing, people taking part): its years up to one.
        indexes = [models.Index(fields=["association", "year"], name="taking_part_assoc_year")]


class SummaryStamp(models.Model):
    """The stamp of a förbund's summary cells of one year: a random number set anew, in the same
    transaction, by every write that changes a cell of that förbund and year (`summaries.add`). The
    statistics of a year read only the cells of that year and the years before it, and keep what they built
    from them in the process under those years' stamps, read first (`statistics.outcomes`): the same stamps,
    the same cells, in any process. A registration of this year leaves last year's figures kept. Random
    rather than counted, so that a value is never seen again after a rollback or a restore with other
    cells."""

    association_id = models.BigIntegerField()
    year = models.IntegerField()
    stamp = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["association_id", "year"], name="summary_stamp_once"),
        ]

    def __str__(self) -> str:
        return f"{self.association_id} {self.year}: {self.stamp}"
