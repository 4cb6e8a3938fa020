"""The form-page kit: how every page takes a form, calls a service and answers.

A form page binds its form with `bound(request)` (None on GET: an unbound form), runs its service call
with `attempt(form, write, *others)` and renders with `form_page(...)`, which answers

- 200 with a fresh form;
- 400 when a submitted form or formset is refused: its own field errors, or the RuleViolation the
  service raised, shown on the field it names with its Swedish message and rule code;
- 409 when the service refuses with R-CONFLICT: someone saved the object since the editor opened the
  form (optimistic locking on `version`). Nothing is written; the message says so on the form.

A write that succeeds is followed by a redirect with a message; that stays in the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

from finsam.core.errors import CONFLICT, RuleViolation


def bound(request: HttpRequest) -> QueryDict | None:
    """The submitted data for a form: the POST body, or None for a page shown with GET."""
    return request.POST if request.method == "POST" else None


def bound_files(request: HttpRequest) -> MultiValueDict[str, Any] | None:
    """The uploaded files for a form with a file field, like `bound`."""
    return request.FILES if request.method == "POST" else None


@dataclass(frozen=True)
class Attempt[T]:
    """What came of a form's write: `done` with the service's `result`, or the service's `refusal`
    (neither when the form was not submitted or not valid)."""

    done: bool = False
    value: T | None = None
    refusal: RuleViolation | None = None

    @property
    def result(self) -> T:
        """What the service returned; only after it was done."""
        if not self.done:
            raise ValueError("the form's write was not done")
        return cast(T, self.value)

    @property
    def conflict(self) -> bool:
        return is_conflict(self.refusal)


def is_conflict(refusal: RuleViolation | None) -> bool:
    return refusal is not None and refusal.code == CONFLICT


def attempt[T](
    form: Any,
    write: Callable[[], T],
    *others: Any,
    show: Callable[[RuleViolation], None] | None = None,
) -> Attempt[T]:
    """Runs `write` (a service call) when `form` is submitted and it and `others` (forms or formsets)
    are valid. A RuleViolation from the service is put on the form: on its fields by default, or by
    `show` where the violations name rows of a formset."""
    if not form.is_bound:
        return Attempt()
    valid = [f.is_valid() for f in (form, *others)]  # every one, so that each shows its errors
    if not all(valid):
        return Attempt()
    try:
        return Attempt(done=True, value=write())
    except RuleViolation as exc:
        (show or form.add_violations)(exc)
        return Attempt(refusal=exc)


def _refused(form: Any) -> bool:
    if not form.is_bound:
        return False
    if hasattr(form, "total_error_count"):  # a formset: its forms' errors and its own
        return bool(form.total_error_count())
    return bool(form.errors)


def status(*forms: Any, refusal: RuleViolation | None = None) -> int:
    """409 for an edit conflict, 400 when one of `forms` was submitted and refused, else 200."""
    if is_conflict(refusal):
        return 409
    return 400 if any(_refused(form) for form in forms) else 200


def form_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *forms: Any,
    refusal: RuleViolation | None = None,
) -> HttpResponse:
    """Renders a form page with the status of `forms` (by default the context's "form")."""
    checked = forms or (context["form"],)
    return render(request, template, dict(context), status=status(*checked, refusal=refusal))


def keep_typing(form: Any, version: int) -> None:
    """After a conflict the editor's values stay in the form and its version becomes the saved one, so
    that saving again (after comparing with what is saved now) is a deliberate overwrite rather than
    another conflict."""
    data = form.data.copy()
    data["version"] = str(version)
    form.data = data
