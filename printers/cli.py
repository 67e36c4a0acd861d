"""`antrean printer test ID`: print a sample ticket and say, in words, what happened."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from printers.connections import PrintError, Timeouts, describe, send
from printers.render import render_ticket
from printers.ticket import TicketPrint
from server.core.config import SiteConfig
from server.core.vocabulary import WaitEstimate

# A test ticket's QR code leads nowhere real; without a public_url it shows the server's default address.
TEST_ORIGIN = "http://127.0.0.1:5000"
SAMPLE_SERVICE = {
    "id": "Tiket percobaan printer - bukan nomor antrean",
    "en": "Printer test ticket - not a queue number",
}


def sample_ticket(config: SiteConfig, now: datetime | None = None, logo_path: str | None = None) -> TicketPrint:
    """A ticket that exercises every line of the layout and cannot pass for a real one."""
    site = config.site
    lang = site.language
    agency = config.agencies[0]
    return TicketPrint(
        site_name=site.name,
        logo_path=logo_path,
        agency_name=agency.name,
        service_name=SAMPLE_SERVICE[lang],
        number="TEST",
        issued_at=now or datetime.now(ZoneInfo(site.timezone)),
        ahead=3,
        wait=WaitEstimate.of_seconds(15 * 60),
        priority=None,
        counter_names=[counter.english_name if lang == "en" else counter.name for counter in config.counters[:3]],
        status_url=f"{site.public_url or TEST_ORIGIN}/t/test",
        footer=site.ticket.footer if lang == "id" else site.ticket.footer_en,
        lang=lang,
    )


def test_printer(config: SiteConfig, printer_id: str, data_dir: Path,
                 timeouts: Timeouts | None = None, logo_path: Path | None = None) -> tuple[bool, str]:
    """Print a sample ticket on one printer: (worked, a sentence for the person at the terminal).
    `logo_path`: the site's ticket logo, found where the server finds it (its media folder)."""
    printers = {printer.id: printer for printer in config.printers}
    cfg = printers.get(printer_id)
    if cfg is None:
        known = ", ".join(sorted(printers)) or "none are configured"
        return False, f"There is no printer {printer_id!r} in the configuration (printers: {known})."
    ticket = sample_ticket(config, logo_path=str(logo_path) if logo_path else None)
    try:
        data = render_ticket(ticket, cfg.width_mm, cfg.profile)
    except ValueError as exc:
        return False, f"Printer {describe(cfg)}: the ticket cannot be laid out: {exc}."
    try:
        delivery = send(cfg, data, data_dir, label=ticket.number, when=ticket.issued_at, timeouts=timeouts)
    except PrintError as exc:
        return False, exc.message
    message = f"Printed a test ticket on {describe(cfg)}"
    pictures = [path for path in delivery.files if path.suffix == ".png"]
    if pictures:
        message += f": {pictures[0]}"
    if delivery.detail:
        message += f" (the printer {delivery.detail})" if delivery.status == "unknown" else f" ({delivery.detail})"
    return True, message
