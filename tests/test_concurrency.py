"""Many kiosks and counters at once, each on its own database connection (as separate
server processes or the `antrean` command would be): no number is duplicated or
skipped, and no ticket is called twice."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rules import together

from server.core import counters, tickets
from server.core.site import SiteIndex
from server.core.store import Store

THREADS = 8
LINE = 70  # tickets in the line the counters race for


def test_concurrent_kiosks_never_duplicate_or_skip_a_number(small_app: Any, tmp_path: Path) -> None:
    site: SiteIndex = small_app.site
    path = small_app.hall.store.path
    per_thread = 40

    def kiosk(index: int) -> list[str]:
        store = Store(path)  # its own connection, like another process
        numbers = []
        for _ in range(per_thread):
            with store.write() as tx:
                numbers.append(tickets.issue_ticket(tx, site, small_app.clock.now(), "kk")["number"])
        store.close()
        return numbers

    numbers = [n for batch in together(THREADS, kiosk, timeout=60) for n in batch]
    assert sorted(numbers) == [f"B{i:03d}" for i in range(1, THREADS * per_thread + 1)]


def test_counters_racing_for_one_line_each_get_different_tickets(hall_app: Any) -> None:
    site: SiteIndex = hall_app.site
    serving = site.counters_of_service["ktp-el-perekaman"]
    assert len(serving) >= 2
    for _ in range(LINE):  # within the walk-ins' share of its quota (the rest is for bookings)
        with hall_app.hall.store.write() as tx:
            tickets.issue_ticket(tx, site, hall_app.clock.now(), "ktp-el-perekaman")
    path = hall_app.hall.store.path

    def counter(index: int) -> list[str]:
        store = Store(path)
        counter_id = serving[index % len(serving)]
        called = []
        while True:
            with store.write() as tx:
                got = counters.call_next(tx, site, hall_app.clock.now(), counter_id)
            if got is None:
                break
            called.append(got["id"])
        store.close()
        return called

    results = together(2 * len(serving), counter, timeout=60)
    called = [ticket_id for batch in results for ticket_id in batch]
    assert len(called) == len(set(called))
    with hall_app.hall.store.read() as tx:
        calls = tx.scalar("SELECT count(*) FROM calls WHERE recall = 0")
        still_waiting = tx.scalar("SELECT count(*) FROM tickets WHERE status = 'waiting'")
        distinct = tx.scalar("SELECT count(DISTINCT ticket_id) FROM calls")
    assert calls == distinct == len(called) == LINE
    assert still_waiting == 0


def test_concurrent_http_issues_through_the_app(small_app: Any) -> None:
    """The same promise through the Flask app shared by request threads."""

    def kiosk(index: int) -> list[str]:
        client = small_app.client()
        got = []
        for _ in range(15):
            answer = client.post("/api/v1/tickets", json={"service_id": "pbb"})
            assert answer.status_code == 201, answer.json
            got.append(answer.json["number"])
        return got

    numbers = [n for batch in together(6, kiosk, timeout=60) for n in batch]
    assert sorted(numbers) == [f"PBB{i:03d}" for i in range(1, 91)]


def test_tickets_issued_while_the_log_is_checkpointed_are_all_kept(small_app: Any) -> None:
    """`antrean serve` copies the write-ahead log into the database file on a thread of its
    own: kiosks writing meanwhile never fail, and every ticket reaches the database file."""
    site: SiteIndex = small_app.site
    store: Store = small_app.hall.store
    main_file = store.path
    size_before = main_file.stat().st_size
    store.checkpoint_in_background()
    per_thread = 20

    def kiosk(index: int) -> list[str]:
        numbers = []
        for _ in range(per_thread):
            with store.write() as tx:
                numbers.append(tickets.issue_ticket(tx, site, small_app.clock.now(), "kk")["number"])
        return numbers

    numbers = [n for batch in together(THREADS, kiosk, timeout=60) for n in batch]
    assert sorted(numbers) == [f"B{i:03d}" for i in range(1, THREADS * per_thread + 1)]
    # A commit only checkpoints by itself past 2,000 pages of log, more than these tickets
    # wrote: a bigger database file means the background thread copied them.
    deadline = time.monotonic() + 10
    while main_file.stat().st_size <= size_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert main_file.stat().st_size > size_before
    fresh = Store(main_file)
    with fresh.read() as tx:
        assert tx.scalar("SELECT count(*) FROM tickets WHERE service_id = 'kk'") == THREADS * per_thread
    fresh.close()


def test_the_write_ahead_log_stays_short_under_a_steady_stream_of_tickets(small_app: Any) -> None:
    """A background checkpoint never reaches the end of a log that keeps growing; the commit
    past 2,000 pages finishes the job, so the log starts over instead of filling the disk."""
    site: SiteIndex = small_app.site
    store: Store = small_app.hall.store
    store.checkpoint_in_background()
    wal = Path(f"{store.path}-wal")
    for _ in range(3000):  # ~24,000 pages of log were it never to start over
        with store.write() as tx:
            tickets.issue_ticket(tx, site, small_app.clock.now(), "kk")
    assert wal.stat().st_size < 20 * 1024 * 1024
