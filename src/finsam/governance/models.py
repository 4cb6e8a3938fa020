"""Governance: meetings and member consultations (R-SAMRAD), agendas, decisions (R-INFO), minutes, the
year-end documents, discharge decisions (R-AUDIT), national report filings, and the bookkeeping of
reminders and calendar feeds.

Rules that span rows (who may represent a member, who convenes, what the agenda covers) are checked in
`services.py` through the pure functions of `rules.py`; the constraints here are what the database itself
can hold.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation

from finsam.governance.schemas import Capacity, ConsultationKind, DocumentKind, MeetingKind, MinutesStatus


class Meeting(models.Model):
    """A board meeting, a member consultation (medlemssamråd, annual or budget), or a meeting of the
    national council or working group. A member consultation may cover several förbund (R-SAMRAD-3)."""

    kind = models.CharField("mötestyp", max_length=32, choices=MeetingKind.choices)
    consultation_kind = models.CharField(
        "typ av samråd", max_length=16, choices=ConsultationKind.choices, blank=True
    )
    title = models.CharField("rubrik", max_length=200)
    date = models.DateField("datum")
    start_time = models.TimeField("klockslag", null=True, blank=True)
    place = models.CharField("plats", max_length=200, blank=True)
    online_link = models.URLField("länk till digitalt möte", max_length=500, blank=True)
    associations = models.ManyToManyField(
        "registry.Association", related_name="meetings", blank=True, verbose_name="förbund"
    )
    convener = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="convened_meetings",
        verbose_name="sammankallande",
    )
    documents: models.ManyToManyField[Document, Any] = models.ManyToManyField(
        "Document", related_name="meetings", blank=True, verbose_name="underlag"
    )
    # The R-SAMRAD warnings (points 2, 5 and 6) found at the last save: [{"code", "message", "field",
    # "messages"}], `message` in Swedish and `messages` the text in each language of the site (language
    # code → text; absent from warnings stored before there were several). Read them with `warnings_here`.
    warnings = models.JSONField("varningar", default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField("registrerat", auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "möte"
        verbose_name_plural = "möten"
        indexes = [models.Index(fields=["kind", "date"], name="meeting_kind_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind=MeetingKind.MEMBER_CONSULTATION, consultation_kind__in=ConsultationKind.values
                )
                | (~Q(kind=MeetingKind.MEMBER_CONSULTATION) & Q(consultation_kind="")),
                name="meeting_consultation_kind_matches",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_consultation(self) -> bool:
        return self.kind == MeetingKind.MEMBER_CONSULTATION

    def warnings_here(self) -> list[dict[str, str | None]]:
        """The stored warnings as {"code", "message", "field"}, the message in the active language (the
        page's, or the API request's): the Swedish `message` when a warning has no text in it."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        shown: list[dict[str, str | None]] = []
        for warning in self.warnings:
            messages = warning.get("messages") or {}
            message = messages.get(language) or messages.get(language.split("-")[0]) or warning.get("message")
            shown.append({"code": warning.get("code"), "message": message, "field": warning.get("field")})
        return shown


class MeetingParticipant(models.Model):
    """An invited person, in a capacity; a member representative speaks for one member."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    position = models.PositiveSmallIntegerField("ordning", default=0)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="meeting_participations",
        verbose_name="person",
    )
    capacity = models.CharField("i egenskap av", max_length=32, choices=Capacity.choices)
    member = models.ForeignKey(
        "registry.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_representations",
        verbose_name="företräder medlemmen",
    )
    association = models.ForeignKey(
        "registry.Association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_participations",
        verbose_name="från förbundet",
    )
    attended = models.BooleanField("närvarande", null=True, blank=True)
    adjuster = models.BooleanField("justerare", default=False)

    class Meta:
        ordering = ["meeting_id", "position", "id"]
        verbose_name = "deltagare"
        verbose_name_plural = "deltagare"
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity=Capacity.MEMBER_REPRESENTATIVE, member__isnull=False)
                | (~Q(capacity=Capacity.MEMBER_REPRESENTATIVE) & Q(member__isnull=True)),
                name="participant_member_iff_representative",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person", "member"], name="participant_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return str(Capacity(self.capacity).label)


class AgendaItem(models.Model):
    """A point of the agenda (dagordning); `samrad_point` is the R-SAMRAD-6 point it covers, if any.
    `notes` is the minutes' text for the point."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("punkt", max_length=300)
    samrad_point = models.PositiveSmallIntegerField("punkt i rekommendationen", null=True, blank=True)
    notes = models.TextField("protokollsanteckning", blank=True)

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = "dagordningspunkt"
        verbose_name_plural = "dagordningspunkter"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position_unique"),
            models.CheckConstraint(
                condition=Q(samrad_point__isnull=True) | Q(samrad_point__gte=1, samrad_point__lte=5),
                name="agenda_item_samrad_point_range",
            ),
        ]

    def __str__(self) -> str:
        return f"§ {self.position} {self.title}"


class Decision(models.Model):
    """A decision of the meeting, under an agenda point. `r_info` marks a matter the board must keep
    the members informed of (R-INFO, law 18 §); those are listed for the members."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField("ordning")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="dagordningspunkt",
    )
    text = models.TextField("beslut")
    r_info = models.BooleanField("information till medlemmarna (18 §)", default=False)

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = "beslut"
        verbose_name_plural = "beslut"
        indexes = [models.Index(fields=["r_info", "meeting"], name="decision_r_info")]

    def __str__(self) -> str:
        return self.text[:60]


class Minutes(models.Model):
    """The minutes (protokoll) of a meeting: drafted from its agenda and decisions, checked when every
    adjuster (justerare) has confirmed, then locked. Locked minutes, and the meeting under them, never
    change."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(
        "status", max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    drafted = models.DateTimeField("upprättat", auto_now_add=True)
    checked = models.DateTimeField("justerat", null=True, blank=True)
    locked = models.DateTimeField("låst", null=True, blank=True)
    locked_by = models.CharField("låst av", max_length=150, blank=True)

    class Meta:
        verbose_name = "protokoll"
        verbose_name_plural = "protokoll"

    def __str__(self) -> str:
        return f"Protokoll {self.meeting_id}"


class MinutesConfirmation(models.Model):
    """One adjuster's confirmation that the minutes are correct, and who recorded it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="confirmations")
    participant = models.ForeignKey(
        MeetingParticipant, on_delete=models.PROTECT, related_name="confirmations", verbose_name="justerare"
    )
    confirmed = models.DateTimeField("justerat", auto_now_add=True)
    recorded_by = models.CharField("registrerat av", max_length=150)
    # True when the adjuster confirmed with their own login; False when someone else (the förbund's
    # administration) recorded a confirmation given another way. The minutes say which.
    by_adjuster = models.BooleanField("justerat av justeraren själv", default=False)

    class Meta:
        ordering = ["minutes_id", "confirmed", "id"]
        verbose_name = "justering"
        verbose_name_plural = "justeringar"
        constraints = [
            models.UniqueConstraint(fields=["minutes", "participant"], name="confirmation_once_per_adjuster")
        ]

    def __str__(self) -> str:
        return f"Justering {self.confirmed:%Y-%m-%d}"


class Document(models.Model):
    """A year-end document of one förbund and financial year: the annual report (bokslut), the activity
    report, an audit report (of one member's auditor, or a joint one when `member` is empty), or other
    material. `delivered_on` is the day it went to the members (R-ANNUAL, R-SAMRAD-5)."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="governance_documents"
    )
    year = models.PositiveSmallIntegerField("räkenskapsår")
    kind = models.CharField("slag", max_length=32, choices=DocumentKind.choices)
    member = models.ForeignKey(
        "registry.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governance_documents",
        verbose_name="medlemmens revisor",
    )
    title = models.CharField("titel", max_length=200)
    file = models.FileField("fil", max_length=300)
    filename = models.CharField("filnamn", max_length=200)
    content_type = models.CharField("filtyp", max_length=100)
    size = models.PositiveIntegerField("storlek (byte)")
    delivered_on = models.DateField("lämnad till medlemmarna", null=True, blank=True)
    uploaded = models.DateTimeField("uppladdad", auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["association_id", "-year", "kind", "id"]
        verbose_name = "dokument"
        verbose_name_plural = "dokument"
        indexes = [models.Index(fields=["association", "year", "kind"], name="document_year_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True) | Q(kind=DocumentKind.AUDIT_REPORT),
                name="document_member_only_for_audit",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Discharge(models.Model):
    """One member's decision on discharge (ansvarsfrihet) for the board for a financial year (R-AUDIT):
    each member decides separately, for the board members it appointed."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="discharges"
    )
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="discharges", verbose_name="medlem"
    )
    year = models.PositiveSmallIntegerField("räkenskapsår")
    decided_on = models.DateField("beslutsdatum")
    granted = models.BooleanField("ansvarsfrihet beviljad")
    note = models.TextField("anteckning", blank=True)
    recorded = models.DateTimeField("registrerat", auto_now_add=True)

    class Meta:
        ordering = ["association_id", "-year", "member_id"]
        verbose_name = "beslut om ansvarsfrihet"
        verbose_name_plural = "beslut om ansvarsfrihet"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="discharge_once_per_member_year")
        ]

    def __str__(self) -> str:
        return f"Ansvarsfrihet {self.year}"


class NationalReportFiling(models.Model):
    """That the förbund filed its national follow-up report for a year, when, under which reference."""

    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="national_report_filings"
    )
    year = models.PositiveSmallIntegerField("år")
    submitted_on = models.DateField("inlämnad")
    reference = models.CharField("diarienummer eller referens", max_length=100, blank=True)
    recorded = models.DateTimeField("registrerat", auto_now_add=True)

    class Meta:
        ordering = ["association_id", "-year"]
        verbose_name = "nationell rapport"
        verbose_name_plural = "nationella rapporter"
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="national_report_once_per_year")
        ]

    def __str__(self) -> str:
        return f"Nationell rapport {self.year}"


class ReminderSent(models.Model):
    """A reminder claimed for one recipient: the unique constraint is what makes each reminder go out
    once, also when two runs overlap or a worker restarts. `offset` is in days from the due date
    (negative before it, positive after); `sent` is set once the mail backend accepted the message."""

    association = models.ForeignKey("registry.Association", on_delete=models.CASCADE, related_name="+")
    obligation = models.CharField("skyldighet", max_length=40)
    year = models.PositiveSmallIntegerField("år")
    offset = models.SmallIntegerField("dagar från förfallodagen")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed = models.DateTimeField("tagen", auto_now_add=True)
    sent = models.DateTimeField("skickad", null=True, blank=True)

    class Meta:
        verbose_name = "skickad påminnelse"
        verbose_name_plural = "skickade påminnelser"
        constraints = [
            models.UniqueConstraint(
                fields=["association", "obligation", "year", "offset", "recipient"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.obligation} {self.year} {self.offset:+d}"


class CalendarFeed(models.Model):
    """A user's calendar subscription. The address carries a secret derived from `nonce` and the
    installation's secret key; a new nonce revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    nonce = models.CharField(max_length=64)
    created = models.DateTimeField("skapad", auto_now=True)

    class Meta:
        verbose_name = "kalenderprenumeration"
        verbose_name_plural = "kalenderprenumerationer"

    def __str__(self) -> str:
        return f"Kalender {self.user_id}"
