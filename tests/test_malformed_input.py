"""Malformed input against a live server (`antrean serve`, gevent): each request below was
answered 500 (or, for the 414s, an empty answer; for the dates, a report of year 1 or 9999)
before the request parsers checked it. Now each is a 4xx in the API's error shape naming
what is wrong, and changes nothing.

Found by fuzzing every route of the OpenAPI document with malformed values: JSON nested
100,000 deep (Python's json gives up with RecursionError), digits that `str.isdigit()`
accepts and `int()` refuses ("²") or reads ("٣" is 3), numbers of thousands of digits
(`int()` refuses more than 4,300), days at the ends of the calendar (9999-12-31 has no day
after it), ISO forms other than YYYY-MM-DD, and ids too long for the server's request line.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import LiveServer, start_site

DEEP_LIST = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
MANY_DIGITS = "9" * 5000

CASES = [
    # who, method, path, raw JSON body, status, code, field
    ("anyone", "POST", "/api/v1/tickets", DEEP_LIST, 422, "invalid_request", "body"),
    ("anyone", "POST", "/api/v1/tickets", DEEP_OBJECT, 422, "invalid_request", "body"),
    ("anyone", "POST", "/api/v1/tickets", '{"service_id": ' + DEEP_LIST + "}", 422, "invalid_request", "body"),
    ("anyone", "POST", "/api/v1/session", DEEP_LIST, 422, "invalid_request", "body"),
    ("anyone", "POST", "/api/v1/tickets/x/survey", DEEP_OBJECT, 422, "invalid_request", "body"),
    ("admin", "PUT", "/api/v1/admin/config/services", '{"value": ' + DEEP_LIST + "}", 422, "invalid_request", "body"),
    ("admin", "POST", "/api/v1/counters/loket-1/call", DEEP_OBJECT, 422, "invalid_request", "body"),
    ("admin", "GET", "/api/v1/reports/queue?step=²", None, 422, "invalid_request", "step"),
    ("admin", "GET", "/api/v1/reports/queue?step=٣", None, 422, "invalid_request", "step"),
    ("admin", "GET", "/api/v1/reports/queue?step=３", None, 422, "invalid_request", "step"),
    ("admin", "GET", "/api/v1/admin/audit?limit=²", None, 422, "invalid_request", "limit"),
    ("admin", "GET", f"/api/v1/admin/audit?limit={MANY_DIGITS}", None, 422, "invalid_request", "limit"),
    ("admin", "POST", "/api/v1/admin/closures/²/reopen", None, 404, "unknown_closure", None),
    ("admin", "POST", f"/api/v1/admin/closures/{MANY_DIGITS}/reopen", None, 404, "unknown_closure", None),
    ("admin", "GET", "/api/v1/reports/queue?date=9999-12-31", None, 422, "invalid_request", "date"),
    ("admin", "GET", "/api/v1/admin/audit?to=9999-12-31", None, 422, "invalid_request", "to"),
    ("admin", "GET", "/api/v1/reports/summary?from=9999-12-31&to=9999-12-31", None, 422, "invalid_request", "from"),
    ("admin", "GET", "/api/v1/reports/summary?from=0001-01-01", None, 422, "invalid_request", "from"),
    ("admin", "GET", "/api/v1/reports/ikm.xlsx?from=9999-12-31", None, 422, "invalid_request", "from"),
    ("admin", "GET", "/api/v1/admin/closures?date=0001-01-01", None, 422, "invalid_request", "date"),
    ("admin", "GET", "/api/v1/reports/summary?from=2026-W49-2", None, 422, "invalid_request", "from"),
    ("admin", "GET", "/api/v1/reports/summary?from=20261201", None, 422, "invalid_request", "from"),
    ("admin", "DELETE", "/api/v1/admin/config/services/kia?version=" + "v" * 100, None, 422, "invalid_request",
     "version"),
    ("anyone", "GET", "/api/v1/tickets/" + "a" * 100_000, None, 414, "uri_too_long", None),
    ("admin", "GET", "/api/v1/reports/summary?service_id=" + "a" * 100_000, None, 414, "uri_too_long", None),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any, bundled_data: dict[str, Any]) -> Any:
    live = start_site(tmp_path_factory.mktemp("malformed"), bundled_data)
    live.add_user("kepala", "admin")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def admin(server: LiveServer) -> dict[str, str]:
    return server.login("kepala")


@pytest.mark.parametrize(("who", "method", "path", "body", "status", "code", "field"), CASES,
                         ids=[f"{c[1]} {c[2][:60]} {(c[3] or '')[:12]}" for c in CASES])
def test_malformed_input_is_a_4xx_naming_what_is_wrong(
    server: LiveServer, admin: dict[str, str], who: str, method: str, path: str, body: str | None, status: int,
    code: str, field: str | None,
) -> None:
    headers = {"Content-Type": "application/json"} | (admin if who == "admin" else {})
    config_before = server.config_path.read_bytes()
    answer = requests.request(method, server.url + path, data=body, headers=headers, timeout=30)
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == code and error["message"]
    assert error.get("field") == field
    assert server.config_path.read_bytes() == config_before  # a refused request changes nothing
    assert requests.get(server.url + "/api/v1/tickets/x", timeout=5).status_code == 404  # still serving


def test_the_server_logged_no_error_for_any_of_them(server: LiveServer, admin: dict[str, str]) -> None:
    for who, method, path, body, *_ in CASES:
        headers = {"Content-Type": "application/json"} | (admin if who == "admin" else {})
        requests.request(method, server.url + path, data=body, headers=headers, timeout=30)
    log = (server.folder / "server.log").read_text(errors="replace")
    assert "unexpected error" not in log and "Traceback" not in log


def test_a_day_inside_the_range_still_makes_its_report(server: LiveServer, admin: dict[str, str]) -> None:
    headers = admin
    answer = requests.get(server.url + "/api/v1/reports/summary?from=2026-11-01&to=2026-12-01", headers=headers,
                          timeout=30)
    assert answer.status_code == 200 and answer.json()["from"] == "2026-11-01"
    answer = requests.get(server.url + "/api/v1/reports/queue?step=15", headers=headers, timeout=30)
    assert answer.status_code == 200 and answer.json()["step_minutes"] == 15
