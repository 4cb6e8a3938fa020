"""The JSON API under /api/v1/. Each app contributes a router; errors share one shape:
{"errors": [{"code", "message", "field"}]}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from finsam.core.decorators import PUBLIC, api_operation
from finsam.core.errors import RuleViolation
from finsam.core.tokens import token_create, token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class ErrorItem(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(Schema):
    errors: list[ErrorItem]


ERRORS: dict[int, type[Schema]] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
}

api = NinjaAPI(
    title="Finsam API",
    version="1",
    description="Samordningsförbundens plattform: register, ekonomi, uppföljning och styrning.",
    urls_namespace="api",
    docs_url=None,
    auth=BearerToken(),
)


def _errors(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"errors": [{"code": code, "message": message, "field": field}]}, status=status
    )


@api.exception_handler(RuleViolation)
def on_rule_violation(request: HttpRequest, exc: RuleViolation) -> HttpResponse:
    return api.create_response(request, exc.as_payload(), status=400)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items = []
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")
        ]
        items.append(
            {
                "code": "R-INPUT",
                "message": f"Ogiltigt värde: {error.get('msg', 'felaktig indata')}",
                "field": ".".join(location) or None,
            }
        )
    return api.create_response(request, {"errors": items}, status=400)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _errors(request, 401, "R-AUTH", "Logga in: ange en giltig API-nyckel (Authorization: Bearer …).")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _errors(request, 403, "R-ACCESS", "Du har inte behörighet till detta.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _errors(request, 404, "R-NOT-FOUND", "Finns inte, eller så saknar du behörighet.")


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@api_operation(
    api,
    "post",
    "/auth/token",
    need=PUBLIC,
    auth=None,
    response={200: TokenOut, 400: ErrorResponse},
    tags=["auth"],
    summary="Hämta en API-nyckel",
)
def auth_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {"token": token_create(username=payload.username, password=payload.password)}


def _register_routers() -> None:
    from finsam.registry.api import router as registry_router

    api.add_router("/", registry_router)


_register_routers()
