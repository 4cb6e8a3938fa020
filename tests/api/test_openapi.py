"""The OpenAPI document: generated, committed as openapi.json, served at /api/v1/openapi.json."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from finsam.management.commands.export_openapi import default_path, openapi_document, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_document_is_the_generated_one() -> None:
    committed = (ROOT / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(openapi_document()), (
        "openapi.json is stale: run `finsam export-openapi` and commit the result"
    )


def test_the_export_writes_the_repository_file_by_default() -> None:
    assert default_path() == ROOT / "openapi.json"


def test_the_export_writes_a_stable_file_to_the_given_path(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    output = io.StringIO()
    call_command("export_openapi", str(target), stdout=output)
    assert str(target) in output.getvalue()
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert json.loads(text)["info"]["title"] == "Finsam API"


@pytest.mark.django_db
def test_the_document_is_served_without_a_token() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(render(openapi_document()))


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = json.loads(render(openapi_document()))
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_declares_its_access_rule() -> None:
    missing = [
        f"{method.upper()} {path}" for path, method, operation in _operations() if "x-access" not in operation
    ]
    assert not missing


def test_every_operation_documents_the_shared_error_responses() -> None:
    for path, method, operation in _operations():
        for status in ("400", "401", "403", "404"):
            response = operation["responses"].get(status)
            assert response is not None, f"{method.upper()} {path} does not document {status}"
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (
                f"{method.upper()} {path} {status}"
            )


def test_the_error_response_schema_has_the_shared_shape() -> None:
    schemas = json.loads(render(openapi_document()))["components"]["schemas"]
    assert schemas["ErrorResponse"]["required"] == ["errors"]
    item = schemas["ErrorItem"]
    assert set(item["properties"]) == {"code", "message", "field"}
    assert set(item["required"]) >= {"code", "message"}


def test_operations_outside_auth_require_the_bearer_token() -> None:
    for path, method, operation in _operations():
        if operation["x-access"]["need"] == "public":
            assert "security" not in operation, f"{method.upper()} {path}"
        else:
            assert operation["security"] == [{"BearerToken": []}], f"{method.upper()} {path}"
