"""Time for the queue rules: a real clock, and clocks that tests and trainers can set."""

from __future__ import annotations

import threading
import time
from datetime import datetime


class Clock:
    """The wall clock, as seconds since the epoch."""

    def now(self) -> float:
        return time.time()


class FixedClock(Clock):
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: datetime | float) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def set(self, moment: datetime | float) -> None:
        with self._lock:
            self._now = moment.timestamp() if isinstance(moment, datetime) else float(moment)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


class ShiftedClock(Clock):
    """Real time moved to start at a given moment; it keeps ticking from there.

    Used by `ANTREAN_START_AT` so a browser test or a training session can run the
    hall "on a Tuesday at 09:00" while timers and waits still advance normally. All the
    processes of one site share one `offset` (kept in the database, server/core/site_state.py):
    the hall sets it when it joins the site's set clock and whenever it follows a move.
    A server started without `ANTREAN_START_AT` has a plain Clock: the system's time.
    """

    def __init__(self, start: datetime) -> None:
        self.offset = start.timestamp() - time.time()

    def now(self) -> float:
        return time.time() + self.offset
