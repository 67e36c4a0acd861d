"""Ticket routes: issue (and print) a ticket or a visit of several steps, look up, cancel,
reprint, add a step."""

from __future__ import annotations

from typing import Any

from flask import request

from server.core import idempotency, limits, permissions, print_queue, sms, tickets, visits
from server.core.errors import RuleError
from server.core.store import TICKET_RESERVE_BYTES
from server.web import addresses, views
from server.web.api import schemas
from server.web.api.access import current_user, require
from server.web.api.base import api
from server.web.hall import Hall, current_hall

ISSUE_ERRORS = (
    (404, "unknown_service"),
    (404, "unknown_kiosk"),
    (409, "service_closed"),
    (409, "quota_reached"),
    (422, "idempotency_key_reused"),
    (429, "rate_limited"),
    (503, "disk_full"),
)
IDEMPOTENCY = ((idempotency.HEADER, "1-128 visible ASCII characters, new for each ticket the visitor asks for and "
                "the same on a retry of that request: a repeat answers the first request's ticket and prints "
                "nothing more.", False),)


def _staff(hall: Hall) -> bool:
    """Whether a staff session asks (it spends no allowance). A browser that carries a staff cookie
    but no CSRF token, a kiosk page opened where someone once signed in, is simply anonymous."""
    try:
        return current_user(hall) is not None
    except RuleError as exc:
        if exc.code == "csrf_failed":
            return False
        raise


def _one_service(body: schemas.TicketCreate) -> str:
    """The service of a one-step ticket: service_id, exactly one of it and service_ids."""
    if body.service_id is None:
        raise RuleError("invalid_request", "service_id: this field is required (or service_ids, for a visit "
                        "of several services).", "service_id")
    return body.service_id


def _ticket(hall: Hall, ticket_id: str) -> dict[str, Any]:
    with hall.store.read() as tx:
        return views.ticket_json(tx, hall.site, tickets.get_row(tx, ticket_id))


@api.route("/tickets", "POST", summary="Take a ticket (and print it at a kiosk).", tag="tickets",
           body=schemas.TicketCreate, status=201, response=schemas.Ticket, errors=ISSUE_ERRORS,
           headers=IDEMPOTENCY)
def create_ticket(body: schemas.TicketCreate) -> dict[str, Any]:
    """Issue the next number of a service (of the first, for a visit of several services:
    `service_ids`); print it when the kiosk has a printer.
    A repeat of an earlier request (same Idempotency-Key, same body, same service day)
    answers that request's ticket as it is now, also with 201."""
    hall = current_hall()
    if body.service_id is not None and body.service_ids is not None:
        raise RuleError("invalid_request", "service_ids: give either service_id (one service) or service_ids "
                        "(a visit of several), not both.", "service_ids")
    staff = _staff(hall)
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    digest = idempotency.fingerprint(body.model_dump())
    printing = hall.printing
    with hall.store.write(reserve=TICKET_RESERVE_BYTES) as tx:
        now = hall.now()  # read holding the write lock: tickets are issued in the order of their times
        earlier = key and idempotency.earlier_ticket(tx, hall.site.service_day(now), key, digest)
        if earlier:  # the answer to the first request was lost: the same ticket, printed once
            first = tickets.get_row(tx, earlier)
            return {**views.ticket_json(tx, hall.site, first), "qr_url": views.qr_url(hall.site, first)}
        if not staff:  # kiosks and anonymous clients have an allowance (server/core/limits.py)
            limits.spend(tx, *limits.bucket(hall.site, body.kiosk_id, request.remote_addr or "?"), now)
        options: dict[str, Any] = {"priority": body.priority, "kiosk_id": body.kiosk_id, "lang": body.lang,
                                   "device": body.kiosk_id or request.remote_addr,
                                   "origin": addresses.request_origin()}
        if body.service_ids is not None:  # a visit of several steps
            row = visits.issue_visit(tx, hall.site, now, body.service_ids, **options)
        else:
            row = tickets.issue_ticket(tx, hall.site, now, _one_service(body), **options)
        if key:
            idempotency.remember(tx, row["service_day"], key, digest, row["id"], now)
        job_id = print_queue.print_issued(tx, hall.site, now, row, printing)
        # The answer is read in the same transaction: its place in line is the one it was given.
        answer = views.ticket_json(tx, hall.site, row, print_state=print_queue.NOT_REQUESTED)
        answer["qr_url"] = views.qr_url(hall.site, row)  # the visitor's own answer only: it has the survey secret
    if printing is not None and job_id is not None:
        answer["print"] = printing.wait(job_id)
    return answer


@api.route("/tickets/<ticket_id>", "GET", summary="A ticket, with its place in line.", tag="tickets",
           response=schemas.Ticket, errors=((404, "ticket_not_found"),))
def get_ticket(ticket_id: str) -> dict[str, Any]:
    """The ticket as it is now: status, how many ahead, estimated wait."""
    return _ticket(current_hall(), ticket_id)


@api.route("/tickets/<ticket_id>/cancel", "POST", summary="Give up a waiting ticket.", tag="tickets",
           body=schemas.TicketCancel, body_required=False, response=schemas.Ticket,
           errors=((403, "cancel_forbidden"), (404, "ticket_not_found"), (409, "not_cancellable"),
                   (429, "rate_limited")))
def cancel_ticket(ticket_id: str, body: schemas.TicketCancel) -> dict[str, Any]:
    """The visitor cancels with the ticket's secret (`key`, the `k` of its QR code's address),
    which the public feeds never carry; a logged-in officer may cancel for a visitor and is
    then recorded as having done it. Cancelling a cancelled ticket again answers it unchanged."""
    hall = current_hall()
    user = current_user(hall)
    with hall.store.write() as tx:
        tx.device = request.remote_addr
        if user is None:
            limits.spend(tx, *limits.bucket(hall.site, None, request.remote_addr or "?"), hall.now())
        row = tickets.cancel(tx, hall.site, hall.now(), ticket_id, actor=user.username if user else None,
                             key=body.key)
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


@api.route("/tickets/<ticket_id>/sms", "POST", summary="Ask for an SMS when the ticket's turn is near.",
           tag="tickets", body=schemas.TicketSms, response=schemas.TicketSmsAnswer,
           errors=((403, "sms_forbidden"), (404, "ticket_not_found"), (409, "sms_off"), (409, "not_waiting"),
                   (422, "invalid_request"), (429, "rate_limited")))
def ticket_sms(ticket_id: str, body: schemas.TicketSms) -> dict[str, Any]:
    """The phone page's "Kirim SMS saat giliran saya dekat": the visitor (with the ticket's secret)
    gives an Indonesian mobile number, kept until the night after the ticket's day
    (`sms.keep_numbers_days`); gammu-smsd sends one SMS per step of the visit when its turn is
    near (site.near_alert). `phone: null` forgets the number. Rate-limited like a cancel."""
    hall = current_hall()
    with hall.store.write() as tx:
        tx.device = request.remote_addr
        limits.spend(tx, *limits.bucket(hall.site, None, request.remote_addr or "?"), hall.now())
        return sms.visitor_sets_contact(tx, hall.site, hall.now(), ticket_id, body.phone, body.key)


STEP_KEY = ((idempotency.HEADER, "1-128 visible ASCII characters, the same when the counter sends the same step "
             "again (its answer lost): a repeat answers the ticket as it is and adds nothing more.", False),)


@api.route("/tickets/<ticket_id>/steps", "POST", summary="Add a step to the visit at the counter holding it.",
           tag="tickets", body=schemas.AddStep, response=schemas.Ticket, auth="use_counter",
           errors=((401, "unauthenticated"), (403, "forbidden"), (404, "ticket_not_found"), (404, "unknown_service"),
                   (409, "not_at_counter"), (409, "too_many_steps"), (422, "idempotency_key_reused")),
           headers=STEP_KEY)
def add_step(ticket_id: str, body: schemas.AddStep) -> dict[str, Any]:
    """Right after the current step, a step for `service_id` ("go to Dinsos next"), and with
    `return_to_counter` one more back to this counter, which only it calls. Only the officer
    of the counter that has called the ticket, before finishing it; hours and quota do not apply."""
    hall = current_hall()
    user = require("use_counter")
    site = hall.site
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    digest = idempotency.fingerprint({"add_step": ticket_id, **body.model_dump()})

    def may_use(counter_id: str) -> bool:
        return permissions.may(user, "use_counter", permissions.counter(site.counters[counter_id]))

    with hall.store.write() as tx:
        tx.device = request.remote_addr
        now = hall.now()
        if key and idempotency.earlier_ticket(tx, site.service_day(now), key, digest):
            return views.ticket_json(tx, site, tickets.get_row(tx, ticket_id))
        row = visits.add_step(tx, site, now, ticket_id, body.service_id,
                              return_to_counter=body.return_to_counter, actor=user.username, may_use=may_use)
        if key:
            idempotency.remember(tx, row["service_day"], key, digest, ticket_id, now)
        return views.ticket_json(tx, site, row)
