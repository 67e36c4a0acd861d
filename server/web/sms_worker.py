"""The "near" SMS off the request path: every few seconds, record the messages now due
(server/core/sms.py, in a short write transaction), write them into gammu-smsd's outbox and
read back what it sent, the folder work in an OS thread (a slow or network disk must not
stall the loop). Nothing here when `sms.enabled` is off."""

from __future__ import annotations

import logging
import shutil
from typing import Any

from server.core import sms
from server.core.osthread import off_loop
from server.web.hall import Hall

log = logging.getLogger("antrean.sms")
INTERVAL_SECONDS = 5


class SmsWorker:
    def __init__(self, hall: Hall) -> None:
        self.hall = hall

    def run_once(self) -> None:
        hall = self.hall
        site = hall.site
        settings = site.config.sms
        if not settings.enabled:
            hall.sms_problem = None
            return
        with hall.store.write() as tx:
            pending = sms.queue_due(tx, site, hall.now())
        problem = off_loop(sms.folder_problem, settings)
        hall.sms_problem = problem
        if pending and problem is None:
            results = off_loop(sms.write_messages, settings, pending)
            with hall.store.write() as tx:
                sms.mark_written(tx, hall.now(), results)
        with hall.store.read() as tx:
            written = sms.written_messages(tx)
        if written:
            reports = off_loop(sms.read_reports, settings, written)
            if reports:
                with hall.store.write() as tx:
                    sms.mark_reported(tx, hall.now(), reports)

    def status(self) -> dict[str, Any]:
        hall = self.hall
        with hall.store.read() as tx:
            return sms.status(tx, hall.site, hall.now(), hall.sms_problem, gammu_installed())


def gammu_installed() -> bool:
    """Whether gammu-smsd is on this machine (it may run on another that shares the folders)."""
    return shutil.which("gammu-smsd") is not None


def start_sms(socketio: Any, hall: Hall) -> None:
    worker = SmsWorker(hall)

    def loop() -> None:
        while True:
            try:
                worker.run_once()
            except Exception:  # the next round tries again; the admin page shows the folders' state
                log.exception("SMS round failed")
            socketio.sleep(INTERVAL_SECONDS)

    socketio.start_background_task(loop)
