"""A site's past, written fast: months of finished tickets straight into a real SQLite file.

Replaying a year through the queue rules would take hours; reports, exports, the audit
search and backups only need the rows a year leaves behind. Each service day is simulated
(bench/history_day.py: the morning peak, counters calling their lines, service times
around each service's standard, cancels, no-shows, recalls, transfers, expiries, survey
answers, staff logins) and written in one transaction with `executemany`: tickets, their
history rows, the `calls`, the day's sequences, the surveys and the audit log, with the
columns and event kinds the rules write.

Run it before the server opens the file (or while it runs: SQLite's WAL and busy timeout
let both in, the server simply waits for the one long write).

    python -m bench.history DB CONFIG --days 250 --per-day 4000   # ~1M tickets, a year
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from bench.history_day import TICKET_COLUMNS, Plan, simulate
from server.core.config import WEEKDAYS
from server.core.config_load import parse_config
from server.core.site import SiteIndex
from server.core.store import Store

EVENT_SQL = "INSERT INTO ticket_events (ticket_id, at, kind, counter_id, actor, device, detail) VALUES (?,?,?,?,?,?,?)"
CALL_SQL = "INSERT INTO calls (ticket_id, counter_id, service_id, number, at, recall) VALUES (?,?,?,?,?,?)"
SURVEY_SQL = ("INSERT INTO surveys (ticket_id, at, service_id, agency_id, counter_id, officer, "
              "u1, u2, u3, u4, u5, u6, u7, u8, u9, comment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
AUDIT_SQL = "INSERT INTO audit_log (at, actor, action, target, address, detail) VALUES (?,?,?,?,?,?)"
SEQUENCE_SQL = ("INSERT INTO sequences (service_day, service_id, last_seq) VALUES (?, ?, ?) "
                "ON CONFLICT (service_day, service_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)")


@dataclass(frozen=True)
class Seeded:
    """What was written: the totals, and per day and per status, for checking reports against."""

    tickets: int
    events: int
    days: int
    seconds: float
    by_day: dict[str, int] = field(default_factory=dict)  # service day -> tickets issued
    by_status: dict[str, int] = field(default_factory=dict)
    by_day_status: dict[str, dict[str, int]] = field(default_factory=dict)
    calls: int = 0
    surveys: int = 0
    audit: int = 0

    @property
    def first_day(self) -> str:
        return min(self.by_day)

    def issued_between(self, first: str, last: str) -> int:
        return sum(n for day, n in self.by_day.items() if first <= day <= last)


def service_days(last: date, days: int, site: SiteIndex | None = None) -> list[date]:
    """The `days` days the hall is open up to and including `last`, oldest first: Monday to
    Friday, or with `site` its opening days without its holidays."""
    open_days = set(site.config.site.hours.days) if site else set(WEEKDAYS[:5])
    found: list[date] = []
    day = last
    while len(found) < days:
        if WEEKDAYS[day.weekday()] in open_days and not (site and site.holiday(day)):
            found.append(day)
        day -= timedelta(days=1)
    return found[::-1]


def open_days_between(site: SiteIndex, first: date, last: date) -> int:
    """How many days the hall is open from `first` to `last` (both included)."""
    count, day = 0, first
    while day <= last:
        count += WEEKDAYS[day.weekday()] in site.config.site.hours.days and not site.holiday(day)
        day += timedelta(days=1)
    return count


def seed_history(db_path: Path, data: dict[str, Any], *, last_day: date, days: int, per_day: int,
                 seed: int = 1) -> Seeded:
    """`days` open days of about `per_day` tickets each (the week's rhythm: more on Mondays,
    fewer on Fridays), ending on `last_day`, into `db_path` (created and migrated if new).
    `data` is the site's configuration as read from YAML; its quotas cap each service."""
    began = time.perf_counter()
    Store(db_path).close()  # the schema, exactly as the server makes it
    site = SiteIndex(parse_config(data, "history.yaml"))
    plan = Plan(site, seed)
    rng = random.Random(seed)
    serial = iter(range(1, 1 << 44))
    by_day: dict[str, int] = {}
    by_day_status: dict[str, dict[str, int]] = {}
    totals: Counter[str] = Counter()
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN IMMEDIATE")
        ticket_sql = (f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * len(TICKET_COLUMNS))})")
        for day in service_days(last_day, days, site):
            made = simulate(plan, day, per_day, rng, serial)
            conn.executemany(ticket_sql, made.tickets)
            conn.executemany(EVENT_SQL, made.events)
            conn.executemany(CALL_SQL, made.calls)
            conn.executemany(SURVEY_SQL, made.surveys)
            conn.executemany(AUDIT_SQL, made.audit)
            conn.executemany(SEQUENCE_SQL, made.sequences)
            by_day[day.isoformat()] = len(made.tickets)
            by_day_status[day.isoformat()] = dict(made.statuses)
            totals.update({"tickets": len(made.tickets), "events": len(made.events), "calls": len(made.calls),
                           "surveys": len(made.surveys), "audit": len(made.audit)})
        conn.execute("COMMIT")
    finally:
        conn.close()
    by_status: Counter[str] = Counter()
    for statuses in by_day_status.values():
        by_status.update(statuses)
    return Seeded(totals["tickets"], totals["events"], len(by_day), time.perf_counter() - began, by_day,
                  dict(by_status), by_day_status, totals["calls"], totals["surveys"], totals["audit"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("config", type=Path)
    parser.add_argument("--days", type=int, default=250, help="open days of history (a year has about 250)")
    parser.add_argument("--per-day", type=int, default=4000)
    parser.add_argument("--last-day", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    made = seed_history(args.db, data, last_day=args.last_day, days=args.days, per_day=args.per_day, seed=args.seed)
    print(f"{made.tickets} tickets, {made.events} history rows, {made.calls} calls, {made.surveys} survey answers, "
          f"{made.audit} audit rows over {made.days} days in {made.seconds:.1f} s")
    print("   by status: " + ", ".join(f"{status} {n}" for status, n in sorted(made.by_status.items())))


if __name__ == "__main__":
    main()
