"""Booking routes: slots, book, look up, cancel, reschedule, check in.

None of them needs a staff session, and they reach nothing but the bookings (and, for a
check-in, the ticket it makes): a site may publish `/booking` and `/api/v1/bookings*` and
`/api/v1/services/{id}/slots*` alone to the internet (docs/booking.md). Writes spend the
client's allowance like a ticket request (server/core/limits.py); the per-day limits of
`site.booking` are the rules' own (server/core/bookings.py).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, make_response, request

from server.core import addresses as core_addresses
from server.core import bookings, idempotency, limits, print_queue, slots
from server.core.site import SiteIndex
from server.core.store import TICKET_RESERVE_BYTES, Transaction
from server.web import addresses, views
from server.web.api import booking_schemas as bs
from server.web.api.base import api
from server.web.api.params import int_arg, parse_day
from server.web.hall import Hall, current_hall

CODE_ERRORS = ((404, "booking_not_found"),)
STATE_ERRORS = ((409, "booking_cancelled"), (409, "booking_checked_in"), (409, "booking_expired"))
IDEMPOTENCY = ((idempotency.HEADER, "1-128 visible ASCII characters, new for each booking and the same on a "
                "retry of that request: a repeat answers the first request's booking and books nothing more.",
                False),)
SLOT_ERRORS = ((404, "unknown_slot"), (409, "slot_full"), (409, "slot_unavailable"), (409, "booking_limit"))


def booking_json(site: SiteIndex, row: dict[str, Any]) -> dict[str, Any]:
    """The contract's Booking; never the phone or NIK digits, only whether they were given."""
    service = site.services.get(row["service_id"])
    name = service.name if service else row["service_id"]
    base = site.config.site.public_url or addresses.request_origin() or core_addresses.UNKNOWN_ORIGIN
    return {
        "code": row["code"],
        "service_id": row["service_id"],
        "slot": bookings.slot_of(site, row),
        "status": row["status"],
        "ticket_id": row["ticket_id"],
        "qr_url": f"{base}/booking/{row['code']}",
        "service_name": name,
        "service_name_en": (service.name_en if service else None) or name,
        "agency_id": site.agency_of.get(row["service_id"]),
        "check_in_from": site.iso(row["check_in_from"]),
        "check_in_until": site.iso(row["check_in_until"]),
        "lang": row["lang"],
        "phone_given": row["phone"] is not None,
        "nik_given": row["nik_last4"] is not None,
    }


def _spend(tx: Transaction, hall: Hall, kiosk_id: str | None = None) -> None:
    """One request of the client's allowance (the ticket route's), spent in the change's own transaction."""
    tx.device = request.remote_addr
    limits.spend(tx, *limits.bucket(hall.site, kiosk_id, request.remote_addr or "?"), hall.now())


@api.route("/services/<service_id>/slots", "GET", summary="A service's booking slots over some days.",
           tag="bookings", response=bs.SlotList, errors=((404, "unknown_service"), (422, "invalid_request")),
           query=(("from", "First day, YYYY-MM-DD (default today).", False),
                  ("to", f"Last day, YYYY-MM-DD (default `from`; at most {slots.MAX_DAYS} days).", False)))
def list_slots(service_id: str) -> dict[str, Any]:
    """Every slot of those days with its capacity and bookings; a service without bookings has none."""
    hall = current_hall()
    now = hall.now()
    first = parse_day("from", hall.site.local(now).date())
    last = parse_day("to", first)
    with hall.store.read() as tx:
        return {"slots": slots.slot_rows(tx, hall.site, service_id, first, last, now)}


@api.route("/services/<service_id>/slots/next", "GET", summary="The next slots that can be booked.",
           tag="bookings", response=bs.SlotList, errors=((404, "unknown_service"), (422, "invalid_request")),
           query=(("limit", "How many, 1-20 (default 3).", False),))
def next_slots(service_id: str) -> dict[str, Any]:
    """The kiosk's offer when a service is full or closed for today: the first open slots from now."""
    hall = current_hall()
    limit = int_arg("limit", 3, 1, 20)
    with hall.store.read() as tx:
        return {"slots": slots.next_open(tx, hall.site, service_id, hall.now(), limit)}


@api.route("/bookings", "POST", summary="Book a slot.", tag="bookings", body=bs.BookingCreate, status=201,
           response=bs.Booking, headers=IDEMPOTENCY,
           errors=(*SLOT_ERRORS, (422, "idempotency_key_reused"), (429, "rate_limited"), (503, "disk_full")))
def create_booking(body: bs.BookingCreate) -> dict[str, Any]:
    """A place in the slot, and the code to check in, cancel or reschedule with. A repeat of an
    earlier request (same Idempotency-Key and body, the same day) answers its booking, also 201."""
    hall = current_hall()
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    asked = (key, idempotency.fingerprint(body.model_dump())) if key else None
    with hall.store.write(reserve=TICKET_RESERVE_BYTES) as tx:
        _spend(tx, hall, body.kiosk_id)
        row = bookings.book(tx, hall.site, hall.now(), body.slot_id, phone=body.phone, nik_last4=body.nik_last4,
                            lang=body.lang, address=request.remote_addr, kiosk_id=body.kiosk_id, request=asked)
    return booking_json(hall.site, row)


@api.route("/bookings/<code>", "GET", summary="A booking by its code.", tag="bookings", response=bs.Booking,
           errors=CODE_ERRORS)
def get_booking(code: str) -> dict[str, Any]:
    """The booking as it is now (any case; spaces and dashes in the code are ignored)."""
    hall = current_hall()
    with hall.store.read() as tx:
        return booking_json(hall.site, bookings.get_row(tx, code))


@api.route("/bookings/<code>", "DELETE", summary="Cancel a booking.", tag="bookings", response=bs.Booking,
           errors=(*CODE_ERRORS, (409, "booking_checked_in"), (409, "booking_expired"), (429, "rate_limited")))
def cancel_booking(code: str) -> dict[str, Any]:
    """Gives the place back; cancelling again answers the cancelled booking unchanged."""
    hall = current_hall()
    with hall.store.write() as tx:
        _spend(tx, hall)
        row = bookings.cancel(tx, hall.site, hall.now(), code, address=request.remote_addr)
    return booking_json(hall.site, row)


@api.route("/bookings/<code>/reschedule", "POST", summary="Move a booking to another slot.", tag="bookings",
           body=bs.BookingReschedule, response=bs.Booking,
           errors=(*CODE_ERRORS, *SLOT_ERRORS, *STATE_ERRORS, (429, "rate_limited")))
def reschedule_booking(code: str, body: bs.BookingReschedule) -> dict[str, Any]:
    """Same code, another slot of the same service, its capacity checked again."""
    hall = current_hall()
    with hall.store.write() as tx:
        _spend(tx, hall)
        row = bookings.reschedule(tx, hall.site, hall.now(), code, body.slot_id, address=request.remote_addr)
    return booking_json(hall.site, row)


@api.route("/bookings/<code>/check-in", "POST", summary="Check in: the booking's ticket.", tag="bookings",
           body=bs.BookingCheckIn, body_required=False, status=201, also=(200,), response=bs.CheckInAnswer,
           errors=(*CODE_ERRORS, (404, "unknown_kiosk"), (409, "too_early"), (409, "too_late"), *STATE_ERRORS,
                   (409, "service_closed"), (429, "rate_limited"), (503, "disk_full")))
def check_in_booking(code: str, body: bs.BookingCheckIn) -> Any:
    """201 with a new ticket (printed at a kiosk with a printer); 200 with the same ticket after."""
    hall = current_hall()
    printing = hall.printing
    job_id = None
    with hall.store.write(reserve=TICKET_RESERVE_BYTES) as tx:
        now = hall.now()
        _spend(tx, hall, body.kiosk_id)
        row, ticket, made = bookings.check_in(tx, hall.site, now, code, kiosk_id=body.kiosk_id,
                                              device=body.kiosk_id or request.remote_addr,
                                              origin=addresses.request_origin())
        if made:
            job_id = print_queue.print_issued(tx, hall.site, now, ticket, printing)
        answer_ticket = views.ticket_json(tx, hall.site, ticket,
                                          print_state=print_queue.NOT_REQUESTED if made else None)
        answer_ticket["qr_url"] = views.qr_url(hall.site, ticket)  # the code's holder is the ticket's visitor
    if printing is not None and job_id is not None:
        answer_ticket["print"] = printing.wait(job_id)
    return make_response(jsonify({"booking": booking_json(hall.site, row), "ticket": answer_ticket}),
                         201 if made else 200)
