"""The kiosk blueprint: the touch-screen page, the ticket QR image and the phone page.

The pages are thin shells: their scripts read the public API and Socket.IO. The
server only checks here that the kiosk or ticket exists, so an unknown one gets
a real 404 page instead of an empty screen.
"""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, render_template, request

from server.core import tickets
from server.web import views
from server.web.hall import current_hall

blueprint = Blueprint(
    "kiosk", __name__, template_folder="templates", static_folder="static", static_url_path="/kiosk/static"
)


def _ticket_exists(ticket_id: str) -> bool:
    with current_hall().store.read() as tx:
        return tx.one("SELECT id FROM tickets WHERE id = ?", (ticket_id,)) is not None


def _not_found(kind: str, ident: str) -> tuple[str, int]:
    return render_template("kiosk/not_found.html", kind=kind, ident=ident), 404


@blueprint.get("/kiosk/<kiosk_id>")
def kiosk_page(kiosk_id: str) -> Any:
    """The full-screen touch page of one kiosk."""
    hall = current_hall()
    kiosk = hall.site.kiosks.get(kiosk_id)
    if kiosk is None:
        return _not_found("kiosk", kiosk_id)
    from kiosk.booking import booking_settings  # which services the kiosk may offer to book

    return render_template("kiosk/kiosk.html", kiosk=kiosk, site=hall.site.config.site,
                           boot={"booking": booking_settings(hall.site)})


@blueprint.get("/kiosk/qr/<ticket_id>.svg")
def ticket_qr(ticket_id: str) -> Any:
    """The QR code of a ticket's status page, drawn on the server (no script needed).

    With the ticket's survey secret as `?k=` (the issuing kiosk has it) the code carries it,
    as the printed one does; without it, the bare page address, which grants nothing."""
    hall = current_hall()
    with hall.store.read() as tx:
        row = tx.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    if row is None:
        return _not_found("ticket", ticket_id)
    keyed = tickets.holds_secret(row, request.args.get("k"))
    url = views.qr_url(hall.site, row) if keyed else views.status_url(hall.site, row)
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=86400"})


@blueprint.get("/t/<ticket_id>")
def phone_page(ticket_id: str) -> Any:
    """A visitor's phone page for one ticket: place in line, and the call when it comes."""
    if not _ticket_exists(ticket_id):
        return _not_found("ticket", ticket_id)
    config = current_hall().site.config
    return render_template("kiosk/phone.html", ticket_id=ticket_id, site=config.site, sms_enabled=config.sms.enabled)


@blueprint.get("/survey/<counter_id>")
def survey_tablet(counter_id: str) -> Any:
    """The tablet beside a counter: the survey of the ticket just finished there (public)."""
    hall = current_hall()
    counter = hall.site.counters.get(counter_id)
    if counter is None:
        return render_template("kiosk/survey_unknown.html", counter_id=counter_id), 404
    return render_template("kiosk/survey_tablet.html", counter=counter, site=hall.site.config.site)
