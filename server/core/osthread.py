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


def _thread_id() -> int:
    return int(original("_thread", "get_ident")())


# gevent's loop runs in the thread that imported the server (the main thread); worker threads
# of its pools have no loop of their own, and work they start runs where they are.
_LOOP_THREAD = _thread_id()


def own_pool(size: int) -> Any:
    """A pool of OS threads of its own, for work that must not wait behind other slow work
    in gevent's shared pool (a commit behind a year's report); None without gevent's loop."""
    if not _on_the_loop():
        return None
    from gevent.threadpool import ThreadPool

    return ThreadPool(size)


def _on_the_loop() -> bool:
    from gevent import monkey

    return monkey.is_module_patched("threading") and _thread_id() == _LOOP_THREAD


def off_loop(work: Callable[..., T], *args: Any, pool: Any = None) -> T:
    """Run `work(*args)` in a real OS thread (of `pool`, or gevent's shared pool) and wait
    for it, greenlet-style: every other request, kiosk and display goes on meanwhile.

    Outside gevent's loop (the CLI, a plain test client, a worker thread) it simply runs
    here. `work` must not use a SQLite connection another thread may use at the same time:
    it opens its own, or the caller holds the lock that guards the shared one.
    """
    if not _on_the_loop():
        return work(*args)
    from gevent.hub import get_hub

    return (pool or get_hub().threadpool).apply(work, args)
