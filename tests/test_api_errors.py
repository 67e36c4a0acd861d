"""API v1 conventions and errors through the real Flask app: the error shape and codes of
refused requests (which change nothing), closed services and quotas, the rate limit, counter
action errors, and the one table of error codes (server/core/errors.py STATUS) that every
raised code, every route's declared errors and docs/api.md agree with."""

from __future__ import annotations

from typing import Any

import pytest
from rules import act

ERRORS = [
    # method, path, body, status, code, field
    ("post", "/api/v1/tickets", {"service_id": "nope"}, 404, "unknown_service", "service_id"),
    ("post", "/api/v1/tickets", {"service_id": "kk", "kiosk_id": "nope"}, 404, "unknown_kiosk", "kiosk_id"),
    ("post", "/api/v1/tickets", {}, 422, "invalid_request", "service_id"),
    ("post", "/api/v1/tickets", {"service_id": "kk", "priority": "vip"}, 422, "invalid_request", "priority"),
    ("post", "/api/v1/tickets", {"service_id": "kk", "lang": "fr"}, 422, "invalid_request", "lang"),
    ("post", "/api/v1/tickets", {"service_id": "kk", "colour": "red"}, 422, "invalid_request", "colour"),
    ("post", "/api/v1/tickets", [1, 2], 422, "invalid_request", "body"),
    ("post", "/api/v1/tickets", "not json", 422, "invalid_request", "body"),
    ("get", "/api/v1/tickets/000000000000", None, 404, "ticket_not_found", None),
    ("post", "/api/v1/tickets/000000000000/print", None, 404, "ticket_not_found", None),
    ("post", "/api/v1/session", {"username": "x", "password": "y"}, 401, "invalid_credentials", None),
    ("post", "/api/v1/session", {"username": "x"}, 422, "invalid_request", "password"),
    ("get", "/api/v1/session", None, 401, "unauthenticated", None),
    ("post", "/api/v1/counters/loket-1/call-next", None, 401, "unauthenticated", None),
    ("get", "/api/v1/displays/nope/state", None, 404, "unknown_display", None),
    ("get", "/api/v1/no-such-route", None, 404, "not_found", None),
    ("delete", "/api/v1/tickets", None, 405, "method_not_allowed", None),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "code", "field"), ERRORS,
                         ids=[f"{e[0]} {e[1]} {e[4]}" for e in ERRORS])
def test_error_table(small_app: Any, method: str, path: str, body: Any, status: int, code: str,
                     field: str | None) -> None:
    client = small_app.client()
    if isinstance(body, str):
        answer = client.open(path, method=method, data=body, content_type="application/json")
    else:
        answer = client.open(path, method=method, json=body)
    assert answer.status_code == status
    assert answer.content_type.startswith("application/json")
    error = answer.json["error"]
    assert error["code"] == code and error["message"]
    assert error.get("field") == field
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM tickets") == 0  # a refused request changes nothing


def test_closed_service_and_quota(small_app: Any) -> None:
    client = small_app.client()
    for _ in range(5):
        client.post("/api/v1/tickets", json={"service_id": "ktp"})
    answer = client.post("/api/v1/tickets", json={"service_id": "ktp"})
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "quota_reached")
    services = {s["id"]: s for s in client.get("/api/v1/services").json["services"]}
    assert services["ktp"]["open"] is False and services["ktp"]["closed_reason"] == "quota_reached"
    small_app.clock.advance(6 * 3600)  # 15:00: past the cut-off
    answer = client.post("/api/v1/tickets", json={"service_id": "kk"})
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "service_closed")


def test_rate_limit_as_configured(small_config: Any, tmp_path: Any, clock: Any) -> None:
    """Limited by default now (tests/test_limits.py); a site may set its own figure."""
    from conftest import make_hall_app

    data = small_config.model_dump(mode="json", exclude_none=True)
    data["server"]["rate_limit_per_minute"] = 3
    from server.core.config_load import parse_config

    app = make_hall_app(parse_config(data), tmp_path, clock)
    codes = [app.client().post("/api/v1/tickets", json={"service_id": "kk"}).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]


def test_counter_action_errors(small_app: Any) -> None:
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    cases = [
        ("/api/v1/counters/loket-3/call-next", None, 403, "forbidden"),
        ("/api/v1/counters/loket-99/call-next", None, 404, "unknown_counter"),
        ("/api/v1/counters/loket-1/recall", None, 409, "no_current_ticket"),
        ("/api/v1/counters/loket-1/transfer", {"service_id": "pbb"}, 409, "no_current_ticket"),
        ("/api/v1/counters/loket-1/transfer", {}, 422, "invalid_request"),
        ("/api/v1/counters/loket-1/call", {"number": "B999"}, 404, "ticket_not_found"),
        ("/api/v1/counters/loket-1/call", {}, 422, "invalid_request"),
        ("/api/v1/counters/loket-1/call", {"ticket_id": "x", "number": "B001"}, 422, "invalid_request"),
    ]
    for path, body, status, code in cases:
        answer = client.post(path, json=body, headers=officer) if body is not None else client.post(
            path, headers=officer)
        assert (answer.status_code, answer.json["error"]["code"]) == (status, code), path
    act(small_app, "set_paused", "loket-1", True, "budi")
    answer = client.post("/api/v1/counters/loket-1/call-next", headers=officer)
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "counter_paused")


# --- error codes: one table (server/core/errors.py STATUS), raised by code ---------------------------


def raised_codes() -> dict[str, set[str]]:
    """Every code raised in the server's source, by how: RuleError(...), not_found(...), conflict(...)."""
    import re
    from pathlib import Path

    found: dict[str, set[str]] = {"RuleError": set(), "not_found": set(), "conflict": set(), "_error": set()}
    for path in (Path(__file__).resolve().parent.parent / "server").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for how, code in re.findall(r'\b(RuleError|not_found|conflict|_error)\(\s*"([a-z_]+)"', text):
            found[how].add(code)
        assert not re.search(r"RuleError\(\s*\d", text), f"{path}: a rule raises by code, not by HTTP status"
    return found


def test_every_raised_code_is_in_the_table() -> None:
    from server.core.errors import STATUS

    found = raised_codes()
    assert found["RuleError"] >= {"unknown_service", "forbidden", "invalid_request"}  # the scan works
    missing = sorted(code for codes in found.values() for code in codes if code not in STATUS)
    assert not missing, f"add these codes to server/core/errors.py STATUS: {missing}"
    assert {code: STATUS[code] for code in found["not_found"]} == dict.fromkeys(found["not_found"], 404)
    assert {code: STATUS[code] for code in found["conflict"]} == dict.fromkeys(found["conflict"], 409)


def test_routes_declare_only_codes_of_the_table_with_its_status(small_app: Any) -> None:
    from server.core.errors import STATUS
    from server.web.api.base import api

    wrong = [(op.method, op.rule, status, code) for op in api.operations for status, code in op.errors
             if STATUS.get(code) != status]
    assert not wrong, f"these routes declare codes not in STATUS, or with another status: {wrong}"


def test_every_code_of_the_table_is_documented() -> None:
    from pathlib import Path

    from server.core.errors import STATUS

    text = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    undocumented = sorted(code for code in STATUS if f"`{code}`" not in text)
    assert not undocumented, f"document these error codes in docs/api.md: {undocumented}"


def test_a_code_outside_the_table_is_a_bug() -> None:
    from server.core.errors import RuleError

    with pytest.raises(ValueError, match="not in server/core/errors.py STATUS"):
        RuleError("no_such_code", "?")
