"""The admin site, and the building blocks that keep the admin from writing around the services and their
rules.

The site class lives here rather than in core/admin.py: the admin imports the site's module while it sets
the site up, and registrations made during that import would land on a site that is then thrown away.

A model admin is either read-only (`ReadOnlyAdminMixin`; the default for domain models) or saves through
the app's services (`ServiceAdminMixin`), which take the request's user as actor, check the rules and write
the audit log. Neither offers actions or list_editable: the admin has no bulk writes.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from finsam.core.access import has_capability
from finsam.core.errors import RuleViolation, Violation
from finsam.core.roles import Capability

# The violations of a refused save while the form is shown again (see RuleViolationsAsFormErrors).
_refused: ContextVar[list[Violation] | None] = ContextVar("finsam_admin_refused", default=None)


def national_admin(request: HttpRequest) -> bool:
    return request.user.is_active and has_capability(request.user, Capability.ADMIN_SITE)


class FinsamAdminSite(admin.AdminSite):
    """Admin for the national_admin role. Signing in happens on the platform's own login page; a
    signed-in user without the role gets 403 rather than a login loop."""

    site_header = "Finsam – administration"
    site_title = "Finsam"
    index_title = "Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return national_admin(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline: the national working group looks; nothing is added, changed or
    deleted, and there are no actions (Django then renders every field read-only)."""

    actions: Any = None
    list_editable: Any = ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin):
    """An inline shown to whoever may view its parent, read-only."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return national_admin(request)


class RuleViolationsAsFormErrors:
    """A RuleViolation raised while saving (by a service in save_model or save_formset) rolls back the
    whole save, and the same form is shown again with the violations as its errors: a violation naming
    one of the form's fields goes next to it, the others above the form."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        view = super().changeform_view  # type: ignore[misc]
        try:
            return view(request, object_id, form_url, extra_context)
        except RuleViolation as refusal:  # the admin's own transaction has rolled back everything
            token = _refused.set(refusal.violations)
            try:
                return view(request, object_id, form_url, extra_context)
            finally:
                _refused.reset(token)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]

        class RefusableForm(form_class):  # type: ignore[valid-type, misc]
            def clean(self) -> Any:
                cleaned = super().clean()
                for violation in _refused.get() or []:
                    field = violation.field if violation.field in self.fields else None
                    self.add_error(field, violation.message)
                return cleaned

        RefusableForm.__name__ = form_class.__name__
        return RefusableForm


class ServiceAdminMixin(RuleViolationsAsFormErrors):
    """Add, change and delete only through the app's services, with the request's user as actor.

    A subclass implements the writes it offers; the others are refused (403):
    - `service_create(request, data)`: create from the form's cleaned data and return the object;
    - `service_update(request, obj, data)`: `obj` is fresh from the database, not the form's copy;
    - `service_delete(request, obj)`.
    The form must have no many-to-many fields and the inlines must be read-only: everything is written
    by the service."""

    actions: Any = None
    list_editable: Any = ()

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def _offers(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(ServiceAdminMixin, name)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._offers("service_create") and national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._offers("service_update") and national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._offers("service_delete") and national_admin(request)

    def save_form(self, request: HttpRequest, form: forms.ModelForm[Any], change: bool) -> Any:
        return form.instance  # the form never saves: save_model hands its data to the service

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            current = type(obj)._default_manager.get(pk=obj.pk)
            saved = self.service_update(request, current, form.cleaned_data)
        else:
            saved = self.service_create(request, form.cleaned_data)
        # The admin goes on with `obj` (its log entry, the redirect): make it the saved object.
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:  # read-only inlines: nothing to save, but the change message reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.service_delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.service_delete(request, obj)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except RuleViolation as refusal:
            for violation in refusal.violations:
                messages.error(request, violation.message)
            opts = self.model._meta  # type: ignore[attr-defined]
            name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"  # type: ignore[attr-defined]
            return HttpResponseRedirect(reverse(name, args=[object_id]))
