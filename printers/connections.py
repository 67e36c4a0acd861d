"""Deliver bytes to a configured printer, and ask a printer how it is.

One entry point per question: `send` (raises `PrintError`) and `check_status`
(never raises). The printer's `type` picks its transport from the registry in
`printers/transports/`; optional transports (USB needs pyusb and libusb, serial
needs pyserial) import their library only when such a printer is used, CUPS is
reached through its `lp` and `lpstat` commands, and a missing one is reported in words instead of failing at start.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from printers.messages import say
from printers.transports import transport_for
from printers.transports.base import SILENT, Delivery, PrintError, Sending, Timeouts
from server.core.config import Printer

__all__ = ["SILENT", "Delivery", "PrintError", "Timeouts", "check_status", "describe", "send"]


def describe(cfg: Printer) -> str:
    """"printer-lobi (192.168.1.50:9100)": how messages name a printer."""
    return transport_for(cfg).describe()


def send(cfg: Printer, data: bytes, data_dir: Path, *, label: str = "test", job_id: int | None = None,
         when: datetime | None = None, timeouts: Timeouts | None = None,
         abort: threading.Event | None = None, silent: bool = False) -> Delivery:
    """Deliver `data` to the printer, or raise PrintError with an actionable message.

    `label` (the ticket number), `job_id` and `when` name the virtual printer's files.
    `silent`: a network printer last seen not answering status requests (a Delivery
    or check_status detail of SILENT); we then skip asking it before the ticket.
    """
    sending = Sending(Path(data_dir), label, job_id, when, timeouts or Timeouts(), abort, silent)
    return transport_for(cfg).send(data, sending)


def check_status(cfg: Printer, *, timeouts: Timeouts | None = None,
                 abort: threading.Event | None = None) -> tuple[str, str | None]:
    """("online" | "offline" | "paper_out" | "unknown", detail in words or None). Never raises."""
    try:
        return transport_for(cfg).status(timeouts or Timeouts(), abort)
    except Exception as exc:  # a health check must never take the worker down
        return "unknown", say("status_check_failed", error=exc)
