"""The handbook's forms. The services check the rules; the forms parse input and label it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from finsam.core.forms import FinsamForm
from finsam.national.handbook import rules

SLUG_HELP = _("Sidans adress i webbläsaren: små bokstäver a–z, siffror och bindestreck.")
MARKDOWN_HELP = _(
    "Markdown: ## Rubrik, **fetstil**, *kursiv*, - punktlista, 1. numrerad lista, [länktext](https://…). "
    "Regelkoder som R-BUDGET blir länkar till regeln."
)


class ChapterForm(FinsamForm):
    number = forms.IntegerField(label=_("Kapitelnummer"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Rubrik"), max_length=rules.MAX_TITLE)
    slug = forms.CharField(label=_("Adress"), max_length=80, help_text=SLUG_HELP)
    intro = forms.CharField(
        label=_("Inledning"),
        required=False,
        max_length=rules.MAX_INTRO,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    # The version the editor opened; the service refuses the save if someone else has saved since.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class PageForm(FinsamForm):
    chapter = forms.TypedChoiceField(label=_("Kapitel"), coerce=int)
    number = forms.IntegerField(
        label=_("Sidans nummer i kapitlet"), min_value=1, max_value=999, help_text=_("Bestämmer ordningen.")
    )
    title = forms.CharField(label=_("Rubrik"), max_length=rules.MAX_TITLE)
    slug = forms.CharField(label=_("Adress"), max_length=80, help_text=SLUG_HELP)
    body = forms.CharField(
        label=_("Text"),
        max_length=rules.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 24, "class": "textarea-field__textarea handbook-editor"}),
        help_text=MARKDOWN_HELP,
    )
    comment = forms.CharField(
        label=_("Vad har ändrats?"),
        required=False,
        max_length=rules.MAX_COMMENT,
        help_text=_("Visas i sidans historik."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, chapters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chapter"].choices = chapters  # type: ignore[attr-defined]


class CompareForm(forms.Form):
    """Which two versions to compare (the history page's choice, in the address)."""

    fran = forms.IntegerField(label=_("Från version"), min_value=1)
    till = forms.IntegerField(label=_("Till version"), min_value=1)
