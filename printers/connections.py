"""Deliver bytes to a configured printer, and ask a printer how it is.

One entry point per question: `send` (raises `PrintError`) and `check_status`
(never raises). The printer's `type` picks the transport; optional transports
(USB needs pyusb and libusb, serial needs pyserial, CUPS needs pycups) are
imported only when such a printer is used, and a missing one is reported in
words instead of failing at start.
"""

from __future__ import annotations

import os
import re
import selectors
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from printers import network
from printers.decode import decode_escpos
from printers.preview import render_preview
from printers.render import PAPERS
from server.core.config import Printer

KINDS = ("offline", "paper_out", "failed")


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

    status: str = "unknown"  # online | paper_out | unknown, as check_status would say
    detail: str | None = None
    files: tuple[Path, ...] = field(default_factory=tuple)  # the virtual printer's printout


def describe(cfg: Printer) -> str:
    """"printer-lobi (192.168.1.50:9100)": how messages name a printer."""
    where = {
        "network": f"{cfg.host}:{cfg.port}",
        "usb": f"USB {cfg.vendor_id or 0:04x}:{cfg.product_id or 0:04x}",
        "serial": f"serial {cfg.device}",
        "file": f"{cfg.device}",
        "cups": f"CUPS queue {cfg.cups_name}",
        "virtual": "virtual",
    }[cfg.type]
    return f"{cfg.id} ({where})"


SILENT = "accepts tickets but does not answer status requests, so its paper cannot be checked"


def send(cfg: Printer, data: bytes, data_dir: Path, *, label: str = "test", job_id: int | None = None,
         when: datetime | None = None, timeouts: Timeouts | None = None,
         abort: threading.Event | None = None, silent: bool = False) -> Delivery:
    """Deliver `data` to the printer, or raise PrintError with an actionable message.

    `label` (the ticket number), `job_id` and `when` name the virtual printer's files.
    `silent`: a network printer last seen not answering status requests (a Delivery
    or check_status detail of SILENT); we then skip asking it before the ticket.
    """
    timeouts = timeouts or Timeouts()
    name = describe(cfg)
    if cfg.type == "network":
        assert cfg.host is not None
        try:
            report = network.print_bytes(cfg.host, cfg.port, data, connect=timeouts.connect,
                                         write=timeouts.write, status=timeouts.status, abort=abort,
                                         silent=silent)
        except network.LinkError as exc:
            raise PrintError(exc.kind, f"Printer {name} {exc.reason}") from None
        if not report.answered:
            return Delivery("unknown", SILENT)
        if report.paper_out:
            return Delivery("paper_out", "out of paper: load a new roll")
        return Delivery("online", "paper is running low" if report.paper_low else None)
    if cfg.type == "virtual":
        return Delivery("online", None, _write_virtual(cfg, data, data_dir, label, job_id, when))
    if cfg.type == "file":
        _write_device(cfg, data, timeouts, abort)
    elif cfg.type == "usb":
        _send_usb(cfg, data, timeouts)
    elif cfg.type == "serial":
        _send_serial(cfg, data, timeouts)
    else:
        _send_cups(cfg, data)
    return Delivery("unknown", "this kind of printer reports no status")


def check_status(cfg: Printer, data_dir: Path, *, timeouts: Timeouts | None = None,
                 abort: threading.Event | None = None) -> tuple[str, str | None]:
    """("online" | "offline" | "paper_out" | "unknown", detail in words or None). Never raises.

    A network printer that accepts a connection but does not answer DLE EOT is
    "unknown": it is reachable, but we cannot tell whether it has paper.
    """
    timeouts = timeouts or Timeouts()
    try:
        if cfg.type == "virtual":
            return "online", None
        if cfg.type == "network":
            assert cfg.host is not None
            report = network.query_paper(cfg.host, cfg.port, connect=timeouts.connect,
                                         status=timeouts.status, abort=abort)
            if not report.answered:
                return "unknown", SILENT
            if report.paper_out:
                return "paper_out", "out of paper: load a new roll"
            return "online", "paper is running low" if report.paper_low else None
        if cfg.type in ("file", "serial"):
            assert cfg.device is not None
            if not os.path.exists(cfg.device):
                return "offline", f"{cfg.device} does not exist: check the cable and that the printer is on"
            return "unknown", "the device is present; this kind of printer reports no status"
        if cfg.type == "usb":
            return _usb_status(cfg)
        return _cups_status(cfg)
    except network.LinkError as exc:
        return ("paper_out" if exc.kind == "paper_out" else "offline"), exc.reason
    except Exception as exc:  # a health check must never take the worker down
        return "unknown", f"status check failed: {exc}"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)[:40] or "ticket"


def _write_virtual(cfg: Printer, data: bytes, data_dir: Path, label: str, job_id: int | None,
                   when: datetime | None) -> tuple[Path, ...]:
    """The .bin as sent, a .txt a person can read and a .png of the paper."""
    when = when or datetime.now().astimezone()
    folder = Path(data_dir) / "printouts" / f"{when:%Y-%m-%d}"
    stem = folder / f"{when:%H%M%S}-{_safe(label)}-{job_id if job_id is not None else 'test'}"
    paper = PAPERS[cfg.width_mm]
    decoded = decode_escpos(data)
    files = (stem.with_suffix(".bin"), stem.with_suffix(".txt"), stem.with_suffix(".png"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files[0].write_bytes(data)
        files[1].write_text(decoded.text(paper.columns), encoding="utf-8")
        render_preview(decoded, paper.dots).save(files[2], optimize=True)
    except OSError as exc:
        raise PrintError("failed", f"Printer {describe(cfg)} cannot write its printout to {folder}: "
                         f"{exc.strerror or exc}; check the data folder's permissions and free space") from None
    return files


def _write_device(cfg: Printer, data: bytes, timeouts: Timeouts, abort: threading.Event | None) -> None:
    """Write to a device such as /dev/usb/lp0 without ever blocking past the timeout."""
    assert cfg.device is not None
    name = describe(cfg)
    try:
        # No O_CREAT: a missing /dev/usb/lp0 means "unplugged", not "make a file".
        fd = os.open(cfg.device, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise PrintError("offline", f"Printer {name}: {cfg.device} does not exist: "
                         "check that the printer is plugged in and switched on") from None
    except PermissionError:
        raise PrintError("failed", f"Printer {name}: no permission to write to {cfg.device}: "
                         "add the server's user to the device's group (often lp)") from None
    except OSError as exc:
        raise PrintError("offline", f"Printer {name}: {cfg.device} cannot be opened ({exc.strerror})") from None
    view = memoryview(data)
    selector: selectors.BaseSelector | None = selectors.DefaultSelector()
    try:
        selector.register(fd, selectors.EVENT_WRITE)  # type: ignore[union-attr]
    except (OSError, ValueError):
        selector = None  # a regular file cannot be polled, and is always writable
    try:
        last_progress = time.monotonic()
        while view:
            if abort is not None and abort.is_set():
                raise PrintError("offline", f"Printer {name}: printing was interrupted (server stopping)")
            if time.monotonic() - last_progress > timeouts.write:
                raise PrintError("offline", f"Printer {name} took no data for {timeouts.write:g} s: "
                                 "check that it is switched on and has paper")
            if selector is not None and not selector.select(network.SLICE):
                continue
            try:
                view = view[os.write(fd, view):]
                last_progress = time.monotonic()
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrintError("offline", f"Printer {name} stopped taking data ({exc.strerror}): "
                                 "check its cable and that it is switched on") from None
    finally:
        if selector is not None:
            selector.close()
        os.close(fd)


def _send_usb(cfg: Printer, data: bytes, timeouts: Timeouts) -> None:
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Usb

    name = describe(cfg)
    if not Usb.is_usable():
        raise PrintError("failed", f"Printer {name}: USB support is not installed: "
                         "install pyusb (pip install pyusb) and Debian's libusb-1.0-0")
    printer = Usb(cfg.vendor_id, cfg.product_id, timeout=int(timeouts.write * 1000), profile=cfg.profile)
    try:
        printer.open()
        printer._raw(data)
    except DeviceNotFoundError as exc:
        if "denied" in str(exc).lower() or "permission" in str(exc).lower():
            raise PrintError("failed", f"Printer {name}: no permission to use the USB device: "
                             "add a udev rule giving the server's user access to it") from None
        raise PrintError("offline", f"Printer {name} was not found on USB: "
                         "check its cable and that it is switched on") from None
    except Exception as exc:  # pyusb raises USBError / NoBackendError; it may not be importable
        if type(exc).__name__ == "NoBackendError":
            raise PrintError("failed", f"Printer {name}: libusb is missing: apt-get install libusb-1.0-0") from None
        raise PrintError("offline", f"Printer {name} did not take the ticket ({exc}): "
                         "check its cable, paper and that it is switched on") from None
    finally:
        try:
            printer.close()
        except Exception:  # closing a device that vanished must not hide the real error
            pass


def _send_serial(cfg: Printer, data: bytes, timeouts: Timeouts) -> None:
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Serial

    name = describe(cfg)
    if not Serial.is_usable():
        raise PrintError("failed", f"Printer {name}: serial support is not installed: pip install pyserial")
    printer = Serial(devfile=cfg.device, baudrate=cfg.baudrate, timeout=timeouts.status, profile=cfg.profile)
    try:
        printer.open()
    except DeviceNotFoundError:
        raise PrintError("offline", f"Printer {name}: the serial port cannot be opened: "
                         "check the cable and the device name in config.yaml") from None
    port: Any = printer.device
    try:
        port.write_timeout = timeouts.write  # escpos sets none: a stopped printer would block forever
        port.write(data)
    except Exception as exc:  # serial.SerialTimeoutException, SerialException
        port.reset_output_buffer()  # so closing does not wait to drain what the printer refused
        raise PrintError("offline", f"Printer {name} did not take the ticket ({exc}): "
                         "check that it is switched on and has paper") from None
    finally:
        port.close()


def _send_cups(cfg: Printer, data: bytes) -> None:
    cups = _import_cups()
    name = describe(cfg)
    if cups is None:
        raise PrintError("failed", f"Printer {name}: CUPS support not installed: install pycups "
                         "(it needs Debian's libcups2-dev to build) or use a network or usb printer")
    try:
        connection = cups.Connection()
        if cfg.cups_name not in connection.getPrinters():
            raise PrintError("failed", f"Printer {name}: CUPS has no printer named {cfg.cups_name!r}: "
                             "check cups_name against `lpstat -p`")
        with tempfile.NamedTemporaryFile(suffix=".bin") as spool:
            spool.write(data)
            spool.flush()
            connection.printFile(cfg.cups_name, spool.name, "antrean ticket",
                                 {"document-format": cups.CUPS_FORMAT_RAW})
    except PrintError:
        raise
    except Exception as exc:  # cups.IPPError, RuntimeError when CUPS is not running
        raise PrintError("offline", f"Printer {name}: CUPS did not take the ticket ({exc}): "
                         "check that CUPS is running and the queue is enabled") from None


def _import_cups() -> Any:
    try:
        import cups  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return cups


def _usb_status(cfg: Printer) -> tuple[str, str | None]:
    from escpos.printer import Usb

    if not Usb.is_usable():
        return "unknown", "USB support is not installed (pyusb)"
    import usb.core  # type: ignore[import-not-found, unused-ignore]

    try:
        found = usb.core.find(idVendor=cfg.vendor_id, idProduct=cfg.product_id)
    except Exception as exc:  # NoBackendError when libusb is missing
        return "unknown", f"USB cannot be inspected ({exc})"
    if found is None:
        return "offline", "not found on USB: check its cable and that it is switched on"
    return "unknown", "connected; this kind of printer reports no status"


def _cups_status(cfg: Printer) -> tuple[str, str | None]:
    cups = _import_cups()
    if cups is None:
        return "unknown", "CUPS support not installed"
    found = cups.Connection().getPrinters().get(cfg.cups_name)
    if found is None:
        return "offline", f"CUPS has no printer named {cfg.cups_name!r}"
    state = found.get("printer-state")
    if state == 5:  # IPP "stopped"
        return "offline", found.get("printer-state-message") or "the CUPS queue is stopped"
    return "online", None
