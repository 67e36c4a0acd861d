"""Helpers shared by the API v1 tests (this module holds no tests).

Test modules import the fixture `document_fixture`, which pytest then offers as `document`
(the OpenAPI document the server builds); `check(document, path, method, answer)` says an
answer matches what that document promises for its route and status.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from server.web.api.openapi import openapi_document


def schema_of(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    operation = document["paths"][path][method]
    ref = operation["responses"][str(status)]["content"]["application/json"]["schema"]["$ref"]
    return {"$ref": ref, "components": document["components"]}


def check(document: dict[str, Any], path: str, method: str, answer: Any) -> None:
    """The answer matches what the OpenAPI document promises for that route and status."""
    jsonschema.validate(answer.json, schema_of(document, path, method, answer.status_code))


@pytest.fixture(name="document")
def document_fixture(small_app: Any) -> dict[str, Any]:
    return openapi_document("http://127.0.0.1:5000")
