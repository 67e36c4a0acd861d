"""Work the clock does: expire yesterday's waiting tickets and the bookings whose check-in
window ended (erasing their contacts once kept long enough), tell kiosks when a
service opens or closes by the hour (opening time, cut-off, a break) even though
nobody changed anything, and at a quiet moment once a day back the database up, store
the report columns of the closed days that have none (server/core/report_days.py), and
(the backup made) move old history to the archives and analyse the database
(server/core/retention.py), stopping between batches if a service opens meanwhile. With
several server processes on one site, each of these takes its lease first
(server/core/night_lease.py): one process does it, once a day."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from server.core import bookings, night_lease, report_days, retention, tickets
from server.core.backup import BackupError, daily_backup_path, make_daily_backup, remove_leftovers
from server.core.events import ServiceHoursTurned
from server.core.osthread import start_os_thread
from server.web.hall import Hall

log = logging.getLogger("antrean.housekeeping")
INTERVAL_SECONDS = 15
# How long each night's work may hold its lease before another process may take it over
# (a holder killed halfway): longer than the work takes on a year (docs/reports.md).
LEASE_SECONDS = {"backup": 15 * 60, "summarise": 15 * 60, "care": 30 * 60}


class Housekeeper:
    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        self._known: dict[str, tuple[bool, str | None]] = {}
        self._backing_up = False
        self._failed_day: str | None = None
        self._summarising = False
        self._summarised_day: str | None = None
        self._cared_day: str | None = None  # the night care (retention, ANALYZE) runs once a day
        self._hall_open = False
        self._holder = night_lease.holder_name()

    def run_once(self) -> list[str]:
        """One round; returns the services whose open state changed since the last round."""
        hall = self.hall
        site, now = hall.site, hall.now()
        changed, known = [], dict(self._known)
        with hall.store.write() as tx:
            tickets.expire_stale(tx, site, now)
            bookings.expire_overdue(tx, site, now)
            retention.erase_booking_contacts(tx, site, now)
            states = {
                service_id: tickets.service_availability(tx, site, service_id, now) for service_id in site.services
            }
            for service_id, available in states.items():
                state = (available.open, available.reason)
                if known.get(service_id, state) != state:
                    changed.append(service_id)
                    tx.raise_event(ServiceHoursTurned(service_id=service_id))
                known[service_id] = state
        self._known = known
        self._hall_open = any(available.open for available in states.values())
        if not self._hall_open:
            self.back_up(site.service_day(now))
            self.summarise(site.service_day(now))
            self.care(site.service_day(now))
        return changed

    def summarise(self, day: str) -> None:
        """Store the report columns of every closed day before `day` that has none, once a
        day, on a thread of its own (a year's first time takes seconds; a day's, a tenth).
        A day changed later loses its columns (a trigger) and a report reads it live, then
        stores it again; so once a day is enough."""
        if self._summarising or self._summarised_day == day:
            return
        self._summarising = True
        path, site = self.hall.store.path, self.hall.site

        def work() -> None:
            lease = self._take(path, "summarise", day)
            if lease is not night_lease.Lease.TAKEN:  # done, or another process does it now
                self._summarised_day = day if lease is night_lease.Lease.DONE else None
                self._summarising = False
                return
            done = False
            try:
                first = report_days.first_day(path)
                if first is not None:
                    made = report_days.build_missing(path, site, first, date.fromisoformat(day) - timedelta(days=1))
                    if made:
                        log.info("stored the report columns of %d closed days", made)
                self._summarised_day = day
                done = True
            except Exception:  # a later round tries again; the reports read the days live meanwhile
                log.exception("storing the report columns failed")
            finally:
                self._give_back(path, "summarise", day, done)
                self._summarising = False

        start_os_thread(work)

    def care(self, day: str) -> None:
        """Once a day, after the day's backup (never beside it: a copy restarts when the file
        changes under it), the night care in an OS thread of its own."""
        hall = self.hall
        backup_due = hall.site.config.server.backup_keep and self._failed_day != day and not (
            daily_backup_path(hall.backup_folder, day).exists())
        if hall.demo or self._cared_day == day or self._backing_up or backup_due:
            return
        self._cared_day = day
        store, tz, years = hall.store, hall.site.tz, hall.site.config.server.history_years
        today = hall.site.local(hall.now()).date()

        def work() -> None:
            lease = self._take(store.path, "care", day)
            if lease is not night_lease.Lease.TAKEN:
                if lease is not night_lease.Lease.DONE:  # another process cares now: look again next round
                    self._cared_day = None
                return
            try:
                done = retention.night_care(store.path, tz, today, years, lambda: self._hall_open)
                log.info("night care: %s", done)
            except Exception:  # sqlite3.Error, OSError: said, and tried again tomorrow
                log.exception("night care failed")
            finally:
                self._give_back(store.path, "care", day, True)

        start_os_thread(work)

    def back_up(self, day: str) -> None:
        """Start the day's backup on a thread of its own, unless it exists or is under way.

        A copy of a year's database takes seconds; on the gevent loop nobody would be
        served meanwhile. The demo's database is not backed up.
        """
        settings = self.hall.site.config.server
        if self.hall.demo or settings.backup_keep == 0 or self._backing_up or self._failed_day == day:
            return
        folder = self.hall.backup_folder
        if daily_backup_path(folder, day).exists():
            return
        self._backing_up = True

        def work() -> None:
            path = self.hall.store.path
            if self._take(path, "backup", day) is not night_lease.Lease.TAKEN:
                self._backing_up = False  # made, or being made by another process: its file tells
                return
            made_it = False
            try:
                made = make_daily_backup(path, folder, day, settings.backup_keep)
                made_it = True
                self.hall.backup_problem = None
                if made is not None:
                    log.info("backed up %d tickets to %s", made.tickets, made.path)
            except (BackupError, OSError) as exc:
                self._failed_day = day  # said once; tried again tomorrow or after a restart
                self.hall.backup_problem = f"{day}: {exc}"
                log.error("no backup today: %s", exc)
            finally:
                self._give_back(path, "backup", day, made_it)  # failed: another process may try
                self._backing_up = False

        start_os_thread(work)

    def _take(self, path: Path, work: str, day: str) -> night_lease.Lease | None:
        """The lease of a night's work; None when the database would not say (tried next round)."""
        try:
            return night_lease.take(path, work, day, self._holder, LEASE_SECONDS[work])
        except Exception:  # sqlite3.Error: a write lock held beyond the timeout, a full disk
            log.exception("taking the lease of %s failed", work)
            return None

    def _give_back(self, path: Path, work: str, day: str, done: bool) -> None:
        try:
            night_lease.give_back(path, work, day, self._holder, done)
        except Exception:  # the lease then runs out by itself
            log.exception("giving back the lease of %s failed", work)


def start_housekeeping(socketio: Any, hall: Hall) -> None:
    keeper = Housekeeper(hall)
    for leftover in remove_leftovers(hall.backup_folder):  # of a backup killed before this start
        log.warning("removed %s, left by a backup that did not finish", leftover)
    if not hall.demo:
        retention.recover_archives(hall.store.path)  # an archive copy killed halfway is rolled back

    def loop() -> None:
        while True:
            try:
                keeper.run_once()
            except Exception:  # keep the loop alive: the next round may succeed
                log.exception("housekeeping round failed")
            socketio.sleep(INTERVAL_SECONDS)

    socketio.start_background_task(loop)
