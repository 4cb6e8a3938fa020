"""The imports app's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    IMPORT_RUN_CREATE = "import_run.create"
    IMPORT_RUN_EXPIRE = "import_run.expire"
    IMPORT_RUN_PURGE = "import_run.purge"
