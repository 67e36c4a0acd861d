"""Declaring API routes once: the same declaration validates requests and writes
the OpenAPI document, so the document cannot drift from the code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ValidationError

from server.core import permissions
from server.core.errors import RuleError

View = Callable[..., Any]


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # Flask rule, e.g. /tickets/<ticket_id>
    summary: str
    tag: str
    body: type[BaseModel] | None
    body_required: bool
    status: int
    response: type[BaseModel] | None
    errors: tuple[tuple[int, str], ...]
    auth: str | None  # None (public) or an action of server/core/permissions.py ACTIONS
    query: tuple[tuple[str, str, bool], ...] = ()  # (name, description, required)
    produces: tuple[str, ...] = ("application/json",)
    headers: tuple[tuple[str, str, bool], ...] = ()  # request headers: (name, description, required)
    also: tuple[int, ...] = ()  # other success statuses with the same answer (a repeat's 200 beside 201)


@dataclass
class Api:
    """A blueprint plus the list of its operations."""

    blueprint: Blueprint
    operations: list[Operation] = field(default_factory=list)

    def route(
        self,
        rule: str,
        method: str,
        *,
        summary: str,
        tag: str,
        body: type[BaseModel] | None = None,
        body_required: bool = True,
        status: int = 200,
        response: type[BaseModel] | None = None,
        errors: tuple[tuple[int, str], ...] = (),
        auth: str | None = None,
        query: tuple[tuple[str, str, bool], ...] = (),
        produces: tuple[str, ...] = ("application/json",),
        headers: tuple[tuple[str, str, bool], ...] = (),
        also: tuple[int, ...] = (),
    ) -> Callable[[View], View]:
        if body is not None:
            errors = ((422, "invalid_request"), *errors)
        if auth is not None:
            if auth not in permissions.ACTIONS:  # a typo would otherwise only show at the first call
                raise ValueError(f"{method} {rule}: auth={auth!r} is not an action of server/core/permissions.py")
            errors = ((401, "unauthenticated"), (403, "forbidden"), *errors)
        operation = Operation(
            method, rule, summary, tag, body, body_required, status, response, errors, auth, query, produces, headers,
            also,
        )
        self.operations.append(operation)

        def decorator(view: View) -> View:
            @functools.wraps(view)
            def handler(**kwargs: Any) -> Any:
                if auth is not None:  # may this role do it at all; the handler asks again with its target
                    from server.web.api.access import require

                    require(auth)
                if body is not None:
                    kwargs["body"] = parse_body(body, required=body_required)
                result = view(**kwargs)
                if isinstance(result, Response):
                    return result
                return jsonify(result), status

            self.blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=handler, methods=[method])
            return handler

        return decorator


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int)) or "body"


def parse_body(model: type[BaseModel], *, required: bool = True) -> Any:
    """The request's JSON body as `model`, or a 422 naming the first field at fault."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if not required:
            return model()
        raise RuleError("invalid_request", "The request needs a JSON body.", "body")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json's decoder gives up on [[[[... a thousand levels deep
        raise RuleError("invalid_request", "The request body is nested too deeply.", "body") from None
    if data is None:
        raise RuleError("invalid_request", "The request body is not valid JSON.", "body")
    if not isinstance(data, dict):
        raise RuleError("invalid_request", "The request body must be a JSON object.", "body")
    return validated(model, data)


def validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """`data` (from the body or the query string) as `model`, or a 422 naming the first field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = _field_name(tuple(first["loc"]))
        if first["type"] == "extra_forbidden":
            message = f"{name}: unknown field."
        elif first["type"] == "missing":
            message = f"{name}: this field is required."
        else:
            message = f"{name}: {first['msg']}."
        raise RuleError("invalid_request", message, name) from None
