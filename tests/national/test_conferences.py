"""Conferences: a förbund's users register and see their place or their place on the waiting list; a
cancellation gives the first waiting the place and tells them; closing date and double registration are
refused with nothing written; the participant list, reminders and the calendar."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from finsam.core.access import SYSTEM
from finsam.core.errors import RuleViolation
from finsam.core.models import AuditEntry
from finsam.national.conferences import selectors, services
from finsam.national.conferences.models import Conference, Registration
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 1)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def make_conference(*, capacity: int = 2, starts: date | None = None, **values: Any) -> Conference:
    starts = starts or timezone.localdate() + timedelta(days=30)
    defaults: dict[str, Any] = {
        "title": "Workshop om uppföljning",
        "place": "Folkets hus, Umeå",
        "starts_at": at(starts, 9),
        "ends_at": at(starts, 16),
        "capacity": capacity,
        "registration_closes": starts - timedelta(days=7),
        "programme": "## Förmiddag\n\n- Välkommen",
        "published": True,
    }
    defaults.update(values)
    return services.conference_create(actor=SYSTEM, **defaults)


def staff(world: Any, count: int) -> list[Any]:
    """`count` users of the own förbund who may register (association admins)."""
    return [make_user(f"anmald-{i}", association_admin=world.own) for i in range(count)]


def test_registrations_take_the_places_in_order_then_the_waiting_list_with_its_positions(world: Any) -> None:
    conference = make_conference(capacity=2)
    users = staff(world, 4)
    registrations = [services.registration_create(actor=user, conference=conference) for user in users]
    assert [r.status for r in registrations] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert registrations[0].association_id == world.own.pk  # the förbund they come from
    assert [selectors.waiting_position(registration=r) for r in registrations] == [None, None, 1, 2]
    detail = selectors.conference_detail(user=users[3], conference_id=conference.pk)
    assert (detail.confirmed, detail.waiting, detail.free, detail.position) == (2, 2, 0, 2)


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list_who_gets_a_mail(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conference = make_conference(capacity=1)
    first, second, third = staff(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        place = services.registration_create(actor=first, conference=conference)
        services.registration_create(actor=second, conference=conference)
        services.registration_create(actor=third, conference=conference)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(actor=first, registration=place)
    assert [r.user_id for r in promoted] == [second.pk]
    statuses = dict(Registration.objects.filter(conference=conference).values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "confirmed", third.pk: "waiting"}
    assert selectors.waiting_position(registration=Registration.objects.get(user=third)) == 1
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "Du har fått en plats" in mail.outbox[0].subject
    assert reverse("national:conference_detail", args=[conference.pk]) in mail.outbox[0].body


def test_leaving_the_waiting_list_promotes_nobody_and_mails_nobody(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conference = make_conference(capacity=1)
    first, second = staff(world, 2)
    services.registration_create(actor=first, conference=conference)
    waiting = services.registration_create(actor=second, conference=conference)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registration_cancel(actor=second, registration=waiting) == []
    assert mail.outbox == []


def _written() -> tuple[int, int]:
    return Registration.objects.count(), AuditEntry.objects.count()


def test_a_registration_after_the_closing_date_is_refused_in_swedish_and_nothing_is_written(
    world: Any,
) -> None:
    conference = make_conference(
        starts=TODAY + timedelta(days=10), registration_closes=TODAY - timedelta(days=1)
    )
    [user] = staff(world, 1)
    before = _written()
    with pytest.raises(RuleViolation) as refused:
        services.registration_create(actor=user, conference=conference, day=TODAY)
    assert refused.value.code == "R-CONFERENCE-CLOSED"
    assert "Anmälan stängde" in refused.value.message
    assert _written() == before
    # The last day itself is open.
    services.registration_create(actor=user, conference=conference, day=TODAY - timedelta(days=1))


def test_registering_twice_is_refused_in_swedish_and_nothing_is_written(world: Any) -> None:
    conference = make_conference()
    [user] = staff(world, 1)
    services.registration_create(actor=user, conference=conference)
    before = _written()
    with pytest.raises(RuleViolation) as refused:
        services.registration_create(actor=user, conference=conference)
    assert refused.value.code == "R-CONFERENCE-TWICE"
    assert "redan anmäld" in refused.value.message
    assert _written() == before


def test_the_database_allows_one_active_registration_per_user_and_conference(world: Any) -> None:
    from django.db import IntegrityError, transaction

    conference = make_conference()
    [user] = staff(world, 1)
    registration = services.registration_create(actor=user, conference=conference)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            conference=conference,
            user=user,
            association=world.own,
            status="waiting",
            created_at=timezone.now(),
        )
    services.registration_cancel(actor=user, registration=registration)
    again = services.registration_create(actor=user, conference=conference)  # after cancelling: a new one
    assert again.status == "confirmed"


def test_a_user_of_several_förbund_says_which_one_they_come_from(world: Any) -> None:
    conference = make_conference()
    user = make_user("tva-forbund", association_admin=world.own, board_member=world.other)
    with pytest.raises(RuleViolation) as refused:
        services.registration_create(actor=user, conference=conference)
    assert refused.value.violations[0].field == "association"
    outsider = make_user("tredje")
    with pytest.raises(Exception):  # noqa: B017 - no förbund role: no registration at all
        services.registration_create(actor=outsider, conference=conference)
    registration = services.registration_create(
        actor=user, conference=conference, association_id=world.other.pk
    )
    assert registration.association_id == world.other.pk


def test_an_unpublished_or_cancelled_conference_takes_no_registrations(world: Any) -> None:
    [user] = staff(world, 1)
    for conference in (make_conference(published=False), make_conference(title="Inställd")):
        if conference.published:
            services.conference_update(
                actor=SYSTEM, conference=conference, version=conference.version, cancelled=True,
                **{k: getattr(conference, k) for k in (
                    "title", "place", "starts_at", "ends_at", "capacity", "registration_closes", "programme",
                    "reminder_days", "published",
                )},
            )  # fmt: skip
        with pytest.raises(RuleViolation) as refused:
            services.registration_create(actor=user, conference=conference)
        assert refused.value.code == "R-CONFERENCE-NOT-OPEN"


def test_more_places_give_the_waiting_list_a_place(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conference = make_conference(capacity=1)
    first, second = staff(world, 2)
    services.registration_create(actor=first, conference=conference)
    services.registration_create(actor=second, conference=conference)
    with django_capture_on_commit_callbacks(execute=True):
        services.conference_update(
            actor=SYSTEM, conference=conference, version=conference.version, capacity=2,
            **{k: getattr(conference, k) for k in (
                "title", "place", "starts_at", "ends_at", "registration_closes", "programme", "reminder_days",
                "published",
            )},
        )  # fmt: skip
    assert Registration.objects.get(user=second).status == "confirmed"
    assert [m.to for m in mail.outbox] == [[second.email]]


# --- pages ------------------------------------------------------------------------------------------


def test_registering_on_the_page_shows_the_place_and_the_waiting_list_position(world: Any) -> None:
    conference = make_conference(capacity=1)
    first, second = staff(world, 2)
    url = reverse("national:conference_register", args=[conference.pk])
    detail = reverse("national:conference_detail", args=[conference.pk])
    assert world.client(first).post(url, {"association": world.own.pk}).status_code == 302
    page = world.client(first).get(detail).content.decode()
    assert "Plats bekräftad" in page
    response = world.client(second).post(url, {"association": world.own.pk}, follow=True)
    page = response.content.decode()
    assert "väntelistan som nummer 1" in page
    again = world.client(second).post(url, {"association": world.own.pk})
    assert again.status_code == 400
    assert "Du är redan anmäld" in again.content.decode()
    cancel = reverse("national:conference_cancel", args=[conference.pk])
    assert world.client(first).post(cancel, {"confirm": "True"}).status_code == 302
    assert "Plats bekräftad" in world.client(second).get(detail).content.decode()


def test_a_closed_registration_answers_400_with_the_reason_on_the_page(world: Any) -> None:
    starts = timezone.localdate() + timedelta(days=5)
    conference = make_conference(starts=starts, registration_closes=timezone.localdate() - timedelta(days=1))
    [user] = staff(world, 1)
    response = world.client(user).post(
        reverse("national:conference_register", args=[conference.pk]), {"association": world.own.pk}
    )
    assert response.status_code == 400
    assert "Anmälan stängde" in response.content.decode()
    assert not Registration.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_and_only_the_working_group_edits(world: Any) -> None:
    conference = make_conference()
    for name in ("conference_list", "conference_feed"):
        assert world.client(None).get(reverse(f"national:{name}")).status_code == 302
    assert (
        world.client(None).get(reverse("national:conference_detail", args=[conference.pk])).status_code == 302
    )
    edit = reverse("national:conference_edit", args=[conference.pk])
    participants = reverse("national:conference_participants", args=[conference.pk])
    for role in ("association_admin", "national_viewer", "board_member"):
        client = world.client(world.users[role])
        assert client.get(edit).status_code == 403
        assert client.get(participants).status_code == 403
        assert client.post(reverse("national:conference_create"), {}).status_code == 403
    admin = world.client(world.users["national_admin"])
    assert admin.get(edit).status_code == 200
    assert admin.get(participants).status_code == 200
    # The working group does not register (it is no förbund's).
    assert admin.post(reverse("national:conference_register", args=[conference.pk]), {}).status_code == 403


def test_an_unpublished_conference_is_the_working_groups_only(world: Any) -> None:
    hidden = make_conference(published=False, title="Ännu hemlig")
    detail = reverse("national:conference_detail", args=[hidden.pk])
    assert world.client(world.users["association_admin"]).get(detail).status_code == 404
    assert (
        "Ännu hemlig"
        not in world.client(world.users["association_admin"])
        .get(reverse("national:conference_list"))
        .content.decode()
    )
    assert world.client(world.users["national_admin"]).get(detail).status_code == 200


def test_the_working_group_creates_a_conference_on_the_page(world: Any) -> None:
    day = timezone.localdate() + timedelta(days=60)
    response = world.client(world.users["national_admin"]).post(
        reverse("national:conference_create"),
        {
            "title": "Nätverksträff",
            "place": "Digitalt",
            "starts_at": f"{day:%Y-%m-%d}T10:00",
            "ends_at": f"{day:%Y-%m-%d}T12:00",
            "capacity": "20",
            "registration_closes": f"{day - timedelta(days=3):%Y-%m-%d}",
            "reminder_days": "3",
            "programme": "<script>alert(1)</script>\n\n## Program",
            "published": "on",
        },
    )
    assert response.status_code == 302
    conference = Conference.objects.get(title="Nätverksträff")
    page = world.client(world.users["board_member"]).get(response["Location"]).content.decode()
    assert "<script>alert(1)" not in page  # the programme's Markdown is sanitised
    assert "<h2>Program</h2>" in page
    assert AuditEntry.objects.filter(action="conference.create", object_id=str(conference.pk)).exists()


def test_a_conference_that_ends_before_it_starts_is_refused(world: Any) -> None:
    day = timezone.localdate() + timedelta(days=60)
    response = world.client(world.users["national_admin"]).post(
        reverse("national:conference_create"),
        {
            "title": "Baklänges",
            "place": "Umeå",
            "starts_at": f"{day:%Y-%m-%d}T10:00",
            "ends_at": f"{day:%Y-%m-%d}T09:00",
            "capacity": "20",
            "registration_closes": f"{day:%Y-%m-%d}",
            "reminder_days": "3",
        },
    )
    assert response.status_code == 400
    assert "kan inte sluta innan den börjar" in response.content.decode()
    assert not Conference.objects.exists()


# --- exports ----------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://example.org","klicka")'


def _formula_participant(world: Any, conference: Conference) -> Any:
    """A participant whose name looks like a formula, with a place; and one on the waiting list after."""
    user = make_user("formel", association_admin=world.own)
    user.first_name, user.last_name = FORMULA, ""
    user.save()
    services.registration_create(actor=user, conference=conference)
    for waiting in staff(world, conference.capacity):
        services.registration_create(actor=waiting, conference=conference)
    return user


def test_the_participant_list_as_excel_writes_a_formula_like_name_as_text(world: Any) -> None:
    conference = make_conference()
    _formula_participant(world, conference)
    response = world.client(world.users["national_admin"]).get(
        reverse("national:conference_participants_xlsx", args=[conference.pk])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == FORMULA]
    assert cells, "the name is in the workbook, unchanged"
    assert all(cell.data_type == "s" for cell in cells)  # text, not a formula
    assert AuditEntry.objects.filter(action="conference.export").exists()


def test_the_participant_list_as_csv_writes_a_formula_like_name_as_text(world: Any) -> None:
    conference = make_conference()
    _formula_participant(world, conference)
    response = world.client(world.users["national_admin"]).get(
        reverse("national:conference_participants_csv", args=[conference.pk])
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Namn", "E-post", "Förbund"]
    assert rows[1][0] == "'" + FORMULA
    assert rows[1][2] == world.own.name
    assert rows[1][3] == "Plats bekräftad"
    assert not any(field.startswith(("=", "+", "@")) for row in rows for field in row)
    # Those with a place first, then the waiting list in order with their positions.
    assert [(row[3], row[4]) for row in rows[1:]] == [
        ("Plats bekräftad", ""),
        ("Plats bekräftad", ""),
        ("På väntelistan", "1"),
    ]


# --- reminders --------------------------------------------------------------------------------------


def test_reminders_go_once_to_those_with_a_place_from_the_given_days_before(world: Any) -> None:
    starts = timezone.localdate() + timedelta(days=5)
    conference = make_conference(
        capacity=1, starts=starts, reminder_days=3, registration_closes=timezone.localdate()
    )
    first, second = staff(world, 2)
    services.registration_create(actor=first, conference=conference)
    services.registration_create(actor=second, conference=conference)  # waiting: no reminder
    early = services.reminders_send(day=starts - timedelta(days=4))
    assert early.sent == 0 and mail.outbox == []
    run = services.reminders_send(day=starts - timedelta(days=3))
    assert run.sent == 1
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert "Påminnelse" in mail.outbox[0].subject
    again = services.reminders_send(day=starts - timedelta(days=2))
    assert again.sent == 0 and len(mail.outbox) == 1
    assert Registration.objects.get(user=first).reminded_at is not None


def test_a_failed_reminder_is_tried_again_on_the_next_run(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts = timezone.localdate() + timedelta(days=2)
    conference = make_conference(starts=starts, reminder_days=3, registration_closes=timezone.localdate())
    [user] = staff(world, 1)
    services.registration_create(actor=user, conference=conference)

    def refuse(self: Any, *args: Any, **kwargs: Any) -> int:
        raise OSError("the mail server is away")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        assert services.reminders_send().failed == 1
    assert Registration.objects.get(user=user).reminded_at is None
    assert services.reminders_send().sent == 1


def test_the_reminder_command_sends_the_days_reminders(world: Any) -> None:
    from django.core.management import CommandError, call_command

    starts = timezone.localdate() + timedelta(days=2)
    conference = make_conference(starts=starts, reminder_days=3, registration_closes=timezone.localdate())
    [user] = staff(world, 1)
    services.registration_create(actor=user, conference=conference)
    out = io.StringIO()
    call_command(
        "send_conference_reminders", "--enqueue", stdout=out
    )  # the daily timer's way: the worker runs it
    assert "i kön" in out.getvalue()
    call_command("send_conference_reminders", stdout=out)
    assert len(mail.outbox) == 1
    assert "0 skickade" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_conference_reminders", "--date", "2027-13-01", stdout=out)


# --- calendar ---------------------------------------------------------------------------------------


def test_the_calendar_feed_and_a_conferences_file_parse_as_icalendar(world: Any) -> None:
    conference = make_conference(title="Konferens, vår; 2027")
    make_conference(title="Hemlig", published=False)
    client = world.client(world.users["participant_coordinator"])
    feed = client.get(reverse("national:conference_feed"))
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(feed.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Konferens, vår; 2027"]
    assert events[0]["DTSTART"].dt == conference.starts_at
    assert str(events[0]["LOCATION"]) == "Folkets hus, Umeå"
    single = client.get(reverse("national:conference_ics", args=[conference.pk]))
    [event] = icalendar.Calendar.from_ical(single.content).walk("VEVENT")
    assert str(event["UID"]) == f"conference-{conference.pk}@finsam"
    assert event["DTEND"].dt == conference.ends_at


def test_the_conference_list_takes_the_same_number_of_queries_for_more_conferences(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users = staff(world, 2)
    client = world.client(users[0])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("national:conference_list")).status_code == 200
        return len(captured)

    conference = make_conference(title="Första")
    services.registration_create(actor=users[1], conference=conference)
    few = queries()
    for number in range(4):
        extra = make_conference(title=f"Konferens {number}")
        services.registration_create(actor=users[1], conference=extra)
        services.registration_create(actor=users[0], conference=extra)
    assert queries() == few


def test_cancelling_the_conference_tells_everyone_registered(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conference = make_conference(capacity=1)
    first, second, gone = staff(world, 3)
    services.registration_create(actor=first, conference=conference)
    services.registration_create(actor=second, conference=conference)
    left = services.registration_create(actor=gone, conference=conference)
    services.registration_cancel(actor=gone, registration=left)
    values = {
        k: getattr(conference, k)
        for k in ("title", "place", "starts_at", "ends_at", "capacity", "registration_closes", "programme")
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.conference_update(
            actor=SYSTEM,
            conference=conference,
            version=conference.version,
            published=True,
            cancelled=True,
            **values,
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert all(m.subject == "Inställd: Workshop om uppföljning" for m in mail.outbox)
    page = (
        world.client(first).get(reverse("national:conference_detail", args=[conference.pk])).content.decode()
    )
    assert "Konferensen är inställd." in page
    [event] = icalendar.Calendar.from_ical(
        world.client(first).get(reverse("national:conference_ics", args=[conference.pk])).content
    ).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_only_the_working_group_registers_someone_else(world: Any) -> None:
    conference = make_conference()
    [user] = staff(world, 1)
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=world.users["association_admin"], user=user, conference=conference)
    registration = services.registration_create(
        actor=world.users["national_admin"], user=user, conference=conference
    )
    assert (registration.user_id, registration.association_id) == (user.pk, world.own.pk)
    entry = AuditEntry.objects.get(action="conference.register")
    assert entry.actor_username == "own-national_admin"
