"""Print jobs off the request path, persisted in `print_jobs` so none is lost on restart.

A request queues a job inside its own transaction (the job commits with the ticket, by the
core's rules in `server.core.print_queue`), then `wait()`s a moment for the printer. One worker
thread per printer prints that printer's jobs oldest first (tickets, booking slips, test prints),
so a printer that hangs delays nobody else's, and between jobs the same thread checks the
printer's health, so a status check never competes with a ticket for its one connection.

A job is marked printed in the database once the printer has shown it took it (its
status answer after the ticket, see `printers/transports/network.py`) and is never
sent again; anything short of that proof keeps the job pending. A job whose printer is
offline, out of paper or not reading stays pending and is retried with backoff for
`retry_minutes`; after that (or on an error that retrying cannot fix) it is failed with
a message saying what to do.

The `print_jobs` table belongs to `server.core.print_queue`: this service reads due
jobs and reports each attempt through a `PrintQueue`, and writes no SQL itself.

Several processes on one database: a worker drives its printer only while this process
holds the printer's lease (`printers/lease.py`), claims each job before sending it, and
a process that does not hold a printer's lease shows the status its holder recorded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from printers import connections
from printers.connections import PrintError, Timeouts
from printers.lease import Leases
from printers.messages import say
from printers.render import render_ticket
from printers.slip import BookingSlip, render_slip
from printers.ticket import TicketPrint
from server.core.config import Printer
from server.core.print_queue import PrinterHealth, PrintQueue, job_state, slip_code

log = logging.getLogger(__name__)


class SkipPrint(Exception):
    """Raised by a builder for a job not worth printing any more (a called ticket); the job fails so."""


@dataclass(frozen=True)
class PrintSettings:
    """How the service waits and retries.

    `wait_seconds`: how long a request waits for its ticket to print before answering
    "queued"; `retry_minutes`: how long a job is retried before it fails; `health_seconds`:
    between health checks of an idle printer; `backoff_seconds`: the first and the longest
    pause between attempts on a printer that is down; `poll_seconds`: how often a worker looks
    for jobs it was not woken for (queued by another process); `lease_seconds`: how long a
    printer's lease lasts unrenewed, so how long a printer waits when its process dies.
    """

    data_dir: Path
    wait_seconds: float = 0.8
    retry_minutes: float = 10
    health_seconds: float = 15.0
    timeouts: Timeouts = field(default_factory=Timeouts)
    backoff_seconds: tuple[float, float] = (1.0, 15.0)
    poll_seconds: float = 2.0
    lease_seconds: float = 5.0


@dataclass
class _PrinterState:
    """One printer's worker and what we last knew about the printer."""

    cfg: Printer
    status: str = "unknown"
    detail: str | None = say("not_checked")
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

    def __init__(self, queue: PrintQueue, printers: dict[str, Printer],
                 build_ticket: Callable[[str | None, str], TicketPrint], settings: PrintSettings,
                 build_slip: Callable[[str, str], BookingSlip] | None = None) -> None:
        """`build_ticket(ticket_id, lang)` (None: a test print) and `build_slip(code, lang)` gather
        what goes on the paper, at print time."""
        self.queue = queue
        self.build_ticket = build_ticket
        self.build_slip = build_slip
        self.settings = settings
        self._lock = threading.Lock()
        self._changed = threading.Condition()  # notified whenever a job attempt ends
        self._version = 0
        self._states = {pid: _PrinterState(cfg) for pid, cfg in printers.items()}
        self._sent: set[int] = set()  # printed but not yet recorded (only if the DB failed)
        self._running = False
        self.leases = Leases(queue, settings.lease_seconds, self._leases_renewed)

    # -- the request side -------------------------------------------------------

    def health(self, printer_id: str) -> PrinterHealth:
        """What a job queued now for this printer should say (the core's rules ask)."""
        with self._lock:
            state = self._states.get(printer_id)
            if state is None:
                return PrinterHealth(running=False)
            return PrinterHealth(True, state.detail if state.status in ("offline", "paper_out") else None)

    def wait(self, job_id: int) -> dict[str, Any]:
        """After commit: wake the printer's worker and wait at most `wait_seconds` for the job.

        Returns early as "queued" once an attempt failed and the job waits for a retry.
        """
        job = self.queue.job(job_id)
        if job is None:
            return {"status": "failed", "printer_id": None, "error": f"There is no print job {job_id}"}
        with self._lock:
            state = self._states.get(job["printer_id"])
        if state is not None:
            state.wake.set()
        deadline = time.monotonic() + self.settings.wait_seconds
        # Driven by another process: nothing here is notified, so look every 50 ms.
        elsewhere = state is not None and not self.leases.holds(state.cfg.id)
        while True:
            with self._changed:
                version = self._version  # read before the job, so no notification slips between
            job = self.queue.job(job_id) or job
            if job["status"] != "pending" or job["attempts"] > 0:
                break
            left = deadline - time.monotonic()
            if left <= 0 or (state is not None and state.retry_at > time.monotonic() + left):
                break  # its printer is known to be down: no point in waiting
            if elsewhere and state is not None and state.status in ("offline", "paper_out"):
                break
            with self._changed:
                if self._version == version:
                    self._changed.wait(min(left, 0.05) if elsewhere else left)
        answer = job_state(job)
        if answer["status"] == "queued" and answer["error"] is None and state is not None:
            answer["error"] = (f"Printer {connections.describe(state.cfg)} has not confirmed this ticket yet; "
                               "it prints by itself as soon as the printer takes it")
        return answer

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
        self.leases.start(list(self._states), self._held_statuses)
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
        self.leases.stop()

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
        if self._running:
            self.leases.renew(list(printers))
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
            until = min(state.health_at, now + self.settings.poll_seconds)
            if pending:
                until = min(until, state.retry_at)
            state.wake.wait(max(0.0, until - now))

    def _step(self, state: _PrinterState) -> bool:
        """Check health if due, then print the oldest due job; True while jobs wait.

        Only while this process holds the printer's lease: otherwise another drives it."""
        if not self.leases.holds(state.cfg.id):
            return False
        if time.monotonic() >= state.health_at:
            result = connections.check_status(state.cfg, timeouts=self.settings.timeouts, abort=state.stop)
            state.health_at = time.monotonic() + self.settings.health_seconds
            if state.stop.is_set():
                return False
            self._set_status(state, *result)
            if result[0] in ("offline", "paper_out"):
                # Known down: let tickets wait (and wait() answer "queued" at once) rather
                # than spend another connect timeout on each of them.
                pause = max(state.backoff, self.settings.backoff_seconds[0])
                state.retry_at = max(state.retry_at, time.monotonic() + pause)
        self._expire(state)
        with self._lock:
            sent = set(self._sent)
        if state.stop.is_set():
            return False
        if time.monotonic() < state.retry_at:
            return self.queue.next_job(state.cfg.id, skip=sent) is not None
        job = self.queue.claim(state.cfg.id, self.leases.holder, skip=sent)
        if job is None:
            return False
        try:
            self._attempt(state, job)
        except BaseException:
            self.queue.unclaim(job["id"], self.leases.holder)  # a bug must not leave the job claimed forever
            raise
        state.wake.set()  # look again at once: the next job, if any, is due now
        return True

    def _attempt(self, state: _PrinterState, job: dict[str, Any]) -> None:
        cfg = state.cfg
        try:
            data, label, zone = self._render(job, cfg)
        except SkipPrint as exc:
            self._finish(job, "failed", str(exc))
            return
        except Exception as exc:
            log.exception("Ticket %s could not be rendered", job["ticket_id"])
            self._finish(job, "failed", f"The ticket could not be prepared for printing: {exc}")
            return
        try:
            delivery = connections.send(
                cfg, data, self.settings.data_dir, label=label, job_id=job["id"],
                when=datetime.now(zone), timeouts=self.settings.timeouts, abort=state.stop,
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

    def _render(self, job: dict[str, Any], cfg: Printer) -> tuple[bytes, str, tzinfo | None]:
        """The job's bytes, its label (a file printer's file name) and the site's timezone."""
        if (code := slip_code(job)) is not None:  # a booking slip
            if self.build_slip is None:
                raise SkipPrint("Booking slips are not printed by this server.")
            slip = self.build_slip(code, job["lang"])
            return render_slip(slip, cfg.width_mm, cfg.profile), f"booking-{slip.code}", slip.start.tzinfo
        ticket = self.build_ticket(job["ticket_id"], job["lang"])
        return render_ticket(ticket, cfg.width_mm, cfg.profile), ticket.number, ticket.issued_at.tzinfo

    def _retry_later(self, state: _PrinterState, job: dict[str, Any], exc: PrintError) -> None:
        if state.stop.is_set():
            # Interrupted by stop(): not the printer's fault, the job just stays pending.
            self.queue.unclaim(job["id"], self.leases.holder)
            return
        base, ceiling = self.settings.backoff_seconds
        state.backoff = min(ceiling, max(base, state.backoff * 2))
        state.retry_at = time.monotonic() + state.backoff
        self.queue.retry_later(job["id"], exc.message, job.get("claimed_by"))
        self._set_status(state, exc.kind, exc.message)
        self._notify()

    def _finish(self, job: dict[str, Any], status: str, error: str | None) -> None:
        for attempt in range(5):  # recording a printed ticket matters: it must not print twice
            try:
                self.queue.finish(job, status, error)
                break
            except Exception:
                log.exception("Recording print job %s as %s failed (try %d)", job["id"], status, attempt + 1)
                time.sleep(0.2 * (attempt + 1))
        else:
            return  # the job stays pending but is in self._sent, so it is not sent again
        with self._lock:
            self._sent.discard(job["id"])
        self._notify()

    def _expire(self, state: _PrinterState) -> None:
        """Fail the jobs that waited longer than the retry window."""
        window = self.settings.retry_minutes * 60
        if self.queue.expire(state.cfg.id, connections.describe(state.cfg), window):
            self._notify()

    def _fail_orphans(self) -> None:
        """Fail pending jobs whose printer left the configuration."""
        with self._lock:
            ids = list(self._states)
        if self.queue.fail_orphans(ids):
            self._notify()

    # -- the leases ------------------------------------------------------------------

    def _held_statuses(self) -> dict[str, dict[str, Any]]:
        """What this process knows of the printers it drives, for the other processes."""
        return {pid: status for pid, status in self.statuses().items() if self.leases.holds(pid)}

    def _leases_renewed(self, gained: set[str], rows: dict[str, dict[str, Any]]) -> None:
        """A printer just gained is checked and worked at once; one driven by another process
        shows the status its holder recorded."""
        with self._lock:
            states = dict(self._states)
        for pid, state in states.items():
            if pid in gained:
                state.health_at = 0.0
                state.wake.set()
            elif not self.leases.holds(pid) and pid in rows:
                row = rows[pid]
                with self._lock:
                    state.status, state.detail, state.checked_at = row["status"], row["detail"], row["checked_at"]

    # -- small helpers ---------------------------------------------------------------

    def _set_status(self, state: _PrinterState, status: str, detail: str | None) -> None:
        with self._lock:
            changed = status != state.status
            was_down = state.status in ("offline", "paper_out")
            state.status, state.detail, state.checked_at = status, detail, self.queue.now()
        if changed and was_down and status in ("online", "unknown"):
            state.retry_at = 0.0  # back: print the waiting tickets now, not after the backoff
            state.backoff = 0.0
        if changed:
            try:
                self.queue.printer_changed(state.cfg.id, status, detail)
            except Exception:
                log.exception("Telling of printer %s's status failed", state.cfg.id)

    def _notify(self) -> None:
        with self._changed:
            self._version += 1
            self._changed.notify_all()
