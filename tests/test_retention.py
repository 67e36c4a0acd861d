"""Old history moves to yearly archive files at night, and is still found there; a move
killed halfway loses and doubles nothing; the database is analysed and compacted."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import JAKARTA, make_hall_app
from rules import act, issue

from bench.history import seed_history
from server.core import audit_search, retention
from server.core.clock import FixedClock
from server.core.config import SiteConfig
from server.core.config_load import load_config
from server.core.site import SiteIndex
from server.core.store import read_only
from server.web.housekeeping import Housekeeper

ROOT = Path(__file__).resolve().parent.parent


def _rows(path: Path, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, params).fetchall()


def _wait(condition: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert condition(), "waited in vain"


def test_history_older_than_the_setting_moves_to_its_years_archive_and_is_still_searched(
    small_config: SiteConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    config = small_config.model_copy(update={"server": small_config.server.model_copy(update={"history_years": 5})})
    app = make_hall_app(config, tmp_path / "data", FixedClock(datetime(2020, 3, 2, 9, 0, tzinfo=JAKARTA)))
    db = app.hall.store.path
    app.add_user("lama", "admin")  # its login: an audit row of 2020
    old = issue(app, "ktp")
    act(app, "call_next", "loket-1", actor="siti")
    act(app, "finish", "loket-1", actor="siti")
    app.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA))
    recent = issue(app, "kk")
    act(app, "call_next", "loket-1", actor="budi")
    admin = app.add_user("kepala", "admin")
    in_2020 = "/api/v1/admin/audit?from=2020-03-02&to=2020-03-02"
    before = app.client().get(in_2020, headers=admin).json["entries"]
    assert {(e["action"], e["actor"]) for e in before} == {("login", "lama"), ("called", "siti"), ("done", "siti")}
    old_history = _rows(db, "SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id", (old["id"],))

    keeper = Housekeeper(app.hall)
    keeper.run_once()  # 09:00, the hall is open: nothing moves
    time.sleep(0.3)
    assert not retention.archive_folder(db).exists()
    app.clock.set(datetime(2026, 12, 2, 0, 5, tzinfo=JAKARTA))  # closed: first the backup, then the night care
    with caplog.at_level(logging.INFO, logger="antrean.housekeeping"):
        keeper.run_once()
        _wait(lambda: (db.parent / "backups" / "antrean-2026-12-02.db").exists())
        keeper.run_once()
        _wait(lambda: any(r.getMessage().startswith("night care") for r in caplog.records))

    archive = db.parent / "archive" / "antrean-2020.db"
    assert sorted(p.name for p in archive.parent.iterdir()) == ["antrean-2020.db"]
    assert _rows(archive, "SELECT * FROM ticket_events ORDER BY id") == old_history
    assert _rows(archive, "SELECT actor, action FROM audit_log") == [("lama", "login")]
    assert _rows(db, "SELECT count(*) FROM ticket_events WHERE ticket_id = ?", (old["id"],)) == [(0,)]
    assert _rows(db, "SELECT number, status FROM tickets WHERE id = ?", (old["id"],)) == [("A001", "done")]
    assert _rows(db, "SELECT kind FROM ticket_events WHERE ticket_id = ? ORDER BY id", (recent["id"],)) == [
        ("issued",), ("called",)]
    assert _rows(db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'ticket_events'") != [(0,)]  # analysed
    assert app.client().get(in_2020, headers=admin).json["entries"] == before
    whole = app.client().get("/api/v1/admin/audit?from=2020-01-01&to=2026-12-02", headers=admin).json["entries"]
    assert [(e["action"], e["actor"]) for e in whole if e["source"] == "ticket"] == [
        ("called", "budi"), ("done", "siti"), ("called", "siti")]
    app.hall.store.close()


# --- a move killed with SIGKILL ---------------------------------------------------------------------

CHILD = """
import os, sqlite3, sys, time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo
from server.core import retention

db, stop_at, marker = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])

class Stalling(sqlite3.Connection):
    # Stops for good at one point of the third batch (the test kills the process there).
    batches = 0
    def execute(self, sql, *args):
        if sql.startswith("INSERT OR IGNORE INTO archive"):
            Stalling.batches += 1
        third = Stalling.batches == 3
        if third and stop_at == "archive-commit" and sql == "COMMIT" and self.in_transaction:
            if "archive" in [row[1] for row in super().execute("PRAGMA database_list")] and not marker.exists():
                marker.write_text("copying")
                time.sleep(600)
        if third and stop_at == "before-delete" and sql == "BEGIN IMMEDIATE" and not marker.exists():
            marker.write_text("copied")
            time.sleep(600)
        return super().execute(sql, *args)

def connect(path):
    conn = sqlite3.connect(path, isolation_level=None, timeout=15, factory=Stalling)
    conn.execute("PRAGMA busy_timeout=15000")
    return conn

if stop_at != "anywhere":
    retention._connect = connect
else:
    marker.write_text("moving")
retention.move_old_history(db, ZoneInfo("Asia/Jakarta"), date(2027, 6, 1), 1, pause=0.05)
"""


def _every_row(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows across the database and every archive, duplicates kept."""
    found: dict[str, list[tuple[Any, ...]]] = {"ticket_events": [], "audit_log": []}
    for path in [db, *sorted(retention.archive_folder(db).glob("*.db"))]:
        for table in found:
            found[table] += _rows(path, f"SELECT * FROM {table}")
    return {table: sorted(rows) for table, rows in found.items()}


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five weekdays around the turn of 2025 of a busy hall: about 16,000 history rows."""
    path = tmp_path_factory.mktemp("history") / "antrean.db"
    data = yaml.safe_load((ROOT / "config.yaml").read_text())
    seed_history(path, data, last_day=date(2026, 1, 2), days=5, per_day=800)
    return path


@pytest.mark.parametrize("stop_at", ["archive-commit", "before-delete", "anywhere"])
def test_a_move_killed_halfway_leaves_every_row_exactly_once(seeded_db: Path, tmp_path: Path, stop_at: str) -> None:
    db = tmp_path / "antrean.db"
    with closing(sqlite3.connect(seeded_db)) as source, closing(sqlite3.connect(db)) as copy:
        source.backup(copy)
    original = _every_row(db)
    site = SiteIndex(load_config(ROOT / "config.yaml"))
    searches = [audit_search.Search(start=date(2025, 12, 1), end=date(2026, 1, 31), **only)
                for only in ({"action": "login", "limit": 1000}, {"actor": "petugas-loket-12", "limit": 1000},
                             {"text": "loket-61", "limit": 1000}, {"limit": 20})]
    with read_only(db) as tx:
        found_before = [audit_search.search(tx, site, search) for search in searches]
    assert all(0 < len(found["entries"]) < 1000 for found in found_before)
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), stop_at, str(marker)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    _wait(marker.exists)
    time.sleep(0.3 if stop_at == "anywhere" else 0.2)  # "anywhere": a few batches into the move
    assert child.poll() is None, "the move ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    if stop_at == "archive-commit":  # killed inside the archive's transaction: its journal is left
        assert list(retention.archive_folder(db).glob("*.db-journal"))
    if stop_at == "before-delete":  # the third batch is in the archive and still in the database
        assert sum(map(len, _every_row(db).values())) > sum(map(len, original.values()))

    retention.recover_archives(db)  # what the server does when it starts again
    with read_only(db) as tx:  # readers meanwhile: each row once, wherever it is
        assert [audit_search.search(tx, site, search) for search in searches] == found_before
    moved = retention.move_old_history(db, site.tz, date(2027, 6, 1), 1, pause=0)
    assert moved.finished
    assert _every_row(db) == original  # nothing lost, nothing doubled
    assert _rows(db, "SELECT count(*) FROM ticket_events") == [(0,)]
    assert sorted(p.name for p in retention.archive_folder(db).iterdir()) == ["antrean-2025.db", "antrean-2026.db"]
    with read_only(db) as tx:
        assert [audit_search.search(tx, site, search) for search in searches] == found_before


def test_a_large_move_is_compacted_away_and_a_small_one_is_not(seeded_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "antrean.db"
    with closing(sqlite3.connect(seeded_db)) as source, closing(sqlite3.connect(db)) as copy:
        source.backup(copy)
    tz = SiteIndex(load_config(ROOT / "config.yaml")).tz
    assert retention.vacuum_if_worth_it(db) is None  # nothing freed yet
    retention.move_old_history(db, tz, date(2026, 12, 30), 1, pause=0)  # two of the five days (26 and 29 Dec)
    assert retention.vacuum_if_worth_it(db) is None  # a small share of the file: the next days reuse it
    size = db.stat().st_size
    retention.move_old_history(db, tz, date(2027, 6, 1), 1, pause=0)  # the rest
    assert retention.vacuum_if_worth_it(db) is not None
    assert db.stat().st_size < size * 0.7
    assert _rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_search_whose_newest_week_does_not_fill_the_page_goes_on_into_older_days(seeded_db: Path) -> None:
    site = SiteIndex(load_config(ROOT / "config.yaml"))
    search = audit_search.Search(start=date(2025, 12, 1), end=date(2026, 1, 7), action="called", limit=1500)
    with read_only(seeded_db) as tx:
        found = audit_search.search(tx, site, search)["entries"]
    expected = _rows(seeded_db, "SELECT id FROM ticket_events WHERE kind = 'called' "
                     "ORDER BY at DESC, id DESC LIMIT 1500")
    newest_week = [e for e in found if e["at"] >= "2026-01-01"]
    assert 0 < len(newest_week) < 1500  # the page is filled from both sides of the week
    assert [e["id"] for e in found] == [row[0] for row in expected]


def test_a_move_stops_when_the_hall_opens_and_goes_on_the_next_night(seeded_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "antrean.db"
    with closing(sqlite3.connect(seeded_db)) as source, closing(sqlite3.connect(db)) as copy:
        source.backup(copy)
    original = _every_row(db)
    tz = SiteIndex(load_config(ROOT / "config.yaml")).tz
    asked = []
    first = retention.move_old_history(db, tz, date(2027, 6, 1), 1, pause=0,
                                       should_stop=lambda: asked.append(1) is None and len(asked) > 2)
    assert not first.finished and first.days == 2
    oldest_two = _rows(db, "SELECT DISTINCT service_day FROM tickets ORDER BY 1 LIMIT 2")
    assert _rows(db, "SELECT service_day FROM history_moved ORDER BY 1") == oldest_two
    assert _rows(db, "SELECT count(*) FROM ticket_events")[0][0] > 0  # three days are still in the database
    second = retention.move_old_history(db, tz, date(2027, 6, 1), 1, pause=0)
    assert second.finished and second.days == 3
    assert _every_row(db) == original and _rows(db, "SELECT count(*) FROM ticket_events") == [(0,)]


def test_a_days_queue_length_reads_its_history_in_the_archive(small_config: SiteConfig, tmp_path: Path) -> None:
    config = small_config.model_copy(update={"server": small_config.server.model_copy(update={"history_years": 5})})
    app = make_hall_app(config, tmp_path / "data", FixedClock(datetime(2020, 3, 2, 9, 0, tzinfo=JAKARTA)))
    for minute in (0, 3, 7):  # three in line by 09:07, the first called at 09:20
        app.clock.set(datetime(2020, 3, 2, 9, minute, tzinfo=JAKARTA))
        issue(app, "ktp")
    app.clock.set(datetime(2020, 3, 2, 9, 20, tzinfo=JAKARTA))
    act(app, "call_next", "loket-1", actor="siti")
    app.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA))
    admin = app.add_user("kepala", "admin")
    url = "/api/v1/reports/queue?date=2020-03-02&step=10"
    before = app.client().get(url, headers=admin).json
    assert before["peak"] == {"waiting": 3, "at": "2020-03-02T09:07:00+07:00"}
    assert {"at": "09:10", "waiting": 3} in before["points"] and {"at": "09:20", "waiting": 2} in before["points"]
    moved = retention.move_old_history(app.hall.store.path, app.site.tz, date(2026, 12, 1), 5, pause=0)
    assert moved.events == 4 and retention.archive_path(app.hall.store.path, 2020).exists()
    assert app.client().get(url, headers=admin).json == before
    app.hall.store.close()
