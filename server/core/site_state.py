"""What the server processes of one site share through its database, besides the queue.

A site may run as several processes on one database (server.message_queue). Each keeps
the configuration and the clock in memory; these rows let them agree:

- `config_version`: the version (hash) of config.yaml the site runs. A process that saves
  the file from the admin pages records it; another process that sees the file change
  takes the new file at once when its version is the recorded one (a complete save), and
  otherwise treats it as an edit by hand (see server/web/hall.py).
- `clock`: the offset from real time of a training or test run (`ANTREAN_START_AT`), with
  when a process last said it was running on it. The first process to start sets it; the
  others join it; `antrean clock set` moves it for all. Processes started without
  `ANTREAN_START_AT` follow the system clock and never read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from server.core.store import Transaction

CONFIG_VERSION = "config_version"
CLOCK = "clock"
CLOCK_STALE_SECONDS = 10.0  # a set clock nobody has said they run on for this long is over
HEARTBEAT_SECONDS = 3.0


def _get(tx: Transaction, key: str) -> Any:
    value = tx.scalar("SELECT value FROM site_state WHERE key = ?", (key,))
    return None if value is None else json.loads(value)


def _put(tx: Transaction, key: str, value: Any, now: float) -> None:
    tx.execute("INSERT INTO site_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
               "SET value = excluded.value, updated_at = excluded.updated_at", (key, json.dumps(value), now))


# --- the configuration's version ----------------------------------------------------------------


def config_version(tx: Transaction) -> str | None:
    value = _get(tx, CONFIG_VERSION)
    return value if isinstance(value, str) else None


def record_config_version(tx: Transaction, version: str, now: float) -> bool:
    """Record that the site runs `version` of config.yaml; False if it was already recorded
    (another process took the same file first). Write transactions are one at a time across
    processes, so exactly one of several processes taking one file gets True."""
    if config_version(tx) == version:
        return False
    _put(tx, CONFIG_VERSION, version, now)
    return True


# --- the set clock of a training or test run ----------------------------------------------------


@dataclass(frozen=True)
class SetClock:
    offset: float  # seconds added to real time
    seen_at: float  # real time a process last said it runs on this clock


def set_clock(tx: Transaction) -> SetClock | None:
    value = _get(tx, CLOCK)
    if not isinstance(value, dict):
        return None
    return SetClock(float(value["offset"]), float(value["seen_at"]))


def join_clock(tx: Transaction, offset: float, real_now: float) -> float:
    """The offset a process starting with a set clock runs on: the site's when another
    process runs on one now, else its own (it starts the site's set clock)."""
    current = set_clock(tx)
    if current is not None and real_now - current.seen_at < CLOCK_STALE_SECONDS:
        offset = current.offset
    _put(tx, CLOCK, {"offset": offset, "seen_at": real_now}, real_now)
    return offset


def heartbeat(tx: Transaction, offset: float, real_now: float) -> float:
    """Say this process still runs on the site's set clock (so a process starting later joins
    it rather than starting it again); the site's offset, or `offset` if none is recorded."""
    current = set_clock(tx)
    offset = current.offset if current is not None else offset
    _put(tx, CLOCK, {"offset": offset, "seen_at": real_now}, real_now)
    return offset


def move_clock(tx: Transaction, offset: float, real_now: float) -> bool:
    """Move the set clock of every running process of the site; False if none runs on one."""
    current = set_clock(tx)
    if current is None or real_now - current.seen_at >= CLOCK_STALE_SECONDS:
        return False
    _put(tx, CLOCK, {"offset": offset, "seen_at": current.seen_at}, real_now)
    return True
