"""A serial printer reached through python-escpos (pyserial, loaded only when such a
printer is used), with a write timeout escpos does not set."""

from __future__ import annotations

import threading
from typing import Any

from printers.messages import say
from printers.transports.base import NO_STATUS, Delivery, PrintError, Sending, Timeouts, Transport
from printers.transports.file import device_status


class SerialTransport(Transport):
    type = "serial"

    def where(self) -> str:
        return f"serial {self.cfg.device}"

    def send(self, data: bytes, sending: Sending) -> Delivery:
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Serial

        name = self.describe()
        if not Serial.is_usable():
            raise PrintError("failed", say("serial_missing", printer=name))
        printer = Serial(devfile=self.cfg.device, baudrate=self.cfg.baudrate, timeout=sending.timeouts.status,
                         profile=self.cfg.profile)
        try:
            printer.open()
        except DeviceNotFoundError:
            raise PrintError("offline", say("serial_unopened", printer=name)) from None
        port: Any = printer.device
        try:
            port.write_timeout = sending.timeouts.write  # escpos sets none: a stopped printer would block forever
            port.write(data)
        except Exception as exc:  # serial.SerialTimeoutException, SerialException
            port.reset_output_buffer()  # so closing does not wait to drain what the printer refused
            raise PrintError("offline", say("serial_refused", printer=name, error=exc)) from None
        finally:
            port.close()
        return Delivery("unknown", NO_STATUS)

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        assert self.cfg.device is not None
        return device_status(self.cfg.device)
