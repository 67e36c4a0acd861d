"""Ticket routes: issue (and print), look up, cancel, reprint."""

from __future__ import annotations

from typing import Any

from flask import request

from server.core import limits, print_queue, tickets
from server.core.errors import RuleError
from server.web import views
from server.web.api import schemas
from server.web.api.access import current_user
from server.web.api.base import api
from server.web.hall import Hall, current_hall

ISSUE_ERRORS = (
    (404, "unknown_service"),
    (404, "unknown_kiosk"),
    (409, "service_closed"),
    (409, "quota_reached"),
    (429, "rate_limited"),
)


def _staff(hall: Hall) -> bool:
    """Whether a staff session asks (it spends no allowance). A browser that carries a staff cookie
    but no CSRF token, a kiosk page opened where someone once signed in, is simply anonymous."""
    try:
        return current_user(hall) is not None
    except RuleError as exc:
        if exc.code == "csrf_failed":
            return False
        raise


def _ticket(hall: Hall, ticket_id: str) -> dict[str, Any]:
    with hall.store.read() as tx:
        return views.ticket_json(tx, hall.site, tickets.get_row(tx, ticket_id))


@api.route("/tickets", "POST", summary="Take a ticket (and print it at a kiosk).", tag="tickets",
           body=schemas.TicketCreate, status=201, response=schemas.Ticket, errors=ISSUE_ERRORS)
def create_ticket(body: schemas.TicketCreate) -> dict[str, Any]:
    """Issue the next number of a service; print it when the kiosk has a printer."""
    hall = current_hall()
    staff = _staff(hall)
    printing = hall.printing
    with hall.store.write() as tx:
        now = hall.now()  # read holding the write lock: tickets are issued in the order of their times
        if not staff:  # kiosks and anonymous clients have an allowance (server/core/limits.py)
            limits.spend(tx, *limits.bucket(hall.site, body.kiosk_id, request.remote_addr or "?"), now)
        row = tickets.issue_ticket(
            tx, hall.site, now, body.service_id,
            priority=body.priority, kiosk_id=body.kiosk_id, lang=body.lang,
            device=body.kiosk_id or request.remote_addr,
        )
        job_id = print_queue.print_issued(tx, hall.site, now, row, printing)
        # The answer is read in the same transaction: its place in line is the one it was given.
        answer = views.ticket_json(tx, hall.site, row, print_state=print_queue.NOT_REQUESTED)
    if printing is not None and job_id is not None:
        answer["print"] = printing.wait(job_id)
    return answer


@api.route("/tickets/<ticket_id>", "GET", summary="A ticket, with its place in line.", tag="tickets",
           response=schemas.Ticket, errors=((404, "ticket_not_found"),))
def get_ticket(ticket_id: str) -> dict[str, Any]:
    """The ticket as it is now: status, how many ahead, estimated wait."""
    return _ticket(current_hall(), ticket_id)


@api.route("/tickets/<ticket_id>/cancel", "POST", summary="Give up a waiting ticket.", tag="tickets",
           response=schemas.Ticket,
           errors=((404, "ticket_not_found"), (409, "not_cancellable"), (429, "rate_limited")))
def cancel_ticket(ticket_id: str) -> dict[str, Any]:
    """Public: the ticket id is the secret of the visitor's ticket (its QR code, the phone page).
    A logged-in officer may cancel for a visitor; they are then recorded as having done it.
    Cancelling a cancelled ticket again answers it unchanged."""
    hall = current_hall()
    user = current_user(hall)
    with hall.store.write() as tx:
        tx.device = request.remote_addr
        if user is None:
            limits.spend(tx, *limits.bucket(hall.site, None, request.remote_addr or "?"), hall.now())
        row = tickets.cancel(tx, hall.site, hall.now(), ticket_id, actor=user.username if user else None)
        return views.ticket_json(tx, hall.site, row)


@api.route("/tickets/<ticket_id>/print", "POST", summary="Print a ticket again.", tag="tickets",
           body=schemas.Reprint, body_required=False, response=schemas.Ticket,
           errors=((401, "unauthenticated"), (403, "forbidden"), (404, "ticket_not_found"),
                   (404, "unknown_printer"), (409, "no_printer"), (429, "rate_limited")))
def reprint_ticket(ticket_id: str, body: schemas.Reprint) -> dict[str, Any]:
    """Reprint on the given printer, or on the printer of the kiosk that issued it. Needs a staff
    session or the ticket's own kiosk (`kiosk_id`), which spends its allowance like an issue."""
    hall = current_hall()
    printing = hall.printing
    staff = _staff(hall)
    with hall.store.write() as tx:
        if not staff:
            limits.check_kiosk_reprint(hall.site, tickets.get_row(tx, ticket_id), body.kiosk_id, body.printer_id)
            limits.spend(tx, *limits.bucket(hall.site, body.kiosk_id, request.remote_addr or "?"), hall.now())
        job_id = print_queue.reprint(tx, hall.site, hall.now(), ticket_id, body.printer_id, printing,
                                     device=request.remote_addr)
    assert printing is not None  # reprint refuses with no_printer when printing does not run
    printing.wait(job_id)
    return _ticket(hall, ticket_id)
