"""One server process of a site does each piece of the night's work, once a day.

A site may run as several processes on one database (server.message_queue, docs
"Several processes"). Each has its own housekeeping, and each would otherwise back the
database up, store the closed days' report columns and run the night care (retention,
ANALYZE, VACUUM) at the same quiet moment: the work twice, two copies of a year's file
racing to one name, two moves of the same rows. So each piece of work takes a lease first:
a row of `site_state` (`night:<work>`) naming its holder, until when it holds it, and the
last service day the work was done for. Write transactions are one at a time across
processes, so exactly one process takes a free lease. The holder marks the day done when
the work ends; a process that finds the day done leaves it. A holder that is killed
cannot give the lease back: it runs out (`expires_at`) and the next process to look takes
it over and does the work.

Each call opens a connection of its own: these run in the OS threads of the work.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import time
from contextlib import closing
from enum import Enum
from pathlib import Path
from typing import Any

KEY = "night:{work}"


class Lease(Enum):
    TAKEN = "taken"  # this process does the work now
    DONE = "done"  # the work of this day is done (by any process)
    HELD = "held"  # another living process does it now: look again later


def holder_name() -> str:
    """host:pid:random, one per housekeeper (as the printer leases' holders)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _connect(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=15)
    conn.execute("PRAGMA busy_timeout=15000")
    return conn


def _read(conn: sqlite3.Connection, work: str) -> dict[str, Any]:
    row = conn.execute("SELECT value FROM site_state WHERE key = ?", (KEY.format(work=work),)).fetchone()
    value = json.loads(row[0]) if row else {}
    return value if isinstance(value, dict) else {}


def _write(conn: sqlite3.Connection, work: str, value: dict[str, Any], now: float) -> None:
    conn.execute("INSERT INTO site_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
                 "SET value = excluded.value, updated_at = excluded.updated_at",
                 (KEY.format(work=work), json.dumps(value), now))


def take(db_path: Path, work: str, day: str, holder: str, seconds: float) -> Lease:
    """Take the lease of `work` for `day` for `seconds` (wall clock: a set clock of a training
    run moves the service day, not the lease), unless the day's work is done or another
    holder's lease still runs."""
    now = time.time()
    with closing(_connect(db_path)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            value = _read(conn, work)
            if value.get("done_day") == day:
                return Lease.DONE
            if value.get("holder") not in (None, holder) and float(value.get("expires_at", 0)) > now:
                return Lease.HELD
            _write(conn, work, {**value, "holder": holder, "expires_at": now + seconds, "day": day}, now)
            return Lease.TAKEN
        finally:
            conn.execute("COMMIT")


def give_back(db_path: Path, work: str, day: str, holder: str, done: bool) -> None:
    """End the holder's lease; `done` records that the day's work is done (else another round,
    of this process or another, tries again)."""
    now = time.time()
    with closing(_connect(db_path)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            value = _read(conn, work)
            if value.get("holder") == holder:
                value = {**value, "holder": None, "expires_at": now}
            if done:
                value["done_day"] = day
            _write(conn, work, value, now)
        finally:
            conn.execute("COMMIT")
