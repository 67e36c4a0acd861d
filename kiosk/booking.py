"""The visitor's booking page: `/booking`, `/booking/CODE` (the address a booking's QR code
carries) and that QR code as an image. Public, like the phone page: no staff session.

Its own blueprint, with its assets under `/booking/static/`, so that a reverse proxy can
publish `/booking` and the booking API to the internet and keep every other page on the LAN.
The page reads and writes only through the public API; this module only reads the site's
configuration (which services take bookings, and what they ask).
"""

from __future__ import annotations

import io
import re
from typing import Any

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, render_template

from server.core.site import SiteIndex
from server.web.hall import current_hall

blueprint = Blueprint(
    "booking", __name__, template_folder="templates", static_folder="static", static_url_path="/booking/static"
)

CODE_LETTERS = "ACDEFGHJKLMNPQRTUVWXY34679"  # the booking code's alphabet: no look-alike characters
_CODE = re.compile(f"[{CODE_LETTERS}]{{6}}")


def normal_code(text: str) -> str | None:
    """The booking code in `text` (any case), or None when it cannot be one."""
    code = text.strip().upper()
    return code if _CODE.fullmatch(code) else None


def booking_settings(site: SiteIndex) -> dict[str, Any]:
    """What the page needs to know of each service that takes bookings: its check-in window
    (minutes before and after the slot's start), and what the site asks of a visitor who
    books (`site.booking.ask_phone` / `ask_nik`: "off", "optional" or "required")."""
    settings = site.config.site.booking
    services: dict[str, Any] = {}
    for service_id, service in site.services.items():
        booking = service.booking
        if booking is None:
            continue
        services[service_id] = {
            "early_minutes": booking.check_in_early_minutes,
            "late_minutes": booking.check_in_late_minutes,
        }
    return {
        "ask_phone": settings.ask_phone,
        "ask_nik": settings.ask_nik,
        "services": services,
    }


@blueprint.get("/booking")
def booking_page() -> Any:
    """The booking page: a service, a day, a slot; then the code and its QR code."""
    hall = current_hall()
    return render_template("kiosk/booking.html", code=None, site=hall.site.config.site,
                           boot={"booking": booking_settings(hall.site)})


@blueprint.get("/booking/<code>")
def booking_code_page(code: str) -> Any:
    """One booking by its code (its QR's address): cancel or reschedule it, follow the check-in.
    A code that cannot be one still gets the page, which says so and offers to type it again."""
    hall = current_hall()
    return render_template("kiosk/booking.html", code=normal_code(code) or code.upper()[:12],
                           site=hall.site.config.site, boot={"booking": booking_settings(hall.site)})


@blueprint.get("/booking/qr/<code>.svg")
def booking_qr(code: str) -> Any:
    """The QR code of a booking's page (its `qr_url`), drawn on the server as the ticket's is."""
    from server.core import bookings
    from server.web.api.bookings import booking_json

    hall = current_hall()
    with hall.store.read() as tx:
        row = tx.one("SELECT * FROM bookings WHERE code = ?", (bookings.clean_code(code),))
    if row is None:
        return Response("No booking has this code", status=404, mimetype="text/plain")
    image = qrcode.make(booking_json(hall.site, row)["qr_url"],
                        image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=86400"})
