"""No partial backup files are left behind: not by a backup that fails halfway (a full
disk, for real: a small tmpfs), nor by one that is killed (for real: SIGKILL while it
copies), and a copy under way is never taken for a leftover."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import ROOT, HallApp
from rules import issue
from tmpfs import small_tmpfs

from server.core.backup import BackupError, backup_database, remove_leftovers


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs: too small for the database below."""
    with small_tmpfs(tmp_path / "backups", "256k") as folder:
        yield folder


def a_database(app: HallApp, tickets: int) -> Path:
    for _ in range(tickets):
        issue(app, "kk")
    path: Path = app.hall.store.path
    app.hall.store.close()
    return path


def test_a_backup_that_fills_the_disk_leaves_nothing(small_app: HallApp, tiny_disk: Path) -> None:
    source = a_database(small_app, 1500)
    assert source.stat().st_size > 256 * 1024
    with pytest.raises(BackupError, match="full"):
        backup_database(source, tiny_disk)
    assert list(tiny_disk.iterdir()) == []


def _stuck_backup(source: Path, folder: Path) -> subprocess.Popen[bytes]:
    """A backup in another process that waits, mid-copy, for the lock the test holds."""
    code = ("import sys; from pathlib import Path; from server.core.backup import backup_database; "
            "backup_database(Path(sys.argv[1]), Path(sys.argv[2]))")
    process = subprocess.Popen([sys.executable, "-c", code, str(source), str(folder)], cwd=ROOT)
    deadline = time.monotonic() + 20
    while not list(folder.glob(".*.partial")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(folder.glob(".*.partial")), "the backup did not start"
    time.sleep(0.3)  # well into its copy, which waits for the source's lock
    assert process.poll() is None
    return process


def test_a_killed_backup_is_cleaned_up_by_the_next_and_a_running_one_is_left_alone(
        small_app: HallApp, tmp_path: Path) -> None:
    source = a_database(small_app, 50)
    with closing(sqlite3.connect(source, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=DELETE")  # so that one lock keeps every reader out
    folder = tmp_path / "backups"
    folder.mkdir()
    holder = sqlite3.connect(source, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    running = _stuck_backup(source, folder)
    try:
        assert remove_leftovers(folder) == []  # a copy under way is no leftover
        assert len(list(folder.glob(".*.partial"))) == 1
    finally:
        running.send_signal(signal.SIGKILL)
        running.wait()
    holder.execute("ROLLBACK")
    holder.close()
    leftovers = list(folder.glob(".*.partial*"))
    assert leftovers, "a killed backup leaves its partial file"

    made = backup_database(source, folder, datetime.now() + timedelta(minutes=1))  # another file name
    assert made.tickets == 50
    assert sorted(p.name for p in folder.iterdir()) == [made.path.name]
