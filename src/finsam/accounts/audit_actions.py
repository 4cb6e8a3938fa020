"""The accounts app's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    API_TOKEN_REFUSED = "api_token.refused"
    API_TOKEN_CREATE = "api_token.create"
    API_TOKEN_REVOKE = "api_token.revoke"
    SIGN_IN = "user.sign_in"
    SIGN_OUT = "user.sign_out"
    SIGN_IN_LOCKOUT = "user.sign_in_lockout"
    REAUTHENTICATE = "user.reauthenticate"
    USER_CREATE = "user.create"
    USER_PASSWORD = "user.password"
    ADMIN_USER_PASSWORD = "admin.user.password"
