"""Conferences of the national working group (R-NATIONAL): programme, place, time and capacity; the
förbund's users register, in order of time, first for the places and then for the waiting list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from finsam.national.conferences.schemas import RegistrationStatus


class Conference(models.Model):
    title = models.CharField("rubrik", max_length=200)
    programme = models.TextField("program (Markdown)", max_length=50_000, blank=True)
    place = models.CharField("plats", max_length=200)
    starts_at = models.DateTimeField("börjar")
    ends_at = models.DateTimeField("slutar")
    capacity = models.PositiveIntegerField("antal platser")
    registration_closes = models.DateField("sista anmälningsdag")
    reminder_days = models.PositiveSmallIntegerField("påminnelse, dagar före", default=7)
    published = models.BooleanField("publicerad", default=False)
    cancelled = models.BooleanField("inställd", default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("skapad", auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "konferens"
        verbose_name_plural = "konferenser"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="conference_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="conference_has_places"),
        ]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """One user's registration for a conference, from one of their förbund. A cancelled registration
    stays on record; a user has at most one that is not cancelled (the constraint). `reminded_at` is
    set when the reminder was claimed, so that it goes out once."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    association = models.ForeignKey(
        "registry.Association", on_delete=models.PROTECT, related_name="+", verbose_name="förbund"
    )
    status = models.CharField("status", max_length=16, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField("anmäld")
    promoted_at = models.DateTimeField("fick plats från väntelistan", null=True, blank=True)
    cancelled_at = models.DateTimeField("avanmäld", null=True, blank=True)
    reminded_at = models.DateTimeField("påmind", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "anmälan"
        verbose_name_plural = "anmälningar"
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "user"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="conference_registration_active_once",
            )
        ]
        indexes = [models.Index(fields=["conference", "status", "created_at"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.conference_id}:{self.user_id} {self.status}"
