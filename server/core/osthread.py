"""Work that must not stall the gevent loop: copying a database, syncing it to disk.

sqlite3 releases the GIL while it works, but only a real operating-system thread can
go on meanwhile; a greenlet blocked in SQLite blocks every other request. Under
`antrean serve` gevent patches `threading`, so these use the originals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def original(module: str, name: str) -> Any:
    """The standard library's own function even when gevent has patched the module."""
    from gevent import monkey

    return monkey.get_original(module, name)


def start_os_thread(target: Callable[[], None]) -> None:
    original("_thread", "start_new_thread")(target, ())


def os_sleep(seconds: float) -> None:
    original("time", "sleep")(seconds)


def os_lock() -> Any:
    """A lock between OS threads, for state that work run by `off_loop` shares (gevent's
    patched `threading.Lock` is made for the greenlets of one thread)."""
    return original("_thread", "allocate_lock")()


def off_loop(work: Callable[..., T], *args: Any) -> T:
    """Run `work(*args)` in one of gevent's real OS threads and wait for it, greenlet-style.

    The calling greenlet waits; every other request, kiosk and display goes on meanwhile.
    Without a running gevent hub in this thread (the CLI, a plain test client) it simply
    runs here. `work` must not touch a SQLite connection of the loop's thread: it opens its
    own (sqlite3 connections belong to the thread that made them).
    """
    from gevent import monkey

    if not monkey.is_module_patched("threading"):
        return work(*args)
    from gevent.hub import get_hub

    return get_hub().threadpool.apply(work, args)
