"""Which keys the stored data belongs to (docs/security.md, "Keys").

Every key that encrypts, hashes or seals something records its fingerprint in the database the first time
(`record`): HMAC-SHA256 of a fixed text under the key, which identifies the key without telling anything of
it. At start (`check`, run as a system check by every command and by the web server) the configured keys
are compared with the recorded ones: a data directory started empty against an existing database has made
new keys, and the platform refuses to run with them rather than answer 500 on every identity and take a
registered person for a new one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

from django.db import DatabaseError, IntegrityError, connection, transaction

from finsam.core import audit
from finsam.core.access import SYSTEM
from finsam.core.audit_actions import AuditAction
from finsam.core.models import KeyFingerprint

FINGERPRINT_TEXT = b"finsam key fingerprint v1"


def fingerprint(key: str) -> str:
    return hmac.new(key.encode("utf-8"), FINGERPRINT_TEXT, hashlib.sha256).hexdigest()


def record(*, purpose: str, key: str) -> None:
    """Records that `key` now holds data of `purpose` (once; later calls cost one query)."""
    value = fingerprint(key)
    if KeyFingerprint.objects.filter(purpose=purpose, fingerprint=value).exists():
        return
    try:
        with transaction.atomic():
            row = KeyFingerprint.objects.create(purpose=purpose, fingerprint=value)
    except IntegrityError:  # recorded at the same moment by another process
        return
    audit.record(actor=SYSTEM, action=AuditAction.KEY_RECORD, target=row, details={"purpose": purpose})


def recorded(purpose: str) -> set[str] | None:
    """The fingerprints recorded for `purpose`; None when the table is not there yet (a database that is
    about to be migrated: nothing to compare with)."""
    try:
        if KeyFingerprint._meta.db_table not in connection.introspection.table_names():
            return None
        return set(KeyFingerprint.objects.filter(purpose=purpose).values_list("fingerprint", flat=True))
    except DatabaseError:
        return None


def mismatch(purpose: str, keys: Sequence[str] | Iterable[str]) -> bool:
    """True when data of `purpose` was written with recorded keys and none of `keys` is one of them."""
    stored = recorded(purpose)
    if not stored:
        return False
    return not any(fingerprint(key) in stored for key in keys)
