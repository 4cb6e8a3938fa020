"""The national level's audit actions. Their stored values never change (tests/core/test_audit_actions.py)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


class AuditAction(StrEnum):
    HANDBOOK_PAGE_CREATE = "handbook_page.create"
    HANDBOOK_PAGE_UPDATE = "handbook_page.update"
    HANDBOOK_CHAPTER_CREATE = "handbook_chapter.create"
    HANDBOOK_CHAPTER_UPDATE = "handbook_chapter.update"
    HELPDESK_QUESTION_ASK = "helpdesk_question.ask"
    HELPDESK_QUESTION_ASSIGN = "helpdesk_question.assign"
    HELPDESK_QUESTION_ANSWER = "helpdesk_question.answer"
    HELPDESK_QUESTION_ASK_BACK = "helpdesk_question.ask_back"
    HELPDESK_QUESTION_REPLY = "helpdesk_question.reply"
    HELPDESK_QUESTION_CLOSE = "helpdesk_question.close"
    FAQ_ENTRY_PUBLISH = "faq_entry.publish"
    FAQ_ENTRY_UPDATE = "faq_entry.update"
    ALLOCATION_SETTINGS_SAVE = "allocation_settings.save"
    ALLOCATION_DECIDE = "allocation.decide"
    CONFERENCE_CREATE = "conference.create"
    CONFERENCE_UPDATE = "conference.update"
    CONFERENCE_REGISTER = "conference.register"
    CONFERENCE_CANCEL = "conference.cancel"
    CONFERENCE_PROMOTE = "conference.promote"
    CONFERENCE_REMINDER_SENT = "conference.reminder_sent"
    CONFERENCE_EXPORT = "conference.export"
    COUNCIL_ORGANISATION_CREATE = "council_organisation.create"
    COUNCIL_REPRESENTATIVE_CREATE = "council_representative.create"
    COUNCIL_REPRESENTATIVE_UPDATE = "council_representative.update"
    RECOMMENDATION_CREATE = "recommendation.create"
    RECOMMENDATION_UPDATE = "recommendation.update"


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.HANDBOOK_PAGE_CREATE: Wording(_("Handbokssida skapad"), _("{actor} skapade {object}")),
    AuditAction.HANDBOOK_PAGE_UPDATE: Wording(_("Handbokssida ändrad"), _("{actor} ändrade {object}")),
    AuditAction.HANDBOOK_CHAPTER_CREATE: Wording(_("Handbokskapitel skapat"), _("{actor} skapade {object}")),
    AuditAction.HANDBOOK_CHAPTER_UPDATE: Wording(_("Handbokskapitel ändrat"), _("{actor} ändrade {object}")),
    AuditAction.HELPDESK_QUESTION_ASK: Wording(_("Fråga ställd"), _("{actor} ställde {object}")),
    AuditAction.HELPDESK_QUESTION_ASSIGN: Wording(_("Fråga fördelad"), _("{actor} fördelade {object}")),
    AuditAction.HELPDESK_QUESTION_ANSWER: Wording(_("Fråga besvarad"), _("{actor} besvarade {object}")),
    AuditAction.HELPDESK_QUESTION_ASK_BACK: Wording(
        _("Motfråga ställd"), _("{actor} ställde en motfråga om {object}")
    ),
    AuditAction.HELPDESK_QUESTION_REPLY: Wording(
        _("Svar på motfråga"), _("{actor} svarade på motfrågan om {object}")
    ),
    AuditAction.HELPDESK_QUESTION_CLOSE: Wording(_("Fråga avslutad"), _("{actor} avslutade {object}")),
    AuditAction.FAQ_ENTRY_PUBLISH: Wording(_("Fråga och svar publicerad"), _("{actor} publicerade {object}")),
    AuditAction.FAQ_ENTRY_UPDATE: Wording(_("Fråga och svar ändrad"), _("{actor} ändrade {object}")),
    AuditAction.ALLOCATION_SETTINGS_SAVE: Wording(
        _("Fördelningens inställningar sparade"), _("{actor} sparade {object}")
    ),
    AuditAction.ALLOCATION_DECIDE: Wording(
        _("Statlig fördelning beslutad"), _("{actor} registrerade {object}")
    ),
    AuditAction.CONFERENCE_CREATE: Wording(_("Konferens skapad"), _("{actor} skapade {object}")),
    AuditAction.CONFERENCE_UPDATE: Wording(_("Konferens ändrad"), _("{actor} ändrade {object}")),
    AuditAction.CONFERENCE_REGISTER: Wording(_("Anmälan till konferens"), _("{actor} registrerade {object}")),
    AuditAction.CONFERENCE_CANCEL: Wording(_("Anmälan avbokad"), _("{actor} avbokade {object}")),
    AuditAction.CONFERENCE_PROMOTE: Wording(
        _("Plats från reservlistan"), _("{actor} gav en plats från reservlistan: {object}")
    ),
    AuditAction.CONFERENCE_REMINDER_SENT: Wording(
        _("Konferenspåminnelse skickad"), _("{actor} skickade en påminnelse om {object}")
    ),
    AuditAction.CONFERENCE_EXPORT: Wording(
        _("Deltagarlista exporterad"), _("{actor} exporterade deltagarlistan för {object}")
    ),
    AuditAction.COUNCIL_ORGANISATION_CREATE: Wording(
        _("Organisation i rådet skapad"), _("{actor} lade till {object}")
    ),
    AuditAction.COUNCIL_REPRESENTATIVE_CREATE: Wording(
        _("Representant tillagd"), _("{actor} lade till {object}")
    ),
    AuditAction.COUNCIL_REPRESENTATIVE_UPDATE: Wording(
        _("Representant ändrad"), _("{actor} ändrade {object}")
    ),
    AuditAction.RECOMMENDATION_CREATE: Wording(_("Rekommendation skapad"), _("{actor} skapade {object}")),
    AuditAction.RECOMMENDATION_UPDATE: Wording(_("Rekommendation ändrad"), _("{actor} ändrade {object}")),
}
