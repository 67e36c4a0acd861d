"""A network printer: raw TCP (port 9100) with short, bounded waits at every step.

We talk to the socket ourselves rather than through `escpos.printer.Network`:
that one waits 60 s by default and its status calls raise a bare TimeoutError.
Every wait here is bounded and checks an `abort` event every 0.1 s, so
stopping the server never waits on a printer.

How we know the printer took a ticket. Sending bytes into a socket only hands
them to our own kernel, so a printer that accepted the connection but is stuck
would look like success. We therefore ask the printer's paper sensor
(DLE EOT 4) before and after the ticket: the answer after it comes only once
the printer has read everything we sent. A printer that never answers status
requests (some cheap interfaces do not) gets the ticket, then our FIN, and we
wait briefly for its FIN back (it read to the end) or a reset (it did not);
silence counts as taken.
"""

from __future__ import annotations

import errno
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass

from printers.transports import base
from printers.transports.base import Delivery, PrintError, Sending, Timeouts, Transport

PAPER_STATUS = b"\x10\x04\x04"  # DLE EOT 4: transmit the paper roll sensor status
PAPER_END = 0x60  # bits 5 and 6: paper end detected
PAPER_NEAR_END = 0x0C  # bits 2 and 3: paper near its end


class LinkError(Exception):
    """The printer could not take the data; `kind` is "offline" or "paper_out"."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class PaperReport:
    """What the printer said about its paper; `answered` False for a silent printer."""

    answered: bool
    paper_out: bool = False
    paper_low: bool = False


def _is_status_byte(value: int) -> bool:
    # A DLE EOT answer is 0xx1xx10; Automatic Status Back packets (which a printer
    # may send on its own) start 0xx1xx00, so they are not mistaken for one.
    return value & 0x93 == 0x12


class Link:
    """One TCP connection to a printer; every wait is bounded by a timeout and `abort`."""

    def __init__(self, host: str, port: int, abort: threading.Event | None = None) -> None:
        self.host, self.port, self.abort = host, port, abort
        self.sock: socket.socket | None = None
        self.selector = selectors.DefaultSelector()

    def _wait(self, events: int, seconds: float) -> bool:
        """Until the socket is ready for `events` (True) or `seconds` pass (False)."""
        assert self.sock is not None
        deadline = time.monotonic() + seconds
        self.selector.register(self.sock, events)
        try:
            while True:
                if self.abort is not None and self.abort.is_set():
                    raise LinkError("offline", "printing was interrupted because the server is stopping")
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if self.selector.select(min(left, base.SLICE)):
                    return True
        finally:
            self.selector.unregister(self.sock)

    def connect(self, seconds: float) -> None:
        try:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise LinkError("offline", f"the address {self.host!r} cannot be resolved: "
                            "check the printer's host in config.yaml") from None
        family, kind, proto, _, address = infos[0]
        self.sock = socket.socket(family, kind, proto)
        self.sock.setblocking(False)
        code = self.sock.connect_ex(address)
        if code in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
            if not self._wait(selectors.EVENT_WRITE, seconds):
                raise LinkError("offline", f"did not answer within {seconds:g} s: "
                                "check that it is switched on and connected to the network")
            code = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code == errno.ECONNREFUSED:
            raise LinkError("offline", "refused the connection: check that it is switched on, "
                            f"that nothing else is printing to it, and that its port is {self.port}")
        if code in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
            raise LinkError("offline", "cannot be reached from this server: check the network "
                            "cable and that its address in config.yaml is right")
        if code:
            raise LinkError("offline", f"could not be connected to ({errno.errorcode.get(code, code)}): "
                            "check that it is switched on and connected to the network")

    def send(self, data: bytes, stall_seconds: float) -> None:
        """Write all of `data`; fails when the printer takes nothing for `stall_seconds`."""
        assert self.sock is not None
        view = memoryview(data)
        while view:
            if not self._wait(selectors.EVENT_WRITE, stall_seconds):
                raise LinkError("offline", f"accepted the connection but took no data for {stall_seconds:g} s: "
                                "it may be jammed, busy or out of paper; check it")
            try:
                view = view[self.sock.send(view):]
            except BlockingIOError:
                continue
            except OSError:
                raise LinkError("offline", "closed the connection while receiving the ticket: "
                                "check the printer, then the ticket prints again by itself") from None

    def paper(self, seconds: float) -> PaperReport:
        """Ask DLE EOT 4 and wait up to `seconds` for the answer."""
        self.send(PAPER_STATUS, seconds)
        assert self.sock is not None
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self._wait(selectors.EVENT_READ, left):
                return PaperReport(answered=False)
            try:
                chunk = self.sock.recv(64)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                raise LinkError("offline", "closed the connection without answering: "
                                "check the printer, then the ticket prints again by itself")
            answers = [value for value in chunk if _is_status_byte(value)]
            if answers:
                value = answers[-1]
                return PaperReport(True, paper_out=bool(value & PAPER_END), paper_low=bool(value & PAPER_NEAR_END))

    def finish(self, seconds: float) -> None:
        """Half-close and wait for the printer's FIN (read it all) or a reset (it did not)."""
        assert self.sock is not None
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            raise LinkError("offline", "closed the connection while receiving the ticket") from None
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self._wait(selectors.EVENT_READ, left):
                return  # still open and quiet: a silent printer that took the data
            try:
                if not self.sock.recv(64):
                    return  # FIN: it read everything we sent
            except BlockingIOError:
                continue
            except OSError:
                raise LinkError("offline", "reset the connection before taking the whole ticket: "
                                "check the printer, then the ticket prints again by itself") from None

    def close(self, *, reset: bool = False) -> None:
        """Close; `reset` discards whatever is still unsent so it cannot print late."""
        if self.sock is None:
            return
        if reset:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        self.sock = None
        self.selector.close()


def print_bytes(host: str, port: int, data: bytes, *, connect: float, write: float, status: float,
                abort: threading.Event | None = None, silent: bool = False) -> PaperReport:
    """Deliver `data`; returns what the printer said of its paper afterwards.

    `silent`: the printer is known not to answer status requests, so we do not wait
    for it to answer one before the ticket.
    """
    link = Link(host, port, abort)
    ok = False
    try:
        link.connect(connect)
        before = PaperReport(answered=False) if silent else link.paper(status)
        if before.paper_out:
            raise LinkError("paper_out", "is out of paper: load a new roll; waiting tickets print by themselves")
        link.send(data, write)
        if before.answered:
            after = link.paper(write)
            if not after.answered:
                raise LinkError("offline", f"did not confirm the ticket within {write:g} s: "
                                "it may be jammed or busy; check it")
        else:
            after = before
            link.finish(status)
        ok = True
        return after
    finally:
        link.close(reset=not ok)


def query_paper(host: str, port: int, *, connect: float, status: float,
                abort: threading.Event | None = None) -> PaperReport:
    """Connect and ask the paper sensor; raises LinkError when it cannot be reached."""
    link = Link(host, port, abort)
    try:
        link.connect(connect)
        return link.paper(status)
    finally:
        link.close()


class NetworkTransport(Transport):
    type = "network"

    def where(self) -> str:
        return f"{self.cfg.host}:{self.cfg.port}"

    def send(self, data: bytes, sending: Sending) -> Delivery:
        assert self.cfg.host is not None
        waits = sending.timeouts
        try:
            report = print_bytes(self.cfg.host, self.cfg.port, data, connect=waits.connect, write=waits.write,
                                 status=waits.status, abort=sending.abort, silent=sending.silent)
        except LinkError as exc:
            raise PrintError(exc.kind, f"Printer {self.describe()} {exc.reason}") from None
        if not report.answered:
            return Delivery("unknown", base.SILENT)
        return Delivery(*_paper_words(report))

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        """A printer that accepts a connection but does not answer DLE EOT is "unknown":
        it is reachable, but we cannot tell whether it has paper."""
        assert self.cfg.host is not None
        try:
            report = query_paper(self.cfg.host, self.cfg.port, connect=timeouts.connect, status=timeouts.status,
                                 abort=abort)
        except LinkError as exc:
            return ("paper_out" if exc.kind == "paper_out" else "offline"), exc.reason
        if not report.answered:
            return "unknown", base.SILENT
        return _paper_words(report)


def _paper_words(report: PaperReport) -> tuple[str, str | None]:
    if report.paper_out:
        return "paper_out", base.PAPER_OUT
    return "online", base.PAPER_LOW if report.paper_low else None
