"""Forms of the registry pages. They only parse input into types; the services decide the rules.

Choice lists (municipalities, members, people) come from the view, which takes them from the
selectors, so that a form never offers what the user may not see.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm
from finsam.registry.models import Member, Municipality, PartyKind, Person, Region, SeatRole, SplitKey


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = (
            f"{obj.name} ({PartyKind(obj.kind).label})"
            if obj.kind in ("region", "municipality")
            else obj.name
        )
        if obj.left:
            label += " – " + str(_("utträdde {date}")).format(date=f"{obj.left:%Y-%m-%d}")
        return label


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name}"


def _choice_widget(choices: Any) -> forms.Select:
    """A select whose value is passed on as text: the service, not the form, refuses unknown values."""
    return forms.Select(choices=[("", "---------"), *choices])


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput, help_text=help_text)


# --- associations -------------------------------------------------------------------------------


class AssociationForm(FinsamForm):
    name = forms.CharField(label=_("Namn"), max_length=200)
    org_number = forms.CharField(
        label=_("Organisationsnummer"), max_length=20, help_text=_("Tio siffror, till exempel 222000-1234.")
    )
    seat = MunicipalityChoiceField(
        label=_("Säte (kommun)"), queryset=Municipality.objects.none(), to_field_name="code"
    )
    founded = _date(_("Bildat"))

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = municipalities.order_by("name")  # type: ignore[attr-defined]


class AssociationEditForm(AssociationForm):
    dissolved = _date(_("Upplöst"), required=False)
    # The version the editor opened; the service refuses the save if someone else has saved since.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- members ------------------------------------------------------------------------------------


class MemberCreateForm(FinsamForm):
    kind = forms.CharField(label=_("Part"), widget=_choice_widget(PartyKind.choices))
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("Fyll i när parten är en region."),
    )
    municipality = MunicipalityChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("Fyll i när parten är en kommun."),
    )
    joined = _date(_("Inträde"))
    left = _date(_("Utträde"), required=False)
    required_when = {
        "region": _("krävs när parten är en region"),
        "municipality": _("krävs när parten är en kommun"),
    }

    def __init__(
        self, *args: Any, regions: QuerySet[Region], municipalities: QuerySet[Municipality], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = municipalities.order_by("name")  # type: ignore[attr-defined]


class MemberEditForm(FinsamForm):
    joined = _date(_("Inträde"))
    left = _date(_("Utträde"), required=False)


# --- charters -----------------------------------------------------------------------------------


class CharterForm(FinsamForm):
    """A new version of the förbundsordning; one percentage field per region and municipality member."""

    adopted = _date(_("Antagen"))
    valid_from = _date(_("Gäller från"))
    municipal_key = forms.CharField(
        label=_("Fördelning mellan kommunerna"), widget=_choice_widget(SplitKey.choices)
    )
    region_key = forms.CharField(
        label=_("Fördelning mellan regionerna"), widget=_choice_widget(SplitKey.choices)
    )
    note = forms.CharField(label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = [m for m in members if m.kind in (PartyKind.MUNICIPALITY, PartyKind.REGION)]
        self.share_members = {
            str(kind): [m for m in members if m.kind == kind]
            for kind in (PartyKind.MUNICIPALITY, PartyKind.REGION)
        }
        for member in members:
            name = self.share_name(member)
            self.fields[name] = forms.DecimalField(
                label=f"{member.name} (%)",
                required=False,
                max_digits=6,
                decimal_places=3,
                widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
            )
            self.fields[name].widget.attrs.update({"class": "text-field__input", "data-field": name})

    @staticmethod
    def share_name(member: Member) -> str:
        return f"share_{member.pk}"

    def share_fields(self, kind: str) -> list[forms.BoundField]:
        return [self[self.share_name(m)] for m in self.share_members[kind]]

    @property
    def municipal_share_fields(self) -> list[forms.BoundField]:
        return self.share_fields(PartyKind.MUNICIPALITY)

    @property
    def region_share_fields(self) -> list[forms.BoundField]:
        return self.share_fields(PartyKind.REGION)

    def shares(self) -> dict[int, Decimal]:
        """The percentages of the groups whose key is `fixed`; a blank field is left out."""
        data = self.cleaned_data
        result: dict[int, Decimal] = {}
        for kind, key_field in ((PartyKind.MUNICIPALITY, "municipal_key"), (PartyKind.REGION, "region_key")):
            if data.get(key_field) != SplitKey.FIXED:
                continue
            for member in self.share_members[kind]:
                value = data.get(self.share_name(member))
                if value is not None:
                    result[member.pk] = value
        return result

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "adopted": data["adopted"],
            "valid_from": data["valid_from"],
            "municipal_key": data["municipal_key"],
            "region_key": data["region_key"],
            "note": data["note"],
            "shares": self.shares(),
        }


# --- board seats --------------------------------------------------------------------------------


class BoardSeatForm(FinsamForm):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())
    member = MemberChoiceField(label=_("Utsedd av"), queryset=Member.objects.none())
    role = forms.CharField(label=_("Uppdrag"), widget=_choice_widget(SeatRole.choices))
    chair = forms.BooleanField(label=_("Ordförande"), required=False)
    vice_chair = forms.BooleanField(label=_("Vice ordförande"), required=False)
    start = _date(_("Från"))
    end = _date(_("Till"), help_text=_("Ett mandat varar högst fyra år."))

    def __init__(
        self, *args: Any, people: QuerySet[Person], members: QuerySet[Member], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


# --- directors and member representatives -------------------------------------------------------


class PeriodForm(FinsamForm):
    start = _date(_("Från"))
    end = _date(_("Till"), required=False)


class DirectorCreateForm(PeriodForm):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())
    field_order = ["person", "start", "end"]

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class RepresentativeCreateForm(PeriodForm):
    member = MemberChoiceField(label=_("Förbundsmedlem"), queryset=Member.objects.none())
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())
    field_order = ["member", "person", "start", "end"]

    def __init__(
        self, *args: Any, people: QuerySet[Person], members: QuerySet[Member], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


# --- people -------------------------------------------------------------------------------------


class PersonForm(FinsamForm):
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    email = forms.EmailField(label=_("E-post"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)


class PersonFilterForm(FinsamForm):
    forbund = forms.TypedChoiceField(label=_("Förbund"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, associations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forbund"].choices = [("", _("Alla du har behörighet till")), *associations]  # type: ignore[attr-defined]

    def association_id(self) -> int | None:
        return self.cleaned_data.get("forbund") if self.is_valid() else None


class RegistryImportForm(FinsamForm):
    """The registry import's upload (docs/registry-import.md). The files are read by `onboarding`."""

    file = forms.FileField(
        label=_("Fil med förbund och medlemmar"),
        help_text=_(
            "Excel (.xlsx) med bladen Förbund och Styrelse, eller CSV (UTF-8, semikolon eller komma) med "
            "bladet Förbund, högst %(size)s MB."
        ),
    )
    board = forms.FileField(
        label=_("Styrelseplatser (CSV)"),
        required=False,
        help_text=_(
            "Bara bredvid en CSV-fil: bladet Styrelse som egen CSV-fil. En Excelfil har bladet i sig."
        ),
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = str(self.fields["file"].help_text) % {
            "size": max(max_bytes // (1024 * 1024), 1)
        }
        accept = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        self.fields["file"].widget.attrs["accept"] = accept
        self.fields["board"].widget.attrs["accept"] = ".csv,text/csv"

    def _limited(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        if upload is not None and upload.size > self.max_bytes:
            size = max(self.max_bytes // (1024 * 1024), 1)
            raise forms.ValidationError(
                _("Filen är större än %(size)s MB, som är det största som kan läsas in.") % {"size": size}
            )
        return upload

    def clean_file(self) -> Any:
        return self._limited("file")

    def clean_board(self) -> Any:
        return self._limited("board")
