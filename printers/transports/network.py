"""A network printer: raw TCP (port 9100) with short, bounded waits at every step.

We talk to the socket ourselves rather than through `escpos.printer.Network`:
that one waits 60 s by default and its status calls (`query_status`, `is_online`,
`paper_status`) read without a timeout and answer "paper adequate" when the printer
says nothing. We use python-escpos's names for the requests and bits where it has them.
Every wait here is bounded and checks an `abort` event every 0.1 s, so stopping the
server never waits on a printer.

How we know the printer took a ticket. `send()` succeeding only means our own kernel
holds the bytes: a printer that accepted the connection and then stopped reading looks
exactly like one that printed. The proof must come from the printer:

- Before the ticket we ask its real-time status (DLE EOT 1, 2 and 4: online, why
  offline, paper sensor). No answer, or an answer saying offline, cover open or paper
  out, and the ticket is not sent at all, so it cannot come out late and then again.
- After the ticket we ask again. A printer answers a real-time request when it reads
  it, and it reads in order, so this answer proves it read every byte of the ticket.
  Only an answer that says online with paper counts as printed.
- A printer that never answers status requests (some cheap interfaces) is proven to
  read by its FIN: we half-close, it reads to the end and closes its side. Silence is
  never proof: it is what a printer that stopped reading does too.
"""

from __future__ import annotations

import errno
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass

from escpos.constants import RT_MASK_ONLINE, RT_STATUS, RT_STATUS_ONLINE, RT_STATUS_PAPER

from printers.messages import say
from printers.transports import base
from printers.transports.base import Delivery, PrintError, Sending, Timeouts, Transport

OFFLINE_CAUSE = RT_STATUS + b"\x02"  # DLE EOT 2 (escpos has no name for it)
STATUS_REQUESTS = RT_STATUS_ONLINE + OFFLINE_CAUSE + RT_STATUS_PAPER  # Epson: up to 4 at once
COVER_OPEN = 0x04  # DLE EOT 2, bit 2
PAPER_END_STOP = 0x20  # DLE EOT 2, bit 5: printing stopped because the paper ended
ERROR = 0x40  # DLE EOT 2, bit 6: a jam, the cutter, the head too hot
PAPER_END = 0x60  # DLE EOT 4, bits 5 and 6
PAPER_NEAR_END = 0x0C  # DLE EOT 4, bits 2 and 3

NOT_READING = say("not_reading")


def not_confirmed(seconds: float) -> str:
    return say("not_confirmed", seconds=f"{seconds:g}")


class LinkError(Exception):
    """The printer could not take the data; `kind` is "offline" or "paper_out"."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class Report:
    """What the printer said about itself; `answered` False for a printer that answers no status."""

    answered: bool
    offline: bool = False
    cover_open: bool = False
    paper_out: bool = False
    paper_low: bool = False
    error: bool = False

    @classmethod
    def parse(cls, online: int, cause: int, paper: int) -> Report:
        return cls(True, offline=bool(online & RT_MASK_ONLINE), cover_open=bool(cause & COVER_OPEN),
                   paper_out=bool(paper & PAPER_END) or bool(cause & PAPER_END_STOP),
                   paper_low=bool(paper & PAPER_NEAR_END), error=bool(cause & ERROR))

    def words(self) -> tuple[str, str | None]:
        """("online" | "offline" | "paper_out" | "unknown", detail in words or None)."""
        if not self.answered:
            return "unknown", base.SILENT
        if self.paper_out:
            return "paper_out", base.PAPER_OUT
        if self.cover_open:
            return "offline", say("cover_open")
        if self.error:
            return "offline", say("printer_error")
        if self.offline:
            return "offline", say("offline_button")
        return "online", base.PAPER_LOW if self.paper_low else None

    @property
    def ready(self) -> bool:
        return self.answered and self.words()[0] == "online"


def _is_status_byte(value: int) -> bool:
    # A DLE EOT answer is 0xx1xx10; Automatic Status Back packets (which a printer
    # may send on its own) start 0xx1xx00, so they are not mistaken for one.
    return value & 0x93 == 0x12


def status_requests_in(data: bytes) -> int:
    """How many DLE EOT requests `data` holds (a logo's pixels can spell one, and a printer
    answers it): that many answers come before the answers to ours."""
    return sum(data.count(RT_STATUS + bytes([n])) for n in (1, 2, 3, 4))


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
                    raise LinkError("offline", say("server_stopping"))
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
            raise LinkError("offline", say("host_unknown", host=repr(self.host))) from None
        family, kind, proto, _, address = infos[0]
        self.sock = socket.socket(family, kind, proto)
        self.sock.setblocking(False)
        code = self.sock.connect_ex(address)
        if code in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
            if not self._wait(selectors.EVENT_WRITE, seconds):
                raise LinkError("offline", say("no_answer", seconds=f"{seconds:g}"))
            code = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code == errno.ECONNREFUSED:
            raise LinkError("offline", say("refused", port=self.port))
        if code in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
            raise LinkError("offline", say("unreachable"))
        if code:
            raise LinkError("offline", say("connect_failed", error=errno.errorcode.get(code, code)))

    def send(self, data: bytes, stall_seconds: float) -> None:
        """Write all of `data`; fails when the printer takes nothing for `stall_seconds`."""
        assert self.sock is not None
        view = memoryview(data)
        while view:
            if not self._wait(selectors.EVENT_WRITE, stall_seconds):
                raise LinkError("offline", say("stalled", seconds=f"{stall_seconds:g}"))
            try:
                view = view[self.sock.send(view):]
            except BlockingIOError:
                continue
            except OSError:
                raise LinkError("offline", say("closed_while_receiving")) from None

    def ask(self, seconds: float, *, answers_before: int = 0) -> Report:
        """Send DLE EOT 1, 2 and 4 and wait up to `seconds` for the three answers.

        `answers_before`: answers to requests already sent (inside a ticket) that come
        first; ours are the last three. A printer that answers those only partly still
        answers ours last, so at the deadline the last three received are taken.
        """
        self.send(STATUS_REQUESTS, seconds)
        assert self.sock is not None
        wanted = answers_before + 3
        answers: list[int] = []
        deadline = time.monotonic() + seconds
        while len(answers) < wanted:
            left = deadline - time.monotonic()
            if left <= 0 or not self._wait(selectors.EVENT_READ, left):
                break
            try:
                chunk = self.sock.recv(64)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                raise LinkError("offline", say("closed_without_answer"))
            answers.extend(value for value in chunk if _is_status_byte(value))
        if len(answers) < 3:
            return Report(answered=False)
        return Report.parse(*answers[-3:])

    def reads_to_end(self, seconds: float) -> bool:
        """Half-close and wait for the printer's FIN: True once it read everything we sent
        (and closed), False if it stays quiet; a reset means it did not take it all."""
        assert self.sock is not None
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            raise LinkError("offline", say("closed_mid_ticket")) from None
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self._wait(selectors.EVENT_READ, left):
                return False
            try:
                if not self.sock.recv(64):
                    return True
            except BlockingIOError:
                continue
            except OSError:
                raise LinkError("offline", say("reset_mid_ticket")) from None

    def close(self, *, reset: bool = False) -> None:
        """Close; `reset` discards whatever is still unsent so it cannot print late."""
        if self.sock is None:
            return
        if reset:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        self.sock = None
        self.selector.close()


def _refuse_if_down(report: Report, *, after: bool) -> None:
    """Raise when the printer is not ready; `after`: it said so right after the ticket."""
    if report.ready:
        return
    kind, detail = report.words()
    if after:
        reason = say("stopped_during_ticket", detail=detail)
    else:
        reason = say("not_ready", detail=detail)
    raise LinkError("paper_out" if kind == "paper_out" else "offline", reason)


def _send_silent(host: str, port: int, data: bytes, *, connect: float, write: float, status: float,
                 abort: threading.Event | None) -> None:
    """A printer that answers no status: prove it reads (a FIN to ours) before and after."""
    probe = Link(host, port, abort)
    try:
        probe.connect(connect)
        if not probe.reads_to_end(status):
            raise LinkError("offline", NOT_READING)
    finally:
        probe.close()
    link = Link(host, port, abort)
    ok = False
    try:
        link.connect(connect)
        link.send(data, write)
        if not link.reads_to_end(write):
            raise LinkError("offline", not_confirmed(write))
        ok = True
    finally:
        link.close(reset=not ok)


def print_bytes(host: str, port: int, data: bytes, *, connect: float, write: float, status: float,
                abort: threading.Event | None = None, silent: bool = False) -> Report:
    """Deliver `data` and have the printer confirm it; returns what it said after the ticket.

    `silent`: the printer is known not to answer status requests, so we do not wait for
    it to answer one; its FIN is the proof instead. Raises LinkError when not proven.
    """
    if not silent:
        link = Link(host, port, abort)
        ok = False
        try:
            link.connect(connect)
            before = link.ask(status)
            if before.answered:
                _refuse_if_down(before, after=False)
                link.send(data, write)
                after = link.ask(write, answers_before=status_requests_in(data))
                if not after.answered:
                    raise LinkError("offline", not_confirmed(write))
                _refuse_if_down(after, after=True)
                ok = True
                return after
            # No answer: a printer that never answers status, or one that stopped reading.
            if not link.reads_to_end(status):
                raise LinkError("offline", NOT_READING)
            ok = True  # only our status request went out: nothing that could print
        finally:
            link.close(reset=not ok)
    _send_silent(host, port, data, connect=connect, write=write, status=status, abort=abort)
    return Report(answered=False)


def query(host: str, port: int, *, connect: float, status: float, abort: threading.Event | None = None) -> Report:
    """Connect and ask how the printer is; raises LinkError when it cannot be reached or reads nothing."""
    link = Link(host, port, abort)
    try:
        link.connect(connect)
        report = link.ask(status)
        if not report.answered and not link.reads_to_end(status):
            raise LinkError("offline", NOT_READING)
        return report
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
            raise PrintError(exc.kind, say("network_failed", printer=self.describe(), reason=exc.reason)) from None
        return Delivery(*report.words())

    def status(self, timeouts: Timeouts, abort: threading.Event | None) -> tuple[str, str | None]:
        """A printer that reads but does not answer DLE EOT is "unknown": it is reachable,
        but we cannot tell whether it has paper. One that reads nothing is "offline"."""
        assert self.cfg.host is not None
        try:
            report = query(self.cfg.host, self.cfg.port, connect=timeouts.connect, status=timeouts.status,
                           abort=abort)
        except LinkError as exc:
            return ("paper_out" if exc.kind == "paper_out" else "offline"), exc.reason
        return report.words()
