"""What goes on a printed ticket, gathered from the database for the printer layer."""

from __future__ import annotations

from datetime import datetime

from printers.jobs import SkipPrint
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
