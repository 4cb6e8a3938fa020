"""The audit log in words. Each app names its actions in `<app>.audit_actions` and gives each a
`Wording`: the kind of event (for the log's filter) and a sentence with the actor and the object ("{actor}
låste {object}"). Each app describes its own objects through its selectors (`audit_objects`, one query per
kind of object however many entries name it). The shell puts the two together on the log page and in its
CSV, beside the stored codes."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString

type Text = str | Promise

# Object type (the model's label, "governance.minutes") → the ids the entries name.
type Refs = Mapping[str, Collection[str]]


@dataclass(frozen=True)
class Wording:
    """`label` names the kind of event ("Protokoll låst"); `sentence` tells it, with the placeholders
    {actor} and (where the action has one) {object}."""

    label: Text
    sentence: Text


@dataclass(frozen=True)
class ObjectText:
    """An object as the log names it ("protokollet från styrelsemötet 12 mars 2026") and the page that
    shows it (empty when there is none)."""

    text: str
    url: str = ""


type Described = dict[tuple[str, str], ObjectText]


def ids_of(refs: Refs, object_type: str) -> list[int]:
    """The integer ids the entries name for `object_type` (anything else is left undescribed)."""
    return sorted({int(value) for value in refs.get(object_type, ()) if value.isdigit()})


def sentence_html(wording: Wording, *, actor: str, object_html: str | SafeString) -> SafeString:
    """The sentence with the actor escaped and the object as given (escaped, or a link built with
    format_html)."""
    return format_html(str(wording.sentence), actor=actor, object=object_html)


def sentence_text(wording: Wording, *, actor: str, object_text: str) -> str:
    return str(wording.sentence).format(actor=actor, object=object_text)
