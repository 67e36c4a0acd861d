"""The OpenAPI 3.1 document, written from the route declarations and pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from server.core import permissions
from server.core.version import VERSION
from server.web.api import schemas
from server.web.api.base import api
from server.web.api.registry import Operation

REF = "#/components/schemas/{model}"


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _error_response(errors: list[str]) -> dict[str, Any]:
    return {
        "description": "Error: " + ", ".join(errors),
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def _operation(op: Operation, models: set[type[BaseModel]]) -> dict[str, Any]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", op.rule)
    ] + [
        {"name": name, "in": "query", "required": required, "description": text, "schema": {"type": "string"}}
        for name, text, required in op.query
    ] + [
        {"name": name, "in": "header", "required": required, "description": text, "schema": {"type": "string"}}
        for name, text, required in op.headers
    ]
    ok: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        models.add(op.response)
        ok["content"] = {kind: {"schema": {"$ref": REF.format(model=op.response.__name__)}}
                         if kind == "application/json" else {"schema": {"type": "string"}}
                         for kind in op.produces}
    else:
        ok["content"] = {kind: {"schema": {"type": "object"} if kind == "application/json" else {"type": "string"}}
                         for kind in op.produces}
    responses: dict[str, Any] = {str(op.status): ok, **{str(status): ok for status in op.also}}
    by_status: dict[int, list[str]] = {}
    for status, code in op.errors:
        by_status.setdefault(status, []).append(code)
    for status, codes in sorted(by_status.items()):
        responses[str(status)] = _error_response(codes)
    if "429" in responses:
        responses["429"]["headers"] = {"Retry-After": {
            "description": "Whole seconds to wait before one more request from this client will pass "
                           "(a ticket allowance, a login throttle or lockout).",
            "schema": {"type": "integer"}}}
    document: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{op.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', op.rule.lower()).strip('_')}",
        "tags": [op.tag],
        "parameters": params,
        "responses": responses,
    }
    if op.body is not None:
        models.add(op.body)
        document["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}},
        }
    if op.auth is not None:
        document["security"] = [{"bearer": []}, {"cookie": []}]
        document["description"] = f"Needs the {permissions.role(op.auth)} role or higher ({op.auth})."
    return document


def openapi_document(public_url: str) -> dict[str, Any]:
    models: set[type[BaseModel]] = {schemas.Error}
    paths: dict[str, dict[str, Any]] = {}
    for op in api.operations:
        paths.setdefault(_path("/api/v1" + op.rule), {})[op.method.lower()] = _operation(op, models)
    components: dict[str, Any] = {}
    for model in sorted(models, key=lambda m: m.__name__):
        schema = model.model_json_schema(ref_template=REF)
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Antrean API",
            "version": VERSION,
            "description": "Queue and kiosk management for public service halls. See docs/api.md.",
        },
        "servers": [{"url": public_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "antrean_session"},
            },
        },
    }


@api.route("/openapi.json", "GET", summary="This API's OpenAPI document.", tag="catalog")
def openapi_json() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every /api/v1 route."""
    from flask import request

    from server.web.hall import current_hall

    return openapi_document(current_hall().site.config.site.public_url or request.host_url.rstrip("/"))
