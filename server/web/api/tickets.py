"""Ticket routes: issue (and print), look up, reprint."""

from __future__ import annotations

from typing import Any

from flask import request

from server.core import tickets
from server.core.errors import RuleError, not_found
from server.web import views
from server.web.api import schemas
from server.web.api.base import api
from server.web.hall import Hall, current_hall

ISSUE_ERRORS = (
    (404, "unknown_service"),
    (404, "unknown_kiosk"),
    (409, "service_closed"),
    (409, "quota_reached"),
    (429, "rate_limited"),
)


def _ticket(hall: Hall, ticket_id: str) -> dict[str, Any]:
    with hall.store.read() as tx:
        return views.ticket_json(tx, hall.site, tickets.get_row(tx, ticket_id))


@api.route("/tickets", "POST", summary="Take a ticket (and print it at a kiosk).", tag="tickets",
           body=schemas.TicketCreate, status=201, response=schemas.Ticket, errors=ISSUE_ERRORS)
def create_ticket(body: schemas.TicketCreate) -> dict[str, Any]:
    """Issue the next number of a service; print it when the kiosk has a printer."""
    hall = current_hall()
    if not hall.allow_request(request.remote_addr or "?"):
        raise RuleError("rate_limited", "Too many tickets from this device; wait a minute and try again.")
    kiosk = hall.site.kiosks.get(body.kiosk_id or "")
    printer_id = kiosk.printer if kiosk is not None else None
    printing = hall.printing
    job_id = None
    with hall.store.write() as tx:
        row = tickets.issue_ticket(
            tx, hall.site, hall.now(), body.service_id,
            priority=body.priority, kiosk_id=body.kiosk_id, lang=body.lang,
            device=body.kiosk_id or request.remote_addr,
        )
        if printing is not None and printer_id is not None:
            job_id = printing.enqueue(tx, row["id"], printer_id, body.lang)
        # The answer is read in the same transaction: its place in line is the one it was given.
        answer = views.ticket_json(tx, hall.site, row, print_state=views.NOT_REQUESTED)
    if printing is not None and job_id is not None:
        answer["print"] = printing.wait(job_id)
    return answer


@api.route("/tickets/<ticket_id>", "GET", summary="A ticket, with its place in line.", tag="tickets",
           response=schemas.Ticket, errors=((404, "ticket_not_found"),))
def get_ticket(ticket_id: str) -> dict[str, Any]:
    """The ticket as it is now: status, how many ahead, estimated wait."""
    return _ticket(current_hall(), ticket_id)


@api.route("/tickets/<ticket_id>/print", "POST", summary="Print a ticket again.", tag="tickets",
           body=schemas.Reprint, body_required=False, response=schemas.Ticket,
           errors=((404, "ticket_not_found"), (404, "unknown_printer"), (409, "no_printer")))
def reprint_ticket(ticket_id: str, body: schemas.Reprint) -> dict[str, Any]:
    """Reprint on the given printer, or on the printer of the kiosk that issued it."""
    hall = current_hall()
    with hall.store.write() as tx:
        row = tickets.get_row(tx, ticket_id)
        printer_id = body.printer_id
        if printer_id is None:
            kiosk = hall.site.kiosks.get(row["kiosk_id"] or "")
            printer_id = kiosk.printer if kiosk else None
        if printer_id is None:
            raise RuleError("no_printer", "This ticket was not issued at a kiosk with a printer; name a printer_id.")
        if printer_id not in hall.site.printers:
            raise not_found("unknown_printer", f"There is no printer with id {printer_id!r}.")
        printing = hall.printing
        if printing is None:
            raise RuleError("no_printer", "Printing is not running on this server.")
        job_id = printing.enqueue(tx, ticket_id, printer_id, row["lang"])
        tickets.record(tx, ticket_id, "reprint", hall.now(), device=request.remote_addr, detail={"printer": printer_id})
    printing.wait(job_id)
    return _ticket(hall, ticket_id)
