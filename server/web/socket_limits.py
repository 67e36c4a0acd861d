"""What one client address may hold of this process's Socket.IO: connections, and packets
it cannot read. (The rooms one connection may follow are checked where it subscribes, in
realtime.py.)"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask_socketio import SocketIO
from socketio import packet as socketio_packet

from server.web.hall import Hall

log = logging.getLogger(__name__)

EVENTS = (socketio_packet.EVENT, socketio_packet.BINARY_EVENT)


class SocketLimit:
    """At most `server.sockets_per_address` open connections per client address, in this process.

    Counted at the Engine.IO handshake, before any Socket.IO packet, so a client that opens
    connections and never says who it is counts too; the one over the limit is refused with
    HTTP 401 and the reason, and costs no more than its handshake. Each process counts its
    own: what the limit protects, the process's open files, is its own too. The default is
    high because a hall's guest Wi-Fi puts every visitor's phone behind one NAT address.

    It also drops packets that cannot be read (JSON nested thousands deep, not JSON at all)
    before Socket.IO does: Socket.IO would log a traceback for each, a flood of them a log
    full of tracebacks. A line a minute per address says it instead.
    """

    def __init__(self, hall: Hall, socketio: SocketIO) -> None:
        self.hall = hall
        self.open: dict[str, int] = {}
        self.address_of: dict[str, str] = {}
        self.warned: dict[str, float] = {}
        eio = socketio.server.eio
        self._connected, self._disconnected = eio.handlers["connect"], eio.handlers["disconnect"]
        self._message, self._packet = eio.handlers["message"], socketio.server.packet_class
        eio.on("connect", self.connect)
        eio.on("disconnect", self.disconnect)
        eio.on("message", self.message)

    def _warn(self, address: str, text: str) -> None:
        if time.monotonic() - self.warned.get(address, -60.0) >= 60:  # a flood logs a line a minute
            self.warned[address] = time.monotonic()
            log.warning(text, address)

    def connect(self, eio_sid: str, environ: dict[str, Any]) -> Any:
        address = environ.get("REMOTE_ADDR") or "?"
        most = self.hall.site.config.server.sockets_per_address
        if self.open.get(address, 0) >= most:
            self._warn(address, f"refusing Socket.IO connections from %s: {most} already open")
            return {"error": {"code": "too_many_connections", "message":
                              f"This address already has {most} live connections open; close some and try again."}}
        self.open[address] = self.open.get(address, 0) + 1
        self.address_of[eio_sid] = address
        return self._connected(eio_sid, environ)

    def message(self, eio_sid: str, data: Any) -> Any:
        if isinstance(data, str):  # a text packet (binary ones are the attachments of one read before)
            try:
                packet = self._packet(encoded_packet=data)
                readable = packet.packet_type not in EVENTS or (
                    isinstance(packet.data, list) and bool(packet.data) and isinstance(packet.data[0], str))
            except (ValueError, TypeError, RecursionError):
                readable = False
            if not readable:  # an event is a list that starts with its name; anything else Socket.IO trips on
                self._warn(self.address_of.get(eio_sid, "?"), "dropped Socket.IO packets from %s that cannot be read")
                return None
        return self._message(eio_sid, data)

    def disconnect(self, eio_sid: str, *reason: Any) -> Any:
        address = self.address_of.pop(eio_sid, None)
        if address is not None:
            left = self.open[address] - 1
            if left:
                self.open[address] = left
            else:
                del self.open[address]
        return self._disconnected(eio_sid, *reason)
