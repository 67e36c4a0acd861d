"""A visitor gives up a waiting ticket: the rule, and POST /api/v1/tickets/{id}/cancel."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from rules import act, issue, ticket

from server.core import tickets
from server.core.errors import RuleError
from server.web.api.openapi import openapi_document


def secret(app: Any, ticket_id: str) -> str:
    """The ticket's secret, which its QR code carries (the `k` of its address)."""
    with app.hall.store.read() as tx:
        return str(tx.one("SELECT survey_secret FROM tickets WHERE id = ?", (ticket_id,))["survey_secret"])


def cancel(app: Any, ticket_id: str, actor: str | None = None) -> dict[str, Any]:
    key = None if actor else secret(app, ticket_id)
    with app.hall.store.write() as tx:
        return tickets.cancel(tx, app.site, app.clock.now(), ticket_id, actor=actor, key=key)


def history(app: Any, ticket_id: str) -> list[dict[str, Any]]:
    with app.hall.store.read() as tx:
        return tx.all("SELECT kind, actor, device, counter_id, detail FROM ticket_events WHERE ticket_id = ? "
                      "ORDER BY id", (ticket_id,))


def test_a_cancelled_ticket_leaves_the_line_and_its_history_says_so(small_app: Any) -> None:
    first, second = issue(small_app, "ktp"), issue(small_app, "ktp")
    assert ticket(small_app, second["id"])["ahead"] == 1
    row = cancel(small_app, first["id"])
    assert row["status"] == "cancelled" and row["finished_at"] == small_app.clock.now()
    assert ticket(small_app, second["id"])["ahead"] == 0  # the one behind moves up
    assert [e["kind"] for e in history(small_app, first["id"])] == ["issued", "cancelled"]
    # The next call skips it.
    assert act(small_app, "call_next", "loket-2", actor="budi")["id"] == second["id"]


def test_an_officer_who_cancels_for_a_visitor_is_recorded(small_app: Any) -> None:
    visitor = issue(small_app, "kk")
    cancel(small_app, visitor["id"], actor="budi")
    assert history(small_app, visitor["id"])[-1]["actor"] == "budi"


def test_a_called_or_served_ticket_cannot_be_cancelled(small_app: Any) -> None:
    visitor = issue(small_app, "ktp")
    act(small_app, "call_next", "loket-1", actor="budi")
    with pytest.raises(RuleError) as called:
        cancel(small_app, visitor["id"])
    assert (called.value.status, called.value.code) == (409, "not_cancellable")
    assert "called" in called.value.message
    act(small_app, "start", "loket-1", actor="budi")
    with pytest.raises(RuleError) as serving:
        cancel(small_app, visitor["id"])
    assert serving.value.code == "not_cancellable"
    assert ticket(small_app, visitor["id"])["status"] == "serving"
    assert [e["kind"] for e in history(small_app, visitor["id"])] == ["issued", "called", "started"]


def test_cancelling_twice_changes_nothing_the_second_time(small_app: Any) -> None:
    visitor = issue(small_app, "kk")
    first = cancel(small_app, visitor["id"])
    small_app.clock.advance(60)
    assert cancel(small_app, visitor["id"]) == first
    assert [e["kind"] for e in history(small_app, visitor["id"])] == ["issued", "cancelled"]


# --- the route -----------------------------------------------------------------------------------------


def test_the_visitor_cancels_with_the_qr_codes_secret_and_a_retry_is_no_error(small_app: Any) -> None:
    client = small_app.client()
    visitor = client.post("/api/v1/tickets", json={"service_id": "kk"}).json
    key = visitor["qr_url"].split("?k=")[1]
    answer = client.post(f"/api/v1/tickets/{visitor['id']}/cancel", json={"key": key})
    assert answer.status_code == 200, answer.json
    assert (answer.json["id"], answer.json["status"]) == (visitor["id"], "cancelled")
    document = openapi_document("http://127.0.0.1:5000")
    ref = document["paths"]["/api/v1/tickets/{ticket_id}/cancel"]["post"]["responses"]["200"]["content"][
        "application/json"]["schema"]["$ref"]
    jsonschema.validate(answer.json, {"$ref": ref, "components": document["components"]})
    again = client.post(f"/api/v1/tickets/{visitor['id']}/cancel", json={"key": key})
    assert (again.status_code, again.json["status"]) == (200, "cancelled")
    assert client.get(f"/api/v1/tickets/{visitor['id']}").json["status"] == "cancelled"
    rows = history(small_app, visitor["id"])
    assert [e["kind"] for e in rows] == ["issued", "cancelled"]
    assert rows[1]["actor"] is None and rows[1]["device"] == "127.0.0.1"  # the phone's address


def test_a_ticket_id_read_off_a_display_cannot_cancel_anyones_ticket(small_app: Any) -> None:
    client = small_app.client()
    visitor = client.post("/api/v1/tickets", json={"service_id": "kk"}).json
    for body in (None, {}, {"key": None}, {"key": ""}, {"key": "guessed-secret-0000"},
                 {"key": issue(small_app, "kk")["id"]}):
        answer = client.post(f"/api/v1/tickets/{visitor['id']}/cancel", json=body)
        assert (answer.status_code, answer.json["error"]["code"]) == (403, "cancel_forbidden"), body
        assert answer.json["error"]["field"] == "key"
    assert client.get(f"/api/v1/tickets/{visitor['id']}").json["status"] == "waiting"
    assert [e["kind"] for e in history(small_app, visitor["id"])] == ["issued"]


def test_a_logged_in_officer_is_recorded_as_the_one_who_cancelled(small_app: Any) -> None:
    headers = small_app.add_user("budi", "officer", counters=["loket-1"])
    visitor = issue(small_app, "ktp")
    answer = small_app.client().post(f"/api/v1/tickets/{visitor['id']}/cancel", headers=headers)
    assert answer.status_code == 200
    assert history(small_app, visitor["id"])[-1]["actor"] == "budi"


def test_cancel_refuses_a_called_ticket_and_an_unknown_one(small_app: Any) -> None:
    small_app.add_user("budi", "officer", counters=["loket-1"])
    visitor = issue(small_app, "ktp")
    act(small_app, "call_next", "loket-1", actor="budi")
    client = small_app.client()
    called = client.post(f"/api/v1/tickets/{visitor['id']}/cancel", json={"key": secret(small_app, visitor["id"])})
    assert called.status_code == 409
    assert called.json["error"]["code"] == "not_cancellable"
    unknown = client.post("/api/v1/tickets/000000000000/cancel")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "ticket_not_found")


def test_cancel_is_rate_limited_like_taking_a_ticket(small_config: Any, tmp_path: Any, clock: Any) -> None:
    from conftest import make_hall_app

    from server.core.config_load import parse_config

    data = small_config.model_dump(mode="json", exclude_none=True)
    data["server"]["rate_limit_per_minute"] = 3
    app = make_hall_app(parse_config(data), tmp_path, clock)
    client = app.client()
    visitor = client.post("/api/v1/tickets", json={"service_id": "kk"}).json
    key = visitor["qr_url"].split("?k=")[1]
    codes = [client.post(f"/api/v1/tickets/{visitor['id']}/cancel", json={"key": key}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    app.hall.store.close()


def test_the_cancel_route_is_declared_with_its_errors(small_app: Any) -> None:
    operation = openapi_document("http://127.0.0.1:5000")["paths"]["/api/v1/tickets/{ticket_id}/cancel"]["post"]
    assert {"200", "403", "404", "409", "429"} <= set(operation["responses"])
    assert "security" not in operation  # public: the ticket's secret (its QR code) is the credential
    text = json.dumps(operation)
    assert "not_cancellable" in text and "ticket_not_found" in text and "cancel_forbidden" in text
