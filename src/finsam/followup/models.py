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

from datetime import datetime, timedelta
from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    WOMAN = "woman", pgettext_lazy("kön", "Kvinna")
    MAN = "man", pgettext_lazy("kön", "Man")


class Registration(models.TextChoices):
    IDENTIFIED = "identified", _("Med personnummer och samtycke")
    ANONYMOUS = "anonymous", _("Anonym (utan samtycke)")
    PROTECTED = "protected", _("Anonym (skyddad identitet)")


class IdentityRemoval(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Samtycket återkallat")
    RETENTION = "retention", _("Gallrad efter lagringstiden")


class EmploymentStatus(models.TextChoices):
    WORK = "work", _("Arbete")
    STUDIES = "studies", _("Studier")
    SEEKING_WORK = "seeking_work", _("Aktivt arbetssökande")
    NONE = "none", _("Inget av dessa")


class EducationLevel(models.TextChoices):
    PRIMARY_SHORT = "primary_short", _("Förgymnasial utbildning kortare än 9 år")
    PRIMARY = "primary", _("Förgymnasial utbildning 9 (10) år")
    UPPER_SECONDARY = "upper_secondary", _("Gymnasial utbildning")
    POST_SECONDARY_SHORT = "post_secondary_short", _("Eftergymnasial utbildning kortare än 3 år")
    POST_SECONDARY = "post_secondary", _("Eftergymnasial utbildning 3 år eller längre")
    UNKNOWN = "unknown", _("Uppgift saknas")


class IncomeSource(models.TextChoices):
    SALARY = "salary", _("Lön (anställning)")
    SUBSIDISED_SALARY = "subsidised_salary", _("Lön i subventionerad anställning")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sjukpenning eller rehabiliteringspenning")
    ACTIVITY_COMPENSATION = "activity_compensation", _("Aktivitetsersättning")
    SICKNESS_COMPENSATION = "sickness_compensation", _("Sjukersättning")
    ACTIVITY_SUPPORT = "activity_support", _("Aktivitetsstöd eller utvecklingsersättning")
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit", _("Arbetslöshetsersättning")
    ESTABLISHMENT_BENEFIT = "establishment_benefit", _("Etableringsersättning")
    SOCIAL_ASSISTANCE = "social_assistance", _("Ekonomiskt bistånd")
    STUDENT_AID = "student_aid", _("Studiemedel")
    OTHER = "other", _("Annan försörjning")
    NONE = "none", _("Ingen egen försörjning")


class Phase(models.TextChoices):
    BEFORE = "before", _("Före")
    AFTER = "after", _("Efter")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Insatsen genomförd")
    WORK = "work", _("Arbete")
    STUDIES = "studies", _("Studier")
    OTHER_INTERVENTION = "other_intervention", _("Vidare till annan insats eller aktör")
    ILL_HEALTH = "ill_health", _("Ohälsa")
    MOVED = "moved", _("Flyttat")
    OWN_REQUEST = "own_request", _("Avbrutit på egen begäran")
    NO_CONTACT = "no_contact", _("Ingen kontakt")
    OTHER = "other", _("Annan orsak")
    REGISTERED_BY_MISTAKE = "registered_by_mistake", _("Felregistrerad")


EXTENTS = (25, 50, 75, 100)


def consent_form_path(instance: Consent, filename: str) -> str:
    """A random name: the uploaded file's own name may carry the participant's name."""
    return f"consents/{uuid4().hex}{PurePath(filename).suffix.lower()[:5]}"


class Participant(models.Model):
    """A person taking part in one individual-level intervention (see the module docstring)."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="participants", verbose_name="förbund"
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

    association = models.ForeignKey(
        "registry.Association",
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name="förbund",
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name="insats",
    )
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="participations")
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

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="income_sources")
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


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", _("Ja eller nej")
    SCALE = "scale", _("Skala 1–5")


class AskedAt(models.TextChoices):
    EXIT = "exit", _("Vid avslut")
    LATER = "later", _("Vid senare uppföljning")
    BOTH = "both", _("Vid avslut och senare uppföljning")


class MeasurementPoint(models.TextChoices):
    EXIT = "exit", _("Vid avslut")
    LATER = "later", _("Senare uppföljning")


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


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Väntar"
    VALIDATING = "validating", "Kontrollerar raderna"
    WRITING = "writing", "Sparar"
    DONE = "done", "Inläst"
    REFUSED = "refused", "Inte inläst: fel i filen"
    FAILED = "failed", "Avbruten"


# The statuses of a run at work. At most one run of a förbund is in one of them (a constraint): two imports at
# once would race for the same persons.
IMPORT_ACTIVE = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.WRITING)
# How long a queued run may wait for a worker before it is given up (no worker running, or all busy).
IMPORT_QUEUE_WAIT = timedelta(minutes=10)


def import_queue_lease() -> datetime:
    """The lease of a new, queued run; a worker that claims the run replaces it with its own."""
    return timezone.now() + IMPORT_QUEUE_WAIT


class ImportRun(models.Model):
    """One upload of a participant file (docs/import.md): its progress and outcome, never its content.

    The uploaded file lies in a private directory (not under the media root) while the run works and is
    deleted afterwards. The run holds counts and, for a refused file, the rows in error (row, column,
    message: never a value from the file). While it waits or works it holds a lease (`lease_expires`),
    renewed by the worker; a run whose lease ran out was abandoned (a worker that died) and counts as
    failed."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.CASCADE, related_name="import_runs", verbose_name="förbund"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The uploader's address, for the audit entry the worker writes on the uploader's behalf.
    client_address = models.GenericIPAddressField("klientadress", null=True, blank=True, editable=False)
    stored_name = models.CharField("lagrad fil", max_length=100, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField("filstorlek (byte)", default=0)
    status = models.CharField(
        "status", max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField("rader", null=True, blank=True)
    rows_done = models.PositiveIntegerField("kontrollerade rader", default=0)
    error_count = models.PositiveIntegerField("fel", default=0)
    message = models.TextField("meddelande", blank=True)
    counts = models.JSONField("antal", default=dict, blank=True)
    created_at = models.DateTimeField("startad", auto_now_add=True)
    updated_at = models.DateTimeField("senast uppdaterad", auto_now=True)
    lease_expires = models.DateTimeField("låset gäller till", default=import_queue_lease)
    finished_at = models.DateTimeField("klar", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "inläsning av deltagare"
        verbose_name_plural = "inläsningar av deltagare"
        indexes = [models.Index(fields=["association", "status"], name="import_run_assoc_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["association"],
                condition=Q(status__in=IMPORT_ACTIVE),
                name="import_run_one_at_a_time",
                violation_error_message="En inläsning pågår redan för förbundet.",
            )
        ]

    def __str__(self) -> str:
        return f"Inläsning {self.pk}"


class ImportRunError(models.Model):
    """One error of a refused import: the row in the file (the header is row 1), the column, a message."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField("rad")
    column = models.CharField("kolumn", max_length=60, blank=True)
    message = models.CharField("meddelande", max_length=400)

    class Meta:
        ordering = ["run_id", "row", "id"]
        verbose_name = "fel i inläsning"
        verbose_name_plural = "fel i inläsningar"

    def __str__(self) -> str:
        return f"Rad {self.row}: {self.message}"
