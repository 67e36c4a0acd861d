"""Which printers this server process drives: the leases of `server.core.print_queue`.

With several server processes on one database (the scale-out mode), each printer is
driven by exactly one of them, the holder of its lease. A thread here renews this
process's leases every `seconds / 3` and takes over a printer whose holder stopped
renewing (it died): so a printer goes unserved for at most `seconds` after its
process dies. A single process holds every lease, and nothing changes for it.

A lease counts as held only until the renewal that granted it would expire, measured on
this process's monotonic clock: a process that cannot reach the database stops driving
its printers before anyone else may take them over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from server.core.print_queue import PrintQueue

log = logging.getLogger(__name__)


def holder_name() -> str:
    """This process, as a lease row names it: "host:pid:random" (a restarted process is a new holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Leases:
    """This process's leases on its printers, renewed by a thread of their own."""

    def __init__(self, queue: PrintQueue, seconds: float,
                 on_change: Callable[[set[str], dict[str, dict[str, Any]]], None]) -> None:
        """`on_change(gained, rows)` is called after each renewal with the printers just
        gained and every lease row (the other holders' printer statuses)."""
        self.queue = queue
        self.seconds = seconds
        self.holder = holder_name()
        self.on_change = on_change
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}  # printer id -> time.monotonic() the lease is good until
        self._printers: list[str] = []
        self._statuses: Callable[[], dict[str, dict[str, Any]]] = dict
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def holds(self, printer_id: str) -> bool:
        with self._lock:
            return self._until.get(printer_id, 0.0) > time.monotonic()

    def start(self, printers: list[str], statuses: Callable[[], dict[str, dict[str, Any]]]) -> None:
        """Take what can be taken now, then keep renewing; `statuses()` is what this process
        knows of its printers, written into its lease rows for the other processes."""
        self._statuses = statuses
        self._stop.clear()
        self.renew(printers)
        self._thread = threading.Thread(target=self._run, daemon=True, name="printer-leases")
        self._thread.start()

    def renew(self, printers: list[str] | None = None) -> None:
        """One renewal now (also after a configuration change names other printers)."""
        if printers is not None:
            with self._lock:
                self._printers = list(printers)
        with self._lock:
            wanted = list(self._printers)
        started = time.monotonic()
        try:
            held = self.queue.hold(self.holder, self.seconds, self._statuses(), wanted)
            rows = self.queue.leases()
        except Exception:  # the database is away: our leases lapse by themselves
            log.exception("Renewing the printer leases failed")
            return
        with self._lock:
            gained = {pid for pid in held if self._until.get(pid, 0.0) <= time.monotonic()}
            self._until = {pid: started + self.seconds for pid in held}
        self.on_change(gained, rows)

    def stop(self) -> None:
        """Stop renewing and give the leases back, so another process takes over at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        with self._lock:
            had = bool(self._until)
            self._until = {}
        if had:
            try:
                self.queue.release(self.holder)
            except Exception:  # they expire by themselves
                log.exception("Releasing the printer leases failed")

    def _run(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            self.renew()
