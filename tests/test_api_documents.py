"""API v1 answers that match the OpenAPI document, through the real Flask app: health, the
public lists, tickets, display state, counter queue and figures, the session, and a document
that describes every route the app has."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import check, document_fixture  # noqa: F401  (document_fixture: the module's fixture)
from rules import issue

PUBLIC_LISTS = [
    ("/api/v1/agencies", "agencies"),
    ("/api/v1/services", "services"),
    ("/api/v1/counters", "counters"),
    ("/api/v1/kiosks", "kiosks"),
    ("/api/v1/displays", "displays"),
    ("/api/v1/printers", "printers"),
]


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


def test_take_a_ticket_and_look_it_up(small_app: Any, document: dict[str, Any]) -> None:
    client = small_app.client()
    answer = client.post("/api/v1/tickets", json={"service_id": "kk", "priority": "elderly", "lang": "en"})
    assert answer.status_code == 201
    check(document, "/api/v1/tickets", "post", answer)
    ticket = answer.json
    assert ticket["number"] == "B001" and ticket["priority"] == "elderly" and ticket["status"] == "waiting"
    assert ticket["issued_at"] == "2026-12-01T09:00:00+07:00"
    # Without site.public_url the address is the one the request reached the server at.
    assert ticket["status_url"] == f"http://localhost/t/{ticket['id']}"
    assert ticket["print"] == {"status": "not_requested", "printer_id": None, "error": None}
    again = client.get(f"/api/v1/tickets/{ticket['id']}")
    assert again.status_code == 200 and again.json["number"] == "B001"
    check(document, "/api/v1/tickets/{ticket_id}", "get", again)


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
    assert call["announcement"]["text"] == "PBB001, Loket 3"  # the bundled short style
    assert call["announcement"]["audio"][0] == "/audio/chime-short.wav"
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
