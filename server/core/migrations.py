"""Named, ordered schema migrations. Never edit one that has shipped: add a new one.

Each migration and the row recording it commit together, so a crash halfway
leaves the database as it was before that migration.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def m001_core(db: sqlite_utils.Database) -> None:
    statements = [
        """CREATE TABLE tickets (
            arrival INTEGER PRIMARY KEY,  -- insertion order: breaks ties in the line, stable across VACUUM
            id TEXT NOT NULL UNIQUE,
            service_day TEXT NOT NULL,
            seq INTEGER NOT NULL,
            number TEXT NOT NULL,
            issued_service_id TEXT NOT NULL,
            service_id TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            status TEXT NOT NULL,
            priority TEXT,
            lang TEXT NOT NULL DEFAULT 'id',
            kiosk_id TEXT,
            queue_lane INTEGER NOT NULL,
            queue_at REAL NOT NULL,
            issued_at REAL NOT NULL,
            called_at REAL,
            started_at REAL,
            finished_at REAL,
            counter_id TEXT,
            officer TEXT,
            transferred_from TEXT,
            UNIQUE (service_day, issued_service_id, seq)
        )""",
        "CREATE INDEX tickets_line ON tickets (status, service_id, queue_lane, queue_at)",
        "CREATE INDEX tickets_day ON tickets (service_day, service_id)",
        "CREATE INDEX tickets_counter_finished ON tickets (counter_id, finished_at)",
        """CREATE TABLE sequences (
            service_day TEXT NOT NULL,
            service_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            PRIMARY KEY (service_day, service_id)
        )""",
        """CREATE TABLE ticket_events (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            counter_id TEXT,
            actor TEXT,
            device TEXT,
            detail TEXT
        )""",
        "CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id)",
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            counter_id TEXT NOT NULL,
            service_id TEXT NOT NULL,
            number TEXT NOT NULL,
            at REAL NOT NULL,
            recall INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX calls_counter ON calls (counter_id, id)",
        """CREATE TABLE counter_state (
            counter_id TEXT PRIMARY KEY,
            state TEXT NOT NULL DEFAULT 'open',
            current_ticket_id TEXT REFERENCES tickets(id),
            officer TEXT,
            updated_at REAL NOT NULL
        )""",
        """CREATE TABLE users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            agency_id TEXT,
            counters TEXT NOT NULL DEFAULT '[]',
            display_name TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES users(username),
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        )""",
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(id),
            printer_id TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT 'id',
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )""",
        "CREATE INDEX print_jobs_pending ON print_jobs (status, printer_id)",
        "CREATE INDEX print_jobs_ticket ON print_jobs (ticket_id)",
        """CREATE TABLE closures (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            service_day TEXT NOT NULL,
            reason TEXT NOT NULL,
            actor TEXT,
            at REAL NOT NULL,
            reopened_at REAL
        )""",
        "CREATE INDEX closures_day ON closures (service_day, kind, target_id)",
        """CREATE TABLE surveys (
            ticket_id TEXT PRIMARY KEY REFERENCES tickets(id),
            at REAL NOT NULL,
            service_id TEXT NOT NULL,
            agency_id TEXT NOT NULL,
            counter_id TEXT,
            officer TEXT,
            u1 INTEGER NOT NULL, u2 INTEGER NOT NULL, u3 INTEGER NOT NULL,
            u4 INTEGER NOT NULL, u5 INTEGER NOT NULL, u6 INTEGER NOT NULL,
            u7 INTEGER NOT NULL, u8 INTEGER NOT NULL, u9 INTEGER NOT NULL,
            comment TEXT
        )""",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            target TEXT,
            address TEXT,
            detail TEXT
        )""",
        "CREATE INDEX audit_log_at ON audit_log (at)",
    ]
    for statement in statements:
        db.conn.execute(statement)


def m002_waiting_index(db: sqlite_utils.Database) -> None:
    """Waiting tickets by day and service in call order: counting a line (ahead, waiting)
    and call-next then cost as much as the line is long, not as many tickets as the day has."""
    db.conn.execute(
        "CREATE INDEX tickets_waiting ON tickets (service_day, service_id, queue_lane, queue_at) "
        "WHERE status = 'waiting'"
    )


def m003_drop_line_index(db: sqlite_utils.Database) -> None:
    """tickets_waiting (002) answers every question tickets_line did, for the waiting tickets
    it was made for; keeping both cost every issue and call one more index to update."""
    db.conn.execute("DROP INDEX IF EXISTS tickets_line")


def m004_rate_limits(db: sqlite_utils.Database) -> None:
    """The allowance left to each kiosk and client address for anonymous ticket requests
    (server/core/limits.py): in the database, so every server process counts the same."""
    db.conn.execute(
        "CREATE TABLE rate_limits (key TEXT PRIMARY KEY, tokens REAL NOT NULL, at REAL NOT NULL)"
    )
    db.conn.execute("CREATE INDEX rate_limits_at ON rate_limits (at)")


MIGRATIONS: list[tuple[str, Migration]] = [
    ("001_core", m001_core),
    ("002_waiting_index", m002_waiting_index),
    ("003_drop_line_index", m003_drop_line_index),
    ("004_rate_limits", m004_rate_limits),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied."""
    conn = db.conn
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    applied: list[str] = []
    for name, migration in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone()
            if not done:
                migration(db)
                conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, time.time()))
                applied.append(name)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return applied
