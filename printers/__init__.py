"""Ticket printing: render a ticket as ESC/POS bytes and deliver it to a printer.

`render.render_ticket` turns a `ticket.TicketPrint` into bytes, `connections.send`
delivers bytes to one configured printer, `jobs.PrintService` runs persisted print
jobs off the request path, and `decode.decode_escpos` reads the bytes back (tests,
the virtual printer).

This module runs before any submodule imports python-escpos, because importing
escpos has two side effects that we undo or steer here:

- `escpos.capabilities` pickles its printer database into a fresh `mkdtemp()`
  folder on every import and never removes it (it even makes one when told where
  to write), so a kiosk server would litter /tmp. Unless the caller chose a folder (ESCPOS_CAPABILITIES_PICKLE_DIR), we
  give it a private folder that is removed at exit. A folder shared between
  processes is avoided on purpose: escpos writes the pickle in place, so a second
  process starting at the same moment could read a half-written file and fail.
- it calls `logging.basicConfig()`, which adds a handler to the root logger and
  so changes how the application (and werkzeug) log; we remove that handler.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile


def _prepare_escpos_import() -> None:
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="antrean-escpos-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder
    chosen = os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]
    handlers_before = list(logging.root.handlers)
    # escpos writes `environ.get(NAME, mkdtemp())`, which makes an (empty) folder even
    # when NAME is set; for the moment of the import, mkdtemp hands back our folder.
    original_mkdtemp = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *args, **kwargs: chosen  # type: ignore[assignment]
    try:
        import escpos.capabilities  # noqa: F401  (loads the printer database once, here)
    finally:
        tempfile.mkdtemp = original_mkdtemp
    for handler in list(logging.root.handlers):
        if handler not in handlers_before:
            logging.root.removeHandler(handler)


_prepare_escpos_import()
