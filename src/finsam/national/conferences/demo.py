"""The demo's conferences: a small workshop that is full and has a waiting list, and the national
conference with plenty of places. Dates follow the day the demo is built, so they are always ahead.
The system registers the demo's förbund users, as the working group may do for someone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from finsam.core.demo import DemoContext
from finsam.national.conferences import services
from finsam.national.conferences.models import Conference

WORKSHOP = "Workshop: lokal uppföljning av insatser"
WORKSHOP_PROGRAMME = """\
## Förmiddag

| Tid | Punkt |
|---|---|
| 09.30 | Kaffe och registrering |
| 10.00 | Välkommen – nationella arbetsgruppen |
| 10.15 | Varför följa upp på individnivå när SUS är borta? |
| 11.00 | Samtycke, anonyma deltagare och skydd av små tal |

## Eftermiddag

| Tid | Punkt |
|---|---|
| 12.00 | Lunch |
| 13.00 | Övning: förbundets egna uppföljningsfrågor |
| 14.30 | Erfarenheter från Umeåregionen och Skellefteå–Norsjö |
| 15.30 | Avslutning |

Workshopen hålls i ett mindre rum; antalet platser är därför begränsat. Står du på väntelistan får du e-post
om en plats blir ledig.
"""

NATIONAL = "Nationell konferens om finansiell samordning"
NATIONAL_PROGRAMME = """\
Två dagar för förbundschefer, styrelser och medlemmarnas representanter.

## Dag 1

- Nationella rådet inleder: strategin framåt
- Statens fördelningsmodell och eget kapital – vad betyder rådets rekommendation för ert förbund?
- Parallella seminarier om strukturövergripande insatser

## Dag 2

- Resultat från förbunden: hur gick det för deltagarna?
- Medlemssamrådet i praktiken
- Avslutning
"""

# username, in order of registration: the first three take the workshop's three places.
WORKSHOP_REGISTRANTS = ("umea-styrelse", "skelleftea-deltagare", "umea-revisor", "umea-deltagare")
NATIONAL_REGISTRANTS = ("umea-styrelse", "skelleftea-deltagare")


def _at(day: object, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))  # type: ignore[arg-type]


def _conference(ctx: DemoContext, title: str, **values: object) -> Conference:
    conference = Conference.objects.filter(title=title).first()
    if conference is None:
        conference = services.conference_create(actor=ctx.actor, title=title, **values)  # type: ignore[arg-type]
    return conference


def _register(ctx: DemoContext, conference: Conference, usernames: tuple[str, ...]) -> None:
    if conference.registrations.exists():
        return
    for username in usernames:
        user = ctx.users.get(username)
        if user is not None:
            services.registration_create(actor=ctx.actor, user=user, conference=conference)


def conferences_step(ctx: DemoContext) -> None:
    """The demo step (see finsam.demo.STEPS)."""
    today = timezone.localdate()
    workshop_day = today + timedelta(days=40)
    national_day = today + timedelta(days=110)
    with transaction.atomic():
        workshop = _conference(
            ctx,
            WORKSHOP,
            place="Folkets hus, Umeå",
            starts_at=_at(workshop_day, 9, 30),
            ends_at=_at(workshop_day, 16),
            capacity=3,
            registration_closes=workshop_day - timedelta(days=14),
            programme=WORKSHOP_PROGRAMME,
            reminder_days=7,
            published=True,
        )
        national = _conference(
            ctx,
            NATIONAL,
            place="Stockholm Waterfront Congress Centre, Stockholm",
            starts_at=_at(national_day, 10),
            ends_at=_at(national_day + timedelta(days=1), 15),
            capacity=250,
            registration_closes=national_day - timedelta(days=30),
            programme=NATIONAL_PROGRAMME,
            reminder_days=10,
            published=True,
        )
        _register(ctx, workshop, WORKSHOP_REGISTRANTS)
        _register(ctx, national, NATIONAL_REGISTRANTS)
