"""A fake network receipt printer: a real TCP server on 127.0.0.1 that records bytes.

Modes (settable at any time; they apply to the next connection and to status answers):
- "normal": reads everything and answers DLE EOT 1..4 status requests like an Epson
  (one byte each, 0xx1xx10, in the order asked).
- "paper_near_end": as normal; the paper sensor (DLE EOT 4) reports the roll near its end.
- "paper_out": as normal, but offline with the paper ended (DLE EOT 1, 2 and 4 say so).
- "cover_open": as normal, but offline with its cover open (DLE EOT 1 and 2 say so).
- "silent": reads everything but never answers status requests (cheap interfaces);
  it closes its side when the sender closes (its FIN answers ours).
- "accept_but_never_read": accepts connections and never reads; the receive buffer
  is small so a sender's writes soon block.
- "close_halfway": reads `close_after` bytes (answering status meanwhile), then closes.
- "stall_halfway": reads `close_after` bytes (answering status meanwhile), then reads
  nothing more on that connection and keeps it open (a short write for the sender).

A printer that worked and then stops reading: `FakePrinter(stall_after=N)` takes N
tickets (and answers the status request that follows the N-th), then reads nothing more
on any connection, old or new, while keeping them all open, as a jammed printer whose
network card still accepts connections does. Its receive buffers are small (SO_RCVBUF),
so they fill for real. `stop_reading()` does the same at once; `read_again()` resumes:
whatever waited in the buffers is then read and answered.

`stop()` then `start()` reuses the same port, to test "it prints once the printer is back".
Use the `fake_printer` fixture, or `with FakePrinter() as printer:`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from printers.decode import Decoded, decode_escpos

MODES = ("normal", "paper_near_end", "paper_out", "cover_open", "silent", "accept_but_never_read", "close_halfway",
         "stall_halfway")
STATUS_OK = 0x12  # every DLE EOT answer: bits 1 and 4 set, bits 0 and 7 clear
OFFLINE = 0x08  # DLE EOT 1, bit 3
COVER_OPEN, PAPER_END_STOP = 0x04, 0x20  # DLE EOT 2, bits 2 and 5
NEAR_END, PAPER_END = 0x0C, 0x60  # DLE EOT 4, bits 2-3 and 5-6
SMALL_BUFFER = 2048  # bytes: a stalled printer's receive buffer fills after a few tickets


def status_answer(mode: str, request: int) -> int:
    """What an Epson TM printer answers to DLE EOT `request` in this mode."""
    bits = {
        1: OFFLINE if mode in ("paper_out", "cover_open") else 0,
        2: {"cover_open": COVER_OPEN, "paper_out": PAPER_END_STOP}.get(mode, 0),
        3: 0,  # no error
        4: {"paper_out": PAPER_END | NEAR_END, "paper_near_end": NEAR_END}.get(mode, 0),
    }
    return STATUS_OK | bits[request]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for "printer not there" tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakePrinter:
    def __init__(self, port: int = 0, mode: str = "normal", *, close_after: int = 64,
                 stall_after: int | None = None, receive_buffer: int | None = None) -> None:
        assert mode in MODES, mode
        self.host = "127.0.0.1"
        self.port = port
        self.mode = mode
        self.close_after = close_after
        self.stall_after = stall_after  # tickets taken before it stops reading (None: never)
        # SO_RCVBUF of its connections: small for a printer meant to stop reading (set
        # `stall_after` later, or call stop_reading()), so its buffers fill for real.
        self.receive_buffer = receive_buffer
        if receive_buffer is None and (stall_after is not None or mode == "stall_halfway"):
            self.receive_buffer = SMALL_BUFFER
        self.connections: list[bytearray] = []  # bytes received, one entry per connection
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reading = threading.Event()  # cleared: a stalled printer, reading nothing
        self._reading.set()
        self._cuts: dict[int, int] = {}  # whole tickets received, by connection (when stalling)
        self._listener: socket.socket | None = None
        self._clients: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> FakePrinter:
        self._stop.clear()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.mode == "accept_but_never_read":
            # Accepted sockets inherit this: a few KB in flight and the sender blocks.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        elif self.receive_buffer is not None:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
        listener.bind((self.host, self.port))
        self.port = listener.getsockname()[1]
        listener.listen(8)
        listener.settimeout(0.05)
        self._listener = listener
        self._spawn(self._accept_loop, listener)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            try:
                client.close()
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads = []

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> FakePrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what it received -----------------------------------------------------

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(bytes(chunk) for chunk in self.connections)

    def decoded(self) -> Decoded:
        """Everything received, interpreted (status requests are listed, not printed)."""
        return decode_escpos(self.received)

    def tickets(self) -> int:
        """How many whole tickets came out: each ends with a cut."""
        return self.decoded().cuts

    def wait_for(self, condition: Callable[[FakePrinter], bool], timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self):
                return True
            time.sleep(0.02)
        return condition(self)

    def clear(self) -> None:
        with self._lock:
            self.connections = []
            self._cuts = {}

    # -- a printer that stops reading ---------------------------------------------

    @property
    def stalled(self) -> bool:
        return not self._reading.is_set()

    def stop_reading(self) -> None:
        """Read nothing more on any connection (they stay open; new ones are accepted)."""
        self._reading.clear()

    def read_again(self) -> None:
        """Read (and answer) again, starting with whatever waited in the buffers."""
        self.stall_after = None
        self._reading.set()

    def _maybe_stall(self, record: bytearray, data: bytes) -> None:
        """After the N-th ticket and the status request that confirms it, stop reading."""
        if self.stall_after is None:
            return
        with self._lock:
            self._cuts[id(record)] = decode_escpos(bytes(record)).cuts
            taken = sum(self._cuts.values())
        ends_with_request = data[-3:-1] == b"\x10\x04" and data[-1:] in (b"\x01", b"\x02", b"\x03", b"\x04")
        confirmed = self._cuts[id(record)] > 0 and ends_with_request
        if taken >= self.stall_after and confirmed:
            self.stall_after = None
            self.stop_reading()

    # -- the server -----------------------------------------------------------

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="fake-printer")
        thread.start()
        self._threads.append(thread)

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # listener closed by stop()
            with self._lock:
                self._clients.append(client)
                record = bytearray()
                self.connections.append(record)
            if self.mode != "accept_but_never_read":
                self._spawn(self._serve, client, record)

    def _serve(self, client: socket.socket, record: bytearray) -> None:
        client.settimeout(0.05)
        mode = self.mode
        pending = b""  # an unfinished DLE EOT sequence split across reads
        while not self._stop.is_set():
            limit = self.close_after - len(record) if mode in ("close_halfway", "stall_halfway") else 4096
            if limit <= 0 and mode == "stall_halfway":
                self._stop.wait(0.05)  # the rest waits in the buffers, the connection stays open
                continue
            if limit <= 0:
                break
            if not self._reading.is_set():
                self._reading.wait(0.05)  # stalled: the data waits in the socket's buffer
                continue
            try:
                chunk = client.recv(min(4096, limit))
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            with self._lock:
                record.extend(chunk)
            pending = self._answer_status(client, pending + chunk)
            self._maybe_stall(record, chunk)
        try:
            client.close()
        except OSError:
            pass

    def _answer_status(self, client: socket.socket, data: bytes) -> bytes:
        """Answer each DLE EOT n in `data`; returns a trailing partial sequence."""
        start = 0
        while True:
            found = data.find(b"\x10\x04", start)
            if found < 0:
                return data[-1:] if data.endswith(b"\x10") else b""
            if found + 2 >= len(data):
                return data[found:]
            request = data[found + 2]
            start = found + 3
            if self.mode == "silent" or request not in (1, 2, 3, 4):
                continue
            try:
                client.sendall(bytes([status_answer(self.mode, request)]))
            except OSError:
                return b""


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    """A running fake printer in "normal" mode on a free port, stopped after the test."""
    printer = FakePrinter().start()
    yield printer
    printer.stop()
