"""A site's past, written fast: months of finished tickets straight into a real SQLite file.

Replaying a year through the queue rules would take hours; reports, exports, the audit
search and backups only need the rows a year leaves behind. `seed_history` writes them
in one transaction with `executemany`: tickets (served, no-show, cancelled, expired) with
their issue, call, start and end times, each ticket's history rows, the day's sequences,
some survey answers and the officers' logins in the audit log. About 100,000 tickets a
second on the 2-core machine.

Run it before the server opens the file (or while it runs: SQLite's WAL and busy timeout
let both in, the server simply waits for the one long write).

    python -m bench.history DB CONFIG --days 260 --per-day 3000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from server.core.store import Store
from server.core.vocabulary import format_number

TICKET_COLUMNS = ("id", "service_day", "seq", "number", "issued_service_id", "service_id", "agency_id", "status",
                  "lang", "kiosk_id", "queue_lane", "queue_at", "issued_at", "called_at", "started_at",
                  "finished_at", "counter_id", "officer")
ENDINGS = (("done", 0.85), ("no_show", 0.07), ("cancelled", 0.05), ("expired", 0.03))
COMMENTS = ("Pelayanan cepat dan ramah.", "Ruang tunggu agak panas.", "=Petugas menjelaskan dengan jelas.", None)


@dataclass(frozen=True)
class Seeded:
    tickets: int
    events: int
    days: int
    seconds: float


def _service_lines(data: dict[str, Any]) -> list[tuple[str, str, str, list[str]]]:
    """(service id, agency id, prefix, the counters that serve it) for every served service."""
    counters: dict[str, list[str]] = {}
    for counter in data["counters"]:
        for service_id in counter["services"]:
            counters.setdefault(service_id, []).append(counter["id"])
    return [(service["id"], agency["id"], service["prefix"], counters[service["id"]])
            for agency in data["agencies"] for service in agency["services"] if service["id"] in counters]


def service_days(last: date, days: int) -> list[date]:
    """The `days` weekdays (Monday to Friday) up to and including `last`, oldest first."""
    found: list[date] = []
    day = last
    while len(found) < days:
        if day.weekday() < 5:
            found.append(day)
        day -= timedelta(days=1)
    return found[::-1]


def _day_rows(day: date, zone: ZoneInfo, lines: list[tuple[str, str, str, list[str]]], per_day: int,
              rng: random.Random, serial: Iterator[int]) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """One service day's tickets, each with its history rows."""
    opening = datetime.combine(day, datetime.min.time(), tzinfo=zone).timestamp() + 7.5 * 3600
    weights = [len(counters) for *_, counters in lines]
    seqs: dict[str, int] = {}
    statuses, shares = zip(*ENDINGS, strict=True)
    for pick in rng.choices(range(len(lines)), weights, k=per_day):
        service_id, agency_id, prefix, counters = lines[pick]
        seq = seqs[service_id] = seqs.get(service_id, 0) + 1
        ticket_id = f"h{next(serial):011x}"
        status = rng.choices(statuses, shares)[0]
        issued = opening + rng.uniform(0, 6 * 3600)
        counter = rng.choice(counters)
        officer = f"petugas-{counter}"
        called = started = finished = None
        events: list[tuple[Any, ...]] = [(ticket_id, issued, "issued", None, None, "kiosk-lobi")]
        if status in ("done", "no_show"):
            called = issued + rng.expovariate(1 / 900)
            events.append((ticket_id, called, "called", counter, officer, None))
            finished = called + rng.uniform(60, 180)
            if status == "done":
                started = called + rng.uniform(10, 90)
                finished = started + rng.expovariate(1 / 420)
                events.append((ticket_id, started, "started", counter, officer, None))
            events.append((ticket_id, finished, status, counter, officer, None))
        else:
            finished = issued + rng.uniform(300, 3600)
            counter, officer = None, None  # type: ignore[assignment]
            events.append((ticket_id, finished, status, None, None, None))
        row = (ticket_id, day.isoformat(), seq, format_number(prefix, seq), service_id, service_id, agency_id, status,
               "id", "kiosk-lobi", 1, issued, issued, called, started, finished, counter, officer)
        yield row, events


def seed_history(db_path: Path, data: dict[str, Any], *, last_day: date, days: int, per_day: int,
                 surveys: float = 0.1, seed: int = 1) -> Seeded:
    """`days` weekdays of `per_day` finished tickets each, ending on `last_day`, into `db_path`
    (created and migrated if new). `data` is the site's configuration as read from YAML."""
    began = time.perf_counter()
    Store(db_path).close()  # the schema, exactly as the server makes it
    zone = ZoneInfo(data["site"]["timezone"])
    lines = _service_lines(data)
    rng = random.Random(seed)
    serial = iter(range(1, 1 << 44))
    tickets = events = 0
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN IMMEDIATE")
        marks = ", ".join("?" * len(TICKET_COLUMNS))
        ticket_sql = f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) VALUES ({marks})"
        event_sql = "INSERT INTO ticket_events (ticket_id, at, kind, counter_id, actor, device) VALUES (?,?,?,?,?,?)"
        survey_sql = ("INSERT INTO surveys (ticket_id, at, service_id, agency_id, counter_id, officer, "
                      "u1, u2, u3, u4, u5, u6, u7, u8, u9, comment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        for day in service_days(last_day, days):
            day_rows = list(_day_rows(day, zone, lines, per_day, rng, serial))
            rows = [row for row, _ in day_rows]
            conn.executemany(ticket_sql, rows)
            history = [event for _, ticket_events in day_rows for event in ticket_events]
            conn.executemany(event_sql, history)
            conn.executemany(
                "INSERT INTO sequences (service_day, service_id, last_seq) VALUES (?, ?, ?) "
                "ON CONFLICT (service_day, service_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
                [(row[1], row[5], row[2]) for row in rows])
            answered = [row for row in rows if row[7] == "done" and rng.random() < surveys]
            conn.executemany(survey_sql, [
                (row[0], row[15] + 60, row[5], row[6], row[16], row[17],
                 *rng.choices((2, 3, 4), (1, 5, 4), k=9), rng.choice(COMMENTS)) for row in answered])
            logins = sorted({(row[17], row[12]) for row in rows if row[17]}, key=lambda item: item[1])
            first_login: dict[str, float] = {}
            for officer, at in logins:
                first_login.setdefault(officer, at - 600)
            conn.executemany("INSERT INTO audit_log (at, actor, action, target, address) VALUES (?,?,?,?,?)",
                             [(at, officer, "login", officer, "192.168.1.20") for officer, at in first_login.items()])
            tickets += len(rows)
            events += len(history)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return Seeded(tickets, events, days, time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("config", type=Path)
    parser.add_argument("--days", type=int, default=260)
    parser.add_argument("--per-day", type=int, default=3000)
    parser.add_argument("--last-day", type=date.fromisoformat, default=date(2026, 11, 30))
    args = parser.parse_args()
    data = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    made = seed_history(args.db, data, last_day=args.last_day, days=args.days, per_day=args.per_day)
    print(f"{made.tickets} tickets, {made.events} history rows over {made.days} days in {made.seconds:.1f} s")


if __name__ == "__main__":
    main()
