"""The national level's audit actions. Their stored values never change (tests/core/test_audit_actions.py)."""

from enum import StrEnum


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
