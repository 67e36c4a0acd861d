"""From the 1000th ticket of a service on, the number has four digits: B1000.

It is issued as such, typed at the counter in any case and spacing, shown on the hall
display and sent with the call. (The printed ticket and the announcement have their own
tests in test_printers_render.py and test_speech_words.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.rules import seed_sequence

# In the small site, "kk" (prefix B) has no quota, so its line may pass 999 tickets a day.
SERVICE = "kk"


@pytest.fixture
def thousandth(small_app: Any) -> dict[str, Any]:
    seed_sequence(small_app.hall.store, small_app.site.service_day(small_app.clock.now()), SERVICE, 999)
    answer = small_app.client().post("/api/v1/tickets", json={"service_id": SERVICE})
    assert answer.status_code == 201, answer.json
    return answer.json


def test_the_thousandth_ticket_is_numbered_with_four_digits(small_app: Any, thousandth: dict[str, Any]) -> None:
    assert thousandth["number"] == "B1000"
    again = small_app.client().get(f"/api/v1/tickets/{thousandth['id']}")
    assert again.json["number"] == "B1000"
    following = small_app.client().post("/api/v1/tickets", json={"service_id": SERVICE}).json
    assert following["number"] == "B1001"


@pytest.mark.parametrize("typed", ["B1000", "b1000", "B 1000", " b-1000 ", "B01000"])
def test_an_officer_calls_it_by_typing_the_number(small_app: Any, thousandth: dict[str, Any], typed: str) -> None:
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    answer = small_app.client().post("/api/v1/counters/loket-1/call", json={"number": typed}, headers=officer)
    assert answer.status_code == 200, answer.json
    assert answer.json["ticket"]["id"] == thousandth["id"]
    assert answer.json["ticket"]["number"] == "B1000" and answer.json["ticket"]["status"] == "called"
    assert answer.json["counter"]["current"]["number"] == "B1000"


@pytest.mark.parametrize("typed", ["1000", "B10", "B-", "BB-1000-X", "#"])
def test_an_unreadable_number_is_refused_with_the_expected_format(
    small_app: Any, thousandth: dict[str, Any], typed: str
) -> None:
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    answer = small_app.client().post("/api/v1/counters/loket-1/call", json={"number": typed}, headers=officer)
    assert answer.status_code == 422, answer.json
    error = answer.json["error"]
    assert (error["code"], error["field"]) == ("invalid_request", "number")
    assert "at least 3 digits" in error["message"] and "PBB1000" in error["message"]


def test_a_number_nobody_holds_today_is_not_found(small_app: Any, thousandth: dict[str, Any]) -> None:
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    answer = small_app.client().post("/api/v1/counters/loket-1/call", json={"number": "b 1001"}, headers=officer)
    assert (answer.status_code, answer.json["error"]["code"]) == (404, "ticket_not_found")
    assert "B1001" in answer.json["error"]["message"]


def test_the_display_shows_and_hears_the_four_digit_number(small_app: Any, thousandth: dict[str, Any]) -> None:
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    display = small_app.socketio.test_client(small_app.app)
    display.emit("subscribe", {"display_id": "hall"})
    display.get_received()
    answer = small_app.client().post("/api/v1/counters/loket-1/call", json={"number": "b1000"}, headers=officer)
    assert answer.status_code == 200, answer.json

    calls = [e["args"][0] for e in display.get_received() if e["name"] == "ticket.called"]
    assert [call["number"] for call in calls] == ["B1000"]
    assert calls[0]["counter_id"] == "loket-1" and calls[0]["ticket_id"] == thousandth["id"]
    display.disconnect()

    state = small_app.client().get("/api/v1/displays/hall/state").json
    assert [call["number"] for call in state["calling"]] == ["B1000"]
    assert [call["number"] for call in state["recent"]] == ["B1000"]
    shown = {counter["id"]: counter["current_number"] for counter in state["counters"]}
    assert shown["loket-1"] == "B1000"
