"""What a printed ticket says: the data the core hands to the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.core.vocabulary import PRIORITIES, Priority, WaitEstimate

LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class PrintedStep:
    """One service of a visit of several steps, as the ticket lists it."""

    service_name: str
    agency_name: str  # short: "Dukcapil"
    done: bool = False  # a reprint halfway through the visit marks what is behind the visitor


@dataclass(frozen=True)
class TicketPrint:
    """Everything printed on one ticket, already in the visitor's language.

    `issued_at` must carry its timezone (the site's): the ticket shows that
    wall-clock time, whatever the server's own timezone is.
    """

    site_name: str
    logo_path: str | None
    agency_name: str
    service_name: str
    number: str
    issued_at: datetime
    ahead: int
    wait: WaitEstimate | None  # None: no wait line (the ticket is not waiting)
    priority: Priority | None
    counter_names: list[str]
    status_url: str
    footer: str
    lang: str
    # Where to go, in the ticket's language ("Loket 1–4, Lantai 1"): printed instead of the
    # bare counter names when the server knows it (the ticket JSON's place / place_en).
    place: str | None = None
    # A visit of several steps: every service in order (the number is the first's). Empty for
    # a ticket of one service, which prints as before.
    steps: tuple[PrintedStep, ...] = ()

    def __post_init__(self) -> None:
        # Fail when the ticket is built, not halfway through printing it.
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (the site's timezone)")
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {self.lang!r}")
        if self.priority is not None and self.priority not in PRIORITIES:
            raise ValueError(f"priority must be None or one of {', '.join(PRIORITIES)}, got {self.priority!r}")
        if not self.number:
            raise ValueError("number must not be empty")
