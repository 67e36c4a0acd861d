"""Rules say what happened, once: typed events, the history written from them inside the
transaction, and every event type mapped to the screens that show it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from rules import act, issue

from server.core import closures, events, tickets
from server.core.audit_search import TICKET_ACTIONS
from server.core.events import (
    CounterPaused,
    PrinterStatusChanged,
    TicketCalled,
    TicketEvent,
    TicketIssued,
    TicketNoShow,
)
from server.web.realtime import SCREENS


def heard(app: Any) -> list[Any]:
    """What the store hands its listeners (the publisher among them) after each commit."""
    published: list[Any] = []
    app.hall.store.subscribe(published.extend)
    return published


def names(client: Any) -> list[str]:
    return [message["name"] for message in client.get_received()]


def test_every_event_type_is_mapped_to_its_screens_even_when_none_shows_it() -> None:
    """A new event type without a line in realtime.SCREENS fails here, not as a stale screen."""
    kinds = events.event_types()
    assert TicketCalled in kinds and CounterPaused in kinds and TicketEvent not in kinds
    missing = sorted(kind.__name__ for kind in kinds if kind not in SCREENS)
    assert not missing, f"say in server/web/realtime.py SCREENS what these change (or _nothing): {missing}"
    assert sorted(kind.__name__ for kind in SCREENS if kind not in kinds) == []


def test_every_event_is_frozen_and_every_history_kind_is_one_the_reports_read() -> None:
    for kind in events.event_types():
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen, kind  # type: ignore[attr-defined]
    history = {kind.kind for kind in events.event_types() if issubclass(kind, TicketEvent)}
    assert history == {"issued", "expired", *TICKET_ACTIONS}  # the audit search's counter actions


def test_a_rule_raises_each_happening_once(small_app: Any) -> None:
    first, second = issue(small_app, "ktp"), issue(small_app, "ktp")
    act(small_app, "call_next", "loket-1", actor="budi")
    published = heard(small_app)
    act(small_app, "call_next", "loket-1", actor="budi")  # the first, never started, is absent; calls the second
    assert [type(e) for e in published] == [TicketNoShow, TicketCalled]
    assert (published[0].ticket_id, published[1].ticket_id) == (first["id"], second["id"])
    published.clear()
    act(small_app, "set_paused", "loket-1", True, "budi")
    assert published == [CounterPaused(counter_id="loket-1", actor="budi")]  # not a refresh per service


def test_a_rolled_back_change_leaves_no_history_and_tells_nobody(small_app: Any) -> None:
    published = heard(small_app)
    with pytest.raises(RuntimeError), small_app.hall.store.write() as tx:
        tickets.issue_ticket(tx, small_app.site, small_app.clock.now(), "kk")
        raise RuntimeError("the kiosk's request failed after the rule")
    with small_app.hall.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM ticket_events") == 0
        assert tx.scalar("SELECT count(*) FROM tickets") == 0
    assert published == []


def test_an_admin_act_is_audited_from_its_event_in_the_same_transaction(small_app: Any) -> None:
    with small_app.hall.store.write() as tx:
        closures.close(tx, small_app.site, small_app.clock.now(), "counter", "loket-2", "printer rusak", "rina",
                       "10.0.0.5")
        row = tx.one("SELECT actor, action, target, address, detail FROM audit_log")
    assert row == {"actor": "rina", "action": "counter_closed", "target": "loket-2", "address": "10.0.0.5",
                   "detail": '{"reason": "printer rusak"}'}


def test_a_paused_counter_changes_the_waits_its_services_show(small_app: Any) -> None:
    """The rule only says the counter paused; the publisher knows the kiosk tiles and
    displays of its services (their estimated waits) change with it."""
    kiosk = small_app.socketio.test_client(small_app.app)
    officer = small_app.add_user("budi", "officer", counters=["loket-1"])
    counter = small_app.socketio.test_client(small_app.app, headers=officer)  # counter:ID admits its officer
    kiosk.emit("subscribe", {"kiosk_id": "kiosk-1"})
    counter.emit("subscribe", {"counter_id": "loket-1"})
    kiosk.get_received()
    counter.get_received()
    act(small_app, "set_paused", "loket-1", True, "budi")
    updates = [m["args"][0] for m in kiosk.get_received() if m["name"] == "queue.updated"]
    assert sorted(u["service_id"] for u in updates) == ["kk", "ktp"]  # loket-1's services, not pbb
    received = counter.get_received()
    assert [m["args"][0]["state"] for m in received if m["name"] == "counter.updated"] == ["paused"]
    kiosk.disconnect()
    counter.disconnect()


def test_a_call_goes_out_before_the_updates_it_causes(small_app: Any) -> None:
    issue(small_app, "ktp")
    display = small_app.socketio.test_client(small_app.app)
    display.emit("subscribe", {"display_id": "hall"})
    display.get_received()
    act(small_app, "call_next", "loket-1", actor="budi")
    sent = names(display)
    assert sent[0] == "ticket.called" and {"counter.updated", "queue.updated"} <= set(sent[1:])
    assert sent.count("counter.updated") == 1  # asked for by the call, sent once
    display.disconnect()


def test_news_outside_the_database_cannot_skip_the_history(small_app: Any) -> None:
    """Only a transaction writes a history row, so a ticket's change cannot be told without one."""
    published = heard(small_app)
    with pytest.raises(ValueError, match="write transaction"):
        small_app.hall.store.notify([TicketIssued(ticket_id="x", at=0.0, service_id="kk")])
    small_app.hall.store.notify([PrinterStatusChanged(printer_id="p1", status="offline")])
    assert published == [PrinterStatusChanged(printer_id="p1", status="offline")]


def test_a_finished_step_is_told_once_and_reaches_the_next_services_counters_and_the_phone(small_app: Any) -> None:
    """Finishing a step that is not the last raises one TicketStepFinished (no TicketFinished:
    the visit goes on), written to the history; the next service's counters hear its line
    grow, the ticket's room hears it waiting there."""
    from server.core import visits
    from server.core.events import TicketStepAdded, TicketStepFinished

    with small_app.hall.store.write() as tx:
        visit = visits.issue_visit(tx, small_app.site, small_app.clock.now(), ["kk", "pbb"])
    act(small_app, "call_next", "loket-1", actor="budi")
    bapenda = small_app.socketio.test_client(small_app.app, headers=small_app.add_user(
        "wati", "officer", counters=["loket-3"]))
    phone = small_app.socketio.test_client(small_app.app)
    bapenda.emit("subscribe", {"counter_id": "loket-3"})
    phone.emit("subscribe", {"ticket_id": visit["id"]})
    bapenda.get_received()
    phone.get_received()
    published = heard(small_app)
    with small_app.hall.store.write() as tx:
        visits.add_step(tx, small_app.site, small_app.clock.now(), visit["id"], "ktp", return_to_counter=False,
                        actor="budi", may_use=lambda counter_id: True)
    assert [type(e) for e in published] == [TicketStepAdded]
    published.clear()
    act(small_app, "finish", "loket-1", actor="budi")
    assert [type(e) for e in published] == [TicketStepFinished]
    assert (published[0].service_id, published[0].next_service_id, published[0].position) == ("kk", "ktp", 1)
    with small_app.hall.store.read() as tx:
        row = tx.one("SELECT kind, counter_id, actor, detail FROM ticket_events WHERE kind = 'step_finished'")
    assert row == {"kind": "step_finished", "counter_id": "loket-1", "actor": "budi",
                   "detail": '{"step": 1, "service": "kk", "next": "ktp"}'}
    updates = [m["args"][0] for m in phone.get_received() if m["name"] == "ticket.updated"]
    assert [(u["service_id"], u["status"], len(u["steps"])) for u in updates] == [
        ("kk", "called", 3), ("ktp", "waiting", 3)]  # the step added, then the visitor sent on
    published.clear()
    act(small_app, "call_next", "loket-2", actor="sari")
    act(small_app, "finish", "loket-2", actor="sari")  # on to PBB-P2: Bapenda's Loket 3 hears it
    lines = [m["args"][0] for m in bapenda.get_received() if m["name"] == "queue.updated"]
    assert {"service_id": "pbb", "waiting": 1} in [{k: u[k] for k in ("service_id", "waiting")} for u in lines]
    bapenda.disconnect()
    phone.disconnect()
