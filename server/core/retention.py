"""Years of history without a database that grows for ever: old history rows move to yearly
archive files, and the database is analysed (and compacted when a move freed much) at night.

What moves: a ticket's history rows (`ticket_events`, about four a ticket: the bulk of a
year) and the audit log, once they are older than `server.history_years`. The `tickets`
rows stay (one a ticket, nothing personal about a visitor): every report counts tickets,
and they keep answering over any range without reading an archive. An archive is an
ordinary SQLite file beside the database, `archive/antrean-YYYY.db`, holding the rows whose
time falls in that year (the site's time zone); the audit search and the reports that read
the history (the queue length over a day: `history_rows`) read it when their range reaches
that year. The daily backup copies the archives that changed (server/core/backup.py).

A move never holds the hall's write lock for long and never loses or doubles a row, even
when the process is killed halfway. It goes a day of tickets at a time, in batches: a batch
is first copied into the archive (INSERT OR IGNORE by primary key: a batch copied twice is
there once) and committed there; only then are the rows the archive now holds deleted from
the database, in a short transaction of their own. Killed between the two, the rows are in
both files until the next run deletes them, and readers take each row once. The day is
marked moved (`history_moved`) after its last batch; a day killed halfway is simply done
again.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from server.core.checkpoint import FALLBACK_PAGES
from server.core.osthread import os_sleep
from server.core.site import SiteIndex
from server.core.store import Transaction, owner_only

log = logging.getLogger("antrean.retention")

# What an archive holds: the columns copied, and the indexes its readers need.
COLUMNS = {
    "ticket_events": ("id", "ticket_id", "at", "kind", "counter_id", "actor", "device", "detail"),
    "audit_log": ("id", "at", "actor", "action", "target", "address", "detail"),
}
ARCHIVE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS {a}.ticket_events (id INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL, "
    "at REAL NOT NULL, kind TEXT NOT NULL, counter_id TEXT, actor TEXT, device TEXT, detail TEXT)",
    "CREATE INDEX IF NOT EXISTS {a}.ticket_events_at ON ticket_events (at, kind)",
    "CREATE INDEX IF NOT EXISTS {a}.ticket_events_ticket ON ticket_events (ticket_id)",
    "CREATE TABLE IF NOT EXISTS {a}.audit_log (id INTEGER PRIMARY KEY, at REAL NOT NULL, actor TEXT, "
    "action TEXT NOT NULL, target TEXT, address TEXT, detail TEXT)",
    "CREATE INDEX IF NOT EXISTS {a}.audit_log_at ON audit_log (at)",
)
# The audit search's text index of the counter actions (migration 012), in an archive too: its
# rows are indexed as they are copied in (a trigger cannot read the database's `tickets`).
TEXT_COLUMNS = "actor, kind, counter_id, number, device"
TEXT_INDEX = ("CREATE VIRTUAL TABLE {a}.ticket_events_text USING fts5("
              f"{TEXT_COLUMNS}, content='', detail=none, tokenize='trigram')")
TEXT_ROWS = ("INSERT INTO {a}.ticket_events_text (rowid, " + TEXT_COLUMNS + ") SELECT e.id, e.actor, e.kind, "
             "e.counter_id, t.number, e.device FROM {source}.ticket_events e LEFT JOIN main.tickets t "
             "ON t.id = e.ticket_id WHERE e.kind <> 'issued'")
# About 10 ms of the hall's write lock on a year's database, 65 ms with the text index's
# trigger (migration 012; docs/reports.md); the move runs while the hall is closed.
BATCH_ROWS = 2000
BATCH_TICKETS = 500  # a day's tickets, this many at a time: about 2,000 history rows
PAUSE_SECONDS = 0.02  # between batches: a kiosk or a counter that waits for the lock gets in
VACUUM_FREE_SHARE = 0.25  # compact once this share of the file is free pages (after a big move)


@dataclass(frozen=True)
class Moved:
    days: int = 0
    events: int = 0
    audit: int = 0
    seconds: float = 0.0
    finished: bool = True  # False: stopped by the budget or the hall opening; goes on next time


def erase_booking_contacts(tx: Transaction, site: SiteIndex, now: float) -> int:
    """A booking's phone, NIK digits and address are kept `site.booking.keep_contact_days` after
    its day (reminders, the limits against hoarding), then erased; the booking itself stays
    (the reports count it). Cheap enough for every housekeeping round: the index of the days
    finds the few bookings still holding any."""
    last = (site.local(now).date() - timedelta(days=site.config.site.booking.keep_contact_days)).isoformat()
    cursor = tx.execute(
        "UPDATE bookings SET phone = NULL, nik_last4 = NULL, address = NULL WHERE day < ? "
        "AND (phone IS NOT NULL OR nik_last4 IS NOT NULL OR address IS NOT NULL)", (last,))
    return cursor.rowcount


def archive_folder(db_path: Path) -> Path:
    return db_path.parent / "archive"


def archive_path(db_path: Path, year: int) -> Path:
    return archive_folder(db_path) / f"{db_path.stem}-{year}.db"


def first_kept_day(today: date, years: int) -> date:
    """The oldest day whose history stays in the database (29 February counts as the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _year_begin(year: int, tz: ZoneInfo) -> float:
    return datetime(year, 1, 1, tzinfo=tz).timestamp()


def _connect(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=15)
    conn.execute("PRAGMA busy_timeout=15000")
    conn.execute("PRAGMA synchronous=FULL")  # a batch deleted here is in the archive for good
    conn.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_PAGES}")  # as the server's own connection
    return conn


@contextmanager
def _attached(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """The archive at `path` attached as `archive` for the block: a transaction the block leaves
    open by an error is rolled back, and the archive is detached whatever happens."""
    conn.execute("ATTACH DATABASE ? AS archive", (str(path),))
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DETACH DATABASE archive")


def _move_rows(
    conn: sqlite3.Connection, db_path: Path, tz: ZoneInfo, table: str, ids_at: list[tuple[int, float]],
) -> int:
    """Copy these rows to their years' archives and commit there, then delete what the archives hold."""
    by_year: dict[int, list[int]] = {}
    for row_id, at in ids_at:
        by_year.setdefault(datetime.fromtimestamp(at, tz).year, []).append(row_id)
    columns = ", ".join(COLUMNS[table])
    moved = 0
    for year, ids in sorted(by_year.items()):
        path = archive_path(db_path, year)
        path.parent.mkdir(parents=True, exist_ok=True)
        owner_only(path)  # visitors' history and staff addresses, as private as the database
        with _attached(conn, path):
            conn.execute("PRAGMA archive.synchronous=FULL")
            marks = ",".join("?" * len(ids))
            conn.execute("BEGIN")
            for statement in ARCHIVE_SCHEMA:
                conn.execute(statement.format(a="archive"))
            if table == "ticket_events":
                ids_new = _text_index_in_archive(conn, ids)
            conn.execute(f"INSERT OR IGNORE INTO archive.{table} ({columns}) "
                         f"SELECT {columns} FROM main.{table} WHERE id IN ({marks})", ids)
            if table == "ticket_events" and ids_new:
                conn.execute(TEXT_ROWS.format(a="archive", source="main") +
                             f" AND e.id IN ({','.join('?' * len(ids_new))})", ids_new)
            conn.execute("COMMIT")  # the archive holds the batch: only now may the database let it go
            conn.execute("BEGIN IMMEDIATE")
            # Only rows the archive holds as they are here: an id given again after a restore
            # (to another row) is not the archived row, and stays.
            moved += conn.execute(
                f"DELETE FROM main.{table} WHERE id IN ({marks}) AND EXISTS (SELECT 1 FROM archive.{table} a "
                f"WHERE a.id = {table}.id AND a.at = {table}.at)", ids,
            ).rowcount
            conn.execute("COMMIT")
    return moved


def _text_index_in_archive(conn: sqlite3.Connection, ids: list[int]) -> list[int]:
    """Of these rows, those the attached archive does not hold yet (to index as they are copied).
    An archive made before its text index gets it here, filled with every row it holds, in the
    transaction of the copy: never an index that misses rows."""
    if not conn.execute("SELECT 1 FROM archive.sqlite_master WHERE name = 'ticket_events_text'").fetchone():
        conn.execute(TEXT_INDEX.format(a="archive"))
        conn.execute(TEXT_ROWS.format(a="archive", source="archive"))
    held = {row[0] for row in conn.execute(
        f"SELECT id FROM archive.ticket_events WHERE id IN ({','.join('?' * len(ids))})", ids)}
    return [row_id for row_id in ids if row_id not in held]


def _next_day(conn: sqlite3.Connection, before: str) -> str | None:
    row = conn.execute(
        "SELECT min(service_day) FROM tickets WHERE service_day < ? "
        "AND service_day > coalesce((SELECT max(service_day) FROM history_moved), '')",
        (before,),
    ).fetchone()
    return row[0] if row else None


def _move_day(conn: sqlite3.Connection, db_path: Path, tz: ZoneInfo, day: str, pause: float) -> tuple[int, int]:
    tickets = [r[0] for r in conn.execute("SELECT id FROM tickets WHERE service_day = ? ORDER BY arrival", (day,))]
    events = 0
    for start in range(0, len(tickets), BATCH_TICKETS):
        chunk = tickets[start:start + BATCH_TICKETS]
        rows = conn.execute(
            f"SELECT id, at FROM ticket_events WHERE ticket_id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk
        ).fetchall()
        for first in range(0, len(rows), BATCH_ROWS):
            events += _move_rows(conn, db_path, tz, "ticket_events", rows[first:first + BATCH_ROWS])
            os_sleep(pause)
    day_end = datetime.combine(date.fromisoformat(day) + timedelta(days=1), clock(0), tzinfo=tz).timestamp()
    audit = 0
    while rows := conn.execute("SELECT id, at FROM audit_log WHERE at < ? ORDER BY at LIMIT ?",
                               (day_end, BATCH_ROWS)).fetchall():
        moved = _move_rows(conn, db_path, tz, "audit_log", rows)
        if moved == 0:  # only rows whose id an archive holds for another row: left where they are
            log.warning("%d audit log rows before %s share an id with archived rows; kept", len(rows), day)
            break
        audit += moved
        os_sleep(pause)
    conn.execute("INSERT OR REPLACE INTO history_moved (service_day, moved_at, events, audit) VALUES (?,?,?,?)",
                 (day, time.time(), events, audit))
    return events, audit


def move_old_history(
    db_path: Path, tz: ZoneInfo, today: date, years: int, *, budget_seconds: float = 600,
    should_stop: Callable[[], bool] = lambda: False, pause: float = PAUSE_SECONDS,
) -> Moved:
    """Move the history of every day older than `years` years to the archives, oldest day first,
    until done, `budget_seconds` pass or `should_stop()` says the hall opens. Run it in an OS thread."""
    if years <= 0:
        return Moved()
    began = time.perf_counter()
    before = first_kept_day(today, years).isoformat()
    days = events = audit = 0
    with closing(_connect(db_path)) as conn:
        while (day := _next_day(conn, before)) is not None:
            if should_stop() or time.perf_counter() - began > budget_seconds:
                return Moved(days, events, audit, time.perf_counter() - began, finished=False)
            moved_events, moved_audit = _move_day(conn, db_path, tz, day, pause)
            days, events, audit = days + 1, events + moved_events, audit + moved_audit
    return Moved(days, events, audit, time.perf_counter() - began)


def index_archives(db_path: Path) -> int:
    """Give the archives made before the text index (migration 012) theirs, filled with every row
    they hold (1–2 minutes for a year's archive, once); returns how many were indexed."""
    indexed = 0
    with closing(_connect(db_path)) as conn:
        for path in sorted(archive_folder(db_path).glob(f"{db_path.stem}-????.db")):
            with _attached(conn, path):
                if not conn.execute("SELECT 1 FROM archive.sqlite_master WHERE name = 'ticket_events'").fetchone():
                    continue
                if conn.execute("SELECT 1 FROM archive.sqlite_master WHERE name = 'ticket_events_text'").fetchone():
                    continue
                conn.execute("BEGIN")
                _text_index_in_archive(conn, [])
                conn.execute("COMMIT")
                indexed += 1
    return indexed


def recover_archives(db_path: Path) -> None:
    """Open each archive once for writing: SQLite rolls back a copy killed halfway (its journal),
    which a read-only reader could not do. Called when the server starts."""
    for path in sorted(archive_folder(db_path).glob(f"{db_path.stem}-????.db")):
        with closing(sqlite3.connect(path, timeout=15)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


@contextmanager
def _archive_read(db_path: Path, path: Path) -> Iterator[Transaction]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=15)
    try:
        conn.execute("PRAGMA busy_timeout=15000")
        # `tickets` is not in an archive: unqualified, SQLite finds the database's, attached here.
        conn.execute("ATTACH DATABASE ? AS live", (f"{db_path.resolve().as_uri()}?mode=ro",))
        conn.execute("BEGIN")
        yield Transaction(sqlite_utils.Database(conn))
    finally:
        conn.close()


def archives_between(tx: Transaction, tz: ZoneInfo, begin: float, end: float) -> Iterator[Transaction]:
    """A read of each archive whose year the range [begin, end) reaches, that exists: the same
    queries as over the database (ticket_events, audit_log; `tickets` is the database's). Read
    the database first, then these, and take a row met twice once (a move killed halfway)."""
    db_path = Path(str(tx.scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")))
    first = datetime.fromtimestamp(begin, tz).year
    last = datetime.fromtimestamp(max(begin, end - 1), tz).year
    for year in range(first, last + 1):
        path = archive_path(db_path, year)
        if path.is_file():
            with _archive_read(db_path, path) as archive:
                yield archive


def history_rows(
    tx: Transaction, tz: ZoneInfo, begin: float, end: float, sql: str, params: Sequence[Any],
) -> list[dict[str, Any]]:
    """The rows of a query over `ticket_events e` (selecting e.id and e.at) for the range
    [begin, end), read from the database and from the archives the range reaches, each row
    once, oldest first: what a report of a day finds in its history whether or not the day
    has moved to an archive (wholly, or halfway when a move was killed)."""
    found = {row["id"]: row for row in tx.all(sql, params)}
    for archive in archives_between(tx, tz, begin, end):
        for row in archive.all(sql, params):
            found.setdefault(row["id"], row)
    return sorted(found.values(), key=lambda row: (row["at"], row["id"]))


def analyze(db_path: Path) -> float:
    """Fresh statistics for SQLite's choice of indexes (0.6 s on a year's database; a sample
    instead misjudged a day's tickets by 4x, and the planner then read a counter's whole year
    for its day's figures); seconds taken."""
    began = time.perf_counter()
    with closing(_connect(db_path)) as conn:
        conn.execute("ANALYZE")
    return time.perf_counter() - began


def vacuum_if_worth_it(db_path: Path) -> float | None:
    """Compact the file when a move left a quarter of it free pages and the disk has room for the
    copy VACUUM writes (about the file's size, twice in WAL mode); seconds taken, or None."""
    with closing(_connect(db_path)) as conn:
        free = conn.execute("PRAGMA freelist_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
        size = db_path.stat().st_size
        if size == 0 or free < VACUUM_FREE_SHARE * size:
            return None
        if shutil.disk_usage(db_path.parent).free < 2.2 * size:
            log.warning("not compacting %s: the disk lacks room for the copy it needs", db_path)
            return None
        began = time.perf_counter()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the log grew to the file's size: give it back
        return time.perf_counter() - began


@dataclass(frozen=True)
class NightCare:
    moved: Moved
    analyze_seconds: float
    vacuum_seconds: float | None


def night_care(
    db_path: Path, tz: ZoneInfo, today: date, years: int, should_stop: Callable[[], bool] = lambda: False,
) -> NightCare:
    """What the housekeeping does once a night while the hall is closed, in its OS thread:
    move the old history, index the archives made before the text index, refresh the
    statistics, compact when a move freed much."""
    moved = move_old_history(db_path, tz, today, years, should_stop=should_stop)
    if not should_stop():
        index_archives(db_path)
    analyze_seconds = analyze(db_path)
    return NightCare(moved, analyze_seconds, None if should_stop() else vacuum_if_worth_it(db_path))
