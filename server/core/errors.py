"""The one error type that queue rules and the API raise for a person to read."""

from __future__ import annotations


class RuleError(Exception):
    """A refused request: an HTTP status, a stable snake_case code and a message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def to_json(self) -> dict[str, dict[str, str]]:
        body = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return {"error": body}


def not_found(code: str, message: str) -> RuleError:
    return RuleError(404, code, message)


def conflict(code: str, message: str) -> RuleError:
    return RuleError(409, code, message)
