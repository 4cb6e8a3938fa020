"""The governance pages: who sees which meeting, meetings created and refused on the page (rule code on
the field, nothing saved), warnings shown, the minutes written, adjusted, locked and printed, the R-INFO
list for the members, documents, the annual cycle, the national overview and the calendar feed."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finsam.core.access import SYSTEM
from finsam.core.models import AuditEntry
from finsam.governance import selectors, services
from finsam.governance.models import Document, Meeting, Minutes, MinutesStatus
from finsam.registry.models import BoardSeat
from finsam.reports import ical
from tests.factories import MINIMAL_PDF, consultation_participants, make_consultation, make_document
from tests.governance.helpers import counts

pytestmark = pytest.mark.django_db


def client(world: Any, role: str, *, outsider: bool = False) -> Any:
    return world.client((world.outsiders if outsider else world.users)[role])


def board_meeting(world: Any, day: date, *, title: str = "Styrelsemöte med beslut") -> Meeting:
    seats = BoardSeat.objects.filter(association=world.own, start__lte=day, end__gte=day, role="member")
    participants = [
        services.ParticipantInput(person=s.person, capacity="board_member", attended=True, adjuster=s.chair)
        for s in seats
    ]
    return services.meeting_create(
        actor=SYSTEM,
        kind="board_meeting",
        date=day,
        title=title,
        associations=[world.own],
        participants=participants,
        agenda=[services.AgendaInput("Verksamhetsplan"), services.AgendaInput("Övrigt")],
    )


def lock(meeting: Meeting, decisions: list[services.DecisionInput]) -> None:
    services.minutes_update(actor=SYSTEM, meeting=meeting, notes={1: "Anteckning."}, decisions=decisions)
    for participant in meeting.participants.filter(adjuster=True):
        services.minutes_confirm(actor=SYSTEM, meeting=meeting, participant=participant)
    services.minutes_lock(actor=SYSTEM, meeting=meeting)


# --- who sees what --------------------------------------------------------------------------------


def test_member_representatives_see_the_consultations_but_not_the_board_meetings(
    world: Any, spring: date
) -> None:
    consultation = make_consultation([world.own], day=spring, title="Vårens medlemssamråd")
    board = board_meeting(world, spring)
    representative = client(world, "member_representative")
    page = representative.get(reverse("governance:meeting_list")).content.decode()
    assert "Vårens medlemssamråd" in page and "Styrelsemöte med beslut" not in page
    assert representative.get(reverse("governance:meeting_detail", args=[consultation.pk])).status_code == 200
    assert representative.get(reverse("governance:meeting_detail", args=[board.pk])).status_code == 404
    assert representative.get(reverse("governance:minutes_pdf", args=[board.pk])).status_code == 404
    for role in ("board_member", "auditor", "association_admin", "national_admin"):
        page = client(world, role).get(reverse("governance:meeting_list")).content.decode()
        assert "Vårens medlemssamråd" in page and "Styrelsemöte med beslut" in page, role


def test_another_associations_meeting_does_not_exist_for_an_outsider(world: Any, spring: date) -> None:
    consultation = make_consultation([world.own], day=spring)
    outsider = client(world, "association_admin", outsider=True)
    assert outsider.get(reverse("governance:meeting_detail", args=[consultation.pk])).status_code == 404
    assert outsider.get(reverse("governance:meeting_edit", args=[consultation.pk])).status_code == 404
    assert "Provsamråd" not in outsider.get(reverse("governance:meeting_list")).content.decode()


# --- creating and refusing on the page ------------------------------------------------------------------


def form_data(
    world: Any, day: date, rows: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    rows = rows or []
    data: dict[str, Any] = {
        "kind": "member_consultation",
        "consultation_kind": "annual",
        "date": day.isoformat(),
        "associations": [world.own.pk],
        "agenda": "",
        # As the page sends it: every row, blank or not, is one of the formset's initial forms.
        "participants-TOTAL_FORMS": str(len(rows)),
        "participants-INITIAL_FORMS": str(len(rows)),
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "300",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"participants-{index}-{name}"] = value
    data.update(fields)
    return data


def test_a_consultation_is_created_on_the_page_with_the_invitations_and_the_recommended_agenda(
    world: Any, spring: date
) -> None:
    participants = consultation_participants(
        world.own, spring
    )  # makes sure every member has a representative
    convener = participants[0].person
    response = client(world, "association_admin").post(
        reverse("governance:meeting_create"), form_data(world, spring, convener=convener.pk, invite="on")
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:meeting_detail", args=[meeting.pk])
    assert meeting.participants.count() == len(participants)
    assert meeting.agenda_items.count() == 5
    assert meeting.convener == convener


def test_a_board_member_as_representative_is_refused_on_the_field_and_nothing_is_saved(
    world: Any, spring: date
) -> None:
    participants = consultation_participants(world.own, spring)
    seat = BoardSeat.objects.filter(association=world.own, member__kind="municipality").first()
    rows = [{"person": seat.person.pk, "capacity": "member_representative", "member": seat.member.pk}]
    before = counts()
    response = client(world, "association_admin").post(
        reverse("governance:meeting_create"),
        form_data(world, spring, rows, convener=participants[0].person.pk, invite="on"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '/nationellt/regler/R-SAMRAD/#punkt-1"' in page
    assert 'id="id_participants-0-person_error"' in page
    assert counts() == before


def test_a_convener_not_designated_by_a_member_and_a_meeting_without_associations_are_refused(
    world: Any, spring: date
) -> None:
    seat = BoardSeat.objects.filter(association=world.own).first()
    before = counts()
    admin = client(world, "association_admin")
    response = admin.post(
        reverse("governance:meeting_create"), form_data(world, spring, convener=seat.person.pk)
    )
    assert response.status_code == 400
    assert '/nationellt/regler/R-SAMRAD/#punkt-4"' in response.content.decode()
    response = admin.post(reverse("governance:meeting_create"), form_data(world, spring, associations=[]))
    assert response.status_code == 400
    assert '/nationellt/regler/R-SAMRAD/#punkt-3"' in response.content.decode()
    assert counts() == before


def _intro(page: str) -> str:
    """The text of the form's rules of a consultation, the list's links kept as they are."""
    start = page.index("<h1>")
    return page[start : page.index("<form", start)]


def test_the_meeting_form_says_each_rule_of_a_consultation_with_a_link_named_for_it(world: Any) -> None:
    reader = client(world, "association_admin")
    url = reverse("governance:meeting_create")
    rules = [
        (1, "Varje förbundsmedlem företräds", "Regeln om medlemmarnas företrädare"),
        (2, "Från förbundet deltar ordföranden", "Regeln om vilka som deltar från förbundet"),
        (4, "Sammankallande är en person", "Regeln om sammankallande"),
    ]
    swedish = _intro(reader.get(url).content.decode())
    items = re.findall(r"<li>(.*?)</li>", swedish)
    assert len(items) == 3
    for item, (point, sentence, link) in zip(items, rules, strict=True):
        assert item.startswith(sentence)
        assert f'href="/nationellt/regler/R-SAMRAD/#punkt-{point}">{link}</a>' in item
    shown = re.sub(r"<[^>]+>", " ", swedish)
    assert "Om regeln" not in shown and "R-SAMRAD" not in shown  # the rule ids only in the links' addresses

    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _intro(reader.get(url).content.decode())
    assert "Each member is represented by a person other than a board member" in english
    assert '#punkt-4">The rule on the convener</a>' in english
    assert "förbundsmedlem" not in english and "Regeln om" not in english


def test_a_new_consultation_form_starts_from_the_recommended_agenda(world: Any) -> None:
    page = client(world, "association_admin").get(
        reverse("governance:meeting_create") + "?typ=member_consultation"
    )
    assert page.status_code == 200
    assert "Iakttagelser av strukturella hinder för samverkan" in page.content.decode()


def test_the_warnings_kept_on_the_record_are_shown_on_the_meeting_page(world: Any, spring: date) -> None:
    without_director = [p for p in consultation_participants(world.own, spring) if p.capacity != "director"]
    meeting = make_consultation([world.own], day=spring, participants=without_director)
    page = client(world, "member_representative").get(reverse("governance:meeting_detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "Förbundschefen för" in text and '/nationellt/regler/R-SAMRAD/#punkt-2"' in text
    assert '/nationellt/regler/R-SAMRAD/#punkt-5"' in text


def test_the_stored_warnings_are_shown_in_the_language_of_the_reader(world: Any, spring: date) -> None:
    without_director = [p for p in consultation_participants(world.own, spring) if p.capacity != "director"]
    meeting = make_consultation([world.own], day=spring, participants=without_director)
    stored = {w["code"]: w for w in Meeting.objects.get(pk=meeting.pk).warnings}
    assert stored["R-SAMRAD-2"]["message"].startswith("Förbundschefen för")  # the Swedish text, as before
    assert stored["R-SAMRAD-2"]["messages"]["en"].startswith("The director of")
    url = reverse("governance:meeting_detail", args=[meeting.pk])
    reader = client(world, "member_representative")
    swedish = reader.get(url).content.decode()
    assert "Förbundschefen för" in swedish and "The director of" not in swedish
    assert "revisionsberättelse" in swedish
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = reader.get(url).content.decode()
    assert "The director of" in english and "Förbundschefen för" not in english
    assert "audit report" in english and "revisionsberättelse" not in english  # the documents named too


def test_warnings_stored_before_they_were_kept_in_each_language_are_shown_as_stored(
    world: Any, spring: date
) -> None:
    meeting = make_consultation([world.own], day=spring)
    Meeting.objects.filter(pk=meeting.pk).update(
        warnings=[{"code": "R-SAMRAD-5", "message": "Ett gammalt meddelande.", "field": "date"}]
    )
    reader = client(world, "member_representative")
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = reader.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Ett gammalt meddelande." in page and '/nationellt/regler/R-SAMRAD/#punkt-5"' in page


def test_the_meeting_is_edited_on_the_page(world: Any, spring: date) -> None:
    meeting = make_consultation([world.own], day=spring)
    admin = client(world, "association_admin")
    page = admin.get(reverse("governance:meeting_edit", args=[meeting.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    formset = page.context["formset"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["date"] = meeting.date.isoformat()
    data["agenda"] = form.initial["agenda"]
    data["place"] = "Förbundets kansli"
    rows = [{k: v for k, v in row.items() if v not in (None, "", False)} for row in formset.initial]
    posted = form_data(world, spring, rows, **data)
    response = admin.post(reverse("governance:meeting_edit", args=[meeting.pk]), posted)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Förbundets kansli"
    assert meeting.participants.count() == len([row for row in rows if "person" in row])


# --- minutes -------------------------------------------------------------------------------------------


def test_minutes_are_written_adjusted_and_locked_on_the_pages(world: Any, spring: date) -> None:
    meeting = board_meeting(world, spring)
    admin = client(world, "association_admin")
    items = meeting.agenda_items.order_by("position")
    data = {
        f"notes_{items[0].position}": "Förbundschefen presenterade planen.",
        "decisions-TOTAL_FORMS": "1",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "200",
        "decisions-0-text": "Verksamhetsplanen fastställs.",
        "decisions-0-agenda_position": "1",
        "decisions-0-r_info": "on",
    }
    response = admin.post(reverse("governance:minutes_edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    decision = meeting.decisions.get()
    assert decision.r_info and decision.agenda_item == items[0]
    adjuster = meeting.participants.get(adjuster=True)
    version = meeting.minutes.version
    response = admin.post(
        reverse("governance:minutes_confirm", args=[meeting.pk]),
        {"participant": adjuster.pk, "version": version},
    )
    assert response.status_code == 302
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == MinutesStatus.CHECKED
    response = admin.post(
        reverse("governance:minutes_lock", args=[meeting.pk]), {"version": meeting.minutes.version}
    )
    assert response.status_code == 302
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == MinutesStatus.LOCKED
    page = admin.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "kan inte ändras" in page and "Information till medlemmarna" in page
    assert "/nationellt/regler/R-INFO/" in page


def test_a_change_to_locked_minutes_is_refused_on_the_page_and_nothing_is_written(
    world: Any, spring: date
) -> None:
    meeting = board_meeting(world, spring)
    lock(meeting, [services.DecisionInput("Beslut.", agenda_position=1)])
    admin = client(world, "association_admin")
    before = counts()
    meeting.refresh_from_db()
    data = {
        "notes_1": "Ändrad anteckning",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "200",
        "version": meeting.minutes.version,
    }
    response = admin.post(reverse("governance:minutes_edit", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert '/nationellt/regler/R-MINUTES-LOCKED/"' in response.content.decode()
    response = admin.post(
        reverse("governance:meeting_edit", args=[meeting.pk]),
        {**form_data(world, spring), "version": meeting.version},
    )
    assert response.status_code == 400
    assert '/nationellt/regler/R-MINUTES-LOCKED/"' in response.content.decode()
    assert counts() == before
    assert meeting.agenda_items.get(position=1).notes == "Anteckning."


def test_the_edit_address_of_locked_minutes_shows_the_locked_protocol(world: Any, spring: date) -> None:
    meeting = board_meeting(world, spring)
    lock(meeting, [services.DecisionInput("Beslut om budget.", agenda_position=1)])
    admin = client(world, "association_admin")

    response = admin.get(reverse("governance:minutes_edit", args=[meeting.pk]), follow=True)

    assert response.redirect_chain == [(reverse("governance:meeting_detail", args=[meeting.pk]), 302)]
    page = response.content.decode()
    assert "Protokollet är låst och kan inte ändras" in page and "Beslut om budget." in page
    assert "<textarea" not in page


def test_confirming_is_post_only_and_a_get_is_answered_405(world: Any, spring: date) -> None:
    meeting = board_meeting(world, spring)
    response = client(world, "association_admin").get(
        reverse("governance:minutes_confirm", args=[meeting.pk])
    )
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_locking_is_a_step_of_its_own_that_says_what_it_means(world: Any, spring: date) -> None:
    meeting = board_meeting(world, spring)
    services.minutes_update(actor=SYSTEM, meeting=meeting, notes={1: "Anteckning."}, decisions=[])
    for participant in meeting.participants.filter(adjuster=True):
        services.minutes_confirm(actor=SYSTEM, meeting=meeting, participant=participant)
    admin = client(world, "association_admin")
    url = reverse("governance:minutes_lock", args=[meeting.pk])

    detail = admin.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert f'href="{url}"' in detail  # the meeting page leads to the step; it does not lock by itself
    page = admin.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "kan ändras efteråt" in text and "Låsningen kan inte ångras" in text
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.CHECKED

    response = admin.post(url, {"version": Minutes.objects.get(meeting=meeting).version})
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.LOCKED
    again = admin.get(url, follow=True)
    assert again.redirect_chain == [(reverse("governance:meeting_detail", args=[meeting.pk]), 302)]
    assert client(world, "board_member").get(url).status_code in (403, 404)


def test_locking_before_every_adjuster_has_confirmed_is_refused_on_the_step(world: Any, spring: date) -> None:
    meeting = board_meeting(world, spring)
    services.minutes_update(actor=SYSTEM, meeting=meeting, notes={1: "Anteckning."}, decisions=[])
    admin = client(world, "association_admin")
    url = reverse("governance:minutes_lock", args=[meeting.pk])
    assert "Alla justerare har inte justerat" in admin.get(url).content.decode()
    response = admin.post(url, {"version": Minutes.objects.get(meeting=meeting).version})
    assert response.status_code == 400
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.DRAFT


def test_any_number_of_decisions_is_added_row_by_row_without_javascript(world: Any, spring: date) -> None:
    meeting = board_meeting(world, spring)
    admin = client(world, "association_admin")
    url = reverse("governance:minutes_edit", args=[meeting.pk])
    page = admin.get(url)
    rows = len(page.context["decisions"].forms)
    data = {
        "decisions-TOTAL_FORMS": str(rows),
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "200",
    }
    texts = [f"Beslut nummer {n}." for n in range(1, rows + 3)]
    for n in range(rows):
        data[f"decisions-{n}-text"] = texts[n]
    for extra in (0, 1):  # two more rows, each from the button, nothing saved meanwhile
        response = admin.post(url, {**data, "add_decision": "1"})
        assert response.status_code == 200
        assert len(response.context["decisions"].forms) == rows + extra + 1
        assert not meeting.decisions.exists()
        data["decisions-TOTAL_FORMS"] = str(rows + extra + 1)
        data[f"decisions-{rows + extra}-text"] = texts[rows + extra]
        assert texts[0] in response.content.decode()  # what was typed stays
    response = admin.post(url, data)
    assert response.status_code == 302
    assert list(meeting.decisions.order_by("position").values_list("text", flat=True)) == texts


def test_locking_minutes_changed_since_the_page_was_opened_is_a_conflict_409(
    world: Any, spring: date
) -> None:
    meeting = board_meeting(world, spring)
    services.minutes_update(actor=SYSTEM, meeting=meeting, notes={1: "Anteckning."}, decisions=[])
    opened = Minutes.objects.get(meeting=meeting).version
    for participant in meeting.participants.filter(adjuster=True):
        services.minutes_confirm(actor=SYSTEM, meeting=meeting, participant=participant)
    response = client(world, "association_admin").post(
        reverse("governance:minutes_lock", args=[meeting.pk]), {"version": opened}
    )
    assert response.status_code == 409
    assert '/nationellt/regler/R-CONFLICT/"' in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.CHECKED


def test_a_meeting_changed_since_the_form_was_opened_is_a_conflict_409(world: Any, spring: date) -> None:
    meeting = make_consultation([world.own], day=spring)
    admin = client(world, "association_admin")
    url = reverse("governance:meeting_edit", args=[meeting.pk])
    page = admin.get(url)  # two editors open the same version
    form, formset = page.context["form"], page.context["formset"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"date": meeting.date.isoformat(), "agenda": form.initial["agenda"]}
    rows = [{k: v for k, v in row.items() if v not in (None, "", False)} for row in formset.initial]
    first = admin.post(url, form_data(world, spring, rows, **(data | {"place": "Förbundets kansli"})))
    assert first.status_code == 302
    second = admin.post(url, form_data(world, spring, rows, **(data | {"place": "Stadshuset"})))
    assert second.status_code == 409
    assert "Någon annan har ändrat mötet sedan du öppnade formuläret" in second.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Förbundets kansli"


def test_an_adjuster_with_a_login_confirms_on_the_meeting_page(world: Any, spring: date) -> None:
    participants = consultation_participants(world.own, spring)
    participants[0] = replace(participants[0], adjuster=True, attended=True)
    meeting = make_consultation([world.own], day=spring, participants=participants)
    services.minutes_update(actor=SYSTEM, meeting=meeting, notes={}, decisions=[])
    adjuster = meeting.participants.get(adjuster=True)
    adjuster.person.user = world.users["member_representative"]
    adjuster.person.save()
    representative = client(world, "member_representative")
    page = representative.get(reverse("governance:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Registrera justering" in page
    response = representative.post(
        reverse("governance:minutes_confirm", args=[meeting.pk]),
        {"participant": adjuster.pk, "version": Minutes.objects.get(meeting=meeting).version},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="minutes.confirm").actor_username == "own-member_representative"
    # Nobody else's confirmation is offered to them, and the board member without a tie gets no form.
    assert (
        "Registrera justering"
        not in client(world, "board_member")
        .get(reverse("governance:meeting_detail", args=[meeting.pk]))
        .content.decode()
    )


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    """The output of a poppler tool (Debian package poppler-utils) on the PDF."""
    path = shutil.which(tool)
    assert path is not None, f"{tool} is missing: install the Debian package poppler-utils"
    command = [path, *args, "-", "-"] if tool == "pdftotext" else [path, "-"]
    result = subprocess.run(command, input=pdf, capture_output=True, check=True)  # noqa: S603
    return result.stdout.decode("utf-8").replace("\u00a0", " ")


def test_the_minutes_pdf_carries_the_associations_details_decisions_and_adjusters(
    world: Any, spring: date
) -> None:
    meeting = board_meeting(world, spring)
    lock(meeting, [services.DecisionInput("Verksamhetsplanen fastställs.", r_info=True, agenda_position=1)])
    response = client(world, "auditor").get(reverse("governance:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(poppler("pdftotext", response.content, "-layout").split())
    assert world.own.name in text
    assert f"Org.nr {world.own.org_number}" in text
    assert f"Säte: {world.own.seat.name}" in text
    assert re.search(r"§\s?1\s+Verksamhetsplan", text)
    assert "Beslut: Verksamhetsplanen fastställs." in text
    assert "Information till medlemmarna, 18 §" in text
    chair = meeting.participants.get(adjuster=True).person.name
    assert f"Justerat av {chair}, registrerat av system" in text and "Protokollet låstes" in text
    assert "Justerat digitalt" not in text
    assert "Utkast" not in text
    info = poppler("pdfinfo", response.content)
    assert "Tagged:          yes" in info
    assert "Title:           Protokoll – Styrelsemöte med beslut" in info


def test_a_draft_minutes_pdf_says_it_is_a_draft(world: Any, spring: date) -> None:
    meeting = board_meeting(world, spring)
    response = client(world, "association_admin").get(reverse("governance:minutes_pdf", args=[meeting.pk]))
    assert "Utkast – protokollet är inte justerat." in " ".join(
        poppler("pdftotext", response.content).split()
    )


# --- R-INFO ------------------------------------------------------------------------------------------


def test_decisions_for_the_members_are_listed_from_locked_minutes_for_member_representatives(
    world: Any, spring: date
) -> None:
    locked = board_meeting(world, spring, title="Låst styrelsemöte")
    lock(
        locked,
        [
            services.DecisionInput(
                "Förbundet finansierar en ny insats för unga vuxna.", r_info=True, agenda_position=1
            ),
            services.DecisionInput("Protokollet läggs till handlingarna.", agenda_position=2),
        ],
    )
    draft = board_meeting(world, spring, title="Utkast")
    services.minutes_update(
        actor=SYSTEM,
        meeting=draft,
        notes={},
        decisions=[services.DecisionInput("Ej justerat beslut.", r_info=True)],
    )
    page = client(world, "member_representative").get(
        reverse("governance:informed_decisions", args=[world.own.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Förbundet finansierar en ny insats för unga vuxna." in text
    assert "Protokollet läggs till handlingarna." not in text
    assert "Ej justerat beslut." not in text
    # The member representative may not open the board meeting itself: no link to it.
    assert reverse("governance:meeting_detail", args=[locked.pk]) not in text
    admin_page = client(world, "association_admin").get(
        reverse("governance:informed_decisions", args=[world.own.pk])
    )
    assert reverse("governance:meeting_detail", args=[locked.pk]) in admin_page.content.decode()
    outsider = client(world, "member_representative", outsider=True)
    assert outsider.get(reverse("governance:informed_decisions", args=[world.own.pk])).status_code == 404


# --- documents -----------------------------------------------------------------------------------------


def test_a_document_is_uploaded_on_the_page_and_downloaded_by_a_member_representative(world: Any) -> None:
    admin = client(world, "association_admin")
    response = admin.post(
        reverse("governance:document_create", args=[world.own.pk]),
        {
            "kind": "annual_report",
            "year": "2025",
            "file": SimpleUploadedFile("Bokslut 2025.pdf", MINIMAL_PDF),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    download = client(world, "member_representative").get(
        reverse("governance:document_download", args=[document.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    assert 'filename="Bokslut 2025.pdf"' in download["Content-Disposition"]
    outsider = client(world, "association_admin", outsider=True)
    assert outsider.get(reverse("governance:document_download", args=[document.pk])).status_code == 404


def test_an_upload_that_is_not_a_pdf_is_refused_on_the_page(world: Any) -> None:
    before = counts()
    response = client(world, "association_admin").post(
        reverse("governance:document_create", args=[world.own.pk]),
        {"kind": "annual_report", "year": "2025", "file": SimpleUploadedFile("bokslut.pdf", b"GIF89a....")},
    )
    assert response.status_code == 400
    assert '/nationellt/regler/R-DOCUMENT/"' in response.content.decode()
    assert counts() == before


def test_the_delivery_date_is_set_afterwards_on_the_document_page(world: Any) -> None:
    document = make_document(world.own, year=2025)
    response = client(world, "association_admin").post(
        reverse("governance:document_edit", args=[document.pk]),
        {"title": document.title, "delivered_on": "2026-03-20", "version": document.version},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.delivered_on == date(2026, 3, 20)


def test_a_document_saved_by_someone_else_since_the_form_opened_is_a_conflict_409(world: Any) -> None:
    document = make_document(world.own, year=2025)
    opened = document.version
    services.document_update(
        actor=SYSTEM, document=document, title="Bokslut 2025 (rättat)", delivered_on=None
    )
    before = counts()
    response = client(world, "association_admin").post(
        reverse("governance:document_edit", args=[document.pk]),
        {"title": "Mitt namn", "delivered_on": "2026-03-20", "version": opened},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        '/nationellt/regler/R-CONFLICT/"' in page
        and "Någon annan har ändrat dokumentet sedan du öppnade formuläret" in page
    )
    assert counts() == before
    document.refresh_from_db()
    assert document.title == "Bokslut 2025 (rättat)" and document.delivered_on is None


# --- the annual cycle and the national overview -----------------------------------------------------


def test_the_annual_cycle_page_shows_each_status_in_colour_and_in_text(world: Any) -> None:
    year = date.today().year - 1  # noqa: DTZ011
    make_document(world.own, kind="annual_report", year=year - 1, delivered_on=date(year, 3, 10))
    make_document(world.own, kind="activity_report", year=year - 1, delivered_on=date(year, 3, 10))
    page = client(world, "member_representative").get(
        reverse("governance:annual_cycle", args=[world.own.pk]) + f"?ar={year}"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert '<span class="status status--ok">Klar</span>' in text
    assert '<span class="status status--error">Försenad</span>' in text
    assert f"Årscykel {year} för {world.own.name}" in text
    assert "R-ANNUAL" in text and "R-AUDIT" in text and "R-BUDGET" in text and "R-BOARD" in text


def test_discharge_and_the_national_report_are_recorded_on_the_pages(world: Any) -> None:
    year = date.today().year - 1  # noqa: DTZ011
    member = world.own.members.first()
    admin = client(world, "association_admin")
    response = admin.post(
        reverse("governance:discharge_create", args=[world.own.pk]),
        {"member": member.pk, "year": year, "decided_on": f"{year + 1}-01-10", "granted": "yes"},
    )
    if date(year + 1, 1, 10) > date.today():  # noqa: DTZ011  (run in the first days of January)
        assert response.status_code == 400
    else:
        assert response.status_code == 302
        assert member.discharges.get().granted
    response = admin.post(reverse("governance:discharge_create", args=[world.own.pk]), {"year": year})
    assert response.status_code == 400
    response = admin.post(
        reverse("governance:national_report_create", args=[world.own.pk]),
        {"year": year - 1, "submitted_on": f"{year}-03-01", "reference": "Dnr 12"},
    )
    assert response.status_code == 302


def test_the_national_overview_is_for_the_national_roles(world: Any) -> None:
    for role in ("national_admin", "national_viewer"):
        page = client(world, role).get(reverse("governance:national_overview"))
        assert page.status_code == 200
        text = page.content.decode()
        assert world.own.name in text and world.other.name in text
        assert "status--" in text and ("Försenad" in text or "Ska göras" in text)
    assert client(world, "association_admin").get(reverse("governance:national_overview")).status_code == 403


# --- calendar --------------------------------------------------------------------------------------------


def test_the_calendar_feed_shows_the_users_meetings_and_deadlines_by_the_secret_in_its_address(
    world: Any,
) -> None:
    coming = date(date.today().year + 1, 4, 15)  # noqa: DTZ011
    consultation = make_consultation([world.own], day=coming, title="Vårens samråd")
    board_meeting(world, coming, title="Styrelsens möte")
    representative = world.users["member_representative"]
    browser = world.client(representative)
    assert browser.post(reverse("governance:calendar"), {}).status_code == 400
    assert browser.post(reverse("governance:calendar"), {"confirm": "on"}).status_code == 302
    token = selectors.calendar_token(user=representative)
    assert token is not None
    page = browser.get(reverse("governance:calendar")).content.decode()
    url = reverse("governance:calendar_feed", args=[token, world.own.pk])
    assert url in page

    feed = world.client(None).get(url)  # a calendar program: no session
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    lines = ical.unfold(feed.content.decode())
    assert f"UID:meeting-{consultation.pk}@finsam" in lines
    assert "SUMMARY:Medlemssamråd: Vårens samråd" in lines  # the kind, where the title lacks it
    assert not any("Styrelsens möte" in line for line in lines)  # a board meeting: not for members
    assert any(line.startswith("SUMMARY:Senast: Medlemssamråd") for line in lines)

    services.calendar_feed_renew(actor=representative)
    assert world.client(None).get(url).status_code == 404  # the old address stopped working
    other_url = reverse(
        "governance:calendar_feed", args=[selectors.calendar_token(user=representative), world.other.pk]
    )
    assert world.client(None).get(other_url).status_code == 404  # not the user's förbund
    assert world.client(None).get(url.replace(token, "1-" + "0" * 40)).status_code == 404


def test_a_meeting_whose_title_names_its_kind_is_titled_once_in_the_calendar(world: Any) -> None:
    coming = date(date.today().year + 1, 4, 15)  # noqa: DTZ011
    meeting = board_meeting(world, coming, title=f"Styrelsemöte {coming:%Y-%m-%d}")
    admin = world.users["association_admin"]
    browser = world.client(admin)
    assert browser.post(reverse("governance:calendar"), {"confirm": "on"}).status_code == 302
    token = selectors.calendar_token(user=admin)
    assert token is not None
    url = reverse("governance:calendar_feed", args=[token, world.own.pk])
    lines = ical.unfold(world.client(None).get(url).content.decode())
    events = "\n".join(lines).split("BEGIN:VEVENT")[1:]
    event = next(e.splitlines() for e in events if f"UID:meeting-{meeting.pk}@finsam" in e.splitlines())
    assert f"SUMMARY:Styrelsemöte {coming:%Y-%m-%d}" in event


def test_the_meeting_list_takes_the_same_number_of_queries_for_more_meetings(
    world: Any, spring: date
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = client(world, "association_admin")
    board_meeting(world, spring, title="Första")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(reverse("governance:meeting_list")).status_code == 200
        return len(captured)

    one = queries()
    for n in range(4):
        board_meeting(world, spring, title=f"Möte {n}")
    make_consultation([world.own, world.other], day=spring)
    assert queries() == one


def test_the_minutes_pdf_says_who_adjusted_and_who_recorded_it(world: Any, spring: date) -> None:
    participants = consultation_participants(world.own, spring)
    participants[0] = replace(participants[0], adjuster=True, attended=True)
    participants[1] = replace(participants[1], adjuster=True, attended=True)
    meeting = make_consultation([world.own], day=spring, participants=participants)
    services.minutes_update(actor=SYSTEM, meeting=meeting, notes={}, decisions=[])
    own, other = meeting.participants.filter(adjuster=True).order_by("pk")
    own.person.user = world.users["member_representative"]
    own.person.save()
    services.minutes_confirm(actor=world.users["member_representative"], meeting=meeting, participant=own)
    director = world.users["association_admin"]
    director.first_name, director.last_name = "Dina", "Direktör"
    director.save()
    services.minutes_confirm(actor=director, meeting=meeting, participant=other)
    services.minutes_lock(actor=director, meeting=meeting)

    response = client(world, "auditor").get(reverse("governance:minutes_pdf", args=[meeting.pk]))
    text = " ".join(poppler("pdftotext", response.content).split())  # in reading order, not in columns
    assert f"Justerat digitalt av {own.person.name}" in text
    assert f"Justerat av {other.person.name}, registrerat av Dina Direktör" in text


def test_an_edit_sent_without_the_version_it_was_opened_at_is_refused_and_writes_nothing(
    world: Any, spring: date
) -> None:
    """The edit forms carry the version they were opened at; a save without it could overwrite another
    editor's save unseen, so it is refused with the reason on the form."""
    meeting = board_meeting(world, spring)
    services.minutes_update(actor=SYSTEM, meeting=meeting, notes={1: "Anteckning."}, decisions=[])
    admin = client(world, "association_admin")
    page = admin.get(reverse("governance:minutes_edit", args=[meeting.pk])).content.decode()
    assert 'name="version"' in page
    before = counts()
    data = {
        "notes_1": "Ändrad anteckning",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "200",
    }
    response = admin.post(reverse("governance:minutes_edit", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "Formuläret saknar versionen du utgick från" in response.content.decode()
    response = admin.post(reverse("governance:meeting_edit", args=[meeting.pk]), form_data(world, spring))
    assert response.status_code == 400
    assert "Formuläret saknar versionen du utgick från" in response.content.decode()
    assert counts() == before
    assert meeting.agenda_items.get(position=1).notes == "Anteckning."
