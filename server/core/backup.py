"""A consistent copy of the database, taken while the server runs.

Copying `antrean.db` with `cp` while the server writes can give a file that misses
the newest tickets (they may still be in `antrean.db-wal`) or is torn halfway
through a change. SQLite's online backup copies one consistent moment instead,
and the hall keeps working meanwhile. The copy is written under a temporary name,
checked, and only then renamed, so a file with the final name is always whole.

A copy that fails (a full disk halfway) removes its partial file; one that is killed
cannot, so each backup first removes the partial files that no running backup holds
(each holds a lock on its own while it copies; the system drops it when the process dies).

The yearly archives of old history (server/core/retention.py, `data/archive/antrean-YYYY.db`)
are copied too, the same way, into a folder `archive/` beside the backup file, under their own
names: one copy of each, made again only when the archive changed since (its modification
time is given to the copy; an archive is written only on the nights history moves into it).
Restoring (docs/reports.md): the backup file becomes `antrean.db`, the folder `archive/`
beside it becomes the data folder's `archive/`.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from server.core.retention import archive_folder
from server.core.store import owner_only


class BackupError(Exception):
    """A backup that could not be made; the message says why, in words."""


@dataclass(frozen=True)
class Backup:
    path: Path
    tickets: int
    size_bytes: int
    archives: tuple[Path, ...] = ()  # the yearly archives copied beside it (those that changed)


def backup_folder(data_dir: Path, backup_dir: str) -> Path:
    """Where backups go: `server.backup_dir`, relative to the data folder unless absolute."""
    return data_dir / backup_dir


def _target_file(target: Path, source: Path, now: datetime) -> Path:
    """A folder gets a dated file inside it (a second copy in the same second gets "-2", ...);
    an existing file is never overwritten."""
    if target.is_dir():
        stem = f"{source.stem}-{now:%Y%m%d-%H%M%S}"
        named = target / f"{stem}.db"
        count = 1
        while named.exists():
            count += 1
            named = target / f"{stem}-{count}.db"
        target = named
    if target.exists():
        raise BackupError(f"{target} already exists; name another file or a folder.")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist.")
    return target


PARTIAL_PATTERN = ".*.partial*"  # a copy under way, and the journal SQLite keeps beside it


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the partial files of backups that were killed; returns them. A partial file
    whose backup still runs is locked by it and stays."""
    removed = []
    for path in folder.glob(PARTIAL_PATTERN) if folder.is_dir() else []:
        owner = path.with_name(path.name.split(".partial")[0] + ".partial")
        try:
            with open(owner if owner.exists() else path, "rb") as held:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # taken only if no backup holds it
                path.unlink(missing_ok=True)
                removed.append(path)
        except OSError:  # BlockingIOError: a backup under way; or already gone
            continue
    return removed


def _copy(source: Path, target: Path, count: str | None) -> int:
    """One consistent moment of `source` into the new file `target`, checked; `count`'s figure."""
    remove_leftovers(target.parent)
    partial = target.with_name(f".{target.name}.partial")
    held: IO[bytes] | None = None
    try:
        owner_only(partial)  # a copy of the visitors' history, as private as the database
        held = open(partial, "rb")  # noqa: SIM115 (held, and its lock, until the finally below)
        fcntl.flock(held, fcntl.LOCK_EX)  # "this copy is under way": see remove_leftovers
        with closing(sqlite3.connect(source, timeout=15)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
            counted = dst.execute(count).fetchone()[0] if count else 0
        if check != "ok":
            raise BackupError(f"the copy failed its integrity check ({check}); the database may need attention.")
        os.replace(partial, target)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} could not be copied: {exc}.") from None
    except OSError as exc:
        raise BackupError(f"{target} could not be written: {exc.strerror or exc}.") from None
    finally:
        partial.unlink(missing_ok=True)
        partial.with_name(partial.name + "-journal").unlink(missing_ok=True)
        if held is not None:
            held.close()
    return int(counted)


def backup_database(source: Path, target: Path, now: datetime | None = None) -> Backup:
    """Copy `source` (possibly in use) to `target` (a new file or a folder), and its yearly
    archives that changed since their last copy to the folder `archive/` beside it."""
    now = now or datetime.now()
    if not source.is_file():
        raise BackupError(f"there is no database at {source} (has the server run with this configuration?).")
    target = _target_file(target, source, now)
    tickets = _copy(source, target, "SELECT count(*) FROM tickets")
    archives = backup_archives(source, target.parent)
    return Backup(target, tickets, target.stat().st_size, tuple(archives))


def archive_backup_folder(folder: Path) -> Path:
    return folder / "archive"


def backup_archives(db_path: Path, folder: Path) -> list[Path]:
    """Copy each yearly archive of the database that changed since its copy in `folder`/archive
    (or has none) there; returns the copies made. The copy carries the modification time the
    archive had before it was read: an archive written during the copy is copied again next time."""
    copies = archive_backup_folder(folder)
    made = []
    for source in sorted(archive_folder(db_path).glob(f"{db_path.stem}-????.db")):
        copy = copies / source.name
        stamp = source.stat().st_mtime_ns
        if copy.is_file() and copy.stat().st_mtime_ns == stamp:
            continue
        copies.mkdir(mode=0o700, exist_ok=True)
        _copy(source, copy, None)
        os.utime(copy, ns=(stamp, stamp))
        made.append(copy)
    return made


DAILY_PATTERN = "antrean-????-??-??.db"  # daily backups; copies made by hand carry a time as well


def daily_backup_path(folder: Path, day: str) -> Path:
    return folder / f"antrean-{day}.db"


def daily_backups(folder: Path) -> list[Path]:
    """The daily backups in a folder, newest first."""
    return sorted(folder.glob(DAILY_PATTERN), reverse=True) if folder.is_dir() else []


def make_daily_backup(db_path: Path, folder: Path, day: str, keep: int) -> Backup | None:
    """The day's backup, unless it exists; then only the newest `keep` daily backups are kept."""
    target = daily_backup_path(folder, day)
    if target.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    made = backup_database(db_path, target)
    for old in daily_backups(folder)[keep:]:
        old.unlink(missing_ok=True)
    return made
