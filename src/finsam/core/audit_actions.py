"""The platform's own audit actions (core): what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
