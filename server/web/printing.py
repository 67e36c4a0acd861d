"""What goes on a printed ticket or booking slip, gathered from the database for the printer layer."""

from __future__ import annotations

from datetime import datetime

from printers.jobs import SkipPrint
from printers.slip import BookingSlip
from printers.ticket import PrintedStep, TicketPrint
from server.core import tickets
from server.core.vocabulary import FINISHED, WaitEstimate
from server.web import views
from server.web.hall import Hall
from server.web.media import site_file


def build_ticket_print(hall: Hall, ticket_id: str | None, lang: str) -> TicketPrint:
    """Fresh figures at print time: a ticket printed late shows the line as it is then.
    No ticket (a printer's test print from the admin pages): the sample of `antrean printer test`."""
    site = hall.site
    if ticket_id is None:
        from printers.cli import sample_ticket

        logo = site.config.site.ticket.logo
        found = site_file(hall, logo) if logo else None
        return sample_ticket(site.config, logo_path=str(found) if found else None)
    with hall.store.read() as tx:
        row = tickets.get_row(tx, ticket_id)
        ticket = views.ticket_json(tx, site, row)
    if ticket["status"] in FINISHED:
        # A printer back after an outage must not print tickets of visits already over.
        raise SkipPrint(f"Ticket {ticket['number']} is {ticket['status']}; not printed.")
    english = lang == "en"
    text = site.config.site.ticket
    return TicketPrint(
        site_name=site.config.site.name,
        logo_path=str(logo) if text.logo and (logo := site_file(hall, text.logo)) else None,
        agency_name=ticket["agency_name_en"] if english else ticket["agency_name"],
        service_name=ticket["service_name_en"] if english else ticket["service_name"],
        number=ticket["number"],
        issued_at=datetime.fromisoformat(ticket["issued_at"]),
        ahead=ticket["ahead"],
        wait=WaitEstimate(ticket["wait_status"], ticket["estimated_wait_seconds"],
                                  ticket["estimated_wait_minutes"]) if ticket["wait_status"] else None,
        priority=ticket["priority"],
        counter_names=ticket["counter_names_en"] if english else ticket["counter_names"],
        status_url=views.qr_url(site, row),  # the QR code carries the survey secret
        footer=text.footer_en if english else text.footer,
        lang=lang,
        place=ticket["place_en"] if english else ticket["place"],
        steps=tuple(PrintedStep(service_name=step["service_name_en"] if english else step["service_name"],
                                agency_name=step["agency_short_name"], done=step["status"] == "done")
                    for step in ticket["steps"]) if len(ticket["steps"]) > 1 else (),
    )


def build_slip_print(hall: Hall, code: str, lang: str) -> BookingSlip:
    """A booking slip as the booking is at print time: a booking cancelled or checked in while
    the printer was down is not printed any more."""
    from server.core import bookings
    from server.web.api.bookings import booking_json

    site = hall.site
    with hall.store.read() as tx:
        row = bookings.get_row(tx, code)
    if row["status"] != bookings.BOOKED:
        raise SkipPrint(f"Booking {row['code']} is {row['status']}; its slip is not printed.")
    english = lang == "en"
    service = site.services[row["service_id"]]
    agency = site.agencies[site.agency_of[row["service_id"]]]
    text = site.config.site.ticket
    return BookingSlip(
        site_name=site.config.site.name,
        agency_name=(agency.name_en or agency.name) if english else agency.name,
        service_name=(service.name_en or service.name) if english else service.name,
        code=row["code"],
        start=site.local(row["slot_start"]),
        end=site.local(row["slot_end"]),
        check_in_from=site.local(row["check_in_from"]),
        check_in_until=site.local(row["check_in_until"]),
        url=booking_json(site, row)["qr_url"],
        footer=text.footer_en if english else text.footer,
        lang=lang,
    )
