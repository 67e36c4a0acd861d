"""Today's calls are read from today's rows, however long the history: a year of calls behind
the first few of the morning must not make each new call, or a display's reconnect, walk
the whole year (1-1.5 s a call on 1.1 million calls, measured in bench/bench_reports.py),
also after the night's ANALYZE, which is what made SQLite prefer that walk.

SQLite's progress handler counts the virtual machine's steps, so the work a query does is
measured exactly, on any machine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.core import announcements, counters
from server.web import display_views

OLD_CALLS = 30_000


def steps(tx: Any, work: Callable[[], Any]) -> int:
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0

    tx.db.conn.set_progress_handler(tick, 100)  # one tick every 100 instructions
    try:
        work()
    finally:
        tx.db.conn.set_progress_handler(None, 0)
    return counted[0] * 100


def test_the_mornings_first_calls_do_not_read_the_years_calls(hall_app: Any) -> None:
    site, hall = hall_app.site, hall_app.hall
    now = hall_app.clock.now()
    counter_id = site.counters_of_service["ktp-el-perekaman"][0]
    zone = next(counters_ for counters_ in announcements.zones(site).values() if counter_id in counters_)
    issued = hall_app.client().post("/api/v1/tickets", json={"service_id": "ktp-el-perekaman"}).json
    with hall.store.write() as tx:
        # The history: calls of past days at the zone's counters.
        rows = [(issued["id"], zone[n % len(zone)], "ktp-el-perekaman", f"A{n % 900 + 100}", now - 86_400 - n * 5.0)
                for n in range(OLD_CALLS)]
        tx.db.conn.executemany("INSERT INTO calls (ticket_id, counter_id, service_id, number, at) VALUES (?,?,?,?,?)",
                               rows)
    with hall.store.write() as tx:
        called = counters.call_next(tx, site, now, counter_id, "siti")
        assert called is not None and called["id"] == issued["id"]
    with hall.store.write() as tx:
        tx.execute("ANALYZE")
    with hall.store.read() as tx:
        call = tx.one("SELECT * FROM calls ORDER BY id DESC LIMIT 1")
        assert call is not None and call["ticket_id"] == issued["id"]
        work = {
            "which displays speak the call": lambda: announcements.decide(tx, site, call, lambda row: 5.0),
            "the counter's last call": lambda: counters.last_called(tx, site, counter_id, now),
            "the counter's recent tickets": lambda: counters.recent_tickets(tx, site, counter_id, now),
            "a display's state on (re)connect":
                lambda: display_views.display_state(tx, site, "hall", now, hall.announcer),
        }
        measured = {name: steps(tx, run) for name, run in work.items()}
    # Reading the old calls at all costs several instructions each: 30,000 of them would be
    # well over 100,000 steps; today's one call and the site's rows are a few thousand.
    assert all(count < 30_000 for count in measured.values()), measured
