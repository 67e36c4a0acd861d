"""The SQLite store: one connection, one writer at a time, events after commit.

Every state change runs inside `Store.write()`, an explicit `BEGIN IMMEDIATE`
transaction: sqlite-utils' `db.atomic()` opens a deferred transaction, and with
several writers those fail with "database is locked" when they upgrade to a
write lock. `BEGIN IMMEDIATE` takes the write lock first and waits for it
(`busy_timeout`), so concurrent kiosks queue up instead of failing.

Every commit is durable before `write()` returns (`synchronous=FULL`, below), and a
commit that finds the disk full is rolled back whole and answered as `disk_full`.

Rules raise typed events (`server/core/events.py`) on the transaction: each is logged
at once, inside the transaction (`server/core/audit.py`), and handed to the listeners
only after COMMIT, so no screen ever hears of a change that was rolled back.
"""

from __future__ import annotations

import os
import shutil
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
from server.core.errors import RuleError
from server.core.events import AuditEvent, Event, TicketEvent
from server.core.migrations import migrate
from server.core.osthread import off_loop, own_pool

T = TypeVar("T")

# Below this much free space in the data folder the health check says the disk is full: the
# write-ahead log alone may need ~8 MB (checkpoint.FALLBACK_PAGES) before it starts over.
LOW_FREE_BYTES = 16 * 1024 * 1024
# A new ticket is refused below this much: with the disk that close to full, SQLite's writes
# fail or succeed by chance (whether the log has room left), and the last of the space is
# better kept for the counters to call and finish the visitors already waiting.
TICKET_RESERVE_BYTES = 4 * 1024 * 1024


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


def _disk_full() -> RuleError:
    return RuleError("disk_full", "The server's disk is full: nothing was saved. Staff must free space in the "
                     "data folder; it works again by itself once there is.")


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
        # FULL: in WAL mode every COMMIT syncs the log to the disk before it returns, so a
        # ticket whose number was answered (and printed) survives a power cut; with NORMAL the
        # last commits before a cut could vanish and their numbers be given out again. It is
        # the whole connection, not ticket issue alone: a call or a finish is on a display as
        # soon as it commits, too. Cost measured in bench/bench_issue.py. Checkpoints (the
        # thread in checkpoint.py) sync the database file whatever this says.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=15000")
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._commit_pool = own_pool(1)  # commits never queue behind slow work in the shared pool
        self._listeners: list[Listener] = []
        self._checkpointer: Checkpointer | None = None
        self._full_at_free: int | None = None  # free bytes when a write last failed for want of space
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
    def write(self, reserve: int = 0, durable: bool = True) -> Iterator[Transaction]:
        """One write transaction; events reach listeners after it commits. With `reserve`,
        refused as `disk_full` before it starts when less than that many bytes are free.

        `durable=False` is for bookkeeping that a power cut may lose (a login attempt): its
        commit does not wait for the disk, so a flood of them cannot queue the hall's writes
        behind one disk sync each. The next durable commit syncs it along with its own."""
        if reserve and self._free_bytes() < reserve:
            raise _disk_full()
        with self._lock:
            conn = self.db.conn
            if not durable:
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(self.db)
            changes = conn.total_changes
            try:
                yield tx
                if durable:
                    # The commit syncs the log to the disk (FULL): 1-25 ms in which the loop would
                    # stand still. It runs in an OS thread; the lock keeps every other use of this
                    # connection waiting meanwhile, while requests that need no database go on.
                    off_loop(conn.execute, "COMMIT", pool=self._commit_pool)
                else:
                    conn.execute("COMMIT")
            except BaseException as exc:
                # A COMMIT that failed (a full disk) may have rolled back already, or not.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error) and exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_FULL:
                    self._full_at_free = self._free_bytes()
                    raise _disk_full() from None
                raise
            finally:
                if not durable:
                    conn.execute("PRAGMA synchronous=FULL")
            if conn.total_changes > changes:  # something was really written: there was room
                self._full_at_free = None
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

    def _free_bytes(self) -> int:
        return shutil.disk_usage(self.path.parent).free

    def disk_problem(self) -> str | None:
        """Why the data folder cannot take writes, in words, or None: less than LOW_FREE_BYTES
        free, or a write failed for want of space and no space has been freed since."""
        free = self._free_bytes()
        if free < LOW_FREE_BYTES:
            return (f"The disk of the data folder {self.path.parent} is full ({free // 1024} KB free); "
                    "tickets cannot be saved once it runs out.")
        failed_at = self._full_at_free
        if failed_at is not None and free < failed_at + LOW_FREE_BYTES:
            return f"The last write to the database in {self.path.parent} failed: the disk is full."
        return None

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
        if self._commit_pool is not None:
            self._commit_pool.kill()
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
