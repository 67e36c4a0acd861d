"""Counter rules: call order, call a given ticket, recall, start, finish, no-show,
transfer, pause, and the position and wait a visitor is told."""

from __future__ import annotations

from typing import Any

import pytest
from rules import act, issue, ticket

from server.core.errors import RuleError


def test_call_next_takes_priority_first_then_earliest(small_app: Any) -> None:
    a1 = issue(small_app, "ktp")
    small_app.clock.advance(10)
    b1 = issue(small_app, "kk")
    small_app.clock.advance(10)
    elderly = issue(small_app, "kk", priority="elderly")
    called = [act(small_app, "call_next", "loket-1")["number"] for _ in range(3)]
    assert called == [elderly["number"], a1["number"], b1["number"]]
    assert act(small_app, "call_next", "loket-1") is None


def test_call_next_only_takes_the_counters_services(small_app: Any) -> None:
    issue(small_app, "kk")
    assert act(small_app, "call_next", "loket-2") is None  # loket-2 serves only ktp
    assert act(small_app, "call_next", "loket-1")["number"] == "B001"


def test_call_next_finishes_the_current_ticket(small_app: Any) -> None:
    first = issue(small_app, "ktp")
    issue(small_app, "ktp")
    act(small_app, "call_next", "loket-2")
    act(small_app, "start", "loket-2")  # being served: call-next closes it as done (only called: no-show)
    small_app.clock.advance(120)
    act(small_app, "call_next", "loket-2")
    assert ticket(small_app, first["id"])["status"] == "done"


def test_two_counters_never_get_the_same_ticket(small_app: Any) -> None:
    for _ in range(4):
        issue(small_app, "ktp")
    got = [act(small_app, "call_next", c)["number"] for c in ["loket-1", "loket-2", "loket-1", "loket-2"]]
    assert got == ["A001", "A002", "A003", "A004"]


def test_call_a_given_ticket_out_of_turn(small_app: Any) -> None:
    issue(small_app, "ktp")
    second = issue(small_app, "ktp")
    called = act(small_app, "call_ticket", "loket-2", number="a002")
    assert called["id"] == second["id"] and called["status"] == "called"
    with pytest.raises(RuleError) as caught:
        act(small_app, "call_ticket", "loket-1", ticket_id=second["id"])
    assert (caught.value.status, caught.value.code) == (409, "not_waiting")


def test_call_refuses_a_ticket_of_another_counters_service(small_app: Any) -> None:
    tax = issue(small_app, "pbb")
    with pytest.raises(RuleError) as caught:
        act(small_app, "call_ticket", "loket-1", ticket_id=tax["id"])
    assert caught.value.code == "not_waiting"
    assert ticket(small_app, tax["id"])["status"] == "waiting"


def test_start_finish_and_no_show(small_app: Any) -> None:
    first = issue(small_app, "kk")
    second = issue(small_app, "kk")
    act(small_app, "call_next", "loket-1")
    small_app.clock.advance(30)
    assert act(small_app, "start", "loket-1")["status"] == "serving"
    with pytest.raises(RuleError) as caught:
        act(small_app, "start", "loket-1")
    assert caught.value.code == "not_called"
    small_app.clock.advance(300)
    done = act(small_app, "finish", "loket-1")
    assert done["status"] == "done" and done["finished_at"] - done["started_at"] == 300
    act(small_app, "call_next", "loket-1")
    assert act(small_app, "no_show", "loket-1")["id"] == second["id"]
    assert ticket(small_app, second["id"])["status"] == "no_show"
    assert ticket(small_app, first["id"])["status"] == "done"


@pytest.mark.parametrize("rule", ["recall", "start", "finish", "no_show"])
def test_actions_on_an_idle_counter_are_refused(small_app: Any, rule: str) -> None:
    with pytest.raises(RuleError) as caught:
        act(small_app, rule, "loket-1")
    assert (caught.value.status, caught.value.code) == (409, "no_current_ticket")


def test_recall_announces_again_without_changing_the_ticket(small_app: Any) -> None:
    issue(small_app, "kk")
    called = act(small_app, "call_next", "loket-1")
    act(small_app, "recall", "loket-1")
    with small_app.hall.store.read() as tx:
        calls = tx.all("SELECT recall FROM calls WHERE ticket_id = ? ORDER BY id", (called["id"],))
    assert [c["recall"] for c in calls] == [0, 1]
    assert ticket(small_app, called["id"])["status"] == "called"


def test_transfer_goes_to_the_front_of_the_target_line_with_the_same_number(small_app: Any) -> None:
    visitor = issue(small_app, "kk")
    issue(small_app, "pbb")
    issue(small_app, "pbb", priority="pregnant")
    act(small_app, "call_next", "loket-1")
    moved = act(small_app, "transfer", "loket-1", "pbb")
    assert (moved["number"], moved["service_id"], moved["agency_id"]) == ("B001", "pbb", "pajak")
    assert ticket(small_app, visitor["id"])["ahead"] == 0
    assert act(small_app, "call_next", "loket-3")["id"] == visitor["id"]
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM tickets") == 3  # no new ticket was made


def test_transfer_to_an_unknown_service_changes_nothing(small_app: Any) -> None:
    issue(small_app, "kk")
    act(small_app, "call_next", "loket-1")
    with pytest.raises(RuleError) as caught:
        act(small_app, "transfer", "loket-1", "tidak-ada")
    assert caught.value.code == "unknown_service"
    assert ticket(small_app, act(small_app, "recall", "loket-1")["id"])["status"] == "called"


def test_a_paused_counter_takes_no_calls(small_app: Any) -> None:
    issue(small_app, "ktp")
    act(small_app, "set_paused", "loket-2", True, "budi")
    with pytest.raises(RuleError) as caught:
        act(small_app, "call_next", "loket-2")
    assert caught.value.code == "counter_paused"
    act(small_app, "set_paused", "loket-2", False, "budi")
    assert act(small_app, "call_next", "loket-2")["number"] == "A001"


def test_ahead_counts_every_ticket_the_shared_counters_will_call_first(small_app: Any) -> None:
    # loket-1 serves ktp and kk, loket-2 serves ktp: kk tickets compete with ktp ones.
    issue(small_app, "ktp")
    small_app.clock.advance(1)
    issue(small_app, "kk")
    small_app.clock.advance(1)
    late = issue(small_app, "ktp")
    small_app.clock.advance(1)
    urgent = issue(small_app, "kk", priority="disabled")
    assert ticket(small_app, late["id"])["ahead"] == 3  # two earlier + the priority ticket
    assert ticket(small_app, urgent["id"])["ahead"] == 0
    assert ticket(small_app, issue(small_app, "pbb")["id"])["ahead"] == 0


def test_estimated_wait_uses_recent_service_times_then_the_standard(small_app: Any) -> None:
    for _ in range(4):
        issue(small_app, "kk")
    last = issue(small_app, "kk")
    # No service yet: kk's standard is 20 minutes, one open counter serves kk.
    assert ticket(small_app, last["id"])["estimated_wait_seconds"] == 4 * 20 * 60
    act(small_app, "call_next", "loket-1")
    small_app.clock.advance(240)
    act(small_app, "finish", "loket-1")  # 4 minutes from call to finish
    assert ticket(small_app, last["id"])["ahead"] == 3
    assert ticket(small_app, last["id"])["estimated_wait_seconds"] == 3 * 240
