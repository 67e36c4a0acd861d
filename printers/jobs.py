"""Print jobs off the request path, persisted in `print_jobs` so none is lost on restart.

A request enqueues a job inside its own transaction (the job commits with the
ticket), then `wait()`s a moment for the printer. One worker thread per printer
prints that printer's jobs oldest first, so a printer that hangs delays nobody
else's tickets, and between jobs the same thread checks the printer's health, so
a status check never competes with a ticket for the printer's one connection.

A job is marked printed in the database right after the printer took it and is
never sent again. A job whose printer is offline or out of paper stays pending
and is retried with backoff for `retry_minutes`; after that (or on an error that
retrying cannot fix) it is failed with a message saying what to do.
Database status values: pending, printed, failed (the API calls pending "queued").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from printers import connections
from printers.connections import PrintError, Timeouts
from printers.render import render_ticket
from printers.ticket import TicketPrint
from server.core.config import Printer
from server.core.store import Store, Transaction

log = logging.getLogger(__name__)

class SkipPrint(Exception):
    """Raised by `build_ticket` for a job no longer worth printing (say the ticket was
    already called while the printer was down); the job fails with this message."""


API_STATUS = {"pending": "queued", "printed": "printed", "failed": "failed"}
NOT_REQUESTED: dict[str, Any] = {"status": "not_requested", "printer_id": None, "error": None}


@dataclass
class _PrinterState:
    """One printer's worker and what we last knew about the printer."""

    cfg: Printer
    status: str = "unknown"
    detail: str | None = "not checked yet"
    checked_at: float | None = None
    wake: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    backoff: float = 0.0
    retry_at: float = 0.0  # time.monotonic(): no attempt before this while the printer is down
    health_at: float = 0.0
    predecessor: threading.Thread | None = None  # the worker this one replaces, still finishing

    @property
    def silent(self) -> bool:
        """A printer last seen not answering status requests: no point asking before each ticket."""
        return self.status == "unknown" and self.detail == connections.SILENT


class PrintService:
    """Persisted print jobs, a worker per printer, and printer health for the API."""

    def __init__(
        self,
        store: Store,
        printers: dict[str, Printer],
        data_dir: Path,
        build_ticket: Callable[[str, str], TicketPrint],
        *,
        wait_seconds: float = 0.8,
        retry_minutes: float = 10,
        on_printer_status: Callable[[str, str, str | None], None] | None = None,
        on_job_done: Callable[[str], None] | None = None,
        health_seconds: float = 15.0,
        timeouts: Timeouts | None = None,
        backoff_seconds: tuple[float, float] = (1.0, 15.0),
        poll_seconds: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.data_dir = Path(data_dir)
        self.build_ticket = build_ticket
        self.wait_seconds = wait_seconds
        self.retry_seconds = retry_minutes * 60
        self.on_printer_status = on_printer_status
        self.on_job_done = on_job_done
        self.health_seconds = health_seconds
        self.timeouts = timeouts or Timeouts()
        self.backoff_seconds = backoff_seconds
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._changed = threading.Condition()  # notified whenever a job attempt ends
        self._version = 0
        self._states = {pid: _PrinterState(cfg) for pid, cfg in printers.items()}
        self._sent: set[int] = set()  # printed but not yet recorded (only if the DB failed)
        self._running = False

    # -- the request side -------------------------------------------------------

    def enqueue(self, tx: Transaction, ticket_id: str, printer_id: str, lang: str) -> int:
        """Add a job inside the caller's transaction, so it commits with the ticket."""
        now = self.clock()
        with self._lock:
            state = self._states.get(printer_id)
            # A printer known to be down: the job's error says why it is queued from the start.
            down = state.detail if state is not None and state.status in ("offline", "paper_out") else None
        status, error = ("pending", down) if state is not None else (
            "failed", f"Printer {printer_id!r} is not in the configuration; reprint on another printer")
        cursor = tx.execute(
            "INSERT INTO print_jobs (ticket_id, printer_id, lang, status, attempts, error, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
            (ticket_id, printer_id, lang, status, error, now, now),
        )
        return int(cursor.lastrowid or 0)

    def wait(self, job_id: int) -> dict[str, Any]:
        """After commit: wake the printer's worker and wait at most `wait_seconds` for the job.

        Returns early as "queued" once an attempt failed and the job waits for a retry.
        """
        job = self._job(job_id)
        if job is None:
            return {"status": "failed", "printer_id": None, "error": f"There is no print job {job_id}"}
        with self._lock:
            state = self._states.get(job["printer_id"])
        if state is not None:
            state.wake.set()
        deadline = time.monotonic() + self.wait_seconds
        while True:
            with self._changed:
                version = self._version  # read before the job, so no notification slips between
            job = self._job(job_id) or job
            if job["status"] != "pending" or job["attempts"] > 0:
                break
            left = deadline - time.monotonic()
            if left <= 0 or (state is not None and state.retry_at > time.monotonic() + left):
                break  # its printer is known to be down: no point in waiting
            with self._changed:
                if self._version == version:
                    self._changed.wait(left)
        return _shape(job)

    def job_status(self, ticket_id: str) -> dict[str, Any]:
        """The ticket's latest print job in the contract's `print` shape."""
        with self.store.read() as tx:
            job = tx.one("SELECT * FROM print_jobs WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", (ticket_id,))
        return _shape(job) if job else dict(NOT_REQUESTED)

    def status(self, printer_id: str) -> dict[str, Any]:
        """{"status", "detail", "checked_at"} of one printer (KeyError if unknown)."""
        with self._lock:
            state = self._states[printer_id]
            return {"status": state.status, "detail": state.detail, "checked_at": state.checked_at}

    def statuses(self) -> dict[str, dict[str, Any]]:
        """The status of every configured printer, by printer id."""
        with self._lock:
            return {pid: {"status": s.status, "detail": s.detail, "checked_at": s.checked_at}
                    for pid, s in self._states.items()}

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start a worker per printer; jobs left pending by a previous run resume."""
        with self._lock:
            self._running = True
            states = [s for s in self._states.values() if s.thread is None or not s.thread.is_alive()]
        self._fail_orphans()
        for state in states:
            state.stop, state.wake = threading.Event(), threading.Event()  # after an earlier stop()
            self._start_worker(state)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every worker; a send in progress is abandoned (its job stays pending)."""
        with self._lock:
            self._running = False
            states = list(self._states.values())
        for state in states:
            state.stop.set()
            state.wake.set()
        deadline = time.monotonic() + timeout
        for state in states:
            if state.thread is not None:
                state.thread.join(max(0.0, deadline - time.monotonic()))

    def update_printers(self, printers: dict[str, Printer]) -> None:
        """Apply a new configuration: start, stop or re-check the printers that changed."""
        with self._lock:
            old = self._states
            self._states = {}
            for pid, cfg in printers.items():
                state = old.get(pid)
                if state is not None and state.cfg == cfg:
                    self._states[pid] = state
                else:
                    # A changed printer gets a fresh worker, which first waits for the old
                    # one to finish: two workers must never send the same job.
                    self._states[pid] = _PrinterState(cfg, predecessor=state.thread if state else None)
            removed = [s for pid, s in old.items() if self._states.get(pid) is not s]
            started = [s for s in self._states.values() if s.thread is None] if self._running else []
        for state in removed:
            state.stop.set()
            state.wake.set()
        self._fail_orphans()
        for state in started:
            self._start_worker(state)

    # -- the worker ----------------------------------------------------------------

    def _start_worker(self, state: _PrinterState) -> None:
        state.thread = threading.Thread(target=self._run, args=(state,), daemon=True,
                                        name=f"printer-{state.cfg.id}")
        state.thread.start()

    def _run(self, state: _PrinterState) -> None:
        if state.predecessor is not None:
            state.predecessor.join()
            state.predecessor = None
        while not state.stop.is_set():
            state.wake.clear()  # before looking, so a wake-up during the look is not lost
            try:
                pending = self._step(state)
            except Exception:  # a bug must not silence the printer for good
                log.exception("Printer worker %s failed; continuing", state.cfg.id)
                pending = False
            now = time.monotonic()
            until = min(state.health_at, now + self.poll_seconds)
            if pending:
                until = min(until, state.retry_at)
            state.wake.wait(max(0.0, until - now))

    def _step(self, state: _PrinterState) -> bool:
        """Check health if due, then print the oldest due job; True while jobs wait."""
        if time.monotonic() >= state.health_at:
            result = connections.check_status(state.cfg, timeouts=self.timeouts, abort=state.stop)
            state.health_at = time.monotonic() + self.health_seconds
            if state.stop.is_set():
                return False
            self._set_status(state, *result)
            if result[0] in ("offline", "paper_out"):
                # Known down: let tickets wait (and wait() answer "queued" at once) rather
                # than spend another connect timeout on each of them.
                state.retry_at = max(state.retry_at, time.monotonic() + max(state.backoff, self.backoff_seconds[0]))
        self._expire(state)
        job = self._next_job(state.cfg.id)
        if job is None or state.stop.is_set():
            return False
        if time.monotonic() >= state.retry_at:
            self._attempt(state, job)
            state.wake.set()  # look again at once: the next job, if any, is due now
        return True

    def _attempt(self, state: _PrinterState, job: dict[str, Any]) -> None:
        cfg = state.cfg
        try:
            ticket = self.build_ticket(job["ticket_id"], job["lang"])
            data = render_ticket(ticket, cfg.width_mm, cfg.profile)
        except SkipPrint as exc:
            self._finish(job, "failed", str(exc))
            return
        except Exception as exc:
            log.exception("Ticket %s could not be rendered", job["ticket_id"])
            self._finish(job, "failed", f"The ticket could not be prepared for printing: {exc}")
            return
        try:
            delivery = connections.send(
                cfg, data, self.data_dir, label=ticket.number, job_id=job["id"],
                when=datetime.now(ticket.issued_at.tzinfo), timeouts=self.timeouts, abort=state.stop,
                silent=state.silent,
            )
        except PrintError as exc:
            if exc.kind == "failed":
                self._finish(job, "failed", exc.message)
                return
            self._retry_later(state, job, exc)
            return
        with self._lock:
            self._sent.add(job["id"])  # never send it again, even if recording it fails
        state.backoff, state.retry_at = 0.0, 0.0
        self._finish(job, "printed", None)
        self._set_status(state, delivery.status, delivery.detail)

    def _retry_later(self, state: _PrinterState, job: dict[str, Any], exc: PrintError) -> None:
        if state.stop.is_set():
            return  # interrupted by stop(): not the printer's fault, the job just stays pending
        base, ceiling = self.backoff_seconds
        state.backoff = min(ceiling, max(base, state.backoff * 2))
        state.retry_at = time.monotonic() + state.backoff
        with self.store.write() as tx:
            tx.execute("UPDATE print_jobs SET attempts = attempts + 1, error = ?, updated_at = ? WHERE id = ?",
                       (exc.message, self.clock(), job["id"]))
        self._set_status(state, exc.kind, exc.message)
        self._notify()

    def _finish(self, job: dict[str, Any], status: str, error: str | None) -> None:
        for attempt in range(5):  # recording a printed ticket matters: it must not print twice
            try:
                with self.store.write() as tx:
                    tx.execute(
                        "UPDATE print_jobs SET status = ?, error = ?, attempts = attempts + 1, updated_at = ?"
                        " WHERE id = ? AND status = 'pending'",
                        (status, error, self.clock(), job["id"]),
                    )
                break
            except Exception:
                log.exception("Recording print job %s as %s failed (try %d)", job["id"], status, attempt + 1)
                time.sleep(0.2 * (attempt + 1))
        else:
            return  # the job stays pending but is in self._sent, so it is not sent again
        with self._lock:
            self._sent.discard(job["id"])
        self._notify()
        self._job_done(job["ticket_id"])

    def _expire(self, state: _PrinterState) -> None:
        """Fail the jobs that waited longer than the retry window."""
        cutoff = self.clock() - self.retry_seconds
        query = ("SELECT id, ticket_id, error FROM print_jobs WHERE printer_id = ? AND status = 'pending'"
                 " AND created_at < ?")
        with self.store.read() as tx:  # read first: most of the time nothing expired
            if not tx.all(query, (state.cfg.id, cutoff)):
                return
        with self.store.write() as tx:
            expired = tx.all(query, (state.cfg.id, cutoff))
            for job in expired:
                reason = f" (last problem: {job['error']})" if job["error"] else ""
                tx.execute(
                    "UPDATE print_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                    (f"Printer {connections.describe(state.cfg)} could not print this ticket within "
                     f"{self.retry_seconds / 60:g} minutes{reason}; reprint it once the printer works",
                     self.clock(), job["id"]))
        if expired:
            self._notify()
            for job in expired:
                self._job_done(job["ticket_id"])

    def _fail_orphans(self) -> None:
        """Fail pending jobs whose printer left the configuration."""
        with self._lock:
            ids = list(self._states)
        # (x NOT IN (NULL) is never true in SQL, hence the empty list spelled as ('').)
        marks = ",".join("?" * len(ids)) or "''"
        with self.store.write() as tx:
            orphans = tx.all(f"SELECT id, ticket_id, printer_id FROM print_jobs WHERE status = 'pending'"
                             f" AND printer_id NOT IN ({marks})", ids)
            for job in orphans:
                tx.execute("UPDATE print_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                           (f"Printer {job['printer_id']!r} was removed from the configuration; "
                            "reprint the ticket on another printer", self.clock(), job["id"]))
        if orphans:
            self._notify()
            for job in orphans:
                self._job_done(job["ticket_id"])

    # -- small helpers ---------------------------------------------------------------

    def _next_job(self, printer_id: str) -> dict[str, Any] | None:
        with self._lock:
            sent = sorted(self._sent)
        marks = ",".join("?" * len(sent)) or "-1"  # never NULL: x NOT IN (NULL) is never true
        with self.store.read() as tx:
            return tx.one(f"SELECT * FROM print_jobs WHERE printer_id = ? AND status = 'pending'"
                          f" AND id NOT IN ({marks}) ORDER BY id LIMIT 1", [printer_id, *sent])

    def _job(self, job_id: int) -> dict[str, Any] | None:
        with self.store.read() as tx:
            return tx.one("SELECT * FROM print_jobs WHERE id = ?", (job_id,))

    def _set_status(self, state: _PrinterState, status: str, detail: str | None) -> None:
        with self._lock:
            changed = status != state.status
            was_down = state.status in ("offline", "paper_out")
            state.status, state.detail, state.checked_at = status, detail, self.clock()
        if changed and was_down and status in ("online", "unknown"):
            state.retry_at = 0.0  # back: print the waiting tickets now, not after the backoff
            state.backoff = 0.0
        if changed and self.on_printer_status is not None:
            try:
                self.on_printer_status(state.cfg.id, status, detail)
            except Exception:
                log.exception("on_printer_status failed for %s", state.cfg.id)

    def _notify(self) -> None:
        with self._changed:
            self._version += 1
            self._changed.notify_all()

    def _job_done(self, ticket_id: str) -> None:
        if self.on_job_done is not None:
            try:
                self.on_job_done(ticket_id)
            except Exception:
                log.exception("on_job_done failed for ticket %s", ticket_id)


def _shape(job: dict[str, Any]) -> dict[str, Any]:
    return {"status": API_STATUS.get(job["status"], "queued"), "printer_id": job["printer_id"], "error": job["error"]}
