"""Encryption at rest and the keyed hash of participant identities (R-CONSENT).

Keys come from settings (FINSAM_IDENTITY_KEY, FINSAM_IDENTITY_HASH_KEY), never from the repository. Each
configured key string is stretched with HKDF-SHA256 to a Fernet key, so any long random string works.
Several encryption keys rotate: the first encrypts, all decrypt (MultiFernet), and `rotate` re-encrypts
a token with the first. The scanned consent forms are encrypted with the same keys (`encrypt_file`).

Each key that writes here is recorded by its fingerprint (`record_keys`, core.keys), and the start of the
platform refuses keys that cannot read what is stored (`finsam.followup.checks`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from finsam.core import keys

IDENTITY = "identity"
IDENTITY_HASH = "identity_hash"


class IdentityKeyError(Exception):
    """A stored identity cannot be decrypted with any configured key."""


def record_keys() -> None:
    """The keys that now encrypt and hash identities belong to this database (core.keys)."""
    keys.record(purpose=IDENTITY, key=settings.IDENTITY_KEYS[0])
    keys.record(purpose=IDENTITY_HASH, key=settings.IDENTITY_HASH_KEY)


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"finsam participant identity"
    ).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.IDENTITY_KEYS))


def encrypt(normalised: str) -> str:
    return cipher().encrypt(normalised.encode("ascii")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise IdentityKeyError("no configured identity key decrypts this value") from exc


def encrypt_file(content: bytes) -> bytes:
    """A scanned consent form, encrypted at rest like the identity it carries."""
    return cipher().encrypt(content)


def decrypt_file(content: bytes) -> bytes:
    try:
        return cipher().decrypt(content)
    except InvalidToken as exc:
        raise IdentityKeyError("no configured identity key decrypts this file") from exc


def is_encrypted_file(content: bytes) -> bool:
    """A Fernet token (version byte 0x80, base64): what `encrypt_file` writes. A file stored before
    consent forms were encrypted is anything else."""
    return content.startswith(b"gAAAAA")


def rotate_file(content: bytes) -> bytes:
    try:
        return cipher().rotate(content)
    except InvalidToken as exc:
        raise IdentityKeyError("no configured identity key decrypts this file") from exc


def rotate(token: str) -> str:
    """The same identity, encrypted with the first (newest) key."""
    try:
        return cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise IdentityKeyError("no configured identity key decrypts this value") from exc


def keyed_hash(normalised: str) -> str:
    """HMAC-SHA256 of the normalised 12-digit number: the same person gives the same hash."""
    key = settings.IDENTITY_HASH_KEY.encode("utf-8")
    return hmac.new(key, normalised.encode("ascii"), hashlib.sha256).hexdigest()
