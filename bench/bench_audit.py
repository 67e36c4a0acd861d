"""(g) The audit search on a year of history, and what its text index costs the hall.

On a copy of the cached year (bench_reports' `~/.cache/antrean/bench-year`, made there by
`python -m bench.bench_reports` when missing; `--db` names another copy to start from):

- `audit_search.search` over the whole year (a text that matches, one found nowhere, an
  actor, an action, both with a text), first on the database as it was before migration
  012 (no text index: the LIKE walk), then after it, each next to the 200 ms target;
- the time migration 012 takes to index the year's history (the figure in docs/reports.md),
  and how much the file grows;
- what the index's trigger adds to a ticket issue and to a counter's call (`call_next`,
  which also finishes the ticket before: two history rows indexed): the same
  `Store.write()` transactions (synchronous=FULL, as the server) with the triggers and
  without, in alternating rounds after one that warms the caches up.

    .venv/bin/python -m bench.bench_audit [--db PATH] [--repeat 3] [--actions 400]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.harness import bundled_data, machine_note, percentile, without_quotas
from server.core import audit_search
from server.core.config_load import parse_config
from server.core.counters import call_next
from server.core.migrations import MIGRATIONS
from server.core.site import SiteIndex
from server.core.store import Store, read_only
from server.core.tickets import issue_ticket

CACHE_DB = Path.home() / ".cache" / "antrean" / "bench-year" / "antrean.db"
LAST_DAY = date(2026, 11, 30)
TARGET_MS = 200.0
SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("text that matches (a counter)", {"text": "loket-42"}),
    ("text that matches (an address)", {"text": "192.168.1.61"}),
    ("text found nowhere", {"text": "tidak-ada-di-mana-pun"}),
    ("text found nowhere, 3 letters", {"text": "zzz"}),
    ("actor, no text", {"actor": "petugas-loket-57"}),
    ("action, no text", {"action": "transferred"}),
    ("actor + action + text", {"actor": "petugas-loket-57", "action": "called", "text": "loket-57"}),
    ("actor + text found nowhere", {"actor": "petugas-loket-57", "text": "tidak-ada"}),
    ("2 letters found nowhere (no index)", {"actor": "petugas-loket-57", "action": "called", "text": "Q9"}),
]
TRIGGERS = ("ticket_events_text_added", "ticket_events_text_removed")


def search_times(db: Path, site: SiteIndex, repeat: int) -> dict[str, tuple[float, int]]:
    """The median of `repeat` searches over the year, and how many entries each found."""
    figures = {}
    for label, fields in SEARCHES:
        search = audit_search.Search(LAST_DAY - timedelta(days=364), LAST_DAY, **fields)  # type: ignore[arg-type]
        times, found = [], 0
        for _ in range(repeat):
            with read_only(db) as tx:
                began = time.perf_counter()
                found = len(audit_search.search(tx, site, search)["entries"])
                times.append((time.perf_counter() - began) * 1000)
        figures[label] = (statistics.median(times), found)
    return figures


def _migrate_before(db: Path, name: str) -> None:
    """Apply the migrations before `name`, as a server before it would have."""
    first = [index for index, (each, _) in enumerate(MIGRATIONS) if each == name][0]
    saved = MIGRATIONS[:]
    MIGRATIONS[:] = saved[:first]
    try:
        Store(db).close()
    finally:
        MIGRATIONS[:] = saved


def migrate_timed(db: Path) -> tuple[float, list[str]]:
    began = time.perf_counter()
    store = Store(db)  # opening migrates
    seconds = time.perf_counter() - began
    with closing(sqlite3.connect(db)) as conn:
        applied = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]
    store.close()
    return seconds, applied


def write_costs(db: Path, site: SiteIndex, actions: int) -> dict[str, dict[str, float]]:
    """ms per issue and per call, with the text index's triggers and without, alternating."""
    now = datetime(2026, 12, 1, 9, 0, tzinfo=site.tz).timestamp()
    services = ["ktp-el-perekaman"]  # one line, four counters calling it (as bench_reports)
    counters = ["loket-1", "loket-2", "loket-3", "loket-4"]
    with closing(sqlite3.connect(db)) as conn:
        kept = {name: sql for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)", TRIGGERS)}
    samples: dict[str, dict[str, list[float]]] = {k: {"issue": [], "call": []} for k in ("with", "without")}
    store = Store(db)
    try:
        for round_ in range(7):  # the first warms the caches up and is not counted
            mode = "with" if round_ % 2 == 0 else "without"
            for name, sql in kept.items():
                store.db.conn.execute(f"DROP TRIGGER IF EXISTS {name}")
                if mode == "with":
                    store.db.conn.execute(sql)
            for i in range(actions // 2):
                now += 1
                issued = _timed(store, lambda tx, i=i, now=now: issue_ticket(
                    tx, site, now, services[i % len(services)]))
                called = _timed(store, lambda tx, i=i, now=now: call_next(
                    tx, site, now, counters[i % len(counters)], actor="bench"))
                if round_:
                    samples[mode]["issue"].append(issued)
                    samples[mode]["call"].append(called)
    finally:
        store.close()
    return {mode: {f"{kind} {stat}": fn(values) for kind, values in by.items()
                   for stat, fn in (("p50", lambda v: percentile(v, 50)), ("mean", statistics.fmean))}
            for mode, by in samples.items()}


def _timed(store: Store, work: Callable[..., object]) -> float:
    began = time.perf_counter()
    with store.write() as tx:
        work(tx)
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=CACHE_DB)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--actions", type=int, default=400)
    args = parser.parse_args()
    site = SiteIndex(parse_config(without_quotas(bundled_data())))
    print(f"(g) audit search on a year — {machine_note()}")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "antrean.db"
        shutil.copyfile(args.db, db)
        with closing(sqlite3.connect(db)) as conn:
            done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
            events = conn.execute("SELECT count(*) FROM ticket_events").fetchone()[0]
        print(f"   {events:,} history rows; migrations up to {max(done)}")
        before = None
        if "012_history_text" not in done:
            _migrate_before(db, "012_history_text")  # 011's index of the history by time: today's search
            before = search_times(db, site, 1)
        size = db.stat().st_size
        seconds, _ = migrate_timed(db)
        grown = (db.stat().st_size - size) / 1e6
        if before is not None:
            print(f"   migration 012 (index the year's history): {seconds:.1f} s, the file grew {grown:.0f} MB")
        after = search_times(db, site, args.repeat)
        print(f"\n   {'search over the whole year':38} {'before':>10} {'after':>10} {'found':>6}  target")
        for label, (ms, found) in after.items():
            was = f"{before[label][0]:8.0f}ms" if before else "       n/a"
            mark = "ok" if ms < TARGET_MS else "MISSED"
            print(f"   {label:38} {was:>10} {ms:8.1f}ms {found:6}  < {TARGET_MS:.0f} ms {mark}")
        costs = write_costs(db, site, args.actions)
        print(f"\n   {'one write transaction, ms':24} {'with index':>11} {'without':>9} {'added':>8}")
        for key in costs["with"]:
            added = costs["with"][key] - costs["without"][key]
            print(f"   {key:24} {costs['with'][key]:11.2f} {costs['without'][key]:9.2f} {added:+8.2f}")


if __name__ == "__main__":
    main()
