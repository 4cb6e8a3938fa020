"""The demo's logins: one user per role of DESIGN §5, with the password the demo was given."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from finsam.accounts import services
from finsam.accounts.audit_actions import AuditAction
from finsam.core import audit
from finsam.core.demo import DemoContext
from finsam.core.roles import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    association: str | None  # a key of ASSOCIATIONS; None for the national roles


USERS = (
    DemoUser("arbetsgrupp", "Karin", "Wallinder", Role.NATIONAL_ADMIN, None),
    DemoUser("nationella-radet", "Per", "Almqvist", Role.NATIONAL_VIEWER, None),
    DemoUser("umea-chef", "Helena", "Burström", Role.ASSOCIATION_ADMIN, "umea"),  # the director
    DemoUser("umea-deltagare", "Sara", "Nordenmark", Role.PARTICIPANT_COORDINATOR, "umea"),
    DemoUser("skelleftea-deltagare", "Daniel", "Lindmark", Role.PARTICIPANT_COORDINATOR, "skelleftea"),
    DemoUser("umea-styrelse", "Mikael", "Öhman", Role.BOARD_MEMBER, "umea"),  # the chair
    DemoUser("umea-revisor", "Cecilia", "Ekholm", Role.AUDITOR, "umea"),
)


def users_step(ctx: DemoContext) -> None:
    """One login per role of DESIGN §5. Re-running sets the password again (it may have changed)."""
    model = get_user_model()
    for spec in ctx.progress(USERS, desc="Användare"):
        association = ctx.associations[spec.association] if spec.association else None
        with transaction.atomic():
            user = model.objects.filter(username=spec.username).first()
            if user is None:
                user = model.objects.create_user(
                    username=spec.username,
                    password=ctx.password,
                    email=f"{spec.username}@example.org",
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                )
                audit.record(actor=ctx.actor, action=AuditAction.USER_CREATE, target=user)
            elif not user.check_password(ctx.password):
                user.set_password(ctx.password)
                user.save(update_fields=["password"])
                audit.record(actor=ctx.actor, action=AuditAction.USER_PASSWORD, target=user)
            services.role_grant(actor=ctx.actor, user=user, role=spec.role, association=association)
        ctx.users[spec.username] = user
