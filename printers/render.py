"""Render a ticket as ESC/POS bytes with python-escpos's `Dummy` printer.

The ticket is text in the printer's own fonts plus a native QR code: a few
hundred bytes that print in a blink, instead of a bitmap of the whole ticket.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import qrcode
from escpos.capabilities import CAPABILITIES
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from printers import textfit, wording
from printers.ticket import TicketPrint

log = logging.getLogger(__name__)

CODE_PAGE = "CP437"  # table 0 on practically every ESC/POS printer
CP437_SYMBOLS = frozenset("±")  # the only non-ASCII character our own wording uses


@dataclass(frozen=True)
class Paper:
    """The printable line of a paper roll: font A characters and dots (203 dpi)."""

    columns: int
    dots: int


PAPERS = {80: Paper(columns=48, dots=576), 58: Paper(columns=32, dots=384)}
LOGO_MAX_HEIGHT = 160  # dots (20 mm): a logo, not a poster
MAX_TEXT_SIZE = 8  # GS ! allows 1..8 times the font's width and height


def known_profiles() -> list[str]:
    """Names accepted as a printer's `profile` (python-escpos capability profiles)."""
    return sorted(CAPABILITIES["profiles"])


def paper_for(width_mm: int, profile: Any) -> Paper:
    """The paper's line, narrowed to what the printer model can print if it is known."""
    if width_mm not in PAPERS:
        raise ValueError(f"width_mm must be one of {', '.join(map(str, PAPERS))}, got {width_mm!r}")
    paper = PAPERS[width_mm]
    pixels = profile.profile_data.get("media", {}).get("width", {}).get("pixels")
    if isinstance(pixels, int):
        columns = profile.profile_data.get("fonts", {}).get("0", {}).get("columns", paper.columns)
        paper = Paper(columns=min(paper.columns, int(columns)), dots=min(paper.dots, pixels))
    return paper


def number_size(number: str, columns: int) -> int:
    """The largest GS ! multiplier at which `number` still fits on one line."""
    return max(1, min(MAX_TEXT_SIZE, columns // max(1, len(number))))


def _printer(profile_name: str | None) -> Dummy:
    name = profile_name or "default"
    if name not in CAPABILITIES["profiles"]:
        raise ValueError(
            f"Unknown printer profile {name!r}; use one of python-escpos's profiles "
            f"such as TM-T20II, TM-T88V, POS-5890 or default"
        )
    return Dummy(profile=name)


class _Writer:
    """Emits text lines with only the style changes that are needed."""

    def __init__(self, printer: Dummy, paper: Paper, keep: frozenset[str]) -> None:
        self.p = printer
        self.paper = paper
        self.keep = keep
        self.size = 1
        self.height = 1
        self.bold = False

    def style(self, *, bold: bool = False, size: int = 1, height: int | None = None) -> None:
        height = height or size
        if (size, height) != (self.size, self.height):
            # GS ! (custom_size) rather than ESC !: ESC ! would also reset bold.
            self.p.set(custom_size=True, width=size, height=height)
            self.size, self.height = size, height
        if bold != self.bold:
            self.p.set(bold=bold)
            self.bold = bold

    def lines(self, text: str | None, *, bold: bool = False, size: int = 1, height: int | None = None) -> None:
        if text is None or not text.strip():
            return
        self.style(bold=bold, size=size, height=height)
        for line in textfit.fit(text, self.paper.columns // size, self.keep):
            self.p.text(line + "\n")

    def blank(self) -> None:
        self.style()
        self.p.text("\n")


def _logo(path: str, paper: Paper) -> Image.Image | None:
    """The logo scaled to fit, or None (a ticket without its logo beats no ticket)."""
    try:
        with Image.open(path) as source:
            image = source.copy()
    except (OSError, ValueError) as exc:
        log.warning("Ticket logo %s cannot be read (%s); printing without it", path, exc)
        return None
    image.thumbnail((paper.dots * 2 // 3, LOGO_MAX_HEIGHT))
    return image


def qr_module_size(url: str, paper: Paper) -> int:
    """Dots per QR module so the code takes about half the paper's width."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return max(3, min(8, (paper.dots // 2) // int(code.modules_count)))


def render_ticket(ticket: TicketPrint, width_mm: int = 80, profile: str | None = None) -> bytes:
    """The ESC/POS bytes of one ticket for a `width_mm` paper roll and printer `profile`."""
    p = _printer(profile)
    paper = paper_for(width_mm, p.profile)
    # Tell escpos the paper width: it then centres the logo, and it stops print()ing
    # "media.width.pixel field ... not set" to stdout for the default profile.
    data = dict(p.profile.profile_data)
    data["media"] = {**data.get("media", {}), "width": {"mm": width_mm, "pixels": paper.dots}}
    p.profile.profile_data = data

    p.hw("INIT")  # ESC @: whatever the last job left set (size, bold, ...) is cleared
    has_cp437 = CODE_PAGE in p.profile.get_code_pages()
    if has_cp437:
        p.magic.force_encoding(CODE_PAGE)  # ESC t 0, and no code page switching after it
    keep = CP437_SYMBOLS if has_cp437 else frozenset()
    out = _Writer(p, paper, keep)
    lang = ticket.lang

    p.set(align="center")
    out.lines(ticket.site_name, bold=True)
    if ticket.logo_path:
        image = _logo(ticket.logo_path, paper)
        if image is not None:
            p.image(image, center=True)
    out.lines(ticket.agency_name)
    out.lines(ticket.service_name, bold=True, size=1, height=2)
    out.blank()
    out.lines(wording.label(lang, "number"))
    size = number_size(ticket.number, paper.columns)
    out.lines(ticket.number, bold=True, size=size)
    out.lines(wording.issued_line(ticket.issued_at, lang))
    out.blank()
    out.lines(wording.label(lang, "ahead", n=ticket.ahead))
    out.lines(wording.wait_line(ticket.wait, lang, "±" if has_cp437 else "+/-"))
    out.lines(wording.priority_line(ticket.priority, lang), bold=True)
    if ticket.place:
        out.lines(wording.label(lang, "place", place=ticket.place), bold=True)
    else:
        out.lines(wording.counters_line(ticket.counter_names, lang))
    if len(ticket.steps) > 1:  # a visit through several agencies: where the visitor goes, in order
        out.blank()
        out.lines(wording.label(lang, "steps", n=len(ticket.steps)), bold=True)
        p.set(align="left")
        for position, step in enumerate(ticket.steps, start=1):
            out.lines(wording.step_line(position, step.service_name, step.agency_name, step.done, lang))
        p.set(align="center")
    out.blank()
    if ticket.status_url:
        module = qr_module_size(ticket.status_url, paper)
        if p.profile.supports("qrCode"):
            p.qr(ticket.status_url, native=True, size=module, ec=QR_ECLEVEL_M)
        else:  # printers without GS ( k get the same code as a raster image
            p.qr(ticket.status_url, native=False, size=module, ec=QR_ECLEVEL_M, center=True)
        out.lines(wording.label(lang, "scan"))
        out.blank()
    out.lines(ticket.footer)
    out.style()
    p.cut()  # feeds past the cutter first; a printer without one just feeds
    return bytes(p.output)
