"""The audit chain: the audit log sealed with a key the database does not hold (docs/security.md).

Triggers refuse UPDATE and DELETE on the log, but a role that owns the table can disable them. The chain
makes such a change visible: `seal` gives each committed entry, in order, a place in the chain and a
mac = HMAC-SHA256(FINSAM_AUDIT_KEY, previous mac | position | the entry's stored fields). Without the key
no one can recompute it, so `verify` finds an entry that was changed, removed or inserted after sealing.

Writers never touch the chain: `audit.record` inserts as before, and the worker seals what has been
committed since its last run (every HEARTBEAT_SECONDS). An entry is sealed by the first run after its
transaction commits; one that turns up more than SEAL_MARGIN older than the chain's newest entry (a row
written behind the application's back with an old time) is never sealed, and `verify` names it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from finsam.core import keys
from finsam.core.models import AuditEntry, AuditSeal

logger = logging.getLogger(__name__)

KEY_PURPOSE = "audit"
GENESIS = "0" * 64
# The longest a transaction that writes audit entries may take and still be sealed: an entry committed
# later than this after its time is not sealed (and `verify` names it). Imports of millions of rows fit.
SEAL_MARGIN = timedelta(hours=1)
BATCH = 2000


def canonical(entry: AuditEntry) -> bytes:
    """The entry's stored fields, one way only: what the mac covers."""
    return json.dumps(
        [
            entry.pk,
            entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
            entry.actor_id,
            entry.actor_username,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.association_id,
            entry.client_address,
            entry.details,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def mac(*, previous: str, position: int, entry: AuditEntry, key: str | None = None) -> str:
    secret = (key or settings.AUDIT_KEY).encode("utf-8")
    message = previous.encode("ascii") + b"|" + str(position).encode("ascii") + b"|" + canonical(entry)
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _sealed() -> Exists:
    return Exists(AuditSeal.objects.filter(entry_id=OuterRef("pk")))


def seal(*, batch: int = BATCH) -> int:
    """Seals the committed entries not yet in the chain, oldest id first; returns how many. Two sealers at
    once cannot both extend the chain (positions and entries are unique): the loser stops and the next
    run goes on."""
    sealed = 0
    while True:
        try:
            with transaction.atomic():
                count = _seal_batch(batch)
        except IntegrityError:
            logger.info("Audit chain: another process sealed at the same time")
            return sealed
        sealed += count
        if count < batch:
            if sealed:
                head = AuditSeal.objects.order_by("-position").first()
                assert head is not None
                logger.info("Audit chain sealed to position %s (%s)", head.position, head.mac[:16])
            return sealed


def _floor(head: AuditSeal) -> datetime:
    """Entries older than this are not sealed any more: SEAL_MARGIN before the time of the chain's newest
    entry (its seal's time when that entry is gone)."""
    at = AuditEntry.objects.filter(pk=head.entry_id).values_list("at", flat=True).first()
    return (at or head.sealed_at) - SEAL_MARGIN


def _seal_batch(batch: int) -> int:
    head = AuditSeal.objects.order_by("-position").first()
    position, previous = (head.position, head.mac) if head else (0, GENESIS)
    unsealed = AuditEntry.objects.filter(~_sealed()).order_by("pk")
    if head is None:
        chosen = list(unsealed[:batch])
    else:
        # Two index walks rather than one over the whole log: the entries after the head's, and those
        # before it that committed late (within the margin).
        floor = _floor(head)
        late = unsealed.filter(pk__lt=head.entry_id, at__gte=floor)[:batch]
        new = unsealed.filter(pk__gt=head.entry_id, at__gte=floor)[:batch]
        chosen = sorted([*late, *new], key=lambda entry: entry.pk)[:batch]
    if not chosen:
        return 0
    if keys.mismatch(KEY_PURPOSE, [settings.AUDIT_KEY]):
        raise ImproperlyConfigured("FINSAM_AUDIT_KEY is not the key the audit log is sealed with")
    keys.record(purpose=KEY_PURPOSE, key=settings.AUDIT_KEY)
    seals = []
    for entry in chosen:
        position += 1
        previous = mac(previous=previous, position=position, entry=entry)
        seals.append(AuditSeal(position=position, entry_id=entry.pk, mac=previous))
    AuditSeal.objects.bulk_create(seals)
    return len(seals)


@dataclass(frozen=True)
class Problem:
    kind: str  # changed, removed, inserted, gap
    entry_id: int | None
    position: int | None
    text: str

    def __str__(self) -> str:
        return self.text


def _seals_with_entries(batch: int) -> Iterator[tuple[AuditSeal, AuditEntry | None]]:
    last = 0
    while True:
        seals = list(AuditSeal.objects.filter(position__gt=last).order_by("position")[:batch])
        if not seals:
            return
        entries = AuditEntry.objects.in_bulk([s.entry_id for s in seals])
        for item in seals:
            yield item, entries.get(item.entry_id)
        last = seals[-1].position


def verify(*, batch: int = BATCH) -> list[Problem]:
    """Walks the chain from its start and names every entry that does not match its seal (changed),
    every seal whose entry is gone or whose predecessors are gone (removed), and every entry older than
    the sealing margin that no seal covers (inserted). An empty list: the log is as it was sealed."""
    problems: list[Problem] = []
    previous, expected = GENESIS, 1
    for item, entry in _seals_with_entries(batch):
        after_gap = item.position != expected
        if after_gap:
            problems.append(
                Problem(
                    "gap",
                    None,
                    expected,
                    f"Borttagna poster: platserna {expected}–{item.position - 1} i kedjan saknas.",
                )
            )
        if entry is None:
            problems.append(
                Problem(
                    "removed",
                    item.entry_id,
                    item.position,
                    f"Borttagen post: loggpost {item.entry_id} (plats {item.position}) finns inte längre.",
                )
            )
        elif not after_gap and not hmac.compare_digest(
            mac(previous=previous, position=item.position, entry=entry), item.mac
        ):
            problems.append(
                Problem(
                    "changed",
                    entry.pk,
                    item.position,
                    f"Ändrad post: loggpost {entry.pk} (plats {item.position}, {entry.action}) stämmer inte "
                    "med sin försegling.",
                )
            )
        previous, expected = item.mac, item.position + 1
    head = AuditSeal.objects.order_by("-position").first()
    if head is not None:
        late = (
            AuditEntry.objects.filter(~_sealed(), at__lt=_floor(head))
            .order_by("pk")
            .only("pk", "action", "at")
        )
        problems.extend(
            Problem(
                "inserted",
                entry.pk,
                None,
                f"Inlagd post: loggpost {entry.pk} ({entry.action}, {entry.at:%Y-%m-%d %H:%M}) finns inte i "
                "kedjan fast den är äldre än förseglingen.",
            )
            for entry in late.iterator()
        )
    return problems


def unsealed_count() -> int:
    return AuditEntry.objects.filter(~_sealed()).count()
