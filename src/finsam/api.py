"""The JSON API under /api/v1/. Each app contributes a router; errors share one shape:
{"errors": [{"code", "message", "field"}]}.

Every operation may answer 400 (bad input or a broken rule), 401 (no valid token), 403 (the role lacks the
capability) and 404 (outside the user's scope): the handlers below produce them for any operation, and
the OpenAPI document declares them for every operation, so that clients and schema checks can rely on it.
A write may also answer 409 (R-CONFLICT): someone saved the object since the `version` the client sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_lazy
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import HttpBearer

from finsam.accounts.selectors import token_row, tokens_of
from finsam.accounts.services import token_create, token_revoke
from finsam.core import reauth, release
from finsam.core.decorators import AUTHENTICATED, PUBLIC, api_operation
from finsam.core.errors import CONFLICT, RuleViolation


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = token_row(token)
        if row is None:
            return None
        request.user = row.user
        request.api_token_id = row.pk  # type: ignore[attr-defined]
        request.api_token_created = row.created  # type: ignore[attr-defined]
        return row.user


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

ERROR_DESCRIPTIONS = {
    400: "Felaktig indata eller en regel som inte är uppfylld (koden anger regeln).",
    401: "Ingen giltig API-nyckel.",
    403: "Rollen saknar behörighet till åtgärden.",
    404: "Finns inte, eller ligger utanför användarens förbund.",
}
# Writes only: the object was saved by someone else since the version the client sent (R-CONFLICT).
CONFLICT_DESCRIPTION = (
    "Någon annan har sparat sedan versionen du skickade (R-CONFLICT): hämta och försök igen."
)


class FinsamAPI(NinjaAPI):
    """Declares the shared error responses on every operation of the OpenAPI document."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        definition = ErrorResponse.model_json_schema(
            ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization"
        )
        schema["components"]["schemas"].update(definition.pop("$defs", {}))
        schema["components"]["schemas"]["ErrorResponse"] = definition
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                described = dict(ERROR_DESCRIPTIONS)
                if method.lower() in {"post", "put", "patch", "delete"}:
                    described[409] = CONFLICT_DESCRIPTION
                for status, description in described.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": REF_TEMPLATE.format(model="ErrorResponse")}
                                }
                            },
                        },
                    )
        return schema


api = FinsamAPI(
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


# Messages for the validation errors of the request schemas, by pydantic error type (in the request's
# language, Swedish by default).
INVALID_VALUE = gettext_lazy("Ogiltigt värde.")
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("Värdet saknas."),
    "string_type": gettext_lazy("Ange en text."),
    "string_unicode": gettext_lazy("Texten innehåller ogiltiga tecken."),
    "string_too_short": gettext_lazy("Ange ett värde."),
    "string_too_long": gettext_lazy("Texten är för lång."),
    "string_pattern_mismatch": gettext_lazy("Värdet har fel format."),
    "int_type": gettext_lazy("Ange ett heltal."),
    "int_parsing": gettext_lazy("Ange ett heltal."),
    "int_from_float": gettext_lazy("Ange ett heltal."),
    "bool_type": gettext_lazy("Ange true eller false."),
    "bool_parsing": gettext_lazy("Ange true eller false."),
    "date_type": gettext_lazy("Ange ett datum (ÅÅÅÅ-MM-DD)."),
    "date_parsing": gettext_lazy("Ange ett datum (ÅÅÅÅ-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Ange ett datum (ÅÅÅÅ-MM-DD)."),
    "date_from_datetime_inexact": gettext_lazy("Ange ett datum (ÅÅÅÅ-MM-DD)."),
    "greater_than_equal": gettext_lazy("Värdet är för litet."),
    "greater_than": gettext_lazy("Värdet är för litet."),
    "less_than_equal": gettext_lazy("Värdet är för stort."),
    "less_than": gettext_lazy("Värdet är för stort."),
    "model_type": gettext_lazy("Ange ett JSON-objekt."),
    "model_attributes_type": gettext_lazy("Ange ett JSON-objekt."),
    "dict_type": gettext_lazy("Ange ett JSON-objekt."),
    "list_type": gettext_lazy("Ange en lista."),
    "json_invalid": gettext_lazy("Ogiltig JSON."),
}


@api.exception_handler(RuleViolation)
def on_rule_violation(request: HttpRequest, exc: RuleViolation) -> HttpResponse:
    """400, or 409 when the refusal is an edit conflict (a stale `version`)."""
    status = 409 if any(v.code == CONFLICT for v in exc.violations) else 400
    return api.create_response(request, exc.as_payload(), status=status)


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
                "message": str(
                    VALIDATION_MESSAGES.get(str(error.get("type")), gettext_lazy("Ogiltigt värde."))
                ),
                "field": ".".join(location) or None,
            }
        )
    return api.create_response(request, {"errors": items}, status=400)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _errors(
        request, 401, "R-AUTH", gettext("Logga in: ange en giltig API-nyckel (Authorization: Bearer …).")
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _errors(request, 403, "R-ACCESS", gettext("Du har inte behörighet till detta."))


@api.exception_handler(reauth.TokenTooOld)
def on_token_too_old(request: HttpRequest, exc: reauth.TokenTooOld) -> HttpResponse:
    return _errors(request, 403, "R-REAUTH", reauth.token_too_old_message())


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _errors(request, 404, "R-NOT-FOUND", gettext("Finns inte, eller så saknar du behörighet."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """The framework's own refusals (an unreadable body, say) in the shared shape."""
    if exc.status_code == 400:
        return _errors(request, 400, "R-INPUT", gettext("Begäran kunde inte läsas: skicka giltig JSON."))
    if exc.status_code == 403:
        return _errors(request, 403, "R-ACCESS", gettext("Du har inte behörighet till detta."))
    return _errors(request, exc.status_code, "R-HTTP", gettext("Begäran kunde inte utföras."))


TokenId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[^\x00-\x1F\x7F]+$")
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(
        default=None,
        max_length=32,
        description="För nationella administratörer, förbundschefer och deltagaransvariga: den sexsiffriga "
        "koden från appen för tvåstegsverifiering, eller en reservkod (som då är förbrukad).",
    )


class TokenOut(Schema):
    token: str


@api_operation(
    api,
    "post",
    "/auth/token",
    need=PUBLIC,
    auth=None,
    response={200: TokenOut, 400: ErrorResponse, 429: ErrorResponse},
    tags=["auth"],
    summary="Hämta en API-nyckel",
    description="Byt användarnamn och lösenord mot en API-nyckel som skickas som `Authorization: Bearer …`. "
    "Nyckeln visas bara en gång och slutar gälla efter den tid installationen anger, när den återkallas, "
    "när lösenordet byts eller när kontot stängs. Efter för många fel lösenord spärras inloggningen en "
    "stund, också på inloggningssidan: 429 med koden R-LOCKED. Den som måste använda tvåstegsverifiering "
    "(nationell administratör, förbundschef, deltagaransvarig) skickar också `otp`: koden från appen eller "
    "en reservkod. Saknas den: 400 med R-OTP-REQUIRED; är den fel, redan använd eller kommer för tätt "
    "efter fel: 400 med R-OTP; är ingen app inställd ännu (görs på webbplatsen): 400 med R-OTP-SETUP. "
    "Att läsa personnummer kräver en nyckel som hämtats under de senaste minuterna (R-REAUTH).",
)
def auth_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {
        "token": token_create(
            username=payload.username, password=payload.password, otp=payload.otp, request=request
        )
    }


class TokenInfoOut(Schema):
    id: int
    created: datetime
    expires: datetime
    last_used: datetime | None = None
    current: bool = Field(description="Nyckeln som den här begäran skickades med.")


@api_operation(
    api,
    "get",
    "/auth/tokens",
    need=AUTHENTICATED,
    response=list[TokenInfoOut],
    tags=["auth"],
    summary="Mina API-nycklar",
    description="Användarens egna nycklar som gäller (aldrig någon annans), nyast först. Nycklarna själva "
    "visas aldrig igen.",
)
def auth_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    current = getattr(request, "api_token_id", None)
    return [
        {
            "id": row.pk,
            "created": row.created,
            "expires": row.expires,
            "last_used": row.last_used,
            "current": row.pk == current,
        }
        for row in tokens_of(user=request.user)
    ]


@api_operation(
    api,
    "delete",
    "/auth/tokens/{token_id}",
    need=AUTHENTICATED,
    scoped="token_id",
    response={204: None},
    tags=["auth"],
    summary="Återkalla en API-nyckel",
    description="Nyckeln slutar gälla genast (också den som begäran skickas med). 404 för en nyckel som inte "
    "är användarens egen eller som redan har slutat gälla.",
)
def auth_token_revoke(request: HttpRequest, token_id: TokenId) -> tuple[int, None]:
    token_revoke(actor=request.user, token_id=token_id)
    return 204, None


class ReleaseOut(Schema):
    version: str = Field(
        description="Den installerade versionen, följd av installationens byggnamn "
        "(FINSAM_RELEASE) inom parentes när det är satt."
    )


@api_operation(
    api,
    "get",
    "/release",
    need=PUBLIC,
    auth=None,
    response={200: ReleaseOut},
    tags=["system"],
    summary="Den version som körs",
    description="Versionen av plattformen som svarar, samma som i sidfoten. Kräver ingen inloggning.",
)
def release_get(request: HttpRequest) -> dict[str, str]:
    return {"version": release.version()}


def _register_routers() -> None:
    from finsam.finance.api import router as finance_router
    from finsam.followup.api import router as followup_router
    from finsam.governance.api import router as governance_router
    from finsam.interventions.api import router as interventions_router
    from finsam.national.api import router as national_router
    from finsam.registry.api import router as registry_router
    from finsam.statistics.api import router as statistics_router

    api.add_router("/", registry_router)
    api.add_router("/", interventions_router)
    api.add_router("/", followup_router)
    api.add_router("/", governance_router)
    api.add_router("/", finance_router)
    api.add_router("/", statistics_router)
    api.add_router("/", national_router)


_register_routers()
