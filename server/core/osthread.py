"""Work that must not stall the gevent loop: copying a database, syncing it to disk.

sqlite3 releases the GIL while it works, but only a real operating-system thread can
go on meanwhile; a greenlet blocked in SQLite blocks every other request. Under
`antrean serve` gevent patches `threading`, so these use the originals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def original(module: str, name: str) -> Any:
    """The standard library's own function even when gevent has patched the module."""
    from gevent import monkey

    return monkey.get_original(module, name)


def start_os_thread(target: Callable[[], None]) -> None:
    original("_thread", "start_new_thread")(target, ())


def os_sleep(seconds: float) -> None:
    original("time", "sleep")(seconds)
