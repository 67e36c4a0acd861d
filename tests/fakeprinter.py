"""A fake network receipt printer: a real TCP server on 127.0.0.1 that records bytes.

Modes (settable at any time; they apply to the next connection and to status answers):
- "normal": reads everything and answers DLE EOT status requests like an Epson.
- "paper_out": as normal, but the paper sensor reports paper end.
- "silent": reads everything but never answers status requests (cheap interfaces).
- "accept_but_never_read": accepts connections and never reads; the receive buffer
  is small so a sender's writes soon block.
- "close_halfway": reads `close_after` bytes (answering status meanwhile), then closes.

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

MODES = ("normal", "paper_out", "silent", "accept_but_never_read", "close_halfway")
STATUS_OK, STATUS_PAPER_END, STATUS_ONLINE = 0x12, 0x72, 0x16


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for "printer not there" tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakePrinter:
    def __init__(self, port: int = 0, mode: str = "normal", *, close_after: int = 64) -> None:
        assert mode in MODES, mode
        self.host = "127.0.0.1"
        self.port = port
        self.mode = mode
        self.close_after = close_after
        self.connections: list[bytearray] = []  # bytes received, one entry per connection
        self._lock = threading.Lock()
        self._stop = threading.Event()
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
            limit = self.close_after - len(record) if mode == "close_halfway" else 4096
            if limit <= 0:
                break
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
            if self.mode == "silent":
                continue
            if request == 4:
                answer = STATUS_PAPER_END if self.mode == "paper_out" else STATUS_OK
            elif request == 1:
                answer = STATUS_ONLINE
            else:
                answer = STATUS_OK
            try:
                client.sendall(bytes([answer]))
            except OSError:
                return b""


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    """A running fake printer in "normal" mode on a free port, stopped after the test."""
    printer = FakePrinter().start()
    yield printer
    printer.stop()
