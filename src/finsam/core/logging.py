"""Log filters of the platform's logging configuration (settings.LOGGING)."""

from __future__ import annotations

import logging


class RefusalOnOneLine(logging.Filter):
    """A refused request (a 4xx answer: PermissionDenied, Http404, a suspicious request) is logged by Django
    with the exception that refused it, and so with a traceback: one line per refusal is enough to see
    it, and a probe of many addresses should not fill the log with stacks. Server faults keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
