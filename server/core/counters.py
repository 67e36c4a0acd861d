"""Queue rules for counters: call next, call a given ticket, recall, start, finish,
no-show, transfer, pause and resume. Each runs inside one write transaction, so
two counters racing for the same line can never take the same ticket.
"""

from __future__ import annotations

from typing import Any, Final

from server.core import visits
from server.core.errors import RuleError, conflict, not_found
from server.core.events import (
    CounterPaused,
    CounterResumed,
    TicketCalled,
    TicketFinished,
    TicketNoShow,
    TicketRecalled,
    TicketStarted,
    TicketTransferred,
)
from server.core.migrations import TODAYS_CALLS
from server.core.site import SiteIndex
from server.core.store import Transaction
from server.core.tickets import closure_note, get_row
from server.core.vocabulary import AT_COUNTER, FINISHED, LANE_TRANSFERRED, format_number, parse_number

# Every action an officer can take at a counter, as the API names them (POST /counters/{id}/ACTION).
ACTIONS: Final = ("call-next", "call", "recall", "start", "finish", "no-show", "transfer", "add-step", "pause",
                  "resume")


def counter_row(tx: Transaction, site: SiteIndex, counter_id: str, now: float) -> dict[str, Any]:
    site.counter_or_404(counter_id)
    row = tx.one("SELECT * FROM counter_state WHERE counter_id = ?", (counter_id,))
    if row is None:
        tx.execute("INSERT INTO counter_state (counter_id, state, updated_at) VALUES (?, 'open', ?)", (counter_id, now))
        row = {"counter_id": counter_id, "state": "open", "current_ticket_id": None, "officer": None}
    return row


def _set_counter(tx: Transaction, counter_id: str, now: float, **changes: Any) -> None:
    sets = ", ".join(f"{key} = ?" for key in changes)
    tx.execute(
        f"UPDATE counter_state SET {sets}, updated_at = ? WHERE counter_id = ?",
        (*changes.values(), now, counter_id),
    )


def _current(tx: Transaction, state: dict[str, Any]) -> dict[str, Any]:
    if state["current_ticket_id"] is None:
        raise conflict("no_current_ticket", "This counter has no current ticket.")
    return get_row(tx, state["current_ticket_id"])


def _close_current(tx: Transaction, site: SiteIndex, state: dict[str, Any], status: str, now: float,
                   actor: str | None) -> None:
    """End the counter's current ticket (done or no-show) and free the counter. A finished step
    of a visit with more steps sends the ticket on to the next step's line instead."""
    ticket = _current(tx, state)
    counter_id = state["counter_id"]
    # A counter's current ticket is always called or serving (see _call); were it not, it would
    # keep its status and there would be nothing to tell, the counter is only freed.
    if ticket["status"] in AT_COUNTER:
        if status == "done" and visits.next_step(tx, ticket) is not None:
            visits.advance(tx, site, now, ticket, counter_id, actor)
        else:
            tx.execute("UPDATE tickets SET status = ?, finished_at = ? WHERE id = ?", (status, now, ticket["id"]))
            visits.follow(tx, ticket)  # a no-show skips the visit's later steps
            ended = TicketFinished if status == "done" else TicketNoShow
            tx.raise_event(ended(ticket_id=ticket["id"], at=now, counter_id=counter_id, actor=actor))
    _set_counter(tx, counter_id, now, current_ticket_id=None, officer=actor or state["officer"])


def _close_for_next(tx: Transaction, site: SiteIndex, state: dict[str, Any], now: float,
                    actor: str | None) -> None:
    """Free the counter before it calls someone else: a visitor being served is done; one only
    called, who never came up (never started), is a no-show, never counted as served."""
    if state["current_ticket_id"] is None:
        return
    ticket = _current(tx, state)
    _close_current(tx, site, state, "no_show" if ticket["status"] == "called" else "done", now, actor)


def _call(
    tx: Transaction, site: SiteIndex, state: dict[str, Any], ticket: dict[str, Any], now: float, actor: str | None
) -> dict[str, Any]:
    counter_id = state["counter_id"]
    tx.execute(
        "UPDATE tickets SET status = 'called', called_at = ?, started_at = NULL, counter_id = ?, officer = ? "
        "WHERE id = ?",
        (now, counter_id, actor, ticket["id"]),
    )
    call_id = _insert_call(tx, ticket, counter_id, now, recall=False)
    _set_counter(tx, counter_id, now, current_ticket_id=ticket["id"], officer=actor or state["officer"])
    tx.raise_event(TicketCalled(ticket_id=ticket["id"], at=now, actor=actor, counter_id=counter_id,
                                service_id=ticket["service_id"], call_id=call_id))
    visits.follow(tx, ticket)
    return get_row(tx, ticket["id"])


def _insert_call(tx: Transaction, ticket: dict[str, Any], counter_id: str, now: float, *, recall: bool) -> int:
    cursor = tx.execute(
        "INSERT INTO calls (ticket_id, counter_id, service_id, number, at, recall) VALUES (?,?,?,?,?,?)",
        (ticket["id"], counter_id, ticket["service_id"], ticket["number"], now, int(recall)),
    )
    return int(cursor.lastrowid or 0)


def _refusal_to_call(tx: Transaction, site: SiteIndex, state: dict[str, Any], now: float) -> RuleError | None:
    """Why this counter may not call anyone now, or None when it may."""
    if state["state"] == "paused":
        return conflict("counter_paused", "This counter is paused; resume it before calling.")
    note = closure_note(tx, "counter", state["counter_id"], site.service_day(now))
    if note is not None:
        return conflict("counter_closed", f"This counter is closed for today ({note}); a supervisor can reopen it.")
    return None


def _ready(tx: Transaction, site: SiteIndex, counter_id: str, now: float) -> dict[str, Any]:
    state = counter_row(tx, site, counter_id, now)
    refusal = _refusal_to_call(tx, site, state, now)
    if refusal is not None:
        raise refusal
    return state


def call_next(
    tx: Transaction, site: SiteIndex, now: float, counter_id: str, actor: str | None = None,
) -> dict[str, Any] | None:
    """Close the current ticket (served: done; only called: no-show), then call the first in
    line: priority first, then earliest."""
    state = _ready(tx, site, counter_id, now)
    _close_for_next(tx, site, state, now, actor)
    services = site.counters[counter_id].services
    marks = ",".join("?" * len(services))
    # A return step (server/core/visits.py) waits for the one counter that sent its visitor on.
    ticket = tx.one(
        f"SELECT * FROM tickets WHERE status = 'waiting' AND service_day = ? AND service_id IN ({marks}) "
        "AND (only_counter IS NULL OR only_counter = ?) ORDER BY queue_lane, queue_at, arrival LIMIT 1",
        (site.service_day(now), *services, counter_id),
    )
    if ticket is None:
        return None
    return _call(tx, site, state, ticket, now, actor)


def _numbered(tx: Transaction, site: SiteIndex, typed: str, now: float) -> dict[str, Any]:
    """Today's ticket with a typed number: case, spaces and extra leading zeros do not matter."""
    parsed = parse_number(typed)
    if parsed is None:
        raise RuleError(
            "invalid_request",
            f"{typed!r} is not a ticket number: expected the service's prefix (1 to 3 letters or digits, "
            "ending in a letter) and at least 3 digits, e.g. A007 or PBB1000.",
            "number",
        )
    number = format_number(parsed.prefix, parsed.seq)
    found = tx.one(
        "SELECT * FROM tickets WHERE number = ? AND service_day = ? ORDER BY issued_at DESC LIMIT 1",
        (number, site.service_day(now)),
    )
    if found is None:
        raise not_found("ticket_not_found", f"No ticket numbered {number} was issued today.")
    return found


def call_ticket(
    tx: Transaction,
    site: SiteIndex,
    now: float,
    counter_id: str,
    *,
    ticket_id: str | None = None,
    number: str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Call a chosen waiting ticket of this counter's services (out of turn)."""
    state = _ready(tx, site, counter_id, now)
    ticket = get_row(tx, ticket_id) if ticket_id is not None else _numbered(tx, site, number or "", now)
    services = site.counters[counter_id].services
    if ticket["status"] != "waiting" or ticket["service_id"] not in services:
        where = "is not waiting" if ticket["status"] != "waiting" else "is not in this counter's services"
        raise conflict("not_waiting", f"Ticket {ticket['number']} {where} (status: {ticket['status']}).")
    if ticket["service_day"] != site.service_day(now):
        raise conflict("not_waiting", f"Ticket {ticket['number']} belongs to an earlier day.")
    if ticket.get("only_counter") not in (None, counter_id):
        other = site.counters.get(ticket["only_counter"])
        name = other.name if other else ticket["only_counter"]
        raise conflict("not_waiting", f"Ticket {ticket['number']} is coming back to {name}, which sent it on; "
                       "only that counter calls it.")
    _close_for_next(tx, site, state, now, actor)
    return _call(tx, site, state, ticket, now, actor)


def recall(tx: Transaction, site: SiteIndex, now: float, counter_id: str, actor: str | None = None) -> dict[str, Any]:
    """Announce the current ticket again."""
    state = counter_row(tx, site, counter_id, now)
    ticket = _current(tx, state)
    call_id = _insert_call(tx, ticket, counter_id, now, recall=True)
    tx.raise_event(TicketRecalled(ticket_id=ticket["id"], at=now, actor=actor, counter_id=counter_id, call_id=call_id))
    return ticket


def start(tx: Transaction, site: SiteIndex, now: float, counter_id: str, actor: str | None = None) -> dict[str, Any]:
    """The visitor has arrived at the counter: called → serving."""
    state = counter_row(tx, site, counter_id, now)
    ticket = _current(tx, state)
    if ticket["status"] != "called":
        raise conflict("not_called", f"Ticket {ticket['number']} is already being served.")
    tx.execute("UPDATE tickets SET status = 'serving', started_at = ? WHERE id = ?", (now, ticket["id"]))
    visits.follow(tx, ticket)
    tx.raise_event(TicketStarted(ticket_id=ticket["id"], at=now, actor=actor, counter_id=counter_id))
    return get_row(tx, ticket["id"])


def _end(
    tx: Transaction, site: SiteIndex, now: float, counter_id: str, status: str, actor: str | None,
) -> dict[str, Any]:
    state = counter_row(tx, site, counter_id, now)
    ticket = _current(tx, state)
    _close_current(tx, site, state, status, now, actor)
    return get_row(tx, ticket["id"])


def finish(tx: Transaction, site: SiteIndex, now: float, counter_id: str, actor: str | None = None) -> dict[str, Any]:
    return _end(tx, site, now, counter_id, "done", actor)


def no_show(tx: Transaction, site: SiteIndex, now: float, counter_id: str, actor: str | None = None) -> dict[str, Any]:
    return _end(tx, site, now, counter_id, "no_show", actor)


def transfer(
    tx: Transaction, site: SiteIndex, now: float, counter_id: str, service_id: str, actor: str | None = None
) -> dict[str, Any]:
    """Send the current visitor to another service, to the front of its line, same number. In a
    visit of several steps this replaces the current step's service; the later steps stay."""
    site.service_or_404(service_id, "service_id")
    state = counter_row(tx, site, counter_id, now)
    ticket = _current(tx, state)
    tx.execute(
        "UPDATE tickets SET status = 'waiting', service_id = ?, agency_id = ?, queue_lane = ?, queue_at = ?, "
        "counter_id = NULL, transferred_from = ?, called_at = NULL, started_at = NULL, only_counter = NULL "
        "WHERE id = ?",
        (service_id, site.agency_of[service_id], LANE_TRANSFERRED, now, ticket["service_id"], ticket["id"]),
    )
    _set_counter(tx, counter_id, now, current_ticket_id=None, officer=actor or state["officer"])
    visits.follow(tx, ticket, queued_at=now)
    tx.raise_event(TicketTransferred(ticket_id=ticket["id"], at=now, actor=actor, counter_id=counter_id,
                                     from_service=ticket["service_id"], to_service=service_id))
    return get_row(tx, ticket["id"])


def set_paused(tx: Transaction, site: SiteIndex, now: float, counter_id: str, paused: bool, actor: str | None) -> None:
    """Pause an open counter or resume a paused one; asking for the state it is already in is refused."""
    state = counter_row(tx, site, counter_id, now)
    if paused and state["state"] == "paused":
        raise conflict("counter_paused", "This counter is already paused.")
    if not paused and state["state"] != "paused":
        raise conflict("counter_not_paused", "This counter is not paused.")
    _set_counter(tx, counter_id, now, state="paused" if paused else "open", officer=actor or state["officer"])
    tx.raise_event((CounterPaused if paused else CounterResumed)(counter_id=counter_id, actor=actor))


def last_called(tx: Transaction, site: SiteIndex, counter_id: str, now: float) -> dict[str, Any] | None:
    """The ticket this counter called last today (its newest call, by the calls index), with
    its status now; None before its first call of the day. One row, however many calls."""
    return tx.one(
        f"SELECT t.id, t.number, t.status, c.at FROM calls c {TODAYS_CALLS} JOIN tickets t ON t.id = c.ticket_id "
        "WHERE c.counter_id = ? AND c.at >= ? ORDER BY c.id DESC LIMIT 1",
        (counter_id, site.day_start(now)),
    )


RECENT_TICKETS: Final = 10  # the counter's latest tickets its page offers to reprint


def recent_tickets(tx: Transaction, site: SiteIndex, counter_id: str, now: float) -> list[dict[str, Any]]:
    """The tickets this counter called today, newest call first, each once; `printable` when
    its visit is not over (a finished ticket is never printed again)."""
    rows = tx.all(
        "SELECT t.id, t.number, t.status, t.service_id, t.kiosk_id, max(c.at) AS at, max(c.id) AS last FROM "
        f"(SELECT ticket_id, at, id FROM calls {TODAYS_CALLS} WHERE counter_id = ? AND at >= ? "
        "ORDER BY id DESC LIMIT ?) c "
        "JOIN tickets t ON t.id = c.ticket_id GROUP BY t.id ORDER BY last DESC LIMIT ?",
        (counter_id, site.day_start(now), RECENT_TICKETS * 5, RECENT_TICKETS),
    )
    for row in rows:
        row["printable"] = row["status"] not in FINISHED
    return rows


def allowed_actions(
    tx: Transaction, site: SiteIndex, state: dict[str, Any], current_status: str | None, now: float
) -> dict[str, bool]:
    """Each counter action and whether the rules above would accept it now (pages render this),
    for a counter in `state` (its counter_state row) holding a ticket of `current_status` (None: none).

    The same conditions as the rules: calling is refused while paused or closed for the day;
    recall, finish, no-show and transfer need a current ticket (called or being served);
    start needs a called one; adding a step needs one whose visit has room for it
    (visits.MAX_STEPS); pause an open counter, resume a paused one.
    """
    may_call = _refusal_to_call(tx, site, state, now) is None
    paused = state["state"] == "paused"
    holding = current_status is not None
    return {
        "call-next": may_call,
        "call": may_call,
        "recall": holding,
        "start": current_status == "called",
        "finish": holding,
        "no-show": holding,
        "transfer": holding,
        "add-step": holding and visits.has_room(tx, state["current_ticket_id"]),
        "pause": not paused,
        "resume": paused,
    }


SPOKEN_CALLS: Final = 500  # a counter's latest calls whose sentence a display may still fetch


def was_called_today(tx: Transaction, site: SiteIndex, now: float, counter_id: str, number: str) -> bool:
    """Whether `number` (as the call payload writes it) was called or recalled at `counter_id`
    this service day, among the counter's latest SPOKEN_CALLS calls: the only sentences the
    displays are given to play, so the only ones anyone needs spoken."""
    found = tx.one(
        "SELECT 1 FROM (SELECT number, at FROM calls WHERE counter_id = ? ORDER BY id DESC LIMIT ?)"
        " WHERE number = ? AND at >= ? LIMIT 1",
        (counter_id, SPOKEN_CALLS, number, site.day_start(now)),
    )
    return found is not None
