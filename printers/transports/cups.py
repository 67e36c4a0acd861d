"""A printer behind a CUPS queue, sent raw (pycups, loaded only when such a printer is used)."""

from __future__ import annotations

import tempfile
import threading
from typing import Any

from printers.transports.base import NO_STATUS, Delivery, PrintError, Sending, Timeouts, Transport


class CupsTransport(Transport):
    type = "cups"

    def where(self) -> str:
        return f"CUPS queue {self.cfg.cups_name}"

    def send(self, data: bytes, sending: Sending) -> Delivery:
        cups = _import_cups()
        name, queue = self.describe(), self.cfg.cups_name
        if cups is None:
            raise PrintError("failed", f"Printer {name}: CUPS support not installed: install pycups "
                             "(it needs Debian's libcups2-dev to build) or use a network or usb printer")
        try:
            connection = cups.Connection()
            if queue not in connection.getPrinters():
                raise PrintError("failed", f"Printer {name}: CUPS has no printer named {queue!r}: "
                                 "check cups_name against `lpstat -p`")
            with tempfile.NamedTemporaryFile(suffix=".bin") as spool:
                spool.write(data)
                spool.flush()
                connection.printFile(queue, spool.name, "antrean ticket", {"document-format": cups.CUPS_FORMAT_RAW})
        except PrintError:
            raise
        except Exception as exc:  # cups.IPPError, RuntimeError when CUPS is not running
            raise PrintError("offline", f"Printer {name}: CUPS did not take the ticket ({exc}): "
                             "check that CUPS is running and the queue is enabled") from None
        return Delivery("unknown", NO_STATUS)

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        cups = _import_cups()
        if cups is None:
            return "unknown", "CUPS support not installed"
        found = cups.Connection().getPrinters().get(self.cfg.cups_name)
        if found is None:
            return "offline", f"CUPS has no printer named {self.cfg.cups_name!r}"
        if found.get("printer-state") == 5:  # IPP "stopped"
            return "offline", found.get("printer-state-message") or "the CUPS queue is stopped"
        return "online", None


def _import_cups() -> Any:
    try:
        import cups  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return cups
