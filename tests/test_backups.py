"""Daily backups: one a day at a quiet moment, the newest kept, never in the way."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import JAKARTA, make_hall_app
from rules import act, issue

from server.core import retention
from server.core.backup import make_daily_backup
from server.core.clock import FixedClock
from server.core.config import SiteConfig
from server.web.housekeeping import Housekeeper

ROOT = Path(__file__).resolve().parent.parent


def _app_with(small_config: SiteConfig, tmp_path: Path, **server: Any) -> Any:
    config = small_config.model_copy(update={"server": small_config.server.model_copy(update=server)})
    return make_hall_app(config, tmp_path / "data", FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)))


def _wait_for(path: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.exists(), f"{path} was not made"


def _tickets_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT number FROM tickets ORDER BY arrival")]


def test_the_first_quiet_moment_of_a_day_backs_it_up_once(small_config: SiteConfig, tmp_path: Path) -> None:
    app = _app_with(small_config, tmp_path)
    keeper = Housekeeper(app.hall)
    folder = tmp_path / "data" / "backups"
    issue(app, "kk")
    issue(app, "ktp")
    keeper.run_once()  # 09:00, services open: the hall is busy, no backup
    assert not folder.exists()
    app.clock.set(datetime(2026, 12, 2, 0, 0, 15, tzinfo=JAKARTA))  # just after midnight
    keeper.run_once()
    made = folder / "antrean-2026-12-02.db"
    _wait_for(made)
    assert _tickets_in(made) == ["B001", "A001"]
    stamp = made.stat().st_mtime_ns
    time.sleep(0.05)
    keeper.run_once()
    time.sleep(0.2)
    assert [p.name for p in folder.iterdir()] == [made.name] and made.stat().st_mtime_ns == stamp
    app.hall.store.close()


def test_only_the_newest_daily_backups_are_kept(small_config: SiteConfig, tmp_path: Path) -> None:
    app = _app_with(small_config, tmp_path, backup_keep=2, backup_dir="salinan")
    folder = tmp_path / "data" / "salinan"
    folder.mkdir(parents=True)
    for day in ("2026-11-27", "2026-11-30"):
        (folder / f"antrean-{day}.db").write_bytes(b"an older day")
    by_hand = folder / "antrean-20261130-101500.db"
    by_hand.write_bytes(b"made with antrean backup")
    app.clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=JAKARTA))  # before opening
    Housekeeper(app.hall).run_once()
    _wait_for(folder / "antrean-2026-12-01.db")
    deadline = time.monotonic() + 5
    while (folder / "antrean-2026-11-27.db").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(p.name for p in folder.iterdir()) == [
        "antrean-2026-11-30.db", "antrean-2026-12-01.db", by_hand.name]
    app.hall.store.close()


def test_no_backups_when_turned_off(small_config: SiteConfig, tmp_path: Path) -> None:
    app = _app_with(small_config, tmp_path, backup_keep=0)
    app.clock.set(datetime(2026, 12, 2, 0, 5, tzinfo=JAKARTA))
    Housekeeper(app.hall).run_once()
    time.sleep(0.3)
    assert not (tmp_path / "data" / "backups").exists()
    app.hall.store.close()


def test_a_backup_folder_that_cannot_be_made_is_reported_once_and_the_hall_goes_on(
    small_config: SiteConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    app = _app_with(small_config, tmp_path, backup_dir=str(blocker / "backups"))
    app.clock.set(datetime(2026, 12, 2, 0, 5, tzinfo=JAKARTA))
    keeper = Housekeeper(app.hall)
    with caplog.at_level(logging.ERROR, logger="antrean.housekeeping"):
        keeper.run_once()
        deadline = time.monotonic() + 5
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.02)
        keeper.run_once()
        time.sleep(0.2)
    errors = [r.getMessage() for r in caplog.records]
    assert len(errors) == 1 and errors[0].startswith("no backup today") and "not-a-folder" in errors[0]
    admin = app.add_user("kepala", "admin")
    answer = app.client().get("/api/v1/admin/backups", headers=admin).json
    assert answer["backups"] == [] and answer["problem"].startswith("2026-12-02: ")
    app.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=JAKARTA))
    assert issue(app, "kk")["number"] == "B001"
    app.hall.store.close()


def test_admins_see_the_backups_newest_first_and_nobody_else_does(small_config: SiteConfig, tmp_path: Path) -> None:
    app = _app_with(small_config, tmp_path, backup_keep=7)
    app.clock.set(datetime(2026, 12, 2, 0, 5, tzinfo=JAKARTA))
    folder = tmp_path / "data" / "backups"
    folder.mkdir(parents=True)
    (folder / "antrean-2026-11-30.db").write_bytes(b"x" * 10)
    Housekeeper(app.hall).run_once()
    _wait_for(folder / "antrean-2026-12-02.db")
    admin = app.add_user("kepala", "admin")
    answer = app.client().get("/api/v1/admin/backups", headers=admin).json
    assert (answer["keep"], answer["folder"], answer["problem"]) == (7, str(folder), None)
    assert [b["name"] for b in answer["backups"]] == ["antrean-2026-12-02.db", "antrean-2026-11-30.db"]
    assert answer["backups"][1]["size_bytes"] == 10 and answer["backups"][0]["size_bytes"] > 10
    supervisor = app.add_user("sari", "supervisor", agency="capil")
    assert app.client().get("/api/v1/admin/backups", headers=supervisor).status_code == 403
    assert app.client().get("/api/v1/admin/backups").status_code == 401
    app.hall.store.close()


# --- the yearly archives of old history ---------------------------------------------------------


def _archived_hall(small_config: SiteConfig, tmp_path: Path) -> Any:
    """A hall whose 2020 history (siti's call and finish) has moved to archive/antrean-2020.db."""
    app = _app_with(small_config, tmp_path, history_years=5)
    app.clock.set(datetime(2020, 3, 2, 9, 0, tzinfo=JAKARTA))
    issue(app, "ktp")
    act(app, "call_next", "loket-1", actor="siti")
    act(app, "finish", "loket-1", actor="siti")
    app.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA))
    issue(app, "kk")
    retention.move_old_history(app.hall.store.path, app.site.tz, date(2026, 12, 1), 5, pause=0)
    return app


def _history_in(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as db:
        return [(row[0], row[1]) for row in db.execute("SELECT kind, actor FROM ticket_events ORDER BY id")]


def test_the_daily_backup_copies_the_archives_that_changed_beside_it_and_a_restore_reads_them(
    small_config: SiteConfig, tmp_path: Path,
) -> None:
    app = _archived_hall(small_config, tmp_path)
    db, folder = app.hall.store.path, tmp_path / "data" / "backups"
    archive = retention.archive_path(db, 2020)
    assert _history_in(archive) == [("issued", None), ("called", "siti"), ("done", "siti")]
    made = make_daily_backup(db, folder, "2026-12-01", keep=7)
    assert made is not None and made.archives == (folder / "archive" / "antrean-2020.db",)
    copy = folder / "archive" / "antrean-2020.db"
    assert _history_in(copy) == _history_in(archive)
    assert copy.stat().st_mode & 0o077 == 0  # as private as the database
    copied_at = copy.stat().st_ctime_ns

    time.sleep(0.05)
    again = make_daily_backup(db, folder, "2026-12-02", keep=7)  # the archive did not change: not copied
    assert again is not None and again.archives == () and copy.stat().st_ctime_ns == copied_at

    app.clock.set(datetime(2020, 3, 3, 9, 0, tzinfo=JAKARTA))  # another 2020 day, archived later
    issue(app, "ktp")
    act(app, "call_next", "loket-1", actor="budi")
    retention.move_old_history(db, app.site.tz, date(2026, 12, 2), 5, pause=0)
    third = make_daily_backup(db, folder, "2026-12-03", keep=7)
    assert third is not None and third.archives == (copy,)
    assert ("called", "budi") in _history_in(copy) and _history_in(copy) == _history_in(archive)
    assert sorted(p.name for p in folder.iterdir()) == [
        "antrean-2026-12-01.db", "antrean-2026-12-02.db", "antrean-2026-12-03.db", "archive"]
    app.hall.store.close()

    # Restoring, as docs/reports.md says: the backup becomes antrean.db, its archive folder the data's.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(folder / "antrean-2026-12-03.db", restored / "antrean.db")
    shutil.copytree(folder / "archive", restored / "archive")
    back = make_hall_app(app.hall.site.config, restored, FixedClock(datetime(2026, 12, 3, 9, 0, tzinfo=JAKARTA)))
    admin = back.add_user("kepala", "admin")
    entries = back.client().get("/api/v1/admin/audit?from=2020-03-01&to=2020-03-31", headers=admin).json["entries"]
    assert [(e["action"], e["actor"]) for e in entries if e["source"] == "ticket"] == [
        ("called", "budi"), ("done", "siti"), ("called", "siti")]
    back.hall.store.close()


def test_antrean_backup_copies_the_archives_too(small_config: SiteConfig, tmp_path: Path) -> None:
    app = _archived_hall(small_config, tmp_path)
    db = app.hall.store.path
    app.hall.store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    first = subprocess.run([sys.executable, "-m", "server.cli", "--db", str(db), "backup", "--to", str(usb)],
                           cwd=ROOT, text=True, capture_output=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert f"Copied the archive antrean-2020.db (it changed since its last copy) to {usb / 'archive'}" in first.stdout
    assert _history_in(usb / "archive" / "antrean-2020.db") == _history_in(retention.archive_path(db, 2020))
    second = subprocess.run([sys.executable, "-m", "server.cli", "--db", str(db), "backup", "--to", str(usb)],
                            cwd=ROOT, text=True, capture_output=True, timeout=60)
    assert second.returncode == 0 and "Backed up 2 tickets" in second.stdout and "archive" not in second.stdout


def test_two_copies_to_a_folder_in_the_same_second_are_both_kept(small_config: SiteConfig, tmp_path: Path) -> None:
    """An admin who runs `antrean backup --to /media/usb` twice in a row gets two copies, not
    an error about a file the first one just made."""
    from server.core.backup import backup_database

    app = make_hall_app(small_config, tmp_path / "hall", FixedClock(datetime(2026, 12, 2, 9, 0, tzinfo=JAKARTA)))
    issue(app, "pbb")
    db = app.hall.store.path
    usb = tmp_path / "usb"
    usb.mkdir()
    moment = datetime(2026, 12, 2, 9, 25, 42, tzinfo=JAKARTA)
    first = backup_database(db, usb, now=moment)
    second = backup_database(db, usb, now=moment)
    assert (first.path.name, second.path.name) == ("antrean-20261202-092542.db", "antrean-20261202-092542-2.db")
    assert first.tickets == second.tickets == 1
    app.hall.store.close()
