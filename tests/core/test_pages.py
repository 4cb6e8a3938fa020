"""The form-page kit: a fresh form is 200, a refused one 400 with the rule's message on its field, an edit
conflict 409 with the conflict message on the form, and the write runs only for valid input."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from finsam.core import pages
from finsam.core.errors import CONFLICT, RuleViolation, Violation, check_version, edit_conflict
from finsam.core.forms import FinsamForm


class NameForm(FinsamForm):
    name = forms.CharField(max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


RowFormSet = forms.formset_factory(NameForm, extra=0)

TEMPLATE = "core/_form.html"


def get() -> Any:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def post(data: dict[str, str]) -> Any:
    request = RequestFactory().post("/", data)
    request.user = AnonymousUser()
    return request


def test_a_get_binds_nothing_and_writes_nothing() -> None:
    request = get()
    form = NameForm(pages.bound(request))
    calls: list[str] = []
    attempt = pages.attempt(form, lambda: calls.append("write"))
    assert pages.bound(request) is None and pages.bound_files(request) is None
    assert not attempt.done and attempt.refusal is None and calls == []
    assert pages.form_page(request, TEMPLATE, {"form": form}).status_code == 200


def test_invalid_input_is_400_and_the_write_is_not_called() -> None:
    request = post({"name": ""})
    form = NameForm(pages.bound(request))
    calls: list[str] = []
    attempt = pages.attempt(form, lambda: calls.append("write"))
    assert not attempt.done and calls == []
    assert pages.form_page(request, TEMPLATE, {"form": form}).status_code == 400


def test_a_valid_form_is_written_and_the_result_returned() -> None:
    form = NameForm(pages.bound(post({"name": "Umeå"})))
    attempt = pages.attempt(form, lambda: form.cleaned_data["name"].upper())
    assert attempt.done and attempt.result == "UMEÅ" and not attempt.conflict


def test_the_result_of_an_attempt_not_done_is_an_error() -> None:
    with pytest.raises(ValueError):
        _ = pages.Attempt[int]().result


def test_a_rule_violation_is_shown_on_its_field_with_the_code_and_answers_400() -> None:
    request = post({"name": "Umeå"})
    form = NameForm(pages.bound(request))

    def refuse() -> None:
        raise RuleViolation("R-UNIQUE", "Namnet finns redan.", "name")

    attempt = pages.attempt(form, refuse)
    assert not attempt.done and attempt.refusal is not None and not attempt.conflict
    assert form.errors["name"] == ["Namnet finns redan."]
    assert form.errors.as_data()["name"][0].code == "R-UNIQUE"  # the rule, for the page's link
    response = pages.form_page(request, TEMPLATE, {"form": form}, refusal=attempt.refusal)
    assert response.status_code == 400
    assert "Namnet finns redan." in response.content.decode()
    assert 'href="/nationellt/regler/R-UNIQUE/"' in response.content.decode()


def test_an_edit_conflict_answers_409_with_the_conflict_message_on_the_form() -> None:
    request = post({"name": "Umeå", "version": "1"})
    form = NameForm(pages.bound(request))

    def save() -> None:
        check_version(2, form.cleaned_data["version"], "förbundet")

    attempt = pages.attempt(form, save)
    assert attempt.conflict and attempt.refusal is not None and attempt.refusal.code == CONFLICT
    response = pages.form_page(request, TEMPLATE, {"form": form}, refusal=attempt.refusal)
    assert response.status_code == 409
    assert "Någon annan har ändrat förbundet sedan du öppnade formuläret." in response.content.decode()
    assert '/nationellt/regler/R-CONFLICT/"' in response.content.decode()


def test_a_refused_row_of_a_formset_counts_and_show_puts_violations_where_the_page_says() -> None:
    data = {
        "name": "Möte",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-name": "",
    }
    form, rows = NameForm(data), RowFormSet(data)
    calls: list[str] = []
    attempt = pages.attempt(form, lambda: calls.append("write"), rows)
    assert not attempt.done and calls == []
    assert pages.status(form, rows) == 400
    rows = RowFormSet({**data, "form-0-name": "Rad"})
    shown: list[RuleViolation] = []

    def refuse() -> None:
        raise RuleViolation(violations=[Violation("R-INPUT", "Fel på raden.", "rows[0].name")])

    attempt = pages.attempt(form, refuse, rows, show=shown.append)
    assert shown == [attempt.refusal] and not form.errors


def test_the_status_is_200_for_unbound_forms_and_409_before_400() -> None:
    assert pages.status(NameForm()) == 200
    refused = NameForm({"name": ""})
    assert pages.status(refused) == 400
    assert pages.status(refused, refusal=edit_conflict("budgeten")) == 409


def test_keep_typing_keeps_the_input_and_takes_the_saved_version() -> None:
    form = NameForm(post({"name": "Mitt namn", "version": "3"}).POST)
    pages.keep_typing(form, 5)
    assert form.data["name"] == "Mitt namn" and form.data["version"] == "5"


def test_the_version_check_refuses_only_another_version() -> None:
    check_version(4, 4, "insatsen")
    check_version(4, None, "insatsen")
    with pytest.raises(RuleViolation) as refused:
        check_version(4, 3, "insatsen", kept=True)
    assert refused.value.code == CONFLICT
    assert refused.value.message.startswith("Någon annan har ändrat insatsen sedan du öppnade formuläret.")
    assert "finns kvar i formuläret" in refused.value.message


class OptionalityForm(FinsamForm):
    name = forms.CharField(label="Namn")
    note = forms.CharField(label="Anteckning", required=False)
    end = forms.DateField(label="Slut", required=False)
    required_when = {"end": "krävs för en avslutad insats"}


def test_only_a_field_that_may_always_be_left_empty_says_frivilligt() -> None:
    html = pages.form_page(get(), TEMPLATE, {"form": OptionalityForm()}).content.decode()
    labels = {
        name: html.split(f'for="id_{name}">', 1)[1].split("</label>", 1)[0]
        for name in ("name", "note", "end")
    }
    assert "frivilligt" not in labels["name"] and "krävs" not in labels["name"]
    assert "(frivilligt)" in labels["note"]
    assert "(krävs för en avslutad insats)" in labels["end"] and "frivilligt" not in labels["end"]
