"""A real Socket.IO client that records what it receives, for tests against a live server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import socketio

EVENTS = ("display.state", "ticket.called", "ticket.updated", "queue.updated", "counter.updated",
          "printer.updated", "overview.changed", "survey.answered", "kiosk.state", "error")


class Listener:
    """Connects, subscribes (again on every reconnect) and records. `headers` (an Authorization
    header, a session Cookie) and `auth` (the connect call's `{"token": ...}`) say who it is."""

    def __init__(self, url: str, *subscriptions: dict[str, Any], headers: dict[str, str] | None = None,
                 auth: dict[str, str] | None = None) -> None:
        self.received: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        for event in EVENTS:
            self.client.on(event, self._recorder(event))

        @self.client.event
        def connect() -> None:
            for subscription in subscriptions:
                self.client.emit("subscribe", subscription)

        self.client.connect(url, headers=headers or {}, auth=auth, transports=["websocket"], wait_timeout=10)

    def _recorder(self, event: str) -> Callable[[Any], None]:
        def record(data: Any) -> None:
            with self._changed:
                self.received.append((event, data))
                self._changed.notify_all()

        return record

    def of(self, event: str) -> list[Any]:
        with self._changed:
            return [data for name, data in self.received if name == event]

    def wait_for(self, event: str, predicate: Callable[[Any], bool] = lambda _: True, timeout: float = 5) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for name, data in self.received:
                    if name == event and predicate(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {event} matching within {timeout}s; got {self.received[-5:]}")
                self._changed.wait(left)

    def close(self) -> None:
        self.client.disconnect()
