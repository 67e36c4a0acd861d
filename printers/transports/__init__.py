"""One small class per way of reaching a printer, in one registry keyed by printer type.

The types and the configuration keys each needs are the configuration's table
(`server.core.config.PRINTER_TYPES`); a transport declares its type and is looked up by
it here. Importing this registry checks that the two name the same types, so a type
cannot be added to one and forgotten in the other.
"""

from __future__ import annotations

from printers.transports.base import Transport
from printers.transports.cups import CupsTransport
from printers.transports.file import FileTransport
from printers.transports.network import NetworkTransport
from printers.transports.serial import SerialTransport
from printers.transports.usb import UsbTransport
from printers.transports.virtual import VirtualTransport
from server.core.config import PRINTER_TYPES, Printer

TRANSPORTS: dict[str, type[Transport]] = {
    transport.type: transport
    for transport in (NetworkTransport, UsbTransport, SerialTransport, FileTransport, CupsTransport, VirtualTransport)
}
if set(TRANSPORTS) != set(PRINTER_TYPES):  # a programming error, caught at the first import
    raise RuntimeError(f"printer types without a transport or without a config entry: "
                       f"{sorted(set(TRANSPORTS) ^ set(PRINTER_TYPES))}")


def transport_for(cfg: Printer) -> Transport:
    """The transport of a configured printer (its type was checked when the configuration was read)."""
    return TRANSPORTS[cfg.type](cfg)
