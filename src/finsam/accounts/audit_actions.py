"""The accounts app's audit actions: what an audit entry says was done, named once.

The values are stored in the log and filtered on: never change one, add a new one instead.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from finsam.core.audit_text import Wording


class AuditAction(StrEnum):
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    ROLE_END = "role.end"
    USER_INVITE = "user.invite"
    INVITATION_ACCEPT = "user.invitation_accept"
    API_TOKEN_REFUSED = "api_token.refused"
    API_TOKEN_CREATE = "api_token.create"
    API_TOKEN_REVOKE = "api_token.revoke"
    SIGN_IN = "user.sign_in"
    SIGN_OUT = "user.sign_out"
    SIGN_IN_LOCKOUT = "user.sign_in_lockout"
    REAUTHENTICATE = "user.reauthenticate"
    SIGN_IN_REFUSED = "user.sign_in_refused"
    SIGN_IN_LINK_CREATE = "sign_in_link.create"
    SIGN_IN_LINK_DELETE = "sign_in_link.delete"
    USER_CREATE = "user.create"
    USER_PASSWORD = "user.password"
    ADMIN_USER_PASSWORD = "admin.user.password"
    SECOND_FACTOR_SETUP = "user.second_factor_setup"
    RECOVERY_CODES_CREATE = "user.recovery_codes_create"
    RECOVERY_CODE_USE = "user.recovery_code_use"


# How the log tells each action: the kind of event (the filter) and the sentence ({actor}, {object}).
WORDING: dict[AuditAction, Wording] = {
    AuditAction.ROLE_GRANT: Wording(_("Roll tilldelad"), _("{actor} gav {object}")),
    AuditAction.ROLE_REVOKE: Wording(_("Roll återkallad"), _("{actor} återkallade {object}")),
    AuditAction.ROLE_END: Wording(_("Roll avslutad"), _("{actor} avslutade {object}")),
    AuditAction.USER_INVITE: Wording(_("Användare inbjuden"), _("{actor} bjöd in {object} med e-post")),
    AuditAction.INVITATION_ACCEPT: Wording(
        _("Inbjudan använd"), _("{actor} valde sitt lösenord med länken i inbjudan")
    ),
    AuditAction.API_TOKEN_REFUSED: Wording(_("API-nyckel nekad"), _("{actor} nekades en API-nyckel")),
    AuditAction.API_TOKEN_CREATE: Wording(_("API-nyckel skapad"), _("{actor} skapade {object}")),
    AuditAction.API_TOKEN_REVOKE: Wording(_("API-nyckel återkallad"), _("{actor} återkallade {object}")),
    AuditAction.SIGN_IN: Wording(_("Inloggning"), _("{actor} loggade in")),
    AuditAction.SIGN_OUT: Wording(_("Utloggning"), _("{actor} loggade ut")),
    AuditAction.SIGN_IN_LOCKOUT: Wording(
        _("Inloggning spärrad"), _("{actor} spärrades efter för många felaktiga lösenord")
    ),
    AuditAction.REAUTHENTICATE: Wording(
        _("Lösenord bekräftat"),
        _("{actor} bekräftade sitt lösenord för att se eller ändra skyddade uppgifter"),
    ),
    AuditAction.SIGN_IN_REFUSED: Wording(
        _("Inloggning med e-legitimation nekad"),
        _("{actor} nekades inloggning med en e-legitimation som inte är kopplad till något aktivt konto"),
    ),
    AuditAction.SIGN_IN_LINK_CREATE: Wording(
        _("E-legitimation kopplad"), _("{actor} kopplade en e-legitimation till {object}")
    ),
    AuditAction.SIGN_IN_LINK_DELETE: Wording(
        _("Koppling till e-legitimation borttagen"), _("{actor} tog bort {object}")
    ),
    AuditAction.USER_CREATE: Wording(_("Användare skapad"), _("{actor} skapade användaren {object}")),
    AuditAction.USER_PASSWORD: Wording(_("Lösenord bytt"), _("{actor} bytte lösenord för {object}")),
    AuditAction.ADMIN_USER_PASSWORD: Wording(
        _("Lösenord bytt i administrationen"), _("{actor} bytte lösenord för {object} i administrationen")
    ),
    AuditAction.SECOND_FACTOR_SETUP: Wording(
        _("Tvåstegsverifiering inställd"), _("{actor} kopplade en app för tvåstegsverifiering")
    ),
    AuditAction.RECOVERY_CODES_CREATE: Wording(
        _("Reservkoder skapade"), _("{actor} skapade nya reservkoder för tvåstegsverifiering")
    ),
    AuditAction.RECOVERY_CODE_USE: Wording(
        _("Reservkod använd"), _("{actor} loggade in med en reservkod i stället för appen")
    ),
}
