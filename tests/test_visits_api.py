"""Visits of several steps through the API: issue with service_ids, a counter's finish sends the
ticket on, an officer adds a step; every answer as the OpenAPI document says, errors as the
contract shapes them."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import check, document_fixture  # noqa: F401  (the `document` fixture)


def take(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/tickets", json=body)


def test_a_three_step_visit_is_one_ticket_whose_steps_the_answer_lists(small_app: Any,
                                                                        document: dict[str, Any]) -> None:
    client = small_app.client()
    answer = take(client, {"service_ids": ["ktp", "pbb", "kk"], "kiosk_id": "kiosk-2"})
    assert answer.status_code == 201, answer.json
    check(document, "/api/v1/tickets", "post", answer)
    visit = answer.json
    assert (visit["number"], visit["service_id"], visit["status"]) == ("A001", "ktp", "waiting")
    assert [(s["position"], s["service_id"], s["agency_id"], s["status"], s["ahead"]) for s in visit["steps"]] == [
        (1, "ktp", "capil", "waiting", 0), (2, "pbb", "pajak", "pending", None), (3, "kk", "capil", "pending", None)]
    assert [s["place"] for s in visit["steps"]] == ["Loket 1–2", "Loket 3", "Loket 1"]
    looked_up = client.get(f"/api/v1/tickets/{visit['id']}")
    check(document, "/api/v1/tickets/{ticket_id}", "get", looked_up)
    assert looked_up.json["steps"] == visit["steps"]
    services = {s["id"]: s for s in client.get("/api/v1/services").json["services"]}
    assert services["ktp"]["remaining"] == 4  # the visit holds one place of KTP-el's quota of 5


def test_the_counter_finishing_a_step_sends_the_ticket_to_the_next_line(small_app: Any,
                                                                         document: dict[str, Any]) -> None:
    client = small_app.client()
    visit = take(client, {"service_ids": ["kk", "pbb"]}).json
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    assert client.post("/api/v1/counters/loket-1/call-next", headers=officer).json["ticket"]["id"] == visit["id"]
    client.post("/api/v1/counters/loket-1/start", headers=officer)
    finished = client.post("/api/v1/counters/loket-1/finish", headers=officer)
    check(document, "/api/v1/counters/{counter_id}/finish", "post", finished)
    moved = finished.json["ticket"]
    assert (moved["status"], moved["service_id"], moved["counter_id"]) == ("waiting", "pbb", None)
    assert [s["status"] for s in moved["steps"]] == ["done", "waiting"]
    assert finished.json["counter"]["current"] is None
    bapenda = small_app.add_user("wati", "officer", counters=["loket-3"])
    queue = client.get("/api/v1/counters/loket-3/queue", headers=bapenda).json
    assert [t["number"] for t in queue["tickets"]] == ["B001"]  # the same number, in Bapenda's line


def test_an_officer_adds_a_step_and_a_return_to_their_counter(small_app: Any, document: dict[str, Any]) -> None:
    client = small_app.client()
    plain = take(client, {"service_id": "ktp"}).json
    officer = small_app.add_user("budi", "officer", counters=["loket-2"])
    client.post("/api/v1/counters/loket-2/call-next", headers=officer)
    answer = client.post(f"/api/v1/tickets/{plain['id']}/steps", headers=officer,
                         json={"service_id": "pbb", "return_to_counter": True})
    assert answer.status_code == 200, answer.json
    check(document, "/api/v1/tickets/{ticket_id}/steps", "post", answer)
    assert [(s["service_id"], s["status"], s["return_counter_id"], s["added"]) for s in answer.json["steps"]] == [
        ("ktp", "called", None, False), ("pbb", "pending", None, True), ("ktp", "pending", "loket-2", True)]
    other = small_app.add_user("sari", "officer", counters=["loket-1"])
    refused = client.post(f"/api/v1/tickets/{plain['id']}/steps", headers=other, json={"service_id": "kk"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "not_at_counter"
    check(document, "/api/v1/tickets/{ticket_id}/steps", "post", refused)


def test_a_step_sent_again_with_its_key_is_added_once(small_app: Any, document: dict[str, Any]) -> None:
    """The counter's answer was lost and the officer sends the same step again: one step, the
    visit as it is; the counter's actions say when a step can be added at all."""
    client = small_app.client()
    plain = take(client, {"service_id": "ktp"}).json
    officer = small_app.add_user("budi", "officer", counters=["loket-2"])
    assert client.get("/api/v1/counters/loket-2", headers=officer).json["actions"]["add-step"] is False
    client.post("/api/v1/counters/loket-2/call-next", headers=officer)
    assert client.get("/api/v1/counters/loket-2", headers=officer).json["actions"]["add-step"] is True
    key = {**officer, "Idempotency-Key": f"step-{plain['id']}-1-pbb-0"}
    first = client.post(f"/api/v1/tickets/{plain['id']}/steps", headers=key, json={"service_id": "pbb"})
    again = client.post(f"/api/v1/tickets/{plain['id']}/steps", headers=key, json={"service_id": "pbb"})
    assert first.status_code == again.status_code == 200
    check(document, "/api/v1/tickets/{ticket_id}/steps", "post", again)
    assert [s["service_id"] for s in again.json["steps"]] == ["ktp", "pbb"] == [s["service_id"] for s in
                                                                                 first.json["steps"]]
    reused = client.post(f"/api/v1/tickets/{plain['id']}/steps", headers=key, json={"service_id": "kk"})
    assert reused.status_code == 422 and reused.json["error"]["code"] == "idempotency_key_reused"
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM ticket_steps WHERE ticket_id = ?", (plain["id"],)) == 2


@pytest.mark.parametrize("body, status, code, field", [
    ({"service_id": "ktp", "service_ids": ["ktp", "kk"]}, 422, "invalid_request", "service_ids"),
    ({}, 422, "invalid_request", "service_id"),
    ({"service_ids": ["ktp"]}, 422, "invalid_request", "service_ids"),
    ({"service_ids": ["ktp", "kk", "pbb", "ktp", "kk", "pbb"]}, 422, "invalid_request", "service_ids"),
    ({"service_ids": ["ktp", "ktp"]}, 422, "invalid_request", "service_ids"),
    ({"service_ids": ["ktp", ""]}, 422, "invalid_request", "service_ids"),
    ({"service_ids": ["ktp", "nope"]}, 404, "unknown_service", None),
    ({"service_ids": "ktp,kk"}, 422, "invalid_request", "service_ids"),
])
def test_a_wrong_visit_is_refused_clearly_and_takes_no_number(small_app: Any, document: dict[str, Any],
                                                                body: dict[str, Any], status: int, code: str,
                                                                field: str | None) -> None:
    client = small_app.client()
    answer = take(client, body)
    assert answer.status_code == status, answer.json
    assert answer.json["error"]["code"] == code
    if field:
        assert answer.json["error"]["field"] == field
    check(document, "/api/v1/tickets", "post", answer)
    assert take(client, {"service_id": "ktp"}).json["number"] == "A001"


@pytest.mark.parametrize("body, status, code", [
    ({"service_id": "nope"}, 404, "unknown_service"),
    ({"service_id": "pbb", "extra": 1}, 422, "invalid_request"),
    ({"return_to_counter": True}, 422, "invalid_request"),
])
def test_adding_a_step_refuses_what_it_cannot_do(small_app: Any, document: dict[str, Any], body: dict[str, Any],
                                                  status: int, code: str) -> None:
    client = small_app.client()
    plain = take(client, {"service_id": "ktp"}).json
    officer = small_app.add_user("budi", "officer", counters=["loket-2"])
    client.post("/api/v1/counters/loket-2/call-next", headers=officer)
    answer = client.post(f"/api/v1/tickets/{plain['id']}/steps", headers=officer, json=body)
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    check(document, "/api/v1/tickets/{ticket_id}/steps", "post", answer)
    assert len(client.get(f"/api/v1/tickets/{plain['id']}").json["steps"]) == 1


def test_adding_a_step_needs_a_login_and_a_known_ticket(small_app: Any) -> None:
    client = small_app.client()
    assert client.post("/api/v1/tickets/nope/steps", json={"service_id": "kk"}).status_code == 401
    officer = small_app.add_user("budi", "officer", counters=["loket-2"])
    missing = client.post("/api/v1/tickets/nope/steps", headers=officer, json={"service_id": "kk"})
    assert (missing.status_code, missing.json["error"]["code"]) == (404, "ticket_not_found")


def test_the_kiosks_hear_each_later_services_remaining_places_at_issue(small_app: Any) -> None:
    kiosk = small_app.socketio.test_client(small_app.app)
    kiosk.emit("subscribe", {"kiosk_id": "kiosk-1"})
    kiosk.get_received()
    take(small_app.client(), {"service_ids": ["kk", "ktp"]})
    updates = {m["args"][0]["service_id"]: m["args"][0] for m in kiosk.get_received() if m["name"] == "queue.updated"}
    assert updates["kk"]["waiting"] == 1
    assert (updates["ktp"]["waiting"], updates["ktp"]["remaining"]) == (0, 4)  # KTP-el's quota of 5 less the visit
    kiosk.disconnect()
