"""Accounts for the HTTP load test (`bench/load.py`): one per virtual user, each with a real role in a
förbund of a `finsam synth` database, made through the services (role grants and intervention updates
are audited as the system, as `finsam grant-role` does).

Not part of the installed platform, and guarded twice: it runs only with `--load-test-database`, and it
refuses a database with any account that is not a load-test account (`loadtest-…`): a synth database
has none, a real installation has its users.

    FINSAM_DATABASE_URL=postgres://… FINSAM_DATA_DIR=… python bench/load_accounts.py \\
        --load-test-database --users 200 --out accounts.json

Writes the accounts (username, role, förbund, the interventions a coordinator is assigned to), their
one shared password and their one TOTP secret to `--out` (a JSON file for the locustfile). The accounts
whose roles need a second factor (core.second_factor) get a TOTP app with that secret
(FINSAM_DEMO_TOTP_SECRET when set, else the file's, else a new one), so that the virtual users sign in with
a code as people do. Running it again with more users adds the missing accounts.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

PREFIX = "loadtest-"
# Of every ten users: coordinators register participants, administrators and board members read the
# förbund's pages and statistics, one national viewer reads national figures.
ROLES = (
    "participant_coordinator",
    "association_admin",
    "participant_coordinator",
    "board_member",
    "participant_coordinator",
    "association_admin",
    "participant_coordinator",
    "board_member",
    "association_admin",
    "national_viewer",
)
COORDINATED = 3  # active individual interventions a coordinator is assigned to


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--load-test-database", action="store_true", help="required: this is no production")
    args = parser.parse_args()
    if not args.load_test_database:
        parser.error("refusing to run without --load-test-database")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsam.settings")
    import django

    django.setup()
    accounts = make_accounts(args.users, args.out)
    print(f"{len(accounts['users'])} load-test accounts in {args.out}")
    return 0


def make_accounts(n: int, out: Path) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from finsam.accounts import services as accounts
    from finsam.accounts import two_factor
    from finsam.core import second_factor
    from finsam.core.access import SYSTEM
    from finsam.registry import selectors as registry

    users = get_user_model().objects
    strangers = users.exclude(username__startswith=PREFIX)
    if strangers.exists():
        sys.exit(f"refusing: the database has accounts that are not load-test accounts ({strangers.count()})")
    previous = json.loads(out.read_text()) if out.exists() else {}
    password = previous.get("password") or secrets.token_urlsafe(18)
    totp_secret = (
        settings.DEMO_TOTP_SECRET
        or previous.get("totp_secret")
        or base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    )
    # One hash for all: the same password, hashed once (hashing is what signing in costs, not this).
    hashed = make_password(password)
    associations = list(registry.association_list(user=SYSTEM).order_by("id"))
    made: list[dict[str, Any]] = []
    coordinators: dict[int, list[Any]] = {}
    with transaction.atomic():
        for i in range(n):
            role = ROLES[i % len(ROLES)]
            association = None if role == "national_viewer" else associations[i % len(associations)]
            user, _ = users.get_or_create(username=f"{PREFIX}{i:04d}", defaults={"password": hashed})
            if user.password != hashed:
                user.password = hashed
                user.save(update_fields=["password"])
            accounts.role_grant(actor=SYSTEM, user=user, role=role, association=association)
            if second_factor.required_for(user):
                two_factor.totp_set_secret(actor=SYSTEM, user=user, secret=totp_secret)
            made.append(
                {"username": user.username, "role": role, "association": association and association.pk}
            )
            if role == "participant_coordinator" and association is not None:
                coordinators.setdefault(association.pk, []).append(user)
        assigned = _assign(coordinators)
    for account in made:
        account["interventions"] = assigned.get(account["username"], [])
    data = {"password": password, "totp_secret": totp_secret, "users": made}
    out.write_text(json.dumps(data, indent=1))
    out.chmod(0o600)
    return data


def _assign(coordinators: dict[int, list[Any]]) -> dict[str, list[int]]:
    """Each förbund's coordinators become coordinators of its first active individual interventions,
    through `intervention_update` (the intervention otherwise as it is)."""
    from finsam.core.access import SYSTEM
    from finsam.interventions import services
    from finsam.interventions.models import Intervention

    assigned: dict[str, list[int]] = {}
    for association_id, users in coordinators.items():
        interventions = Intervention.objects.filter(
            association_id=association_id, kind="individual", status="active"
        ).order_by("id")[:COORDINATED]
        for intervention in interventions:
            current = list(intervention.coordinators.all())
            services.intervention_update(
                actor=SYSTEM,
                intervention=intervention,
                version=intervention.version,
                kind=intervention.kind,
                name=intervention.name,
                start=intervention.start,
                end=intervention.end,
                description=intervention.description,
                target_group=intervention.target_group,
                providers=list(intervention.providers.all()),
                board_decision_reference=intervention.board_decision_reference,
                board_decision_date=intervention.board_decision_date,
                followup_method=intervention.followup_method,
                esf_cofinanced=intervention.esf_cofinanced,
                status=intervention.status,
                planned=list(intervention.planned.values_list("year", "count")),
                coordinators=current + [u for u in users if u not in current],
            )
            for user in users:
                assigned.setdefault(user.username, []).append(intervention.pk)
    return assigned


if __name__ == "__main__":
    raise SystemExit(main())
