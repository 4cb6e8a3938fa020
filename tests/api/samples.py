"""Sample request bodies for the API's write operations, used by the access matrix.

Each is a valid body for the own association of the test world (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

API_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "POST /api/v1/auth/token": lambda w: {"username": "own-national_admin", "password": "test-lösenord-123"},
}
