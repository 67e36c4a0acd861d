"""A printer seen as a device file, such as /dev/usb/lp0 (the kernel's usblp driver)."""

from __future__ import annotations

import os
import selectors
import threading
import time

from printers.messages import say
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
        return "offline", say("device_absent", device=device)
    return "unknown", say("device_present")


def write_device(name: str, device: str, data: bytes, timeouts: Timeouts, abort: threading.Event | None) -> None:
    """Write to a device without ever blocking past the timeout."""
    try:
        # No O_CREAT: a missing /dev/usb/lp0 means "unplugged", not "make a file".
        fd = os.open(device, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise PrintError("offline", say("device_missing", printer=name, device=device)) from None
    except PermissionError:
        raise PrintError("failed", say("device_permission", printer=name, device=device)) from None
    except OSError as exc:
        raise PrintError("offline", say("device_unopened", printer=name, device=device, error=exc.strerror)) from None
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
                raise PrintError("offline", say("device_interrupted", printer=name))
            if time.monotonic() - last_progress > timeouts.write:
                raise PrintError("offline", say("device_no_data", printer=name, seconds=f"{timeouts.write:g}"))
            if selector is not None and not selector.select(SLICE):
                continue
            try:
                view = view[os.write(fd, view):]
                last_progress = time.monotonic()
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrintError("offline", say("device_stopped", printer=name, error=exc.strerror)) from None
    finally:
        if selector is not None:
            selector.close()
        os.close(fd)
