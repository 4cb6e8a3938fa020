"""Access declarations on views and API operations.

Every URL pattern and API operation declares what it needs with `@page_access(...)` or
`api_operation(...)`. The declaration is enforced here (HTTP method, sign-in and capability) and read by
the access matrix test, which fails for an endpoint that declares nothing. Object scoping (which
association) is enforced by the selectors the view calls.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.urls import Resolver404, resolve
from django.utils.log import log_response

from finsam.core import reauth
from finsam.core.access import has_capability, scope_for
from finsam.core.roles import Capability

PUBLIC = "public"
AUTHENTICATED = "authenticated"


@dataclass(frozen=True)
class AccessRule:
    """`need` is a Capability, AUTHENTICATED (any signed-in user) or PUBLIC.

    `scoped` names the URL parameter that identifies an object inside an association (for example
    "association_id"), so that the matrix can check that an outsider gets 404. `recent_authentication`:
    the page shows or exports identities (or changes roles), and needs the password given in the last
    minutes (core.reauth); the user is sent to confirm it first, and nothing is done meanwhile.
    """

    need: Capability | str
    scoped: str | None = None
    methods: tuple[str, ...] = ("GET",)
    recent_authentication: bool = False


def page_access(
    need: Capability | str,
    *,
    scoped: str | None = None,
    methods: tuple[str, ...] = ("GET",),
    recent_authentication: bool = False,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Declares and enforces what a page needs. A method the page does not declare is answered 405 (with
    the Allow header) before anything else; HEAD goes with GET. A page with `recent_authentication` sends a
    user whose password is older than the allowed minutes to confirm it (after the capability check, so
    that a refusal stays a refusal)."""
    rule = AccessRule(need=need, scoped=scoped, methods=methods, recent_authentication=recent_authentication)
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in allowed:
                response = HttpResponseNotAllowed(sorted(allowed))
                log_response(
                    "Method Not Allowed (%s): %s",
                    request.method,
                    request.path,
                    response=response,
                    request=request,
                )
                return response
            if rule.need != PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if isinstance(rule.need, Capability) and not has_capability(request.user, rule.need):
                    raise PermissionDenied
                if rule.recent_authentication and not reauth.is_recent(request):
                    return reauth.ask(request)
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule  # type: ignore[attr-defined]
        return wrapped

    return decorate


def may_open(user: Any, path: str) -> bool:
    """Whether the user may open the page at `path` (GET), by the page's own declaration: for a link that
    should not lead anyone to a refusal. A page scoped by its association is checked against the user's
    scope; a page scoped by another object is left to its selector, as the page itself does."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    rule = getattr(match.func, "access_rule", None)
    if not isinstance(rule, AccessRule) or "GET" not in rule.methods:
        return False
    if rule.need == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if not isinstance(rule.need, Capability):
        return True  # AUTHENTICATED
    scope = scope_for(user, rule.need)
    if rule.scoped == "association_id":
        return scope.allows(int(match.kwargs["association_id"]))
    return not scope.empty


def api_operation(
    router: Any,
    method: str,
    path: str,
    *,
    need: Capability | str,
    scoped: str | None = None,
    recent_authentication: bool = False,
    **kwargs: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers an API operation together with its access rule.

    The rule is enforced before the operation runs (403 without the capability; authentication is the
    router's bearer auth) and published in the OpenAPI document as `x-access`, where the access matrix
    test reads it: an operation registered without this helper has no `x-access` and fails the test.
    `recent_authentication`: the operation shows identities, and needs a token issued in the last minutes
    (core.reauth; 403 with R-REAUTH otherwise, after the capability check).
    """
    rule = AccessRule(
        need=need, scoped=scoped, methods=(method.upper(),), recent_authentication=recent_authentication
    )

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kw: Any) -> Any:
            if isinstance(rule.need, Capability) and not has_capability(request.user, rule.need):
                raise PermissionDenied
            if rule.recent_authentication and not reauth.token_is_recent(request):
                raise reauth.TokenTooOld
            return func(request, *args, **kw)

        wrapped.access_rule = rule  # type: ignore[attr-defined]
        # The API framework reads the signature of the wrapper; give it the original's, resolved.
        wrapped.__signature__ = inspect.signature(func, eval_str=True)  # type: ignore[attr-defined]
        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra["x-access"] = {"need": str(need), "scoped": scoped}
        if recent_authentication:
            extra["x-access"]["recent_authentication"] = True
        getattr(router, method.lower())(path, openapi_extra=extra, **kwargs)(wrapped)
        return wrapped

    return decorate
