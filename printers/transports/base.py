"""What every transport shares: the error a send raises, the waits, what a delivery says,
and the shape of a transport class."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from printers.messages import say
from server.core.config import PRINTER_TYPES, Printer

KINDS = ("offline", "paper_out", "failed")
NO_STATUS = say("no_status")
SILENT = say("silent")
PAPER_OUT = say("paper_out")
PAPER_LOW = say("paper_low")
SLICE = 0.1  # how often a wait looks at the abort event


class PrintError(Exception):
    """A ticket that did not print. `kind`: "offline" and "paper_out" are worth retrying;
    "failed" will not print until someone changes something."""

    def __init__(self, kind: str, message: str) -> None:
        assert kind in KINDS, kind
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait: to connect, for a stalled write (and its confirmation), for a status answer."""

    connect: float = 3.0
    write: float = 3.0
    status: float = 0.5


@dataclass(frozen=True)
class Delivery:
    """A ticket the printer took, and what it said about itself meanwhile."""

    status: str = "unknown"  # online | paper_out | unknown, as a status check would say
    detail: str | None = None
    files: tuple[Path, ...] = field(default_factory=tuple)  # the virtual printer's printout


@dataclass(frozen=True)
class Sending:
    """Everything a send may need besides the bytes.

    `label` (the ticket number), `job_id` and `when` name the virtual printer's files;
    `silent`: a network printer last seen not answering status requests, not asked
    before the ticket.
    """

    data_dir: Path
    label: str = "test"
    job_id: int | None = None
    when: datetime | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    abort: threading.Event | None = None
    silent: bool = False


class Transport(ABC):
    """One way to reach a printer. A subclass names its `type` (a key of the configuration's
    PRINTER_TYPES, which says which keys it needs) and says where the printer is, delivers
    bytes and answers how the printer is."""

    type: ClassVar[str]

    def __init__(self, cfg: Printer) -> None:
        assert cfg.type == self.type, (cfg.type, self.type)
        self.cfg = cfg

    @classmethod
    def needs(cls) -> tuple[str, ...]:
        """The configuration keys this transport needs, as the configuration's table says."""
        return PRINTER_TYPES[cls.type].needs

    @abstractmethod
    def where(self) -> str:
        """"192.168.1.50:9100", "serial /dev/ttyUSB0": where the printer is, in words."""

    def describe(self) -> str:
        """"printer-lobi (192.168.1.50:9100)": how messages name a printer."""
        return f"{self.cfg.id} ({self.where()})"

    @abstractmethod
    def send(self, data: bytes, sending: Sending) -> Delivery:
        """Deliver `data`, or raise PrintError with a message that says what to do."""

    @abstractmethod
    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        """("online" | "offline" | "paper_out" | "unknown", detail in words or None); may raise."""
