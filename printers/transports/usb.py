"""A USB printer reached through python-escpos (pyusb and Debian's libusb-1.0-0, loaded
only when such a printer is used)."""

from __future__ import annotations

import threading

from printers.messages import say
from printers.transports.base import NO_STATUS, Delivery, PrintError, Sending, Timeouts, Transport


class UsbTransport(Transport):
    type = "usb"

    def where(self) -> str:
        return f"USB {self.cfg.vendor_id or 0:04x}:{self.cfg.product_id or 0:04x}"

    def send(self, data: bytes, sending: Sending) -> Delivery:
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Usb

        name = self.describe()
        if not Usb.is_usable():
            raise PrintError("failed", say("usb_missing", printer=name))
        printer = Usb(self.cfg.vendor_id, self.cfg.product_id, timeout=int(sending.timeouts.write * 1000),
                      profile=self.cfg.profile)
        try:
            printer.open()
            printer._raw(data)
        except DeviceNotFoundError as exc:
            if "denied" in str(exc).lower() or "permission" in str(exc).lower():
                raise PrintError("failed", say("usb_permission", printer=name)) from None
            raise PrintError("offline", say("usb_not_found", printer=name)) from None
        except Exception as exc:  # pyusb raises USBError / NoBackendError; it may not be importable
            if type(exc).__name__ == "NoBackendError":
                raise PrintError("failed", say("usb_libusb", printer=name)) from None
            raise PrintError("offline", say("usb_refused", printer=name, error=exc)) from None
        finally:
            try:
                printer.close()
            except Exception:  # closing a device that vanished must not hide the real error
                pass
        return Delivery("unknown", NO_STATUS)

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        from escpos.printer import Usb

        if not Usb.is_usable():
            return "unknown", say("usb_no_support")
        import usb.core  # type: ignore[import-not-found, unused-ignore]

        try:
            found = usb.core.find(idVendor=self.cfg.vendor_id, idProduct=self.cfg.product_id)
        except Exception as exc:  # NoBackendError when libusb is missing
            return "unknown", say("usb_uninspectable", error=exc)
        if found is None:
            return "offline", say("usb_absent")
        return "unknown", say("usb_connected")
