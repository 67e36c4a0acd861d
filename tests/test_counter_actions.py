"""A counter's `actions` say what the server accepts now, and the server agrees when tried.

The counter page renders these instead of keeping its own copy of the rules (the copy it
had refused a no-show while serving, which the server accepts).
"""

from __future__ import annotations

from typing import Any

import pytest
from rules import issue

from server.core.counters import ACTIONS
from server.web.api.schemas import CounterActions

COUNTER = "loket-1"
STATES = ("idle", "called", "serving", "paused", "closed")


def post(app: Any, action: str, headers: dict[str, str], body: dict[str, Any] | None = None,
         waiting: dict[str, Any] | None = None) -> Any:
    if action == "add-step":  # a ticket's route: the one the counter holds, else the one waiting
        current = app.client().get(f"/api/v1/counters/{COUNTER}", headers=headers).json["current"]
        ticket_id = (current or waiting or {})["id"]
        return app.client().post(f"/api/v1/tickets/{ticket_id}/steps", json={"service_id": "kk"}, headers=headers)
    return app.client().post(f"/api/v1/counters/{COUNTER}/{action}", json=body, headers=headers)


def put_in_state(app: Any, state: str) -> tuple[dict[str, str], dict[str, Any]]:
    """An officer at loket-1 in `state`, with a ticket still waiting to be called out of turn."""
    officer = app.add_user("budi", "officer", counters=[COUNTER])
    if state in ("called", "serving"):
        issue(app, "ktp")
        assert post(app, "call-next", officer).status_code == 200
    if state == "serving":
        assert post(app, "start", officer).status_code == 200
    if state == "paused":
        assert post(app, "pause", officer).status_code == 200
    if state == "closed":
        # Issued first: with loket-1, kk's only counter, closed for the day, kk takes no tickets.
        waiting = issue(app, "kk")
        supervisor = app.add_user("sari", "supervisor", agency="capil")
        closed = app.client().post("/api/v1/admin/closures", headers=supervisor,
                                   json={"kind": "counter", "target_id": COUNTER, "reason": "printer rusak"})
        assert closed.status_code == 201, closed.json
        return officer, waiting
    waiting = issue(app, "kk")
    return officer, waiting


def body_of(action: str, waiting: dict[str, Any]) -> dict[str, Any] | None:
    return {"call": {"number": waiting["number"]}, "transfer": {"service_id": "kk"}}.get(action)


EXPECTED = {
    "idle": {"call-next", "call", "pause"},
    "called": {"call-next", "call", "recall", "start", "finish", "no-show", "transfer", "add-step", "pause"},
    "serving": {"call-next", "call", "recall", "finish", "no-show", "transfer", "add-step", "pause"},
    "paused": {"resume"},
    "closed": {"pause"},
}


@pytest.mark.parametrize("state", STATES)
def test_the_counter_says_which_actions_it_takes(small_app: Any, state: str) -> None:
    officer, _ = put_in_state(small_app, state)
    counter = small_app.client().get(f"/api/v1/counters/{COUNTER}", headers=officer).json
    assert list(counter["actions"]) == list(ACTIONS)
    assert {action for action, allowed in counter["actions"].items() if allowed} == EXPECTED[state]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_the_server_does_what_the_actions_say(small_app: Any, state: str, action: str) -> None:
    officer, waiting = put_in_state(small_app, state)
    promised = small_app.client().get(f"/api/v1/counters/{COUNTER}", headers=officer).json["actions"][action]
    answer = post(small_app, action, officer, body_of(action, waiting), waiting)
    if promised:
        assert answer.status_code == 200, (state, action, answer.json)
    else:
        assert answer.status_code == 409, (state, action, answer.json)


def test_every_answer_carries_fresh_actions(small_app: Any) -> None:
    officer, _ = put_in_state(small_app, "idle")
    called = post(small_app, "call-next", officer).json["counter"]["actions"]
    assert called["start"] and called["no-show"] and not called["resume"]
    paused = post(small_app, "pause", officer).json["counter"]["actions"]
    assert paused["resume"] and not paused["pause"] and not paused["call-next"]
    counter = small_app.socketio.test_client(small_app.app, headers=officer)  # the room admits its officer
    counter.emit("subscribe", {"counter_id": COUNTER})
    snapshot = [e["args"][0] for e in counter.get_received() if e["name"] == "counter.updated"]
    assert snapshot[-1]["actions"] == paused
    post(small_app, "resume", officer)
    pushed = [e["args"][0] for e in counter.get_received() if e["name"] == "counter.updated"]
    assert pushed[-1]["actions"]["pause"] and pushed[-1]["actions"]["call-next"]
    counter.disconnect()


def test_the_schema_names_exactly_the_rules_actions() -> None:
    names = [field.alias or name for name, field in CounterActions.model_fields.items()]
    assert names == list(ACTIONS)
