"""The national level's front page: what the national support structure offers this user, part by part."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from finsam.core.access import has_capability
from finsam.core.decorators import AUTHENTICATED, page_access
from finsam.core.roles import Capability


@dataclass(frozen=True)
class Part:
    title: Promise
    text: Promise
    url_name: str
    need: Capability | None = None  # None: every signed-in user


# In the order a förbund's user looks for help; the working group's own tools last.
PARTS = (
    Part(
        _("Frågor till arbetsgruppen"),
        _("Ställ en fråga om lag, ekonomi, organisation eller uppföljning och följ svaret."),
        "national:helpdesk_question_list",
        Capability.HELPDESK_VIEW,
    ),
    Part(
        _("Frågor och svar"),
        _("Arbetsgruppens publicerade svar, utan namn på den som frågade."),
        "national:faq_list",
    ),
    Part(
        _("Handbok för finansiell samordning"),
        _("Bakgrund, lagen, styrning, ekonomi och uppföljning; hela handboken som PDF."),
        "national:handbook_index",
    ),
    Part(
        _("Sök"),
        _("Sök i frågor, publicerade svar och handboken."),
        "national:helpdesk_search",
    ),
    Part(
        _("Konferenser"),
        _("Nationella konferenser och workshoppar: program, anmälan och väntelista."),
        "national:conference_list",
    ),
    Part(
        _("Nationella rådet och arbetsgruppen"),
        _("Rådets ledamöter, rekommendationer och ställningstaganden."),
        "national:council",
    ),
    Part(
        _("Regler"),
        _("Reglerna som plattformen kontrollerar, med text och källor."),
        "national:rule_list",
    ),
    Part(
        _("Statlig fördelning"),
        _("Statens medel till förbunden enligt fördelningsmodellen: underlag, beslut och beslutsbrev."),
        "national:allocation_index",
        Capability.STATE_ALLOCATION_VIEW,
    ),
    Part(
        _("Nationell översikt"),
        _("Täckning, ekonomi, uppföljning och förbundens skyldigheter i hela landet."),
        "national:dashboard",
        Capability.NATIONAL_DASHBOARD,
    ),
    Part(
        _("Förbundens årscykel"),
        _("Budget, årsredovisning och medlemssamråd per förbund."),
        "governance:national_overview",
        Capability.GOVERNANCE_NATIONAL,
    ),
    Part(
        _("Läs in förbund"),
        _("Registrera förbund, medlemmar och styrelser ur en CSV- eller Excelfil."),
        "registry:association_import",
        Capability.ASSOCIATION_CREATE,
    ),
    Part(
        _("Försörjningsmått"),
        _("Läs in SCB:s försörjningsmått per kommun och år, underlag för den statliga fördelningen."),
        "finance:support_measure_import",
        Capability.STATE_ALLOCATION_EDIT,
    ),
    Part(
        _("Öppna data"),
        _("Register, täckning, röjandeskyddad statistik och statens medel som CSV och JSON, fritt för alla."),
        "open_data:index",
    ),
)


@page_access(AUTHENTICATED)
def home(request: HttpRequest) -> HttpResponse:
    parts = [
        {"title": part.title, "text": part.text, "url": reverse(part.url_name)}
        for part in PARTS
        if part.need is None or has_capability(request.user, part.need)
    ]
    return render(request, "national/home.html", {"parts": parts})
