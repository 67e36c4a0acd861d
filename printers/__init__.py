"""Ticket printing: render a ticket as ESC/POS bytes and deliver it to a printer.

`render.render_ticket` turns a `ticket.TicketPrint` into bytes, `connections.send`
delivers bytes to one configured printer through its transport (one class per
printer type, `transports/`), `jobs.PrintService` runs the print jobs off the
request path (the jobs themselves are the core's rules, `server.core.print_queue`),
and `decode.decode_escpos` reads the bytes back (tests, the virtual printer).

This module runs before any submodule imports python-escpos, because importing
escpos has two side effects that we undo or steer here:

- `escpos.capabilities` parses its printer database (a large YAML file, about
  0.7 s) unless it finds a pickle of it in ESCPOS_CAPABILITIES_PICKLE_DIR, and
  otherwise writes that pickle into a fresh `mkdtemp()` folder that it never
  removes. We keep the pickle in a per-user cache folder so every start after the
  first is fast. escpos writes the pickle in place, so a second process starting
  at that moment could read half a file: the first import therefore writes into
  a private folder, and the finished pickle is moved into the cache atomically.
  A caller that sets ESCPOS_CAPABILITIES_PICKLE_DIR itself keeps its choice.
- it calls `logging.basicConfig()`, which adds a handler to the root logger and
  so changes how the application (and werkzeug) log; we remove that handler.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import platform
import shutil
import tempfile
from pathlib import Path

PICKLE_NAME = f"{platform.python_version()}.capabilities.pickle"


def _cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "antrean" / "escpos"


def _fresh_pickle(folder: Path) -> bool:
    """Whether `folder` holds a pickle at least as new as the installed printer database."""
    spec = importlib.util.find_spec("escpos")
    pickle_path = folder / PICKLE_NAME
    if spec is None or spec.origin is None or not pickle_path.exists():
        return False
    database = Path(spec.origin).parent / "capabilities.json"
    return not database.exists() or database.stat().st_mtime <= pickle_path.stat().st_mtime


def _import_escpos(folder: str) -> None:
    handlers_before = list(logging.root.handlers)
    # Set only for the import: a folder we remove afterwards must not reach child processes.
    caller_choice = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder
    # escpos evaluates `environ.get(NAME, mkdtemp())`, which makes an (empty) folder even
    # when NAME is set; for the moment of the import, mkdtemp hands back our folder.
    original_mkdtemp = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *args, **kwargs: folder  # type: ignore[assignment]
    try:
        import escpos.capabilities  # noqa: F401  (loads the printer database once, here)
    finally:
        tempfile.mkdtemp = original_mkdtemp
        if caller_choice is None:
            del os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]
    for handler in list(logging.root.handlers):
        if handler not in handlers_before:
            logging.root.removeHandler(handler)


def _prepare_escpos_import() -> None:
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        _import_escpos(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"])
        return
    cache = _cache_folder()
    if _fresh_pickle(cache):
        _import_escpos(str(cache))
        return
    private = tempfile.mkdtemp(prefix="antrean-escpos-")
    try:
        _import_escpos(private)
        cache.mkdir(parents=True, exist_ok=True)
        os.replace(Path(private) / PICKLE_NAME, cache / PICKLE_NAME)
    except OSError:
        pass  # no writable cache: the next start parses the database again, nothing worse
    finally:
        shutil.rmtree(private, ignore_errors=True)


_prepare_escpos_import()
