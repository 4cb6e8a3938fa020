"""Shared types of the followup app: the choices its models store, which other apps may use too
(docs/architecture.md: other apps import an app's schemas, never its models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
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


class ParticipantStatus(models.TextChoices):
    """The participant list's status filter (docs/participant-list.md).

    ongoing: a participation is open. exited: at least one participation, none open. in_statistics: at
    least one participation the statistics count, i.e. one not exited as "registered by mistake" (the same
    rule as `Participation.objects.for_statistics()`; consent plays no part, anonymous participants count).
    """

    ONGOING = "ongoing", pgettext_lazy("deltagarstatus", "Pågående")
    EXITED = "exited", pgettext_lazy("deltagarstatus", "Avslutade")
    IN_STATISTICS = "in_statistics", pgettext_lazy("deltagarstatus", "Räknas i statistiken")


class ParticipantSort(models.TextChoices):
    """The participant list's orders; a leading "-" is descending. "start" is the first start date."""

    NUMBER_DESC = "-number", _("Deltagarnummer, högst först")
    NUMBER = "number", _("Deltagarnummer, lägst först")
    START_DESC = "-start", _("Startdatum, senast först")
    START = "start", _("Startdatum, tidigast först")
    INTERVENTION = "intervention", _("Insats, A–Ö")
    INTERVENTION_DESC = "-intervention", _("Insats, Ö–A")


PARTICIPANT_PAGE_SIZE = 50


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


# --- one imported row (docs/import.md): the request type of services.participants_import --------

Income = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of an import file, parsed into types. `row` is its number in the file (header = 1)."""

    row: int
    intervention_id: int
    registration: str
    identity_number: str
    consent_given_on: date | None
    consent_form_version: str
    sex: str
    start: date
    education_level: str
    employment_before: str
    income_before: Income
    exit: date | None
    exit_reason: str
    employment_after: str
    income_after: Income


@dataclass(frozen=True, slots=True)
class InterventionFacts:
    """What the rules need to know of the row's intervention."""

    id: int
    kind: str
    start: date
    end: date | None
    coordinated: bool
