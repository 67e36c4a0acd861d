"""Each service day's tickets kept as compact columns, so a year's report reads arrays, not rows.

Why columns and not counts: every figure of the summary must stay exact for any filter
(agency, service, counter, officer, in any combination) and any period. Counts and sums per
group could be added up, but a median or a P90 over a period cannot be made from the days'
medians, and within_standard compares each service time with the standard configured *now*,
which may have changed since. So a day keeps, per ticket, what the reports count it under
(service, agency, counter, officer, status, the local hour it was issued: small-int codes
into the day's own list of names) and its three durations (float64, the very differences
of the stored timestamps the reports always took; NaN where a ticket has none), in the
order the tickets were issued. That is ~33 bytes a ticket, 35 MB for a year of a million,
read as BLOBs and used as numpy arrays without a copy; the figures are then sorts, counts
and sums over those arrays (server/core/report_figures.py).

When a day's columns are made: for a closed service day (before today), by housekeeping at
the first quiet moment, and by a report that finds a closed day of its period without them
(`build_missing`). Today, and any day without columns, is read live from the tickets
table, the same way, in the report's own transaction: a report is never wrong because
columns are missing.

When they are dropped: triggers on the tickets table (migration 010_report_days) delete a
day's columns whenever one of its tickets is inserted or updated (a ticket finishing after
midnight, expiry at the next day's start, a correction), so what is stored always equals
what the tickets say; the next report or quiet moment makes them again. A deleted ticket
does not drop them, on purpose: when old history is removed to keep the database small,
the reports of those days still read their columns. The columns also record the format and
the time zone their hours were counted in; a change of either makes them count as missing.

Storing is exact under concurrency: a day is read and its columns written in ONE
transaction of the builder's own connection; if any other connection committed in
between, SQLite refuses the write (SQLITE_BUSY_SNAPSHOT) and the day is read again.
"""

from __future__ import annotations

import ctypes
import functools
import heapq
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from server.core import report_ikm
from server.core.site import SiteIndex
from server.core.store import Transaction

if TYPE_CHECKING:
    from server.core.reports import Filters

FORMAT = 2  # 2: with the day's survey sums (report_ikm.py)
# The rows of a day's codes: what a ticket is counted under, then the local hour of issue.
KEYS = ("service_id", "agency_id", "counter_id", "officer", "status")
SERVICE, AGENCY, COUNTER, OFFICER, STATUS, HOUR = range(6)
# The rows of a day's durations, in seconds (see server/core/reports.py for the definitions).
WAIT, WALK, SERVICE_TIME = range(3)
DURATION_COLUMNS = ("waits", "walks", "services")  # one BLOB each: a report holds one at a time
ROWS_SQL = (
    "SELECT service_id, agency_id, counter_id, officer, status, issued_at, called_at, started_at, finished_at "
    "FROM tickets WHERE service_day = ? ORDER BY issued_at, arrival"
)
ATTEMPTS = 5

Codes = npt.NDArray[np.int16]
MOST_NAMES = 2**15  # distinct values of one key in a period, so that codes fit int16 (sorted by radix)
Floats = npt.NDArray[np.float64]


@dataclass
class Day:
    """One service day's tickets as columns, in the order they were issued."""

    names: list[list[Any]]  # per key: the distinct values; a code is an index into its list
    codes: Codes  # (6, n): the five keys' codes, then the hour
    durations: Floats  # (3, n): wait, walk, service; NaN where the ticket has none

    @property
    def tickets(self) -> int:
        return int(self.codes.shape[1])


def day_of(site: SiteIndex, rows: Iterable[Sequence[Any]]) -> Day:
    """The columns of one day's ticket rows (ROWS_SQL), with the reports' own definitions."""
    nan = float("nan")
    seen: list[dict[Any, int]] = [{} for _ in KEYS]
    codes: list[list[int]] = [[] for _ in range(len(KEYS) + 1)]
    waits: list[float] = []
    walks: list[float] = []
    services: list[float] = []
    for service_id, agency_id, counter_id, officer, status, issued, called, started, finished in rows:
        for index, value in enumerate((service_id, agency_id, counter_id, officer, status)):
            codes[index].append(seen[index].setdefault(value, len(seen[index])))
        codes[HOUR].append(site.local(issued).hour)
        waits.append(called - issued if called is not None else nan)
        walks.append(started - called if called is not None and started is not None else nan)
        served = status == "done" and started is not None and finished is not None
        services.append(finished - started if served else nan)
    return Day(
        names=[list(names) for names in seen],
        codes=np.array(codes, dtype=np.int16).reshape(len(KEYS) + 1, -1),
        durations=np.array([waits, walks, services], dtype=np.float64).reshape(3, -1),
    )


def _days(start: date, end: date) -> Iterator[str]:
    day = start
    while day <= end:
        yield day.isoformat()
        day += timedelta(days=1)


def _valid(site: SiteIndex) -> tuple[str, list[Any]]:
    return "format = ? AND timezone = ?", [FORMAT, site.config.site.timezone]


# --- giving the memory back -------------------------------------------------------------------

M_MMAP_THRESHOLD = -3  # mallopt's parameter (glibc's malloc.h)
BIG_ARRAY_BYTES = 1 << 20


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library the process runs on (the symbols already loaded: no search for a file,
    which would start a program), when it is glibc."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


@functools.cache
def arrays_to_the_system() -> bool:
    """Make every allocation of over 1 MB (a year's arrays are 2 to 8 MB) a mapping of its own,
    given back to the system the moment it is freed. By default glibc raises that threshold
    after the first such block is freed, so the next year's arrays come from the heap of the
    report's thread and stay there: the server kept 50-60 MB more after each year's report,
    and its peak grew with the fragments. Measured: no cost in time. Once per process; False
    where the C library has no mallopt (not glibc)."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_MMAP_THRESHOLD, BIG_ARRAY_BYTES))


def give_back_memory() -> None:
    """After a report: return the free pages of every heap to the system (glibc's malloc_trim)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


# --- making them ------------------------------------------------------------------------------


def _store(conn: sqlite3.Connection, site: SiteIndex, service_day: str, day: Day) -> None:
    conn.execute(
        f"INSERT OR REPLACE INTO report_days (service_day, format, timezone, tickets, names, codes, "
        f"{', '.join(DURATION_COLUMNS)}, ikm_groups, ikm_sums, built_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (service_day, FORMAT, site.config.site.timezone, day.tickets, json.dumps(day.names), day.codes.tobytes(),
         *(day.durations[row].tobytes() for row in range(len(DURATION_COLUMNS))),
         *report_ikm.day_sums(conn, service_day), time.time()),
    )


def _build_one(conn: sqlite3.Connection, site: SiteIndex, service_day: str) -> bool:
    """Read the day and store its columns in one transaction; False when it has no tickets."""
    for attempt in range(ATTEMPTS):
        # A deferred read first, so the hall's writes wait only for the INSERT; but a hall that
        # commits every few milliseconds (a busy morning) would beat every such attempt, so the
        # last one takes the write lock before it reads: a day's read and store, tens of ms.
        conn.execute("BEGIN IMMEDIATE" if attempt == ATTEMPTS - 1 else "BEGIN")
        try:
            rows = conn.execute(ROWS_SQL, (service_day,)).fetchall()
            if rows:
                _store(conn, site, service_day, day_of(site, rows))
            conn.execute("COMMIT")
            return bool(rows)
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            # SQLITE_BUSY_SNAPSHOT, or plain SQLITE_BUSY: a read transaction that asks to write
            # while another connection writes is refused at once (SQLite calls no busy handler
            # for that upgrade, which could deadlock): both are the hall writing meanwhile.
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY:
                raise
    return False  # the hall kept writing meanwhile: the report reads this day live, a later round stores it


def build_missing(path: Path, site: SiteIndex, start: date, end: date) -> int:
    """Store the columns of every day from start to end (closed days only: the caller's
    end is before today) that has tickets but no valid columns; returns how many it made.

    On a connection of its own, opened in the calling thread (an OS thread off the loop):
    each day is read and written in a short transaction of its own, holding the write
    lock only for the INSERT, so the hall's writes wait a few milliseconds at most."""
    if end < start:
        return 0
    conn = sqlite3.connect(path, isolation_level=None, timeout=15)
    try:
        conn.execute("PRAGMA busy_timeout=15000")
        conn.execute("PRAGMA synchronous=NORMAL")  # columns lost in a power cut are simply made again
        where, params = _valid(site)
        stored = {row[0] for row in conn.execute(
            f"SELECT service_day FROM report_days WHERE service_day BETWEEN ? AND ? AND {where}",
            (start.isoformat(), end.isoformat(), *params))}
        made = 0
        for service_day in _days(start, end):
            if service_day in stored:
                continue
            if conn.execute("SELECT 1 FROM tickets WHERE service_day = ? LIMIT 1", (service_day,)).fetchone():
                made += _build_one(conn, site, service_day)
        return made
    finally:
        conn.close()


def first_day(path: Path) -> date | None:
    """The earliest service day with tickets (where housekeeping starts)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
    try:
        value = conn.execute("SELECT min(service_day) FROM tickets").fetchone()[0]
    finally:
        conn.close()
    return date.fromisoformat(value) if value else None


# --- the survey's sums of a period ----------------------------------------------------------


def ikm_groups(tx: Transaction, site: SiteIndex, filters: Filters) -> list[report_ikm.Group]:
    """The survey's sums of a period per (service, agency, month), in that order: stored for the
    days that have columns, counted from the answers for the others (report_ikm.py)."""
    if filters.counter_id is not None or filters.officer is not None:  # not what a day keeps its sums by
        return report_ikm.live_groups(tx, filters, None)
    where, params = _valid(site)
    stored = tx.execute(
        f"SELECT service_day, ikm_groups, ikm_sums FROM report_days WHERE service_day BETWEEN ? AND ? AND {where} "
        "ORDER BY 1",
        (filters.start.isoformat(), filters.end.isoformat(), *params)).fetchall()
    have = {row[0] for row in stored}
    live = [day for day in _days(filters.start, filters.end) if day not in have
            and tx.execute("SELECT 1 FROM tickets WHERE service_day = ? LIMIT 1", (day,)).fetchone()]
    return report_ikm.merged(stored, report_ikm.live_groups(tx, filters, live), filters)


# --- reading a period -------------------------------------------------------------------------


@contextmanager
def snapshot(tx: Transaction) -> Iterator[None]:
    """Every read inside sees the same moment, even on a connection outside a transaction
    (a period's codes and its durations are read by separate queries)."""
    tx.execute("SAVEPOINT report_period")
    try:
        yield
    finally:
        tx.execute("RELEASE report_period")


@dataclass
class Period:
    """The tickets of a period as columns with codes shared by all its days. The codes are
    read at once; each duration when it is needed (`duration`), so that only one of the
    three is in memory at a time."""

    tx: Transaction
    site: SiteIndex
    start: date
    end: date
    days: list[str]  # the service days that have tickets, in order
    names: list[list[Any]]  # per key
    codes: Codes  # (6, n)
    day: npt.NDArray[np.int16]  # (n,): index into days
    offsets: dict[str, int]  # where each day's tickets begin
    stored: dict[str, int]  # the days read from stored columns, and their number of tickets
    live: dict[str, Day]  # the days read from the tickets table

    @property
    def tickets(self) -> int:
        return int(self.codes.shape[1])

    def _pieces(self, row: int) -> Iterator[tuple[int, Floats]]:
        """(offset, values) of each day's tickets for one duration (WAIT, WALK or
        SERVICE_TIME), NaN where a ticket has none, day after day: stored days from their
        BLOBs (one at a time), live days from memory."""
        stored: Iterable[tuple[int, Floats]] = ()
        if self.stored:
            stored = self._stored_pieces(row)
        live = sorted((self.offsets[day], columns.durations[row]) for day, columns in self.live.items())
        yield from heapq.merge(stored, live, key=lambda piece: piece[0])

    def _stored_pieces(self, row: int) -> Iterator[tuple[int, Floats]]:
        where, params = _valid(self.site)
        cursor = self.tx.execute(
            f"SELECT service_day, {DURATION_COLUMNS[row]} FROM report_days WHERE service_day BETWEEN ? AND ? "
            f"AND {where} ORDER BY service_day", (self.start.isoformat(), self.end.isoformat(), *params))
        seen = 0
        for service_day, blob in cursor:
            size = self.stored.get(service_day)
            if size is None or len(blob) != size * 8:  # cannot be, within one snapshot
                raise RuntimeError(f"the report columns of {service_day} changed while they were read")
            yield self.offsets[service_day], np.frombuffer(blob, np.float64)
            seen += 1
        if seen != len(self.stored):
            raise RuntimeError("report columns went missing while they were read")

    def duration(self, row: int) -> Floats:
        """One duration of every ticket of the period, NaN where a ticket has none."""
        values = np.empty(self.tickets, dtype=np.float64)
        for offset, piece in self._pieces(row):
            values[offset:offset + len(piece)] = piece
        return values

    def present(self, row: int) -> tuple[npt.NDArray[np.int32], Floats]:
        """(positions, values) of the tickets that have this duration, in issue order: built
        day by day, so that no full-length array with the gaps is ever made."""
        where = np.empty(self.tickets, dtype=np.int32)
        values = np.empty(self.tickets, dtype=np.float64)
        filled = 0
        for offset, piece in self._pieces(row):
            kept = np.flatnonzero(~np.isnan(piece))
            where[filled:filled + len(kept)] = kept + offset
            values[filled:filled + len(kept)] = piece[kept]
            filled += len(kept)
        return where[:filled], values[:filled]


def period(tx: Transaction, site: SiteIndex, start: date, end: date) -> Period:
    """Every ticket of the service days start..end: stored columns where valid, live rows
    (in this same transaction) for the other days. Read it inside `snapshot(tx)`."""
    where, params = _valid(site)
    sizes: dict[str, int] = {row[0]: row[1] for row in tx.execute(
        f"SELECT service_day, tickets FROM report_days WHERE service_day BETWEEN ? AND ? AND {where}",
        (start.isoformat(), end.isoformat(), *params))}
    live: dict[str, Day] = {}
    for service_day in _days(start, end):
        if service_day not in sizes:
            rows = tx.execute(ROWS_SQL, (service_day,)).fetchall()
            if rows:
                live[service_day] = day_of(site, rows)
    days = sorted([*sizes, *live])
    offsets, total = {}, 0
    for service_day in days:
        offsets[service_day] = total
        total += sizes[service_day] if service_day in sizes else live[service_day].tickets
    result = Period(tx=tx, site=site, start=start, end=end, days=days, names=[[] for _ in KEYS],
                    codes=np.empty((len(KEYS) + 1, total), dtype=np.int16), day=np.empty(total, dtype=np.int16),
                    offsets=offsets, stored=sizes, live=live)
    known: list[dict[Any, int]] = [{} for _ in KEYS]

    def place(service_day: str, names: list[list[Any]], day_codes: Codes) -> None:
        begin = offsets[service_day]
        stop = begin + day_codes.shape[1]
        for index, values in enumerate(names):
            codes = known[index]
            shared = np.array([codes.setdefault(name, len(codes)) for name in values], dtype=np.int16)
            if len(codes) >= MOST_NAMES:
                raise ValueError(f"more than {MOST_NAMES - 1} distinct values of {KEYS[index]} in one period")
            result.codes[index, begin:stop] = shared[day_codes[index]] if values else 0
        result.codes[HOUR, begin:stop] = day_codes[HOUR]
        result.day[begin:stop] = days.index(service_day)

    if sizes:  # the BLOBs one at a time: a year's never sit in memory twice
        cursor = tx.execute(
            f"SELECT service_day, tickets, names, codes FROM report_days WHERE service_day BETWEEN ? AND ? "
            f"AND {where}", (start.isoformat(), end.isoformat(), *params))
        for service_day, tickets, names, codes in cursor:
            place(service_day, json.loads(names), np.frombuffer(codes, dtype=np.int16).reshape(-1, tickets))
    for service_day, day in live.items():
        place(service_day, day.names, day.codes)
    result.names = [list(codes) for codes in known]
    return result
