"""Every error under /api/ is JSON in one shape, whatever raised it."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from server.core.errors import STATUS, RuleError

log = logging.getLogger("antrean")

# Werkzeug's own refusals (no route, wrong method, ...) get these codes; a rule's code
# gets its status from server/core/errors.py STATUS.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def _json_error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


def _is_api() -> bool:
    return request.path.startswith("/api/")


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(RuleError)
    def rule_error(exc: RuleError) -> tuple[Response, int]:
        answer = jsonify(exc.to_json())
        retry_after = getattr(exc, "retry_after", None)  # a 429 says when to come back
        if retry_after is not None:
            answer.headers["Retry-After"] = str(retry_after)
        return answer, STATUS[exc.code]

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int] | HTTPException:
        if not _is_api():
            return exc
        status = exc.code or 500
        code = HTTP_CODES.get(status, "http_error")
        if status == 404:
            message = f"There is no API route {request.path}."
        elif status == 405:
            message = f"{request.method} is not allowed on {request.path}."
        else:
            message = exc.description or code
        return _json_error(status, code, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int] | tuple[str, int]:
        # A bug, not bad input: log it for us, answer a calm message for them.
        log.exception("unexpected error on %s %s", request.method, request.path)
        if _is_api():
            return _json_error(500, "internal_error", "Something went wrong on the server; it has been logged.")
        return "Terjadi kesalahan pada server. / Something went wrong on the server.", 500
