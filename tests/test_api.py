"""API v1 through the real Flask app: every contract route, the error shape and codes,
accounts, CSRF, and answers that match the OpenAPI document."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rules import act, issue

from server.web.api.openapi import openapi_document

PUBLIC_LISTS = [
    ("/api/v1/agencies", "agencies"),
    ("/api/v1/services", "services"),
    ("/api/v1/counters", "counters"),
    ("/api/v1/kiosks", "kiosks"),
    ("/api/v1/displays", "displays"),
    ("/api/v1/printers", "printers"),
]


def schema_of(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    operation = document["paths"][path][method]
    ref = operation["responses"][str(status)]["content"]["application/json"]["schema"]["$ref"]
    return {"$ref": ref, "components": document["components"]}


def check(document: dict[str, Any], path: str, method: str, answer: Any) -> None:
    """The answer matches what the OpenAPI document promises for that route and status."""
    jsonschema.validate(answer.json, schema_of(document, path, method, answer.status_code))


@pytest.fixture
def document(small_app: Any) -> dict[str, Any]:
    return openapi_document("http://127.0.0.1:5000")


def test_health(small_app: Any, document: dict[str, Any]) -> None:
    answer = small_app.client().get("/api/v1/health")
    assert answer.status_code == 200 and answer.json["status"] == "ok"
    check(document, "/api/v1/health", "get", answer)


@pytest.mark.parametrize(("path", "key"), PUBLIC_LISTS)
def test_public_lists(small_app: Any, document: dict[str, Any], path: str, key: str) -> None:
    answer = small_app.client().get(path)
    assert answer.status_code == 200
    assert answer.json[key] and all("id" in item and "name" in item for item in answer.json[key])
    check(document, path, "get", answer)


def test_services_say_open_waiting_and_remaining(small_app: Any) -> None:
    issue(small_app, "ktp")
    issue(small_app, "ktp")
    services = {s["id"]: s for s in small_app.client().get("/api/v1/services").json["services"]}
    assert (services["ktp"]["waiting"], services["ktp"]["quota"], services["ktp"]["remaining"]) == (2, 5, 3)
    assert services["kk"]["remaining"] is None and services["ktp"]["open"] is True
    agencies = small_app.client().get("/api/v1/agencies").json["agencies"]
    assert [s["id"] for s in agencies[0]["services"]] == ["ktp", "kk"]


def test_printer_status_is_reported(small_app: Any) -> None:
    printers = small_app.client().get("/api/v1/printers").json["printers"]
    assert printers[0]["id"] == "p1" and printers[0]["status"] in ("online", "offline", "paper_out", "unknown")


def test_take_a_ticket_and_look_it_up(small_app: Any, document: dict[str, Any]) -> None:
    client = small_app.client()
    answer = client.post("/api/v1/tickets", json={"service_id": "kk", "priority": "elderly", "lang": "en"})
    assert answer.status_code == 201
    check(document, "/api/v1/tickets", "post", answer)
    ticket = answer.json
    assert ticket["number"] == "B001" and ticket["priority"] == "elderly" and ticket["status"] == "waiting"
    assert ticket["issued_at"] == "2026-12-01T09:00:00+07:00"
    assert ticket["status_url"] == f"http://127.0.0.1:5000/t/{ticket['id']}"
    assert ticket["print"] == {"status": "not_requested", "printer_id": None, "error": None}
    again = client.get(f"/api/v1/tickets/{ticket['id']}")
    assert again.status_code == 200 and again.json["number"] == "B001"
    check(document, "/api/v1/tickets/{ticket_id}", "get", again)


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


def test_rate_limit_only_where_configured(small_config: Any, tmp_path: Any, clock: Any) -> None:
    from conftest import make_hall_app

    assert small_config.server.rate_limit_per_minute is None
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["server"]["rate_limit_per_minute"] = 3
    from server.core.config_load import parse_config

    app = make_hall_app(parse_config(data), tmp_path, clock)
    codes = [app.client().post("/api/v1/tickets", json={"service_id": "kk"}).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]


def test_login_with_bearer_token_and_counter_actions(small_app: Any, document: dict[str, Any]) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    issue(small_app, "kk")
    answer = client.post("/api/v1/counters/loket-1/call-next", headers=headers)
    assert answer.status_code == 200
    check(document, "/api/v1/counters/{counter_id}/call-next", "post", answer)
    assert answer.json["ticket"]["number"] == "B001" and answer.json["counter"]["officer"] == "budi"
    assert answer.json["counter"]["current"]["status"] == "called"
    for action, status in [("recall", "called"), ("start", "serving"), ("finish", "done")]:
        answer = client.post(f"/api/v1/counters/loket-1/{action}", headers=headers)
        assert answer.status_code == 200, answer.json
        assert answer.json["ticket"]["status"] == status
    empty = client.post("/api/v1/counters/loket-1/call-next", headers=headers)
    assert empty.status_code == 200 and empty.json["ticket"] is None and empty.json["counter"]["current"] is None


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


def test_call_transfer_pause_resume_over_http(small_app: Any) -> None:
    headers = small_app.add_user("sari", "supervisor", agency="capil")
    client = small_app.client()
    first = issue(small_app, "kk")
    second = issue(small_app, "kk")
    answer = client.post("/api/v1/counters/loket-1/call", json={"ticket_id": second["id"]}, headers=headers)
    assert answer.json["ticket"]["id"] == second["id"]
    answer = client.post("/api/v1/counters/loket-1/transfer", json={"service_id": "pbb"}, headers=headers)
    assert answer.json["ticket"]["status"] == "waiting" and answer.json["ticket"]["service_id"] == "pbb"
    answer = client.post("/api/v1/counters/loket-1/no-show", headers=headers)
    assert answer.json["error"]["code"] == "no_current_ticket"
    assert client.post("/api/v1/counters/loket-1/pause", headers=headers).json["counter"]["state"] == "paused"
    assert client.post("/api/v1/counters/loket-1/resume", headers=headers).json["counter"]["state"] == "open"
    answer = client.post("/api/v1/counters/loket-1/call-next", headers=headers)
    assert answer.json["ticket"]["id"] == first["id"]
    assert client.post("/api/v1/counters/loket-3/call-next", headers=headers).status_code == 403  # other agency


def test_cookie_sessions_need_the_csrf_token(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    login = client.post("/api/v1/session", json={"username": "budi", "password": "rahasia-123"})
    csrf = login.json["csrf_token"]
    refused = client.post("/api/v1/counters/loket-1/pause")
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "csrf_failed")
    allowed = client.post("/api/v1/counters/loket-1/pause", headers={"X-CSRF-Token": csrf})
    assert allowed.status_code == 200
    assert client.get("/api/v1/session").json["user"]["username"] == "budi"
    client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    assert client.get("/api/v1/session").status_code == 401


def test_logout_revokes_the_bearer_token(small_app: Any) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    assert client.delete("/api/v1/session", headers=headers).status_code == 200
    answer = client.post("/api/v1/counters/loket-1/pause", headers=headers)
    assert (answer.status_code, answer.json["error"]["code"]) == (401, "unauthenticated")


def test_passwords_are_hashed_and_logins_audited(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    small_app.client().post("/api/v1/session", json={"username": "budi", "password": "salah-sandi"})
    with small_app.hall.store.read() as tx:
        stored = tx.scalar("SELECT password_hash FROM users WHERE username = 'budi'")
        actions = [r["action"] for r in tx.all("SELECT action FROM audit_log ORDER BY id")]
    assert stored.startswith("scrypt:") and "rahasia-123" not in stored
    assert actions == ["login", "login_failed"]


def test_display_state_shape(small_app: Any, document: dict[str, Any]) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-3"])
    issue(small_app, "pbb")
    small_app.client().post("/api/v1/counters/loket-3/call-next", headers=headers)
    answer = small_app.client().get("/api/v1/displays/pajak/state")
    check(document, "/api/v1/displays/{display_id}/state", "get", answer)
    state = answer.json
    assert [c["id"] for c in state["counters"]] == ["loket-3"]
    assert state["counters"][0]["current_number"] == "PBB001"
    call = state["calling"][0]
    assert call["announcement"]["text"] == "Nomor antrean PBB001, silakan menuju Loket 3"
    assert call["announcement"]["audio"][0] == "/audio/chime.wav"
    assert state["waiting"] == {"pbb": 0}


def test_openapi_describes_every_route(small_app: Any) -> None:
    from openapi_spec_validator import validate

    document = small_app.client().get("/api/v1/openapi.json").json
    validate(document)
    rules = {
        (rule.rule.replace("<", "{").replace(">", "}"), method.lower())
        for rule in small_app.app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert rules == documented


def test_counter_actions_record_the_officer_and_their_device(small_app: Any) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-1"])
    visitor = issue(small_app, "kk")
    small_app.client().post("/api/v1/counters/loket-1/call-next", headers=headers,
                            environ_base={"REMOTE_ADDR": "10.20.0.7"})
    with small_app.hall.store.read() as tx:
        called = tx.one("SELECT actor, device, counter_id FROM ticket_events WHERE ticket_id = ? AND kind = 'called'",
                        (visitor["id"],))
    assert called == {"actor": "budi", "device": "10.20.0.7", "counter_id": "loket-1"}


def test_agency_logos_are_served_from_the_site_folder(small_config: Any, tmp_path: Any, clock: Any) -> None:
    from conftest import make_hall_app
    from PIL import Image

    from server.core.config_load import parse_config

    Image.new("RGB", (8, 8), "blue").save(tmp_path / "capil.png")
    data = small_config.model_dump(mode="json", exclude_none=True)
    data["agencies"][0]["logo"] = str(tmp_path / "capil.png")
    app = make_hall_app(parse_config(data), tmp_path / "data", clock)
    agencies = app.client().get("/api/v1/agencies").json["agencies"]
    assert agencies[0]["logo_url"] == "/media/logos/capil" and agencies[1]["logo_url"] is None
    logo = app.client().get("/media/logos/capil")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    logo.close()  # the file stays open until the response is closed
    assert app.client().get("/media/logos/pajak").status_code == 404


def test_a_ticket_of_a_service_removed_since_still_answers(small_config: Any, tmp_path: Any, clock: Any) -> None:
    from conftest import make_hall_app

    from server.core.config_load import parse_config

    first = make_hall_app(small_config, tmp_path, clock)
    ticket = first.client().post("/api/v1/tickets", json={"service_id": "pbb"}).json
    first.hall.store.close()
    data = small_config.model_dump(mode="json", exclude_none=True)
    del data["agencies"][1]
    data["counters"] = [c for c in data["counters"] if c["agency"] != "pajak"]
    data["displays"] = [d for d in data["displays"] if d["id"] != "pajak"]
    later = make_hall_app(parse_config(data), tmp_path, clock)
    answer = later.client().get(f"/api/v1/tickets/{ticket['id']}")
    assert answer.status_code == 200
    assert (answer.json["number"], answer.json["service_name"], answer.json["agency_name"]) == ("PBB001", "pbb",
                                                                                                  "pajak")


def test_counter_queue_and_figures_match_the_document(small_app: Any, document: dict[str, Any]) -> None:
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    client = small_app.client()
    issue(small_app, "ktp")
    issue(small_app, "kk", priority="elderly")
    small_app.clock.advance(120)
    queue = client.get("/api/v1/counters/loket-1/queue", headers=officer)
    assert queue.status_code == 200
    check(document, "/api/v1/counters/{counter_id}/queue", "get", queue)
    lines = {s["service_id"]: s for s in queue.json["services"]}
    assert (lines["kk"]["waiting"], lines["kk"]["priority_waiting"], lines["kk"]["oldest_wait_seconds"]) == (1, 1, 120)
    assert [t["number"] for t in queue.json["tickets"]] == ["B001", "A001"]  # priority first
    client.post("/api/v1/counters/loket-1/call-next", headers=officer)
    client.post("/api/v1/counters/loket-1/start", headers=officer)
    small_app.clock.advance(300)
    client.post("/api/v1/counters/loket-1/finish", headers=officer)
    figures = client.get("/api/v1/counters/loket-1/figures", headers=officer)
    check(document, "/api/v1/counters/{counter_id}/figures", "get", figures)
    assert figures.json["counter"] == {"served": 1, "no_show": 0, "average_service_seconds": 300}
    assert figures.json["officer"]["served"] == 1 and figures.json["standard_seconds"] == 15 * 60


def test_the_session_says_which_counters_the_user_may_open(small_app: Any, document: dict[str, Any]) -> None:
    """The counter page offers exactly these; the server decides them (the door), not the page."""
    cases = [
        ("budi", "officer", {"counters": ["loket-2"]}, ["loket-2"]),
        ("sari", "supervisor", {"agency": "capil"}, ["loket-1", "loket-2"]),
        ("kepala", "admin", {}, ["loket-1", "loket-2", "loket-3"]),
    ]
    for username, role, extra, counter_ids in cases:
        headers = small_app.add_user(username, role, **extra)
        client = small_app.client()
        login = client.post("/api/v1/session", json={"username": username, "password": "rahasia-123"})
        check(document, "/api/v1/session", "post", login)
        assert login.json["counter_ids"] == counter_ids
        answer = client.get("/api/v1/session", headers=headers)
        check(document, "/api/v1/session", "get", answer)
        assert answer.json["counter_ids"] == counter_ids
    assert "counter_ids" in document["components"]["schemas"]["SessionOut"]["required"]


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
