"""A printer seen as a device file, such as /dev/usb/lp0 (the kernel's usblp driver)."""

from __future__ import annotations

import os
import selectors
import threading
import time

from printers.transports.base import NO_STATUS, SLICE, Delivery, PrintError, Sending, Timeouts, Transport


class FileTransport(Transport):
    type = "file"

    def where(self) -> str:
        return f"{self.cfg.device}"

    def send(self, data: bytes, sending: Sending) -> Delivery:
        assert self.cfg.device is not None
        write_device(self.describe(), self.cfg.device, data, sending.timeouts, sending.abort)
        return Delivery("unknown", NO_STATUS)

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        assert self.cfg.device is not None
        return device_status(self.cfg.device)


def device_status(device: str) -> tuple[str, str | None]:
    """A device that reports nothing about itself: it is there, or it is unplugged."""
    if not os.path.exists(device):
        return "offline", f"{device} does not exist: check the cable and that the printer is on"
    return "unknown", f"the device is present; {NO_STATUS}"


def write_device(name: str, device: str, data: bytes, timeouts: Timeouts, abort: threading.Event | None) -> None:
    """Write to a device without ever blocking past the timeout."""
    try:
        # No O_CREAT: a missing /dev/usb/lp0 means "unplugged", not "make a file".
        fd = os.open(device, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise PrintError("offline", f"Printer {name}: {device} does not exist: "
                         "check that the printer is plugged in and switched on") from None
    except PermissionError:
        raise PrintError("failed", f"Printer {name}: no permission to write to {device}: "
                         "add the server's user to the device's group (often lp)") from None
    except OSError as exc:
        raise PrintError("offline", f"Printer {name}: {device} cannot be opened ({exc.strerror})") from None
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
            if selector is not None and not selector.select(SLICE):
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
