"""Copying the write-ahead log back into the database file, off the request path.

In WAL mode SQLite appends every commit to `antrean.db-wal`; by default the commit
that takes the log past 1,000 pages also copies it into the database file. That
one commit then takes ~18 ms instead of ~0.1 ms, about once every hundred tickets,
and under gevent the whole server waits for it. Here a real OS thread (not a
greenlet) runs a PASSIVE checkpoint each second on its own connection: it never
blocks a writer or a reader, and sqlite3 releases the GIL while it works.

The commit-time checkpoint stays as a safety net at a larger size, so the log
stays bounded even if this thread were to stop.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("antrean.checkpoint")

FALLBACK_PAGES = 20_000  # ~80 MB of log before a commit checkpoints by itself


def _original(module: str, name: str) -> Any:
    """The standard library's own function even when gevent has patched the module."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return getattr(__import__(module), name)
    return monkey.get_original(module, name)


class Checkpointer:
    """A background thread that keeps the write-ahead log of one database short."""

    def __init__(self, db_path: Path, every_seconds: float = 1.0) -> None:
        self.db_path = db_path
        self.every_seconds = every_seconds
        self._stopping = False
        self.rounds = 0  # checkpoints run, for tests and curiosity

    def start(self) -> None:
        start_thread: Callable[..., Any] = _original("_thread", "start_new_thread")
        start_thread(self._run, ())

    def stop(self) -> None:
        self._stopping = True

    def _run(self) -> None:
        sleep = _original("time", "sleep")
        try:
            conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=5)
        except sqlite3.Error:
            log.exception("cannot open %s for checkpoints; commits will checkpoint by themselves", self.db_path)
            return
        try:
            while not self._stopping:
                sleep(self.every_seconds)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.rounds += 1
                except sqlite3.Error as exc:  # a busy or closing database: try again next round
                    log.debug("checkpoint skipped: %s", exc)
        finally:
            conn.close()
