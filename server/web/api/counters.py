"""Counter actions for officers: call next, call, recall, start, finish, no-show,
transfer, pause, resume. Each is one transaction over the queue rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request

from server.core import counters, permissions, print_queue, tickets
from server.core.store import Transaction
from server.web import views
from server.web.api import schemas
from server.web.api.access import require, require_counter
from server.web.api.base import api
from server.web.hall import current_hall

COUNTER_ERRORS = ((404, "unknown_counter"),)


def _act(counter_id: str, rule: Callable[[Transaction, str | None], dict[str, Any] | None]) -> dict[str, Any]:
    """Check the officer may use the counter, run the rule, answer ticket and counter."""
    user = require_counter(counter_id)
    hall = current_hall()
    with hall.store.write() as tx:
        tx.device = request.remote_addr
        tickets.expire_stale(tx, hall.site, hall.now())
        ticket = rule(tx, user.username)
    with hall.store.read() as tx:
        ticket_view = views.ticket_json(tx, hall.site, tickets.get_row(tx, ticket["id"])) if ticket else None
        return {"ticket": ticket_view, "counter": views.counter_json(tx, hall.site, counter_id, hall.now())}


def _action(action: str, summary: str, rule: Any, errors: tuple[tuple[int, str], ...] = ()) -> None:
    def view(counter_id: str) -> dict[str, Any]:
        hall = current_hall()
        return _act(counter_id, lambda tx, actor: rule(tx, hall.site, hall.now(), counter_id, actor))

    view.__name__ = f"counter_{action.replace('-', '_')}"
    view.__doc__ = summary
    api.route(f"/counters/<counter_id>/{action}", "POST", summary=summary, tag="counter",
              response=schemas.CounterAction, errors=COUNTER_ERRORS + errors, auth="use_counter")(view)


_action("call-next", "Finish the current ticket and call the next in line.", counters.call_next,
        ((409, "counter_paused"), (409, "counter_closed")))
_action("recall", "Announce the current ticket again.", counters.recall, ((409, "no_current_ticket"),))
_action("start", "The visitor has arrived: start serving.", counters.start,
        ((409, "no_current_ticket"), (409, "not_called")))
_action("finish", "Finish serving the current ticket.", counters.finish, ((409, "no_current_ticket"),))
_action("no-show", "The called visitor did not come.", counters.no_show, ((409, "no_current_ticket"),))


def _pause(tx: Transaction, site: Any, now: float, counter_id: str, actor: str | None) -> None:
    counters.set_paused(tx, site, now, counter_id, True, actor)


def _resume(tx: Transaction, site: Any, now: float, counter_id: str, actor: str | None) -> None:
    counters.set_paused(tx, site, now, counter_id, False, actor)


_action("pause", "Stop taking calls at this counter.", _pause, ((409, "counter_paused"),))
_action("resume", "Start taking calls again.", _resume, ((409, "counter_not_paused"),))


@api.route("/counters/<counter_id>/call", "POST", summary="Call a given waiting ticket.", tag="counter",
           body=schemas.CallTicket, response=schemas.CounterAction, auth="use_counter",
           errors=COUNTER_ERRORS + ((404, "ticket_not_found"), (409, "not_waiting"), (409, "counter_paused"),
                                    (409, "counter_closed")))
def counter_call(counter_id: str, body: schemas.CallTicket) -> dict[str, Any]:
    """Call the ticket named by id or by number, out of turn."""
    from server.core.errors import RuleError

    if (body.ticket_id is None) == (body.number is None):
        raise RuleError("invalid_request", "Give exactly one of ticket_id or number.", "ticket_id")
    hall = current_hall()
    return _act(counter_id, lambda tx, actor: counters.call_ticket(
        tx, hall.site, hall.now(), counter_id, ticket_id=body.ticket_id, number=body.number, actor=actor))


@api.route("/counters/<counter_id>/transfer", "POST", summary="Send the current visitor to another service.",
           tag="counter", body=schemas.Transfer, response=schemas.CounterAction, auth="use_counter",
           errors=COUNTER_ERRORS + ((404, "unknown_service"), (409, "no_current_ticket")))
def counter_transfer(counter_id: str, body: schemas.Transfer) -> dict[str, Any]:
    """Back to waiting in the target service, at the front of its line, same number."""
    hall = current_hall()
    return _act(counter_id, lambda tx, actor: counters.transfer(
        tx, hall.site, hall.now(), counter_id, body.service_id, actor))


@api.route("/counters/<counter_id>", "GET", summary="A counter with its current ticket.", tag="counter",
           response=schemas.Counter, auth="use_counter", errors=COUNTER_ERRORS)
def get_counter(counter_id: str) -> dict[str, Any]:
    """The counter's state for the officer's screen."""
    require_counter(counter_id)
    hall = current_hall()
    with hall.store.read() as tx:
        return views.counter_json(tx, hall.site, counter_id, hall.now())


@api.route("/counters/<counter_id>/queue", "GET", summary="The waiting lines of a counter's services.",
           tag="counter", response=schemas.CounterQueue, auth="use_counter", errors=COUNTER_ERRORS)
def counter_queue(counter_id: str) -> dict[str, Any]:
    """Waiting tickets in call order, with per-service counts and the oldest wait."""
    require_counter(counter_id)
    hall = current_hall()
    with hall.store.read() as tx:
        return views.counter_queue_json(tx, hall.site, counter_id, hall.now())


@api.route("/counters/<counter_id>/figures", "GET", summary="Today's figures for the counter and officer.",
           tag="counter", response=schemas.CounterFigures, auth="use_counter", errors=COUNTER_ERRORS)
def counter_figures(counter_id: str) -> dict[str, Any]:
    """Served, no-shows and average service time today, against the service standard."""
    user = require_counter(counter_id)
    hall = current_hall()
    # Read in an OS thread: with a year of history these counts read far more rows than today's.
    result: dict[str, Any] = hall.store.read_off_loop(views.counter_figures_json, hall.site, counter_id,
                                                      user.username, hall.now())
    return result


@api.route("/counters/<counter_id>/recent", "GET", summary="The tickets this counter called today, newest first.",
           tag="counter", response=schemas.RecentTickets, auth="use_counter", errors=COUNTER_ERRORS)
def counter_recent(counter_id: str) -> dict[str, Any]:
    """The counter's latest calls today (one row per ticket): what its officer may reprint."""
    require_counter(counter_id)
    hall = current_hall()
    with hall.store.read() as tx:
        rows = counters.recent_tickets(tx, hall.site, counter_id, hall.now())
    return {"tickets": [{
        "ticket_id": row["id"], "number": row["number"], "status": row["status"], "service_id": row["service_id"],
        "called_at": hall.site.iso(row["at"]),
        "kiosk_printer_id": print_queue.kiosk_printer(hall.site, row["kiosk_id"]),
        "printable": row["printable"],
    } for row in rows]}


@api.route("/counters/<counter_id>/reprint", "POST", summary="Reprint a ticket this counter called today.",
           tag="counter", body=schemas.CounterReprint, response=schemas.Ticket, auth="reprint_at_counter",
           errors=COUNTER_ERRORS + ((404, "ticket_not_found"), (404, "unknown_printer"), (409, "no_printer"),
                                    (409, "not_printable")))
def counter_reprint(counter_id: str, body: schemas.CounterReprint) -> dict[str, Any]:
    """On `printer_id`, or on the printer of the kiosk that issued it; the ticket's history
    records the officer and the counter. Answers the ticket with its print state."""
    hall = current_hall()
    require("reprint_at_counter")
    user = require("reprint_at_counter", permissions.counter(hall.site.counter_or_404(counter_id)))
    printing = hall.printing
    with hall.store.write() as tx:
        tx.device = request.remote_addr
        job_id = print_queue.reprint_at_counter(tx, hall.site, hall.now(), counter_id, body.ticket_id,
                                                body.printer_id, printing, actor=user.username)
    assert printing is not None  # the rule refuses with no_printer when printing does not run
    printing.wait(job_id)
    with hall.store.read() as tx:
        return views.ticket_json(tx, hall.site, tickets.get_row(tx, body.ticket_id))
