"""2,000 phones and screens fit: the server raises its open-file limit at start, and one
address cannot hold every socket or make one socket follow every room.

At the usual soft limit of 1,024 open files, about 500 sockets took ticketing down. Here the
server is started with that soft limit (the hard one stays as the system has it), real
WebSocket connections are opened from two loopback addresses, more than 1,024 of them,
answering the server's pings, and a kiosk still takes a ticket."""

from __future__ import annotations

import json
import resource
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket
from conftest import LiveServer
from live import Listener

from server.core.config import ServerSettings

PER_ADDRESS = ServerSettings().sockets_per_address


@contextmanager
def soft_file_limit(value: int) -> Iterator[None]:
    """Children started inside inherit this soft limit; this process gets its hard limit back after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (value, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def server_soft_limit(server: LiveServer) -> int:
    assert server.process is not None
    for line in Path(f"/proc/{server.process.pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise AssertionError("no open-file limit in /proc")


class Sockets:
    """Raw Engine.IO WebSocket connections that answer the server's pings, so they stay open."""

    def __init__(self, server: LiveServer) -> None:
        self.url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
        self.port = server.port
        self.open: list[websocket.WebSocket] = []
        self.selector = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.running = True
        self.pinged = 0
        self.other: list[str] = []  # anything else the server sent, or why a socket ended
        self.thread = threading.Thread(target=self._answer_pings, daemon=True)
        self.thread.start()

    def connect(self, source: str) -> websocket.WebSocket:
        sock = socket.socket()
        sock.bind((source, 0))
        sock.settimeout(20)
        sock.connect(("127.0.0.1", self.port))
        try:
            ws = websocket.create_connection(self.url, socket=sock, timeout=20)
        except BaseException:
            sock.close()
            raise
        assert ws.recv().startswith("0{")  # Engine.IO OPEN: a live session
        with self.lock:
            self.open.append(ws)
            self.selector.register(ws.sock, selectors.EVENT_READ, ws)
        return ws

    def _answer_pings(self) -> None:
        while self.running:
            with self.lock:
                ready = self.selector.select(timeout=0) if self.open else []
            for key, _ in ready:
                ws = key.data
                try:
                    message = ws.recv()
                    if message == "2":
                        ws.send("3")
                        self.pinged += 1
                    else:
                        self.other.append(message)
                        if not ws.connected:  # the server closed it
                            with self.lock:
                                self.selector.unregister(key.fileobj)
                except (websocket.WebSocketException, OSError) as exc:
                    self.other.append(repr(exc))
                    with self.lock:
                        self.selector.unregister(key.fileobj)
            time.sleep(0.05)

    def drop(self, count: int) -> None:
        """Close the first `count` connections, as phones leaving the hall do."""
        with self.lock:
            for ws in self.open[:count]:
                self.selector.unregister(ws.sock)
                ws.close(timeout=1)
            del self.open[:count]

    def close(self) -> None:
        self.running = False
        self.thread.join(5)
        for ws in self.open:
            try:
                ws.close(timeout=0.1)
            except (websocket.WebSocketException, OSError):
                pass


def test_more_sockets_than_the_usual_file_limit_and_tickets_still_issue(live_server_factory: Any) -> None:
    with soft_file_limit(1024):
        server: LiveServer = live_server_factory()
    sockets = Sockets(server)
    try:
        for _ in range(PER_ADDRESS):  # a guest Wi-Fi's NAT: every phone from one address
            sockets.connect("127.0.0.2")
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            sockets.connect("127.0.0.2")
        assert refused.value.status_code == 401
        reason = json.loads(refused.value.resp_body or b"{}")["error"]
        assert reason["code"] == "too_many_connections" and str(PER_ADDRESS) in reason["message"]
        for _ in range(150):  # the screens and kiosks of the LAN, from another address
            sockets.connect("127.0.0.3")
        assert len(sockets.open) == PER_ADDRESS + 150 > 1100
        assert server_soft_limit(server) == resource.getrlimit(resource.RLIMIT_NOFILE)[1] > 1024
        assert not sockets.other, sockets.other[:5]
        ticket = requests.post(server.url + "/api/v1/tickets",
                               json={"service_id": "kartu-keluarga", "kiosk_id": "kiosk-1"}, timeout=20)
        assert ticket.status_code == 201, ticket.text
        assert ticket.json()["print"]["status"] == "printed"
        # A display still connects and hears the call of that ticket.
        server.add_user("siti", "officer", counters=["loket-5"])
        display = Listener(server.url, {"display_id": "hall"})
        display.wait_for("display.state", timeout=20)
        answer = requests.post(server.url + "/api/v1/counters/loket-5/call-next", headers=server.login("siti"),
                               timeout=20)
        assert answer.status_code == 200, answer.text
        assert display.wait_for("ticket.called", timeout=20)["number"] == ticket.json()["number"]
        display.close()
        # Once the phones go, the address may connect again.
        sockets.drop(10)
        deadline = time.monotonic() + 20
        while True:
            try:
                sockets.connect("127.0.0.2")
                break
            except websocket.WebSocketBadStatusException:
                assert time.monotonic() < deadline, "the closed sockets were never counted off"
                time.sleep(0.2)
    finally:
        sockets.close()


def test_one_connection_follows_at_most_so_many_rooms(live_server: LiveServer, bundled_data: dict[str, Any]) -> None:
    most = ServerSettings().subscriptions_per_socket
    services = [s["id"] for agency in bundled_data["agencies"] for s in agency["services"]]
    assert len(services) > most + 5
    listener = Listener(live_server.url, *({"service_id": s} for s in services[:most + 5]))
    try:
        deadline = time.monotonic() + 20
        while len(listener.of("queue.updated")) < most and time.monotonic() < deadline:
            time.sleep(0.1)
        errors = listener.wait_for("error", lambda e: e["code"] == "too_many_subscriptions", timeout=20)
        assert str(most) in errors["message"]
        time.sleep(0.5)
        assert len(listener.of("queue.updated")) == most  # a snapshot for each room joined, no more
        assert len([e for e in listener.of("error") if e["code"] == "too_many_subscriptions"]) == 5
    finally:
        listener.close()


def test_packets_that_cannot_be_read_are_dropped_with_one_line_not_a_traceback_each(live_server: LiveServer) -> None:
    url = f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(url, timeout=20)
    try:
        assert ws.recv().startswith("0{")
        ws.send("40")  # Socket.IO CONNECT to the default namespace
        assert ws.recv().startswith("40")
        nested = '42["subscribe",' + "[" * 100_000 + "]" * 100_000 + "]"
        for bad in [nested] * 20 + ['42["subscribe", {"display_id": ', "4-x", '42{"not": "a list"}']:
            ws.send(bad)
        ws.send('42["subscribe",{"display_id":"hall"}]')  # the same connection still works
        deadline = time.monotonic() + 20
        while True:
            message = ws.recv()
            if message == "2":
                ws.send("3")
            elif message.startswith('42["display.state"'):
                break
            assert time.monotonic() < deadline, "the connection stopped answering after the bad packets"
    finally:
        ws.close()
    log = (live_server.folder / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and "RecursionError" not in log
    assert log.count("that cannot be read") == 1  # a flood is one line a minute
