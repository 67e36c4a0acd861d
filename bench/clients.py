"""Socket.IO clients (python-socketio over WebSocket) in worker processes.

Each worker process holds many clients - displays and kiosks subscribed at once,
phones subscribed later to a ticket each - and records when every `ticket.called`
arrives (time.monotonic(), which all processes on one machine share).

The parent talks to a worker through two queues: it sends ("phone", ticket_id) to
subscribe the next phone, ("report",) for the records, ("stop",) to disconnect;
the worker answers ("ready", n), ("subscribed", ticket_id) and ("report", data).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SPAWN = multiprocessing.get_context("spawn")


@dataclass
class Recorder:
    """What one client heard."""

    name: str
    subscription: dict[str, str] | None
    calls: list[tuple[int, str, str, bool, float]] = field(default_factory=list)  # call_id, ticket, counter, recall, t
    counts: Counter[str] = field(default_factory=Counter)


def _client(port: int, recorder: Recorder, on_ticket: Any = None) -> Any:
    import socketio

    sio = socketio.Client(reconnection=False)

    @sio.on("ticket.called")
    def called(data: dict[str, Any]) -> None:
        recorder.calls.append((data["call_id"], data["ticket_id"], data["counter_id"], data["recall"],
                               time.monotonic()))
        recorder.counts["ticket.called"] += 1

    def count(name: str) -> Any:
        return lambda *_: recorder.counts.update([name])

    for name in ("queue.updated", "counter.updated", "display.state", "printer.updated", "error"):
        sio.on(name, count(name))

    @sio.on("ticket.updated")
    def ticket_updated(data: dict[str, Any]) -> None:
        recorder.counts["ticket.updated"] += 1
        if on_ticket is not None:
            on_ticket(data)

    sio.connect(f"http://127.0.0.1:{port}", transports=["websocket"], wait_timeout=30)
    return sio


def worker(port: int, statics: list[tuple[str, dict[str, str]]], phones: int, commands: Any, answers: Any) -> None:
    """Connect the clients, then follow the parent's commands (runs in a child process)."""
    recorders: list[Recorder] = []
    clients = []
    ready = threading.Semaphore(0)
    for name, subscription in statics:
        recorder = Recorder(name, subscription)
        sio = _client(port, recorder)
        if "display_id" in subscription:
            sio.on("display.state", lambda *_, r=recorder: (r.counts.update(["display.state"]), ready.release()))
        sio.emit("subscribe", subscription)
        if "display_id" in subscription:
            ready.acquire(timeout=30)
        recorders.append(recorder)
        clients.append(sio)
    pending: dict[str, bool] = {}
    lock = threading.Lock()

    def subscribed(data: dict[str, Any]) -> None:
        with lock:
            if pending.pop(data["id"], False):
                answers.put(("subscribed", data["id"]))

    phone_clients = []
    for index in range(phones):
        recorder = Recorder(f"phone-{index}", None)
        phone_clients.append((_client(port, recorder, subscribed), recorder))
        recorders.append(recorder)
        clients.append(phone_clients[-1][0])
    answers.put(("ready", len(clients)))
    next_phone = 0

    def follow(ticket_id: str) -> None:
        nonlocal next_phone
        sio, recorder = phone_clients[next_phone % len(phone_clients)]
        next_phone += 1
        recorder.subscription = {"ticket_id": ticket_id}
        with lock:
            pending[ticket_id] = True
        sio.emit("subscribe", {"ticket_id": ticket_id})

    _obey(commands, answers, recorders, follow)


def _obey(commands: Any, answers: Any, recorders: list[Recorder], follow: Any = None) -> None:
    """The parent's commands: ("phone", ticket_id) goes to `follow`, then report and stop."""
    while True:
        command = commands.get()
        if command[0] == "phone" and follow is not None:
            follow(command[1])
        elif command[0] == "report":
            answers.put(("report", [(r.name, r.subscription, r.calls, dict(r.counts)) for r in recorders]))
        elif command[0] == "stop":
            # Leaving drops every connection at once (a graceful disconnect per client takes
            # a tenth of a second each); the server sees the sockets close either way.
            answers.put(("stopped",))
            answers.close()
            answers.join_thread()
            os._exit(0)


def light_worker(port: int, statics: list[tuple[str, dict[str, str]]], phones: int, commands: Any,
                 answers: Any) -> None:
    """Displays as bare Engine.IO/Socket.IO over WebSocket, one thread each, that parse only
    `ticket.called`: to tell the server's share of the latency from python-socketio's."""
    import json

    import websocket

    recorders = [Recorder(name, subscription) for name, subscription in statics]
    ready = threading.Semaphore(0)

    def run(recorder: Recorder) -> None:
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket")
        ws.recv()  # the Engine.IO open packet
        ws.send("40")
        ws.recv()  # the Socket.IO connect answer
        ws.send("42" + json.dumps(["subscribe", recorder.subscription]))
        while True:
            message = ws.recv()
            if message == "2":
                ws.send("3")
            elif message.startswith('42["ticket.called"'):
                at = time.monotonic()
                data = json.loads(message[2:])[1]
                recorder.calls.append((data["call_id"], data["ticket_id"], data["counter_id"], data["recall"], at))
            elif message.startswith('42["display.state"'):
                ready.release()

    for recorder in recorders:
        threading.Thread(target=run, args=(recorder,), daemon=True).start()
    for _ in recorders:
        ready.acquire(timeout=30)
    answers.put(("ready", len(recorders)))
    _obey(commands, answers, recorders)


class ClientPool:
    """Worker processes of socket.io clients, driven from the benchmark's process."""

    def __init__(self, port: int, groups: list[tuple[list[tuple[str, dict[str, str]]], int]],
                 light: bool = False) -> None:
        self.workers = []
        for statics, phones in groups:
            commands, answers = SPAWN.Queue(), SPAWN.Queue()
            target = light_worker if light else worker
            process = SPAWN.Process(target=target, args=(port, statics, phones, commands, answers), daemon=True)
            process.start()
            self.workers.append((process, commands, answers, phones))
        self.connected = sum(self._expect(answers, "ready", process)[1] for process, _, answers, _ in self.workers)
        self._phone_workers = [w for w in self.workers if w[3] > 0]
        self._next = 0

    @staticmethod
    def _expect(answers: Any, kind: str, process: Any = None, timeout: float = 120) -> Any:
        """The worker's next answer, which must be `kind`; fail fast when the worker died."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = answers.get(timeout=1)
                break
            except queue.Empty:
                if process is not None and not process.is_alive():
                    raise RuntimeError(f"a client process died (exit code {process.exitcode})") from None
                if time.monotonic() > deadline:
                    raise
        if answer[0] != kind:
            raise RuntimeError(f"expected {kind}, got {answer[0]}")
        return answer

    def subscribe_phone(self, ticket_id: str) -> Any:
        """Ask the next phone to follow a ticket; answer the queue its confirmation arrives on."""
        _, commands, answers, _ = self._phone_workers[self._next % len(self._phone_workers)]
        self._next += 1
        commands.put(("phone", ticket_id))
        return answers

    @staticmethod
    def wait_subscribed(answers: Any) -> str:
        return str(ClientPool._expect(answers, "subscribed", timeout=30)[1])

    def report(self) -> list[tuple[str, dict[str, str] | None, list[Any], dict[str, int]]]:
        records = []
        for _, commands, _, _ in self.workers:
            commands.put(("report",))
        for process, _, answers, _ in self.workers:
            records.extend(self._expect(answers, "report", process)[1])
        return records

    def stop(self) -> None:
        for process, commands, _, _ in self.workers:
            if process.is_alive():
                commands.put(("stop",))
        for process, _, answers, _ in self.workers:
            try:
                self._expect(answers, "stopped", process, timeout=30)
            except Exception:
                pass
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
