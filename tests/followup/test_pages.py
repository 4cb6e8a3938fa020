"""The follow-up pages: daily-use defaults, validation as you type, 400 on bad input with nothing
written, identities shown only to the intervention's coordinators and every showing audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from finsam.core.models import AuditEntry
from finsam.followup.models import FollowUpAnswer, FollowUpQuestion, Participant, Participation
from tests.factories import exit_participation, make_participant, make_participation, valid_identity_number

NUMBER = valid_identity_number(date(1975, 11, 30), 333)


def _enrol_data(fu: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "intervention": fu.x.pk,
        "registration": "identified",
        "identity_number": NUMBER,
        "consent_given_on": "2024-05-02",
        "consent_form_version": "FK 9443",
        "sex": "",
        "start": "2024-05-06",
        "employment_before": "seeking_work",
        "education_level": "upper_secondary",
        "income_before_unemployment_benefit": "75",
        "income_before_salary": "25",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_enrol_form_preselects_the_only_intervention_and_today(fu: Any) -> None:
    response = fu.world.client(fu.coordinator).get(
        reverse("followup:participant_register", args=[fu.world.own.pk])
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["intervention"] == fu.x.pk
    assert form.initial["start"] == timezone.localdate()
    assert form.initial["consent_given_on"] == timezone.localdate()
    assert list(form.fields["intervention"].queryset) == [fu.x]
    html = response.content.decode()
    assert 'hx-post="{}"'.format(reverse("followup:validate", args=[fu.world.own.pk])) in html
    assert 'id="id_identity_number_live" aria-live="polite"' in html


@pytest.mark.django_db
def test_enrolling_writes_participant_consent_file_and_participation(fu: Any) -> None:
    data = _enrol_data(fu, consent_form_file=SimpleUploadedFile("blankett.pdf", b"%PDF-1.4 blankett"))
    response = fu.world.client(fu.coordinator).post(
        reverse("followup:participant_register", args=[fu.world.own.pk]), data
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert response["Location"] == reverse("followup:participant_detail", args=[participant.pk])
    assert (participant.sex, participant.birth_year) == ("man", 1975)
    assert participant.consent.scanned_form
    participation = Participation.objects.get()
    assert {(i.source, i.extent) for i in participation.income_sources.all()} == {
        ("unemployment_benefit", 75),
        ("salary", 25),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"identity_number": "19751130-3334"}, "identity_number", "R-IDENTITY"),
        ({"consent_given_on": ""}, "consent_given_on", "R-CONSENT"),
        ({"start": "2019-12-31"}, "start", "R-DATES"),
        (
            {"income_before_unemployment_benefit": "", "income_before_salary": ""},
            "income_before_salary",
            "R-FOLLOWUP",
        ),
        ({"registration": "anonymous", "sex": ""}, "identity_number", "R-CONSENT"),
    ],
)
def test_bad_input_answers_400_on_the_field_and_writes_nothing(
    fu: Any, overrides: dict[str, str], field: str, code: str
) -> None:
    response = fu.world.client(fu.coordinator).post(
        reverse("followup:participant_register", args=[fu.world.own.pk]), _enrol_data(fu, **overrides)
    )
    assert response.status_code == 400
    assert code in [e.code for e in response.context["form"].errors.as_data()[field]]
    assert not Participant.objects.exists() and not Participation.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="participant").exists()


@pytest.mark.django_db
def test_another_forbunds_intervention_cannot_be_chosen(fu: Any, world: Any) -> None:
    from tests.factories import make_intervention

    foreign = make_intervention(world.other)
    response = fu.world.client(fu.coordinator).post(
        reverse("followup:participant_register", args=[fu.world.own.pk]),
        _enrol_data(fu, intervention=foreign.pk),
    )
    assert response.status_code == 400
    assert "intervention" in response.context["form"].errors
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_validation_as_you_type_answers_with_the_fields_message(fu: Any) -> None:
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:validate", args=[fu.world.own.pk])
    base = {"_form": "enrol", "_field": "identity_number", "registration": "identified"}
    bad = client.post(url, {**base, "identity_number": "19751130-3334"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    assert "Kontrollsiffran" in bad.content.decode() and "R-IDENTITY" in bad.content.decode()
    good = client.post(url, {**base, "identity_number": NUMBER}, HTTP_HX_REQUEST="true")
    assert good.status_code == 200 and good.content.decode().strip() == ""
    start = client.post(
        url, {"_form": "enrol", "_field": "start", "start": "2019-01-01", "intervention": fu.x.pk}
    )
    assert "utanför insatsens period" in start.content.decode()
    assert client.post(url, {"_form": "nope", "_field": "x"}).status_code == 400
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_exit_date_is_validated_against_the_start_as_you_type(fu: Any) -> None:
    participation = make_participation(make_participant(fu.x))
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:validate", args=[fu.world.own.pk])
    data = {"_form": "exit", "_field": "exit", "_participation": participation.pk}
    assert "före startdatum" in client.post(url, {**data, "exit": "2024-01-01"}).content.decode()
    assert client.post(url, {**data, "exit": "2024-03-01"}).content.decode().strip() == ""
    other = make_participation(make_participant(fu.y))
    assert client.post(url, {**data, "_participation": other.pk, "exit": "2024-03-01"}).status_code == 404


@pytest.mark.django_db
def test_the_detail_page_hides_the_number_until_asked_and_the_showing_is_audited(fu: Any) -> None:
    participant = make_participant(fu.x, number=NUMBER)
    client = fu.world.client(fu.coordinator)
    detail = client.get(reverse("followup:participant_detail", args=[participant.pk]))
    assert detail.status_code == 200
    assert NUMBER not in detail.content.decode()
    assert not AuditEntry.objects.filter(action="participant.identity.read").exists()
    shown = client.get(
        reverse("followup:participant_identity", args=[participant.pk]), HTTP_HX_REQUEST="true"
    )
    assert shown.status_code == 200 and NUMBER in shown.content.decode()
    assert "<html" not in shown.content.decode()
    page = client.get(reverse("followup:participant_identity", args=[participant.pk]))
    assert NUMBER in page.content.decode() and "<html" in page.content.decode()
    assert (
        AuditEntry.objects.filter(action="participant.identity.read", actor_id=fu.coordinator.pk).count() == 2
    )


@pytest.mark.django_db
def test_other_coordinators_and_the_admin_never_reach_the_participant(fu: Any) -> None:
    participant = make_participant(fu.x, number=NUMBER)
    url = reverse("followup:participant_identity", args=[participant.pk])
    assert fu.world.client(fu.coordinator_y).get(url).status_code == 404
    assert fu.world.client(fu.admin).get(url).status_code == 403
    assert (
        fu.world.client(fu.admin)
        .get(reverse("followup:participant_list", args=[fu.world.own.pk]))
        .status_code
        == 403
    )
    assert not AuditEntry.objects.filter(action="participant.identity.read").exists()
    detail = fu.world.client(fu.admin).get(reverse("interventions:intervention_detail", args=[fu.x.pk]))
    assert detail.status_code == 200
    assert NUMBER not in detail.content.decode()


@pytest.mark.django_db
def test_the_list_shows_pseudonyms_and_status_in_few_queries(
    fu: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        make_participation(make_participant(fu.x))
    exit_participation(make_participation(make_participant(fu.x)), exit=date(2024, 3, 1))
    client = fu.world.client(fu.coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("followup:participant_list", args=[fu.world.own.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Pågår sedan 2024-02-01") == 6
    assert "Avslutat 2024-03-01" in html
    assert "19850314" not in html


@pytest.mark.django_db
def test_the_exit_form_refuses_an_exit_before_the_start_and_saves_a_good_one(fu: Any) -> None:
    question = FollowUpQuestion.objects.create(
        association=fu.world.own, text="Blev det bättre?", answer_kind="scale"
    )
    participation = make_participation(make_participant(fu.x))
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:participation_exit", args=[participation.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Blev det bättre?" in form.content.decode()
    data = {
        "exit": "2024-01-15",
        "exit_reason": "work",
        "employment_after": "work",
        "income_after_salary": "100",
        f"question_{question.pk}": "4",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert "R-FOLLOWUP" in [e.code for e in bad.context["form"].errors.as_data()["exit"]]
    participation.refresh_from_db()
    assert participation.exit is None and not FollowUpAnswer.objects.exists()
    good = client.post(url, {**data, "exit": "2024-06-14"})
    assert good.status_code == 302
    participation.refresh_from_db()
    assert (participation.exit, participation.exit_reason) == (date(2024, 6, 14), "work")
    assert FollowUpAnswer.objects.get().value == 4
    again = client.post(url, {**data, "exit": "2024-06-20"})
    assert again.status_code == 400
    assert "redan avslutat" in " ".join(again.context["form"].errors["exit"])


@pytest.mark.django_db
def test_a_new_start_is_prefilled_from_the_last_exit(fu: Any) -> None:
    participant = make_participant(fu.x)
    exit_participation(make_participation(participant), exit=date(2024, 3, 1))
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:participation_start", args=[participant.pk])
    form = client.get(url).context["form"]
    assert form.initial["employment_before"] == "work"
    assert form.initial["income_before_salary"] == "100"
    assert client.post(url, {"start": "2024-02-01"}).status_code == 400
    response = client.post(
        url,
        {
            "start": "2024-04-02",
            "employment_before": "work",
            "education_level": "unknown",
            "income_before_salary": "100",
        },
    )
    assert response.status_code == 302
    assert participant.participations.count() == 2


@pytest.mark.django_db
def test_withdrawing_consent_on_the_page(fu: Any) -> None:
    participant = make_participant(fu.x, number=NUMBER)
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:consent_withdraw", args=[participant.pk])
    assert client.post(url, {"withdrawn_on": "2024-06-01"}).status_code == 400  # not confirmed
    participant.refresh_from_db()
    assert participant.identity_hash is not None
    assert client.post(url, {"withdrawn_on": "2024-06-01", "confirm": "on"}).status_code == 302
    participant.refresh_from_db()
    assert participant.identity_hash is None and participant.identity_removal == "withdrawn"


@pytest.mark.django_db
def test_the_consent_form_download_is_for_the_coordinator_and_audited(fu: Any) -> None:
    participant = make_participant(fu.x, scanned_form=b"%PDF-1.4 samtycke")
    url = reverse("followup:consent_form", args=[participant.pk])
    response = fu.world.client(fu.coordinator).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 samtycke"
    assert f"samtycke-deltagare-{participant.pk}.pdf" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="participant.consent_form.read").count() == 1
    assert fu.world.client(fu.coordinator_y).get(url).status_code == 404


@pytest.mark.django_db
def test_the_association_admin_manages_the_followup_questions(fu: Any) -> None:
    client = fu.world.client(fu.admin)
    url = reverse("followup:question_create", args=[fu.world.own.pk])
    assert (
        client.post(url, {"text": "", "answer_kind": "yes_no", "asked_at": "exit", "position": 0}).status_code
        == 400
    )
    assert not FollowUpQuestion.objects.exists()
    response = client.post(
        url, {"text": "Har du fått stöd?", "answer_kind": "yes_no", "asked_at": "both", "position": 1}
    )
    assert response.status_code == 302
    question = FollowUpQuestion.objects.get()
    listing = client.get(reverse("followup:question_list", args=[fu.world.own.pk]))
    assert "Har du fått stöd?" in listing.content.decode()
    edit = reverse("followup:question_edit", args=[question.pk])
    assert (
        client.post(
            edit, {"text": "Har du fått stöd?", "answer_kind": "yes_no", "asked_at": "exit", "position": 1}
        ).status_code
        == 302
    )
    question.refresh_from_db()
    assert (question.active, question.asked_at) == (False, "exit")
    assert fu.world.client(fu.coordinator).get(edit).status_code == 403
    assert AuditEntry.objects.filter(action__startswith="followup_question").count() == 2


@pytest.mark.django_db
def test_a_later_followup_is_recorded_after_the_exit(fu: Any) -> None:
    question = FollowUpQuestion.objects.create(
        association=fu.world.own, text="Arbetar du nu?", answer_kind="yes_no", asked_at="later"
    )
    participation = exit_participation(make_participation(make_participant(fu.x)), exit=date(2024, 3, 1))
    client = fu.world.client(fu.coordinator)
    url = reverse("followup:followup_later", args=[participation.pk])
    assert client.post(url, {"answered_on": "2024-02-01", f"question_{question.pk}": "1"}).status_code == 400
    assert client.post(url, {"answered_on": "2024-09-01", f"question_{question.pk}": "1"}).status_code == 302
    assert FollowUpAnswer.objects.get(point="later").value == 1
