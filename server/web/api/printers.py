"""Printer routes for the admin pages: a test print, through the print-job rules."""

from __future__ import annotations

from typing import Any

from flask import request

from server.core import print_queue
from server.web.api import schemas
from server.web.api.access import require
from server.web.api.base import api
from server.web.hall import current_hall


@api.route("/printers/<printer_id>/test", "POST", summary="Print a test ticket on a printer.", tag="catalog",
           response=schemas.PrinterTest, auth="test_printer",
           errors=((404, "unknown_printer"), (409, "no_printer")))
def test_printer(printer_id: str) -> dict[str, Any]:
    """A sample ticket (no queue number) queued behind the printer's tickets, as `antrean printer
    test` prints it; answers once it printed or after the usual short wait ("queued"). Audited."""
    user = require("test_printer")
    hall = current_hall()
    printing = hall.printing
    with hall.store.write() as tx:
        job_id = print_queue.test_print(tx, hall.site, hall.now(), printer_id, printing, actor=user.username,
                                        address=request.remote_addr)
    assert printing is not None  # the rule refuses with no_printer when printing does not run
    return {"printer_id": printer_id, "print": printing.wait(job_id)}
