"""The booking slip: a kiosk prints the booking a visitor just made there (the kiosk's offer of
a later slot when a service is full or closed for today).

Public like the kiosk's other calls; it prints only on the named kiosk's own printer, only a
booking still booked, and once per booking and printer (a repeat answers the same job).
"""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import Field

from server.core import bookings, limits, print_queue
from server.core.errors import conflict
from server.web.api import schemas
from server.web.api.base import api
from server.web.hall import current_hall


class SlipPrint(schemas.Body):
    kiosk_id: str = Field(min_length=1, max_length=64, description="The kiosk whose printer prints the slip.")


class SlipAnswer(schemas.Out):
    code: str
    print: schemas.PrintInfo


@api.route("/bookings/<code>/print", "POST", summary="Print a booking's slip at a kiosk.", tag="bookings",
           body=SlipPrint, response=SlipAnswer,
           errors=((404, "booking_not_found"), (404, "unknown_kiosk"), (409, "booking_cancelled"),
                   (409, "not_printable"), (409, "no_printer"), (422, "invalid_request"), (429, "rate_limited")))
def print_slip(code: str, body: SlipPrint) -> dict[str, Any]:
    """The slip (code, QR code, service, day and time, check-in window) on the kiosk's printer."""
    hall = current_hall()
    printing = hall.printing
    with hall.store.write() as tx:
        limits.spend(tx, *limits.bucket(hall.site, body.kiosk_id, request.remote_addr or "?"), hall.now())
        row = bookings.get_row(tx, code)
        if row["status"] == bookings.CANCELLED:
            raise conflict("booking_cancelled", f"Booking {row['code']} is cancelled; there is no slip to print.")
        if row["status"] != bookings.BOOKED:
            raise conflict("not_printable", f"Booking {row['code']} is {row['status']}; its slip is not printed.")
        job_id = print_queue.print_slip(tx, hall.site, hall.now(), row["code"], body.kiosk_id, row["lang"] or "id",
                                        printing)
    assert printing is not None  # print_slip refuses with no_printer when printing does not run
    return {"code": row["code"], "print": printing.wait(job_id)}
