"""Background work of the help desk, through django.tasks: the e-mail notice of one step of a question,
queued when the step is committed. A task is one more interface: it takes ids and calls the service."""

from __future__ import annotations

from django.tasks import task

from finsam.national.helpdesk import services


@task()
def helpdesk_notice(*, question_id: int, event: str, user_ids: list[int]) -> int:
    return services.notice_send(question_id=question_id, event=event, user_ids=user_ids)
