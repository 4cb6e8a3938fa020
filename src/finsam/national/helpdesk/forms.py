"""The help desk's forms: input parsing only; the rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm
from finsam.national.helpdesk.rules import MAX_TEXT, MAX_TITLE
from finsam.national.helpdesk.schemas import MessageKind, QuestionCategory, QuestionStatus

ATTACHMENT_HELP = _("PDF, Word, Excel, OpenDocument eller en bild (PNG, JPEG), högst 10 MB.")


def _text(label: Any, *, rows: int = 8, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _attachment() -> forms.FileField:
    return forms.FileField(label=_("Bilaga"), required=False, help_text=ATTACHMENT_HELP)


def _version() -> forms.IntegerField:
    return forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class QuestionForm(FinsamForm):
    association = forms.TypedChoiceField(label=_("Förbund"), coerce=int)
    category = forms.ChoiceField(label=_("Kategori"), choices=QuestionCategory.choices)
    title = forms.CharField(label=_("Rubrik"), max_length=MAX_TITLE)
    body = _text(
        _("Din fråga"),
        rows=10,
        help_text=_(
            "Skriv som vanlig text. Skriv inte personnummer eller andra uppgifter om enskilda personer."
        ),
    )
    attachment = _attachment()

    def __init__(self, *args: Any, associations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = associations
        if len(associations) == 1:
            field.initial = associations[0][0]
        field.help_text = _("Frågan ställs för förbundet; alla förbundets användare kan läsa den och svaret.")


class RespondForm(FinsamForm):
    kind = forms.ChoiceField(
        label=_("Slag av svar"),
        choices=[
            (MessageKind.ANSWER, MessageKind.ANSWER.label),
            (MessageKind.ASK_BACK, MessageKind.ASK_BACK.label),
        ],
        help_text=_("Ett svar gör frågan besvarad; en motfråga väntar på frågeställaren."),
    )
    body = _text(_("Text"))
    attachment = _attachment()
    version = _version()


class ReplyForm(FinsamForm):
    body = _text(_("Komplettering"))
    attachment = _attachment()
    version = _version()


class AssignForm(FinsamForm):
    assignee = forms.TypedChoiceField(label=_("Handläggare i arbetsgruppen"), coerce=int)
    version = _version()

    def __init__(self, *args: Any, assignees: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Välj …")), *assignees]


class CloseForm(FinsamForm):
    version = _version()


class FaqForm(FinsamForm):
    category = forms.ChoiceField(label=_("Kategori"), choices=QuestionCategory.choices)
    title = forms.CharField(label=_("Rubrik"), max_length=MAX_TITLE)
    question_text = _text(
        _("Fråga (avidentifierad)"),
        help_text=_("Ta bort frågeställarens namn, förbundets namn och allt annat som pekar ut någon."),
    )
    answer_text = _text(_("Svar"), rows=10)


class FaqEditForm(FaqForm):
    published = forms.BooleanField(label=_("Publicerad bland frågor och svar"), required=False)
    version = _version()


class QuestionFilterForm(FinsamForm):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kategori = forms.ChoiceField(label=_("Kategori"), required=False)
    forbund = forms.TypedChoiceField(label=_("Förbund"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, associations: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("Alla"))
        self.fields["status"].choices = [everything, *QuestionStatus.choices]  # type: ignore[attr-defined]
        self.fields["kategori"].choices = [everything, *QuestionCategory.choices]  # type: ignore[attr-defined]
        if associations is None:
            del self.fields["forbund"]
        else:
            self.fields["forbund"].choices = [everything, *associations]  # type: ignore[attr-defined]


class FaqFilterForm(FinsamForm):
    kategori = forms.ChoiceField(label=_("Kategori"), required=False)
    q = forms.CharField(label=_("Sök bland frågor och svar"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kategori"].choices = [("", _("Alla")), *QuestionCategory.choices]  # type: ignore[attr-defined]


class SearchForm(FinsamForm):
    q = forms.CharField(label=_("Sök"), max_length=200)
