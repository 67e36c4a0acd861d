"""The one error type that queue rules and the API raise for a person to read, and the
table of its codes.

A rule raises by code (`RuleError("unknown_service", message, field)`); it does not
know about HTTP. `STATUS` is the one place a code gets its HTTP status, read by the
web layer when it answers. A new code is added here (and documented in docs/api.md:
a test checks both).
"""

from __future__ import annotations

from typing import Any

STATUS: dict[str, int] = {
    # who is asking
    "unauthenticated": 401,
    "invalid_credentials": 401,
    "login_throttled": 429,  # too many wrong passwords from this address: wait (Retry-After)
    "account_locked": 429,  # too many wrong passwords for this account: wait, or an admin unlocks
    "forbidden": 403,
    "csrf_failed": 403,
    "survey_forbidden": 403,
    "cancel_forbidden": 403,
    # an id that does not exist
    "unknown_agency": 404,
    "unknown_service": 404,
    "unknown_counter": 404,
    "unknown_kiosk": 404,
    "unknown_display": 404,
    "unknown_printer": 404,
    "unknown_ticket": 404,
    "ticket_not_found": 404,
    "unknown_user": 404,
    "unknown_closure": 404,
    "unknown_section": 404,
    "unknown_item": 404,
    # the queue's state refuses it
    "service_closed": 409,
    "quota_reached": 409,
    "not_waiting": 409,
    "not_at_counter": 409,  # a step is added only by the counter holding the ticket (server/core/visits.py)
    "too_many_steps": 409,
    "no_current_ticket": 409,
    "not_called": 409,
    "not_cancellable": 409,
    "counter_paused": 409,
    "counter_not_paused": 409,
    "counter_closed": 409,
    "no_printer": 409,
    "not_printable": 409,  # a reprint of a ticket whose visit is over
    "not_finished": 409,
    "already_answered": 409,
    "already_closed": 409,
    "already_reopened": 409,
    # accounts and configuration
    "user_exists": 409,
    "own_account": 409,
    "config_changed": 409,
    "config_read_only": 409,
    "in_use": 409,
    "invalid_config": 422,
    # the request itself
    "invalid_request": 422,
    "idempotency_key_reused": 422,
    "rate_limited": 429,
    "too_many_subscriptions": 429,
    "unavailable": 503,
    "disk_full": 503,
}


class RuleError(Exception):
    """A refused request: a stable snake_case code from `STATUS` and a message."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        if code not in STATUS:  # a typo or a code nobody documented: a bug, not the user's fault
            raise ValueError(f"RuleError code {code!r} is not in server/core/errors.py STATUS")
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def status(self) -> int:
        return STATUS[self.code]

    def to_json(self) -> dict[str, dict[str, Any]]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return {"error": body}


def not_found(code: str, message: str) -> RuleError:
    return RuleError(code, message)


def conflict(code: str, message: str) -> RuleError:
    return RuleError(code, message)
