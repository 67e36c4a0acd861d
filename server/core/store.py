"""The SQLite store: one connection, one writer at a time, events after commit.

Every state change runs inside `Store.write()`, an explicit `BEGIN IMMEDIATE`
transaction: sqlite-utils' `db.atomic()` opens a deferred transaction, and with
several writers those fail with "database is locked" when they upgrade to a
write lock. `BEGIN IMMEDIATE` takes the write lock first and waits for it
(`busy_timeout`), so concurrent kiosks queue up instead of failing.

Rules raise typed events (`server/core/events.py`) on the transaction: each is logged
at once, inside the transaction (`server/core/audit.py`), and handed to the listeners
only after COMMIT, so no screen ever hears of a change that was rolled back.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from server.core import audit
from server.core.checkpoint import FALLBACK_PAGES, Checkpointer
from server.core.events import AuditEvent, Event, TicketEvent
from server.core.migrations import migrate
from server.core.osthread import off_loop

T = TypeVar("T")


def database_name(demo: bool = False) -> str:
    """The database file in the data folder; the demo's simulated mornings have their own."""
    return "antrean-demo.db" if demo else "antrean.db"


@dataclass
class Transaction:
    db: sqlite_utils.Database
    events: list[Event] = field(default_factory=list)
    device: str | None = None  # where the change came from (a client address), for the history

    def raise_event(self, event: Event) -> None:
        """Say what happened, once: its history or audit row is written now, in this
        transaction; the listeners (the screens) hear of it after COMMIT."""
        audit.record(self, event)
        self.events.append(event)

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.db.conn.execute(sql, params)

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        cursor = self.db.conn.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row, strict=True))

    def all(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cursor = self.db.conn.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.db.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]


Listener = Callable[[list[Event]], None]


def owner_only(path: Path) -> None:
    """Create `path` (if new) readable and writable by this account alone; SQLite gives the
    database's -wal and -shm files the database file's own permissions."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


class Store:
    """The database of one site: opened once, migrated on open."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves; check_same_thread=False
        # because request handlers run on other threads (guarded by self._lock).
        owner_only(self.path)  # visitors' history: the server's account alone reads it (its -wal and -shm follow)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=15)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=15000")
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._checkpointer: Checkpointer | None = None
        with self._lock:
            migrate(self.db)

    def checkpoint_in_background(self) -> None:
        """Copy the write-ahead log into the database on a thread of its own, mostly not
        inside a commit (see server/checkpoint.py); for a long-running server."""
        with self._lock:
            self.db.conn.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_PAGES}")
        self._checkpointer = Checkpointer(self.path)
        self._checkpointer.start()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One write transaction; events reach listeners after it commits."""
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(self.db)
            try:
                yield tx
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        if tx.events:
            self._tell(tx.events)

    def notify(self, events: list[Event]) -> None:
        """Tell the listeners news kept outside the database (a printer's status, a finished
        print job). A change with a history or audit row is raised in a transaction instead."""
        logged = [event for event in events if isinstance(event, (TicketEvent, AuditEvent))]
        if logged:
            raise ValueError(f"raise {type(logged[0]).__name__} in a write transaction: it has a log row")
        self._tell(events)

    def _tell(self, events: list[Event]) -> None:
        for listener in self._listeners:
            listener(events)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A consistent read (no events)."""
        with self._lock:
            yield Transaction(self.db)

    def read_off_loop(self, work: Callable[..., T], *args: Any) -> T:
        """`work(tx, *args)` over a read-only transaction of its own, in an OS thread (see
        osthread.off_loop): a report of a year reads for seconds while the hall goes on. The
        loop's connection is never touched there; `work` gets one opened in its thread."""
        path = self.path

        def job() -> T:
            with read_only(path) as tx:
                return work(tx, *args)

        return off_loop(job)

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._lock:
            self.db.conn.close()


@contextmanager
def read_only(path: Path) -> Iterator[Transaction]:
    """One consistent read on a connection of its own, opened (and closed) in the calling
    thread, that cannot write: for work in another thread than the loop's (sqlite3
    connections belong to the thread that made them)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=15)
    try:
        conn.execute("PRAGMA busy_timeout=15000")
        conn.execute("BEGIN")  # every query of the work sees the same moment
        yield Transaction(sqlite_utils.Database(conn))
    finally:
        conn.close()
