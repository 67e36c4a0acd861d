"""Visits of several steps, on a real SQLite file: one number through several agencies' lines,
the next step's line by itself, the policy of its place, what ends a visit, quota, added steps.

The small site: ktp (Dukcapil, Loket 1 and 2, quota 5), kk (Dukcapil, Loket 1), pbb
(Bapenda, Loket 3, 08:00-12:00). Tuesday 1 December 2026, 09:00.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import make_hall_app
from rules import act, issue, ticket

from server.core import day_figures, tickets, visits
from server.core.errors import RuleError


def visit(app: Any, service_ids: list[str], **options: Any) -> dict[str, Any]:
    with app.hall.store.write() as tx:
        return visits.issue_visit(tx, app.site, app.clock.now(), service_ids, **options)


def serve(app: Any, counter_id: str, minutes: float = 5) -> dict[str, Any]:
    """The counter calls its next visitor, who comes up and is served for `minutes`."""
    called = act(app, "call_next", counter_id, actor="budi")
    app.clock.advance(60)
    act(app, "start", counter_id)
    app.clock.advance(minutes * 60)
    act(app, "finish", counter_id)
    return called  # type: ignore[no-any-return]


def statuses(app: Any, ticket_id: str) -> list[tuple[str, str]]:
    return [(s["service_id"], s["status"]) for s in ticket(app, ticket_id)["steps"]]


def add_step(app: Any, ticket_id: str, service_id: str, back: bool = False) -> dict[str, Any]:
    with app.hall.store.write() as tx:
        return visits.add_step(tx, app.site, app.clock.now(), ticket_id, service_id, return_to_counter=back,
                               actor="budi", may_use=lambda counter_id: True)


def test_a_visit_is_one_number_whose_next_step_waits_by_itself_until_the_last_is_done(small_app: Any) -> None:
    first = visit(small_app, ["ktp", "pbb", "kk"])
    assert first["number"] == "A001" and first["service_id"] == "ktp"
    assert statuses(small_app, first["id"]) == [("ktp", "waiting"), ("pbb", "pending"), ("kk", "pending")]
    assert serve(small_app, "loket-2")["id"] == first["id"]
    now = ticket(small_app, first["id"])
    assert (now["status"], now["service_id"], now["agency_id"], now["counter_id"]) == ("waiting", "pbb", "pajak", None)
    assert now["ahead"] == 0 and now["place"] == "Loket 3"
    assert statuses(small_app, first["id"]) == [("ktp", "done"), ("pbb", "waiting"), ("kk", "pending")]
    assert act(small_app, "call_next", "loket-2") is None  # Dukcapil's line no longer has them
    assert serve(small_app, "loket-3")["id"] == first["id"]
    assert serve(small_app, "loket-1")["id"] == first["id"]
    done = ticket(small_app, first["id"])
    assert done["status"] == "done" and done["number"] == "A001"
    assert [s["status"] for s in done["steps"]] == ["done", "done", "done"]
    assert [s["counter_id"] for s in done["steps"]] == ["loket-2", "loket-3", "loket-1"]
    with small_app.hall.store.read() as tx:  # one ticket, numbered once; the other services gave no number
        assert tx.scalar("SELECT count(*) FROM tickets") == 1
        assert tx.all("SELECT kind FROM ticket_events ORDER BY id")[-4:] == [
            {"kind": "step_finished"}, {"kind": "called"}, {"kind": "started"}, {"kind": "done"}]


def test_a_plain_ticket_shows_one_step(small_app: Any) -> None:
    plain = issue(small_app, "kk")
    steps = ticket(small_app, plain["id"])["steps"]
    assert [(s["position"], s["service_id"], s["status"], s["ahead"], s["current"]) for s in steps] == [
        (1, "kk", "waiting", 0, True)]
    act(small_app, "call_next", "loket-1")
    act(small_app, "finish", "loket-1")
    assert statuses(small_app, plain["id"]) == [("kk", "done")]


@pytest.mark.parametrize("policy, first_called", [("finished", "plain"), ("arrival", "visit")])
def test_the_next_step_joins_its_line_at_the_finish_time_or_the_arrival(
        small_config: Any, tmp_path: Any, clock: Any, policy: str, first_called: str) -> None:
    site = small_config.site.model_copy(update={"visits": small_config.site.visits.model_copy(
        update={"next_step_place": policy})})
    app = make_hall_app(small_config.model_copy(update={"site": site}), tmp_path / "data", clock)
    try:
        ids = {"visit": visit(app, ["ktp", "pbb"])["id"]}
        clock.advance(60)
        ids["plain"] = issue(app, "pbb")["id"]  # came a minute after the visitor, straight to Bapenda
        serve(app, "loket-1")  # the visitor's KTP step is done some minutes later
        assert act(app, "call_next", "loket-3")["id"] == ids[first_called]
    finally:
        app.hall.store.close()


def test_even_by_arrival_the_next_step_is_never_ahead_of_a_later_priority_visitor(
        small_config: Any, tmp_path: Any, clock: Any) -> None:
    site = small_config.site.model_copy(update={"visits": small_config.site.visits.model_copy(
        update={"next_step_place": "arrival"})})
    app = make_hall_app(small_config.model_copy(update={"site": site}), tmp_path / "data", clock)
    try:
        first = visit(app, ["ktp", "pbb"])
        clock.advance(60)
        elderly = issue(app, "pbb", priority="elderly")
        serve(app, "loket-1")
        assert act(app, "call_next", "loket-3")["id"] == elderly["id"]
        assert act(app, "call_next", "loket-3")["id"] == first["id"]
    finally:
        app.hall.store.close()


def test_a_no_show_or_a_cancel_skips_the_later_steps(small_app: Any) -> None:
    gone = visit(small_app, ["ktp", "pbb", "kk"])
    serve(small_app, "loket-1")
    act(small_app, "call_next", "loket-3")
    act(small_app, "no_show", "loket-3")
    assert ticket(small_app, gone["id"])["status"] == "no_show"
    assert statuses(small_app, gone["id"]) == [("ktp", "done"), ("pbb", "no_show"), ("kk", "skipped")]
    given_up = visit(small_app, ["kk", "pbb"])
    with small_app.hall.store.write() as tx:
        tickets.cancel(tx, small_app.site, small_app.clock.now(), given_up["id"], actor="rina")
    assert statuses(small_app, given_up["id"]) == [("kk", "skipped"), ("pbb", "skipped")]
    assert act(small_app, "call_next", "loket-3") is None  # nobody of either visit waits at Bapenda


def test_a_transfer_replaces_the_current_steps_service_and_keeps_the_later_ones(small_app: Any) -> None:
    moved = visit(small_app, ["ktp", "pbb"])
    act(small_app, "call_next", "loket-2")
    act(small_app, "transfer", "loket-2", "kk")
    assert statuses(small_app, moved["id"]) == [("kk", "waiting"), ("pbb", "pending")]
    assert serve(small_app, "loket-1")["id"] == moved["id"]
    assert statuses(small_app, moved["id"]) == [("kk", "done"), ("pbb", "waiting")]


def test_a_visit_waiting_when_the_day_ends_expires_and_skips_the_rest(small_app: Any) -> None:
    late = visit(small_app, ["kk", "pbb"])
    serve(small_app, "loket-1")
    small_app.clock.advance(24 * 3600)
    with small_app.hall.store.write() as tx:
        assert tickets.expire_stale(tx, small_app.site, small_app.clock.now()) == 1
    assert ticket(small_app, late["id"])["status"] == "expired"
    assert statuses(small_app, late["id"]) == [("kk", "done"), ("pbb", "skipped")]


def test_every_step_takes_a_place_of_its_services_quota_at_issue(small_app: Any) -> None:
    visit(small_app, ["kk", "ktp"])
    with small_app.hall.store.read() as tx:
        assert tickets.quota_taken(tx, small_app.site.service_day(small_app.clock.now()), "ktp") == 1
    for _ in range(4):  # ktp's quota is 5: the visit holds one of them
        issue(small_app, "ktp")
    with pytest.raises(RuleError) as refused:
        issue(small_app, "ktp")
    assert refused.value.code == "quota_reached"
    with pytest.raises(RuleError) as refused:
        visit(small_app, ["kk", "ktp"])
    assert refused.value.code == "quota_reached" and "step 2" in refused.value.message
    assert issue(small_app, "kk")["number"] == "B002"  # the refused visit took no number of kk


def test_a_later_step_closed_now_refuses_the_visit(small_app: Any) -> None:
    small_app.clock.advance(2.75 * 3600)  # 11:45, past Bapenda's cut-off (12:00 less 30 minutes)
    with pytest.raises(RuleError) as refused:
        visit(small_app, ["ktp", "pbb"])
    assert refused.value.code == "service_closed" and refused.value.field == "service_ids"
    for wrong in (["ktp"], ["ktp", "ktp"], ["ktp", "kk", "pbb", "ktp", "kk", "pbb"]):
        with pytest.raises(RuleError) as refused:
            visit(small_app, wrong)
        assert refused.value.code == "invalid_request"
    with pytest.raises(RuleError) as refused:
        visit(small_app, ["ktp", "nope"])
    assert refused.value.code == "unknown_service"


def test_an_officer_sends_the_visitor_on_and_back_to_their_own_counter(small_app: Any) -> None:
    plain = issue(small_app, "ktp")
    act(small_app, "call_next", "loket-2")
    act(small_app, "start", "loket-2")
    added = add_step(small_app, plain["id"], "pbb", back=True)
    assert added["step"] == 1
    steps = ticket(small_app, plain["id"])["steps"]
    assert [(s["service_id"], s["status"], s["return_counter_id"], s["added"]) for s in steps] == [
        ("ktp", "serving", None, False), ("pbb", "pending", None, True), ("ktp", "pending", "loket-2", True)]
    act(small_app, "finish", "loket-2")
    assert serve(small_app, "loket-3")["id"] == plain["id"]
    back = ticket(small_app, plain["id"])
    assert (back["status"], back["service_id"], back["place"]) == ("waiting", "ktp", "Loket 2")
    assert act(small_app, "call_next", "loket-1") is None  # Loket 1 serves KTP, but this one is Loket 2's
    with pytest.raises(RuleError) as refused:
        act(small_app, "call_ticket", "loket-1", number=plain["number"])
    assert refused.value.code == "not_waiting" and "Loket 2" in refused.value.message
    assert serve(small_app, "loket-2")["id"] == plain["id"]
    assert ticket(small_app, plain["id"])["status"] == "done"


def test_a_step_is_added_right_after_the_current_one(small_app: Any) -> None:
    first = visit(small_app, ["ktp", "kk"])
    act(small_app, "call_next", "loket-2")
    add_step(small_app, first["id"], "pbb")
    assert statuses(small_app, first["id"]) == [("ktp", "called"), ("pbb", "pending"), ("kk", "pending")]


def test_a_step_is_added_only_at_the_counter_holding_the_ticket_and_up_to_eight(small_app: Any) -> None:
    waiting = visit(small_app, ["ktp", "kk"])
    with pytest.raises(RuleError) as refused:
        add_step(small_app, waiting["id"], "pbb")
    assert refused.value.code == "not_at_counter"
    act(small_app, "call_next", "loket-2")
    with pytest.raises(RuleError) as refused, small_app.hall.store.write() as tx:
        visits.add_step(tx, small_app.site, small_app.clock.now(), waiting["id"], "pbb", return_to_counter=False,
                        actor="sari", may_use=lambda counter_id: counter_id != "loket-2")
    assert refused.value.code == "not_at_counter"  # someone who does not hold Loket 2
    for _ in range(3):
        add_step(small_app, waiting["id"], "pbb", back=True)  # 2 + 6 = 8 steps
    with pytest.raises(RuleError) as refused:
        add_step(small_app, waiting["id"], "pbb")
    assert refused.value.code == "too_many_steps"
    assert len(ticket(small_app, waiting["id"])["steps"]) == 8


def test_a_step_that_sent_the_visitor_on_counts_in_the_counters_and_officers_figures(small_app: Any) -> None:
    visit(small_app, ["ktp", "pbb"])
    issue(small_app, "ktp")
    serve(small_app, "loket-2", minutes=4)  # the visit's first step: the visitor goes on to Bapenda
    serve(small_app, "loket-2", minutes=6)  # a plain ticket
    with small_app.hall.store.read() as tx:
        counter = day_figures.of_today(tx, small_app.site, small_app.clock.now(), counter_id="loket-2")
        officer = day_figures.of_today(tx, small_app.site, small_app.clock.now(), officer="budi")
        bapenda = day_figures.of_today(tx, small_app.site, small_app.clock.now(), counter_id="loket-3")
    assert counter == officer == {"served": 2, "no_show": 0, "average_service_seconds": 300}
    assert bapenda == {"served": 0, "no_show": 0, "average_service_seconds": None}
