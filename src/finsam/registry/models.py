"""The registry: regions, municipalities, associations (förbund), members, charters, boards, people.

Invariants that span rows (overlaps, one active FK member, mandate length) are checked in
`services.py` through the pure functions of `rules.py`; the constraints here are the last line of
defence that the database itself can hold.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from finsam.registry.schemas import PartyKind, SeatRole, SplitKey


class Region(models.Model):
    """A region (county council); one per county, coded by the county's SCB code."""

    code = models.CharField("länskod", max_length=2, unique=True)
    name = models.CharField("namn", max_length=80)
    county_name = models.CharField("län", max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = "region"
        verbose_name_plural = "regioner"

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField("kommunkod", max_length=4, unique=True)
    name = models.CharField("namn", max_length=80)
    short_name = models.CharField("kortnamn", max_length=80)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name="region"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "kommun"
        verbose_name_plural = "kommuner"

    def __str__(self) -> str:
        return self.name


class Association(models.Model):
    """A samordningsförbund."""

    name = models.CharField("namn", max_length=200, unique=True)
    org_number = models.CharField("organisationsnummer", max_length=11, unique=True)
    seat = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="seated_associations", verbose_name="säte"
    )
    founded = models.DateField("bildat")
    dissolved = models.DateField("upplöst", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "samordningsförbund"
        verbose_name_plural = "samordningsförbund"
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved__isnull=True) | Q(dissolved__gte=models.F("founded")),
                name="association_dissolved_after_founded",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A förbundsmedlem: FK, AF, a region or a municipality, with its join and leave dates."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField("part", max_length=16, choices=PartyKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    joined = models.DateField("inträde")
    left = models.DateField("utträde", null=True, blank=True)

    class Meta:
        ordering = ["association_id", "kind", "region__code", "municipality__code"]
        verbose_name = "förbundsmedlem"
        verbose_name_plural = "förbundsmedlemmar"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[PartyKind.FK, PartyKind.AF], region__isnull=True, municipality__isnull=True)
                    | Q(kind=PartyKind.REGION, region__isnull=False, municipality__isnull=True)
                    | Q(kind=PartyKind.MUNICIPALITY, region__isnull=True, municipality__isnull=False)
                ),
                name="member_party_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")),
                name="member_left_after_joined",
            ),
            models.UniqueConstraint(
                fields=["association", "kind"],
                condition=Q(left__isnull=True, kind__in=[PartyKind.FK, PartyKind.AF]),
                name="member_one_open_state_party",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.kind == PartyKind.REGION and self.region is not None:
            return self.region.name
        if self.kind == PartyKind.MUNICIPALITY and self.municipality is not None:
            return self.municipality.name
        return str(PartyKind(self.kind).label)

    @property
    def code(self) -> str:
        if self.kind == PartyKind.REGION and self.region is not None:
            return self.region.code
        if self.kind == PartyKind.MUNICIPALITY and self.municipality is not None:
            return self.municipality.code
        return str(self.kind).upper()

    def active_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day <= self.left)


class Charter(models.Model):
    """A version of the förbundsordning, with the split key of R-SHARES."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="charters")
    version = models.PositiveIntegerField("version")
    adopted = models.DateField("antagen")
    valid_from = models.DateField("gäller från")
    municipal_key = models.CharField(
        "fördelning mellan kommunerna", max_length=16, choices=SplitKey.choices, default=SplitKey.POPULATION
    )
    region_key = models.CharField(
        "fördelning mellan regionerna", max_length=16, choices=SplitKey.choices, default=SplitKey.POPULATION
    )
    note = models.TextField("anteckning", blank=True)

    class Meta:
        ordering = ["association_id", "-version"]
        verbose_name = "förbundsordning"
        verbose_name_plural = "förbundsordningar"
        constraints = [
            models.UniqueConstraint(fields=["association", "version"], name="charter_version_unique"),
        ]

    def __str__(self) -> str:
        return f"Förbundsordning v{self.version}"


class CharterShare(models.Model):
    """A fixed percentage for one member within its group (regions or municipalities)."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="charter_shares")
    percent = models.DecimalField("andel (%)", max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = "fast andel"
        verbose_name_plural = "fasta andelar"
        constraints = [models.UniqueConstraint(fields=["charter", "member"], name="charter_share_unique")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.percent} %"


class Person(models.Model):
    """A natural person who holds a seat, a post or a login. Not a participant (see follow-up)."""

    first_name = models.CharField("förnamn", max_length=100)
    last_name = models.CharField("efternamn", max_length=100)
    email = models.EmailField("e-post", blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name="registrerad av förbund",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = "person"
        verbose_name_plural = "personer"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class BoardSeat(models.Model):
    """A seat on the board: ledamot or ersättare, appointed by one member, for a mandate period."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="board_seats")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="board_seats", verbose_name="person"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="board_seats", verbose_name="utsedd av"
    )
    role = models.CharField("uppdrag", max_length=8, choices=SeatRole.choices)
    chair = models.BooleanField("ordförande", default=False)
    vice_chair = models.BooleanField("vice ordförande", default=False)
    start = models.DateField("från")
    end = models.DateField("till")

    class Meta:
        ordering = ["association_id", "-start", "member_id", "role"]
        verbose_name = "styrelseplats"
        verbose_name_plural = "styrelseplatser"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="board_seat_end_after_start"
            ),
            models.CheckConstraint(
                condition=~(Q(chair=True) & Q(vice_chair=True)), name="board_seat_not_both_chairs"
            ),
        ]
        indexes = [models.Index(fields=["association", "start", "end"], name="board_seat_period")]

    def __str__(self) -> str:
        return f"{SeatRole(self.role).label} {self.start}–{self.end}"


class Director(models.Model):
    """The förbundschef, appointed by the board."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="directors")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="directorships", verbose_name="person"
    )
    start = models.DateField("från")
    end = models.DateField("till", null=True, blank=True)

    class Meta:
        ordering = ["association_id", "-start"]
        verbose_name = "förbundschef"
        verbose_name_plural = "förbundschefer"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="director_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Förbundschef {self.start}"


class MemberRepresentative(models.Model):
    """The person a member designates to speak for it in member consultations."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="representatives")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="representations", verbose_name="person"
    )
    start = models.DateField("från")
    end = models.DateField("till", null=True, blank=True)

    class Meta:
        ordering = ["member_id", "-start"]
        verbose_name = "medlemsrepresentant"
        verbose_name_plural = "medlemsrepresentanter"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="representative_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Medlemsrepresentant {self.start}"
