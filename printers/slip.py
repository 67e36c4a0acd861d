"""A booking slip: what a kiosk prints when a visitor books a later slot there.

It is no queue number and must not pass for one: no "NOMOR ANTREAN", the code in large type
with its QR code (the booking page's address, which the kiosk's scanner reads at check-in),
the service, the day and time, and the window in which to check in. Same printer set-up as a
ticket (`printers/render.py`): text in the printer's fonts and a native QR code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from escpos.constants import QR_ECLEVEL_M

from printers import wording
from printers.render import CODE_PAGE, CP437_SYMBOLS, _printer, _Writer, number_size, paper_for, qr_module_size
from printers.ticket import LANGUAGES

# The slip's words, Bahasa Indonesia and English (the ticket's are in printers/wording.py).
SLIP_WORDS = {
    "id": {
        "title": "SLIP PESANAN",
        "code": "Kode pesanan",
        "when": "Jadwal: {day}, {start}-{end}",
        "window": "Check-in di kios: {start}-{end}",
        "not_ticket": "Ini bukan nomor antrean.",
        "how": "Pindai QR ini di kios saat tiba untuk mendapat nomor antrean.",
    },
    "en": {
        "title": "BOOKING SLIP",
        "code": "Booking code",
        "when": "Time: {day}, {start}-{end}",
        "window": "Check in at a kiosk: {start}-{end}",
        "not_ticket": "This is not a queue number.",
        "how": "Scan this QR code at a kiosk when you arrive to get your queue number.",
    },
}


@dataclass(frozen=True)
class BookingSlip:
    """Everything printed on a booking slip, already in the visitor's language; times carry
    the site's timezone (the slip shows that wall clock)."""

    site_name: str
    agency_name: str
    service_name: str
    code: str
    start: datetime
    end: datetime
    check_in_from: datetime
    check_in_until: datetime
    url: str  # the booking page's address: the QR code
    footer: str
    lang: str

    def __post_init__(self) -> None:
        for moment in (self.start, self.end, self.check_in_from, self.check_in_until):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("a slip's times must be timezone-aware (the site's timezone)")
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {self.lang!r}")
        if not self.code:
            raise ValueError("code must not be empty")


def day_text(moment: datetime, lang: str) -> str:
    """"Rabu, 3 Desember 2026" in the slip's language."""
    month = wording.MONTHS[lang][moment.month - 1]
    return f"{wording.DAYS[lang][moment.weekday()]}, {moment.day} {month} {moment.year}"


def render_slip(slip: BookingSlip, width_mm: int = 80, profile: str | None = None) -> bytes:
    """The ESC/POS bytes of one booking slip for a `width_mm` roll and printer `profile`."""
    p = _printer(profile)
    paper = paper_for(width_mm, p.profile)
    data = dict(p.profile.profile_data)
    data["media"] = {**data.get("media", {}), "width": {"mm": width_mm, "pixels": paper.dots}}
    p.profile.profile_data = data
    p.hw("INIT")
    has_cp437 = CODE_PAGE in p.profile.get_code_pages()
    if has_cp437:
        p.magic.force_encoding(CODE_PAGE)
    out = _Writer(p, paper, CP437_SYMBOLS if has_cp437 else frozenset())
    words = SLIP_WORDS[slip.lang]

    p.set(align="center")
    out.lines(slip.site_name, bold=True)
    out.lines(words["title"], bold=True, size=1, height=2)
    out.lines(slip.agency_name)
    out.lines(slip.service_name, bold=True, size=1, height=2)
    out.blank()
    out.lines(words["code"])
    out.lines(slip.code, bold=True, size=min(4, number_size(slip.code, paper.columns)))
    out.blank()
    out.lines(words["when"].format(day=day_text(slip.start, slip.lang), start=f"{slip.start:%H:%M}",
                                   end=f"{slip.end:%H:%M}"), bold=True)
    out.lines(words["window"].format(start=f"{slip.check_in_from:%H:%M}", end=f"{slip.check_in_until:%H:%M}"))
    out.blank()
    module = qr_module_size(slip.url, paper)
    if p.profile.supports("qrCode"):
        p.qr(slip.url, native=True, size=module, ec=QR_ECLEVEL_M)
    else:
        p.qr(slip.url, native=False, size=module, ec=QR_ECLEVEL_M, center=True)
    out.lines(words["how"])
    out.lines(words["not_ticket"], bold=True)
    out.blank()
    out.lines(slip.footer)
    out.style()
    p.cut()
    return bytes(p.output)
